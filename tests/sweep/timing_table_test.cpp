// TimingTable (the dry run's measured and inferred times per workload group and architecture class) and
// extrapolate_seconds (the dry run's estimate from them).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sweep/timing_table.h"
#include "test_point.h"

namespace eyesim::sweep {
namespace {
using testing::test_point;
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("extrapolate_seconds: data prepared once per workload, cold once per workload and array, warm after") {
    std::vector<DesignPoint> points = {
        test_point("eyeriss_v2", "sparse_mobilenet", 1),        // workload A, 192 PEs: prepare + cold
        test_point("eyeriss_v2", "sparse_mobilenet", 1),        // A again, same array: warm
        test_point("eyeriss_v2_1024", "sparse_mobilenet", 1),   // A on another array (same class): cold
        test_point("eyeriss_v2", "sparse_mobilenet", 2),        // workload B (another seed): prepare + cold
        test_point("eyeriss_v2", "resnet50", 1),                // not measured: inferred
        test_point("eyeriss_v2", "sparse_mobilenet", 3),        // an invalid point: nothing
    };
    points[5].invalid.push_back("arch.array.pe_rows must be positive");
    const std::vector<double> costs = {1, 1, 4, 1, 10, 1};
    const std::vector<std::uint64_t> all = {0, 1, 2, 3, 4, 5};
    TimingTable timings;
    timings.add(points[0], Probe{.cost = 1, .warm = 1, .cold = 3, .prepare = 100});  // one point: exponent 1
    // resnet50, the measured pair's class and an unmeasured network: the mean network's scale (warm 1,
    // cold 3) and the mean preparation.
    const GroupTiming inferred = timings.timing_of(points[4]);
    CHECK(inferred.warm.seconds(10) == doctest::Approx(10));
    CHECK(inferred.cold.seconds(10) == doctest::Approx(30));
    CHECK(inferred.prepare_seconds == doctest::Approx(100));
    // A: 100 + 3 + 1 + 3 x 4; B: 100 + 3; resnet50: 100 + 3 x 10.
    const double expected = (100 + 3 + 1 + 12) + (100 + 3) + (100 + 30);
    CHECK(extrapolate_seconds(points, all, costs, timings, 1) == doctest::Approx(expected));
    CHECK(extrapolate_seconds(points, all, costs, timings, 2) == doctest::Approx(expected / 2));
    CHECK(extrapolate_seconds(points, all, costs, TimingTable{}, 1) == 0);  // nothing measured: nothing known
    // A shard of points 2 and 4: A on 1024 PEs (prepare + cold 12) and resnet50 (100 + 30).
    CHECK(extrapolate_seconds(points, {2, 4}, costs, timings, 1) == doctest::Approx((100 + 12) + (100 + 30)));
  }

  TEST_CASE("TimingTable: a group's growth with the cost, fitted on two points, holds for its other pairs") {
    const DesignPoint v2 = test_point("eyeriss_v2", "sparse_mobilenet"), jssc = test_point("eyeriss_v1_jssc", "sparse_mobilenet");
    TimingTable timings;
    CHECK_FALSE(timings.has_exponents(v2));
    // On v2: 1 s at cost 1, 4 s at cost 16 (warm; cold twice that): time grows as the cost's square root.
    timings.add(v2, Probe{.cost = 1, .warm = 1, .cold = 2, .prepare = 5}, Probe{.cost = 16, .warm = 4, .cold = 8, .prepare = 5});
    CHECK(timings.has_exponents(jssc));  // the same workload group
    CHECK(timings.timing_of(v2).warm.exponent == doctest::Approx(0.5));
    CHECK(timings.timing_of(v2).cold.seconds(16) == doctest::Approx(8));
    // The JSSC chip, probed at one point (3 s at cost 1), grows alike: 12 s at cost 16, not 48.
    timings.add(jssc, Probe{.cost = 1, .warm = 3, .cold = 6, .prepare = 5});
    CHECK(timings.timing_of(jssc).warm.seconds(16) == doctest::Approx(12));
    // A class nothing measured: the network's level (geometric mean of 1 and 3), at the group's growth.
    CHECK(timings.timing_of(test_point("eyeriss_v1_5", "sparse_mobilenet")).warm.seconds(16) == doctest::Approx(std::sqrt(3.0) * 4));
    // A network nothing measured: the mean growth of the fitted groups.
    CHECK(timings.timing_of(test_point("eyeriss_v2", "alexnet")).warm.exponent == doctest::Approx(0.5));
  }

  TEST_CASE("TimingTable infers an unmeasured pair from its network on other classes and its class with other networks") {
    const DesignPoint a_v2 = test_point("eyeriss_v2", "sparse_mobilenet"), b_v2 = test_point("eyeriss_v2", "alexnet");
    const DesignPoint a_jssc = test_point("eyeriss_v1_jssc", "sparse_mobilenet"), b_jssc = test_point("eyeriss_v1_jssc", "alexnet");
    TimingTable timings;
    // Seconds per unit of cost (no growth fitted: exponent 1): sparse MobileNet 1 on v2 and 3 on the JSSC
    // chip; AlexNet 2 on v2. Measured at different costs: compared per unit of cost.
    timings.add(a_v2, Probe{.cost = 4, .warm = 4, .cold = 8, .prepare = 7});
    timings.add(b_v2, Probe{.cost = 1, .warm = 2, .cold = 4, .prepare = 9});
    timings.add(a_jssc, Probe{.cost = 2, .warm = 6, .cold = 12, .prepare = 7});
    REQUIRE(timings.size() == 3);
    // AlexNet on the JSSC chip: 2 x (3 / 1) = 6 per unit of cost (the mean of the three would be 2).
    const GroupTiming inferred = timings.timing_of(b_jssc);
    CHECK(inferred.warm.exponent == 1);
    CHECK(inferred.warm.seconds(1) == doctest::Approx(6.0));
    CHECK(inferred.cold.seconds(1) == doctest::Approx(12.0));
    CHECK(inferred.prepare_seconds == doctest::Approx(9.0));  // AlexNet's own preparation
    // A class nothing measured: the network's level, no class term (the classes' terms average to zero):
    // sparse MobileNet sqrt(1 x 3) = 1.73 per unit, its geometric mean over v2 and the JSSC chip.
    CHECK(timings.timing_of(test_point("eyeriss_v1_scaled", "sparse_mobilenet")).warm.seconds(1) == doctest::Approx(std::sqrt(3.0)));
    // A network nothing measured, on v2: the mean network level, sqrt(sqrt(3) x 2 sqrt(3)) = sqrt(6), times
    // v2's factor, 1 / sqrt(3) (v2 is sqrt(3) cheaper than the classes' mean): sqrt(2) per unit of cost.
    CHECK(timings.timing_of(test_point("eyeriss_v2", "resnet50")).warm.seconds(1) == doctest::Approx(std::sqrt(2.0)));
  }

  TEST_CASE("TimingTable infers a workload at an unmeasured density from its network at other densities") {
    // With a sampled density every point is its own workload group. An unmeasured one took the mean of the
    // measured groups, all of the costliest network: a cheap network's points were charged its cost (the
    // estimate was 2x the run; helper-56). Now it takes its network's: AlexNet 10 per unit of cost, the
    // example network 1.
    TimingTable timings;
    timings.add(test_point("eyeriss_v2", "alexnet", 1, 0.5), Probe{.cost = 1, .warm = 10, .cold = 20, .prepare = 50});
    timings.add(test_point("eyeriss_v2", "alexnet", 1, 0.6), Probe{.cost = 1, .warm = 10, .cold = 20, .prepare = 50});
    timings.add(test_point("eyeriss_v2", "example.toml", 1, 0.5), Probe{.cost = 1, .warm = 1, .cold = 2, .prepare = 1});
    const GroupTiming t = timings.timing_of(test_point("eyeriss_v2", "example.toml", 1, 0.7));
    CHECK(t.warm.seconds(1) == doctest::Approx(1.0));
    CHECK(t.cold.seconds(1) == doctest::Approx(2.0));
    CHECK(t.prepare_seconds == doctest::Approx(1.0));
    CHECK(timings.timing_of(test_point("eyeriss_v2", "alexnet", 1, 0.9)).warm.seconds(1) == doctest::Approx(10.0));
    // Its network's growth too: AlexNet's groups measured at two points grow as cost^2, the example
    // network's as cost^0.5; an unmeasured AlexNet density takes 2, not their mean (helper-59).
    TimingTable grown;
    grown.add(test_point("eyeriss_v2", "alexnet", 1, 0.5), Probe{.cost = 1, .warm = 1, .cold = 1, .prepare = 1},
              Probe{.cost = 4, .warm = 16, .cold = 16, .prepare = 1});
    grown.add(test_point("eyeriss_v2", "example.toml", 1, 0.5), Probe{.cost = 1, .warm = 1, .cold = 1, .prepare = 1},
              Probe{.cost = 4, .warm = 2, .cold = 2, .prepare = 1});
    CHECK(grown.timing_of(test_point("eyeriss_v2", "alexnet", 1, 0.8)).warm.exponent == doctest::Approx(2.0));
    CHECK(grown.timing_of(test_point("eyeriss_v2", "example.toml", 1, 0.8)).cold.exponent == doctest::Approx(0.5));
    CHECK(workload_network("alexnet|1|1|0.5") == "alexnet|1");
    CHECK(workload_network("a|b.toml|4|1|0.5") == "a|b.toml|4");
  }

  TEST_CASE("TimingTable's fit is the least-squares one when the measured pairs disagree") {
    // Two networks on two classes, 1 and 2 s on v2, 3 and 5 s on the JSSC chip: no workload + class model
    // fits all four (it would give 6 for the last). Least squares in log space, balanced: a network's
    // level is its geometric mean over the classes, a class's factor its geometric mean over the networks
    // against the grand mean.
    TimingTable timings;
    timings.add(test_point("eyeriss_v2", "sparse_mobilenet"), Probe{.cost = 1, .warm = 1, .cold = 1, .prepare = 1});
    timings.add(test_point("eyeriss_v2", "alexnet"), Probe{.cost = 1, .warm = 2, .cold = 2, .prepare = 1});
    timings.add(test_point("eyeriss_v1_jssc", "sparse_mobilenet"), Probe{.cost = 1, .warm = 3, .cold = 3, .prepare = 1});
    timings.add(test_point("eyeriss_v1_jssc", "alexnet"), Probe{.cost = 1, .warm = 5, .cold = 5, .prepare = 1});
    // sparse MobileNet on an unmeasured class: sqrt(1 x 3).
    CHECK(timings.timing_of(test_point("eyeriss_v1_5", "sparse_mobilenet")).warm.seconds(1) == doctest::Approx(std::sqrt(3.0)));
    // An unmeasured network on v2: the grand mean times v2's factor, i.e. v2's geometric mean sqrt(1 x 2).
    CHECK(timings.timing_of(test_point("eyeriss_v2", "resnet50")).warm.seconds(1) == doctest::Approx(std::sqrt(2.0)));
  }

  TEST_CASE("TimingTable: a measured time of 0 (a coarse clock) gives finite times") {
    TimingTable timings;
    timings.add(test_point("eyeriss_v2", "sparse_mobilenet"), Probe{.cost = 1, .warm = 0, .cold = 0, .prepare = 0},
                Probe{.cost = 8, .warm = 0, .cold = 1e-3, .prepare = 0});
    const GroupTiming t = timings.timing_of(test_point("eyeriss_v1_jssc", "alexnet"));
    CHECK(std::isfinite(t.warm.seconds(100)));
    CHECK(std::isfinite(t.cold.seconds(100)));
    CHECK(t.warm.seconds(100) >= 0);
  }
}

}  // namespace eyesim::sweep

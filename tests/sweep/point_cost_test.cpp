// estimated_costs (the a-priori cost of a sweep's points) and extrapolate_seconds (the dry run's estimate
// from measured points).
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "hw/presets.h"
#include "sweep/network_file.h"
#include "sweep/point_cost.h"
#include "test_point.h"
#include "workloads/network.h"

namespace eyesim::sweep {
namespace {
using testing::test_point;
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("estimated_costs follows what simulation time measurably depends on") {
    // Measured (docs/sweeps.md, "What a point costs"): time grows with the network's MACs (sparse MobileNet
    // 9 ms, ResNet-50 170 ms on eyeriss_v2) and with the array beyond 192 PEs (16384 PEs: 5-10x), not
    // inversely with it, as the old MACs / PEs had it (a 16384-PE point 85x cheaper than a 192-PE one).
    const auto c = estimated_costs({test_point("eyeriss_v2", "sparse_mobilenet"), test_point("eyeriss_v2", "resnet50"),
                                    test_point("eyeriss_v2_16384", "sparse_mobilenet"), test_point("eyeriss_v2_1024", "sparse_mobilenet"),
                                    test_point("eyeriss_v1_jssc", "sparse_mobilenet"), test_point("eyeriss_v2", "sparse_mobilenet", 1, 0.5)});
    REQUIRE(c.size() == 6);
    for (double x : c) CHECK(x > 0);
    CHECK(c[1] > 10 * c[0]);                // ResNet-50 (4.1 G MACs) against sparse MobileNet (49 M)
    CHECK(c[1] < 83 * c[0]);                // but less than in proportion to the MACs
    CHECK(c[2] > 5 * c[0]);                 // 16384 PEs cost more than 192 ...
    CHECK(c[3] > c[0]);
    CHECK(c[2] > c[3]);
    CHECK(c[4] == doctest::Approx(c[0]));   // ... and below 192 PEs (the JSSC chip's 168) about the same
    CHECK(c[5] < c[0]);                     // a lower density scale, less
  }

  TEST_CASE("estimated_costs reads a network file once for its MACs, and an unreadable one does not throw") {
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("eyesim_point_cost_{}", ::getpid());
    std::filesystem::create_directories(dir);
    const std::string file = (dir / "net.toml").string();
    std::ofstream(file) << network_to_toml(*workloads::builtin_network("sparse_mobilenet"));
    const auto c = estimated_costs({test_point("eyeriss_v2", "sparse_mobilenet"), test_point("eyeriss_v2", file),
                                    test_point("eyeriss_v2", (dir / "missing.toml").string())});
    CHECK(c[1] == doctest::Approx(c[0]));  // the file's MACs, not a guess
    CHECK(c[2] > 0);
    std::filesystem::remove_all(dir);
  }

  TEST_CASE("extrapolate_seconds: data prepared once per workload, cold once per workload and array, warm after") {
    using Curve = GroupTiming::Curve;
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
    TimingTable timings;
    timings.add(points[0], 1.0, {Curve{1.0, 1.0}, Curve{3.0, 0.5}, 100.0});  // warm = cost, cold = 3 sqrt(cost)
    // resnet50, the only measured pair's class and an unmeasured network: the mean network's seconds per
    // unit of cost at the measured cost (warm 1, cold 3), and the mean preparation.
    const GroupTiming inferred = timings.timing_of(points[4]);
    CHECK(inferred.warm.seconds(10) == doctest::Approx(10));
    CHECK(inferred.cold.seconds(10) == doctest::Approx(30));
    CHECK(inferred.prepare_seconds == doctest::Approx(100));
    // A: 100 + 3 + 1 + 3 x 2; B: 100 + 3; resnet50: 100 + 3 x 10.
    const double expected = (100 + 3 + 1 + 6) + (100 + 3) + (100 + 30);
    CHECK(extrapolate_seconds(points, costs, timings, 1) == doctest::Approx(expected));
    CHECK(extrapolate_seconds(points, costs, timings, 2) == doctest::Approx(expected / 2));
    CHECK(extrapolate_seconds(points, costs, TimingTable{}, 1) == 0);  // nothing measured: nothing known
  }

  TEST_CASE("workload groups take any seed; architecture classes are the NoC, the PE kind and the DRAM bandwidth's octave") {
    CHECK(workload_group(test_point("eyeriss_v2", "sparse_mobilenet", 1)) == workload_group(test_point("eyeriss_v2", "sparse_mobilenet", 2)));
    CHECK(workload_group(test_point("eyeriss_v2", "sparse_mobilenet", 1)) !=
          workload_group(test_point("eyeriss_v2", "sparse_mobilenet", 1, 0.5)));  // density scales do not
    // The array size is the cost heuristic's, not a class: the scaled v2 arrays share eyeriss_v2's.
    CHECK(arch_class(*hw::preset("eyeriss_v2")).label() == "hierarchical_mesh/sparse");
    CHECK(arch_class(*hw::preset("eyeriss_v2_16384")).label() == "hierarchical_mesh/sparse");
    CHECK(arch_class(*hw::preset("eyeriss_v1_5")).label() == "hierarchical_mesh/dense");
    CHECK(arch_class(*hw::preset("eyeriss_v1_scaled")).label() == "flat_multicast/dense");
    CHECK(arch_class(*hw::preset("eyeriss_v1_jssc")).label() == "flat_multicast/dense/DRAM 0.25-0.5 GB/s");
    // Bandwidths by octave: a sweep over sampled bandwidths has a few classes, not one per point.
    hw::ArchSpec a = *hw::preset("eyeriss_v2"), b = a;
    a.dram.bandwidth_gbps = 16.0;
    b.dram.bandwidth_gbps = 31.9;
    CHECK(arch_class(a) == arch_class(b));
    CHECK(arch_class(a).label() == "hierarchical_mesh/sparse/DRAM 16-32 GB/s");
    b.dram.bandwidth_gbps = 32.0;
    CHECK(arch_class(a) != arch_class(b));
    CHECK(arch_class(a) != arch_class(*hw::preset("eyeriss_v2")));  // unlimited
  }

  TEST_CASE("TimingTable infers an unmeasured pair from its network on other classes and its class with other networks") {
    using Curve = GroupTiming::Curve;
    const DesignPoint a_v2 = test_point("eyeriss_v2", "sparse_mobilenet"), b_v2 = test_point("eyeriss_v2", "alexnet");
    const DesignPoint a_jssc = test_point("eyeriss_v1_jssc", "sparse_mobilenet"), b_jssc = test_point("eyeriss_v1_jssc", "alexnet");
    TimingTable timings;
    // Seconds per unit of cost: sparse MobileNet 1 on v2 and 3 on the JSSC chip; AlexNet 2 on v2. Measured
    // at different costs, with exponents other than 1: compared at each one's own cost.
    timings.add(a_v2, 4.0, {Curve{0.5, 1.5}, Curve{1.0, 1.5}, 7.0});   // 0.5 x 4^1.5 = 4 s: 1 per unit
    timings.add(b_v2, 1.0, {Curve{2.0, 2.0}, Curve{4.0, 2.0}, 9.0});   // 2 s at cost 1
    timings.add(a_jssc, 2.0, {Curve{1.5, 2.0}, Curve{3.0, 2.0}, 7.0});  // 6 s at cost 2: 3 per unit
    REQUIRE(timings.size() == 3);
    // AlexNet on the JSSC chip: 2 x (3 / 1) = 6 per unit of cost (the mean of the three would be 2).
    const GroupTiming inferred = timings.timing_of(b_jssc);
    CHECK(inferred.warm.exponent == 1);
    CHECK(inferred.warm.seconds(1) == doctest::Approx(6.0));
    CHECK(inferred.cold.seconds(1) == doctest::Approx(12.0));
    CHECK(inferred.prepare_seconds == doctest::Approx(9.0));  // AlexNet's own preparation
    // A measured pair is its own curve.
    CHECK(timings.timing_of(a_v2).warm.exponent == 1.5);
    // A class nothing measured: the network's level, no class term (the classes' terms average to zero):
    // sparse MobileNet sqrt(1 x 3) = 1.73 per unit, its geometric mean over v2 and the JSSC chip.
    CHECK(timings.timing_of(test_point("eyeriss_v1_scaled", "sparse_mobilenet")).warm.seconds(1) == doctest::Approx(std::sqrt(3.0)));
    // A network nothing measured, on v2: the mean network level, sqrt(sqrt(3) x 2 sqrt(3)) = sqrt(6), times
    // v2's factor, 1 / sqrt(3) (v2 is sqrt(3) cheaper than the classes' mean): sqrt(2) per unit of cost.
    CHECK(timings.timing_of(test_point("eyeriss_v2", "resnet50")).warm.seconds(1) == doctest::Approx(std::sqrt(2.0)));
  }
}

}  // namespace eyesim::sweep

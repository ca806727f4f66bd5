// estimated_costs (the a-priori cost of a sweep's points) and extrapolate_seconds (the dry run's estimate
// from measured points).
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
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
        test_point("eyeriss_v2_1024", "sparse_mobilenet", 1),   // A on another array: cold
        test_point("eyeriss_v2", "sparse_mobilenet", 2),        // workload B (another seed): prepare + cold
        test_point("eyeriss_v2", "resnet50", 1),                // no timing of its own: the fallback's
        test_point("eyeriss_v2", "sparse_mobilenet", 3),        // an invalid point: nothing
    };
    points[5].invalid.push_back("arch.array.pe_rows must be positive");
    const std::vector<double> costs = {1, 1, 4, 1, 10, 1};
    std::map<std::string, GroupTiming> timings;
    timings[timing_key(points[0])] = {Curve{1.0, 1.0}, Curve{3.0, 0.5}, 100.0};  // warm = cost, cold = 3 sqrt(cost)
    const GroupTiming fallback{Curve{2.0, 1.0}, Curve{5.0, 1.0}, 7.0};
    // A: 100 + 3 + 1 + 3 x 2; B: 100 + 3; resnet50: 7 + 5 x 10.
    const double expected = (100 + 3 + 1 + 6) + (100 + 3) + (7 + 50);
    CHECK(extrapolate_seconds(points, costs, timings, fallback, 1) == doctest::Approx(expected));
    CHECK(extrapolate_seconds(points, costs, timings, fallback, 2) == doctest::Approx(expected / 2));
    CHECK(timing_key(points[0]) == timing_key(points[3]));  // seeds share a group ...
    CHECK(timing_key(points[0]) != timing_key(test_point("eyeriss_v2", "sparse_mobilenet", 1, 0.5)));  // density scales do not
  }
}

}  // namespace eyesim::sweep

// estimated_costs (the a-priori cost of a sweep's points), workload groups and architecture classes.
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

  TEST_CASE("workload groups take any seed, and architecture classes are the NoC, the PE kind and the DRAM bandwidth's octave") {
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

}

}  // namespace eyesim::sweep

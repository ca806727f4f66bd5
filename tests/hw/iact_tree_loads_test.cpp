// The placement the chip and the mapper share, and the iact tree loads the mapper's estimate counts.
#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <vector>

#include "hw/iact_tree_loads.h"
#include "hw/mapper.h"
#include "hw/placement.h"
#include "hw/presets.h"
#include "hw/simulate.h"
#include "one_layer.h"

namespace eyesim::hw {
namespace {

/// eyeriss_v2 re-arranged as 4 x 4 clusters of one 4-PE column each, with narrow iact ports: a lane of
/// k_m chains of 4 PEs spans k_m clusters, and its 4 reduction slots' rows all cross the same mesh links.
ArchSpec one_column_clusters() {
  ArchSpec arch = *preset("eyeriss_v2");
  arch.array.cluster_rows = 4;
  arch.array.cluster_cols = 4;
  arch.array.pe_rows = 4;
  arch.array.pe_cols = 1;
  arch.noc.iact_routers = 4;
  arch.noc.weight_routers = 4;
  arch.noc.psum_routers = 1;
  arch.noc.iact_port_bits = 8;
  return arch;
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("the placement puts chains up one PE column, bottom up, columns cluster by cluster, and the chip uses it") {
    const ArchSpec v2 = *preset("eyeriss_v2");  // 3-row PE columns
    const Placement threes(v2, 3, 2, 1, 6);          // one chain per column
    CHECK(threes.pe(0, 0, 0) == 0);
    CHECK(threes.pe(0, 1, 2) == 3 + 2);         // chain 1: the next column
    CHECK(threes.pe(1, 0, 0) == 2 * 3);         // lane 1 = chains 2, 3
    const Placement ones(v2, 1, 1, 2, 6);            // three chains per column; lane slot = pos_i x k_g + g_i
    CHECK(ones.lane_slot(1, 1) == 3);
    CHECK(ones.pe(1, 1, 0, 0) == 3);            // chain 3: the bottom of the second column
    const Placement twos(v2, 2, 1, 1, 6);            // one chain of 2 per 3-row column: the top PE stays idle
    CHECK(twos.pe(1, 0, 1) == 3 + 1);
    std::vector<std::uint32_t> lane1(2 * 3), dests(2);
    threes.lane_pes(1, lane1);
    CHECK(threes.iact_multicast(lane1, 1, dests) == 2 * 3 + 1);
    CHECK(dests == std::vector<std::uint32_t>{2 * 3 + 1, 3 * 3 + 1});

    // The chip's working PEs are exactly the placement's (dense data: every PE of every lane works).
    const auto data = workloads::prepare_network(
        testing::one_layer({.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 16, .m = 16, .h = 6, .w = 6}, 1.0,
                           1.0),
        1);
    RunOptions options;
    options.forced_mappings.push_back(MappingOverride{.layer = "", .m0 = 4, .c0 = 8, .f0 = 6, .spatial_red = 2,
                                                      .spatial_m = 4, .spatial_g = 1, .spatial_pos = 5});
    const LayerResult r = simulate_layer(v2, data->layers[0], options);
    const Placement place(v2, 2, 4, 1, 2);
    std::set<std::uint32_t> placed, working;
    for (std::uint32_t lane = 0; lane < 5; ++lane)
      for (std::uint32_t m_i = 0; m_i < 4; ++m_i)
        for (std::uint32_t red_i = 0; red_i < 2; ++red_i) placed.insert(place.pe(lane, m_i, red_i));
    for (std::uint32_t pe = 0; pe < r.traces.pe_busy_cycles.size(); ++pe)
      if (r.traces.pe_busy_cycles[pe] > 0) working.insert(pe);
    CHECK(working == placed);
  }

  TEST_CASE("iact multicasts that hold one mesh link serialise: the busiest server counts them") {
    const ArchSpec arch = one_column_clusters();
    IactTreeLoads trees(arch);
    // Chains of 4 PEs, one per cluster. A lane of 8 chains spans two cluster rows; its 4 rows (one per
    // reduction slot, each from its own iact router) all cross the same links (X along the source's cluster
    // row, then Y down each column): 4 per step. The next lane spans the next two cluster rows: still 4.
    CHECK(trees.busiest(4, 8, 40, 1) == 4);
    CHECK(trees.busiest(4, 8, 40, 2) == 4);
    // Lanes of one chain: every row stays in its cluster and has its own router: 1.
    CHECK(trees.busiest(4, 1, 40, 16) == 1);
    // Chains of 1 PE, one lane of 4 chains = one cluster's column: its one row holds one router, no link.
    CHECK(trees.busiest(1, 4, 10, 16) == 1);
    // The same counted directly with the NoC's routes.
    Noc noc(arch);
    std::vector<std::uint32_t> held(noc.servers(), 0);
    const std::uint32_t a[] = {0, 4}, b[] = {1, 5};  // clusters 0 and 1, PE rows 0 and 1
    CHECK(noc.count_held(DataType::kIact, 0, a, held) == 1);
    CHECK(noc.count_held(DataType::kIact, 1, b, held) == 2);  // its own port, but the same east link
  }

  TEST_CASE("the mapper does not pick a mapping whose iact trees serialise on a shared mesh link") {
    const ArchSpec arch = one_column_clusters();
    const workloads::LayerShape pw{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 64, .m = 64, .h = 14,
                                   .w = 14};
    const auto data = workloads::prepare_network(testing::one_layer(pw, 0.5, 0.5), 1);
    const auto& layer = data->layers[0];
    // What the mapper chose before it counted the trees: lanes of 8 one-cluster chains of 4, so every step's 4
    // rows of a lane queue on the same 8-bit links.
    const MappingOverride shared{.layer = "", .m0 = 8, .c0 = 16, .f0 = 14, .spatial_red = 4, .spatial_m = 8,
                                 .spatial_g = 1, .spatial_pos = 0};
    const Mapping chosen = map_layer(arch, layer);
    const Mapping forced = map_layer(arch, layer, &shared);
    INFO("chose ", describe(chosen), ", estimate ", chosen.estimated_cycles, "; shared links: ", describe(forced),
         ", estimate ", forced.estimated_cycles);
    CHECK(forced.estimated_cycles > chosen.estimated_cycles);
    RunOptions options;
    const LayerResult mine = simulate_layer(arch, layer, options);
    options.forced_mappings.push_back(shared);
    const LayerResult theirs = simulate_layer(arch, layer, options);
    INFO("simulated ", mine.stats.cycles, " vs ", theirs.stats.cycles, " cycles");
    CHECK(mine.stats.cycles * 3 < theirs.stats.cycles * 2);
  }
}

}  // namespace eyesim::hw

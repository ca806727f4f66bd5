// PE work-item cycles against the pipeline formula of Eyeriss v2 §IV-A.
#include <doctest/doctest.h>

#include "hand_layer.h"
#include "hw/pe_cost.h"
#include "hw/presets.h"

namespace eyesim::hw {
namespace {
using testing::HandLayer;

/// One input channel, one input column (a 1x1 conv on a 1x1 image) with M output channels.
HandLayer column_layer(std::uint32_t m) {
  HandLayer h(workloads::LayerShape{.name = "col", .kind = workloads::LayerKind::kPointwise, .c = 2, .m = m});
  return h;
}
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("a sparse PE on a dense weight column takes ceil(M / simd) cycles plus pipeline fill") {
    const ArchSpec arch = *preset("eyeriss_v2");
    HandLayer h = column_layer(5);
    for (auto& v : h.data.weights.values()) v = 3;
    h.data.iacts.at({0, 0, 0, 0}) = 7;
    h.data.iacts.at({0, 1, 0, 0}) = 0;
    h.finish();
    PeCostModel model(arch, h.data);
    WeightTileCost tile;
    model.weight_tile(0, 0, 5, 0, 2, 0, tile);
    const WorkItemCost c = model.work_item(WorkItem{0, 0, 0, 5, 0, 2, 0, 0, 0, 1}, tile);
    CHECK(c.cycles == (5 + 1) / 2 + (arch.pe.pipeline_stages - 1));
    CHECK(c.macs_effectual == 5);
    CHECK(c.mac_slots == 6);  // odd count: the last SIMD word is half empty
    CHECK(c.zero_iacts_skipped == 1);
    CHECK(c.nonzero_iacts == 1);
  }

  TEST_CASE("a sparse PE stores, moves and walks a run of more than 15 zeros as explicit zero entries") {
    // One non-zero per 32-channel column: at channel 0 it is one CSC entry; at channel 31 the 4-bit count
    // holds 15 of its 31 leading zeros, so a zero-valued entry carries 16 of them first (workloads/csc.h).
    // Counting the non-zero alone had moved the second tile in the bits of the first (helper-61).
    const ArchSpec arch = *preset("eyeriss_v2");
    for (const std::uint32_t channel : {0u, 15u, 16u, 31u}) {
      CAPTURE(channel);
      HandLayer h = column_layer(32);
      h.data.weights.at({0, channel, 0, 0, 0}) = 5;
      h.data.weights.at({0, channel, 1, 0, 0}) = 6;
      h.data.iacts.at({0, 0, 0, 0}) = 7;
      h.finish();
      PeCostModel model(arch, h.data);
      WeightTileCost tile;
      model.weight_tile(0, 0, 32, 0, 2, 0, tile);
      const std::uint64_t entries = channel < 16 ? 1 : 2;  // per column
      CHECK(tile.nnz == 2);
      CHECK(tile.entries == 2 * entries);
      CHECK(tile.words == 2);  // 1 or 2 entries: one word of simd_width = 2 pairs per column
      CHECK(tile.bits == 2 * entries * (arch.pe.weight_data_bits / arch.pe.simd_width) + 2 * arch.pe.weight_addr_bits);
      const WorkItemCost c = model.work_item(WorkItem{0, 0, 0, 32, 0, 2, 0, 0, 0, 1}, tile);
      CHECK(c.macs_effectual == 1);
      // The same from the tile-count table the chip reads (m0 = 32 keeps its own entries).
      PeCostModel tabled(arch, h.data, 32);
      WeightTileCost from_table;
      tabled.weight_tile(0, 0, 32, 0, 2, 0, from_table);
      CHECK(from_table.entries == tile.entries);
      CHECK(from_table.bits == tile.bits);
    }
    // With one pair per word the zero entry takes a word, and a MAC cycle, of its own.
    ArchSpec scalar = arch;
    scalar.pe.simd_width = 1;
    scalar.pe.weight_data_bits = 12;
    HandLayer h = column_layer(32);
    h.data.weights.at({0, 31, 0, 0, 0}) = 5;
    h.data.iacts.at({0, 0, 0, 0}) = 7;
    h.finish();
    PeCostModel model(scalar, h.data);
    WeightTileCost tile;
    model.weight_tile(0, 0, 32, 0, 2, 0, tile);
    CHECK(tile.words == 2);
    const WorkItemCost c = model.work_item(WorkItem{0, 0, 0, 32, 0, 2, 0, 0, 0, 1}, tile);
    CHECK(c.cycles == 2 + (scalar.pe.pipeline_stages - 1));
    CHECK(c.macs_effectual == 1);
  }

  TEST_CASE("an input row segment of more than 16 channels carries a run of more than 15 zero iacts in zero entries") {
    // The segment of one input column is its c0 channels: one non-zero at channel 31 of 32 is two CSC
    // entries. (c0 > 16 needs more weight address entries than a V2 PE has.)
    ArchSpec arch = *preset("eyeriss_v2");
    arch.pe.weight_addr_entries = 32;
    for (const std::uint32_t channel : {0u, 16u, 31u}) {
      CAPTURE(channel);
      HandLayer h(workloads::LayerShape{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 32, .m = 2, .w = 3});
      for (auto& v : h.data.weights.values()) v = 3;
      h.data.iacts.at({0, channel, 0, 1}) = 7;  // column 1 of 3
      h.data.iacts.at({0, 0, 0, 2}) = 1;        // column 2: one entry
      h.finish();
      PeCostModel model(arch, h.data);
      WeightTileCost tile;
      model.weight_tile(0, 0, 2, 0, 32, 0, tile);
      const WorkItemCost c = model.work_item(WorkItem{0, 0, 0, 2, 0, 32, 0, 0, 0, 3}, tile);
      const std::uint64_t entries = (channel < 16 ? 1 : 2) + 1;
      CHECK(c.iact_bits == entries * arch.pe.iact_data_bits + 3 * arch.pe.iact_addr_bits);
      CHECK(c.nonzero_iacts == entries);  // the iact SPad reads: a zero entry is read and passed over
      CHECK(c.macs_effectual == 4);
    }
  }

  TEST_CASE("zero iacts cost no MAC cycle on a sparse PE, but the window's one segment costs its address read") {
    ArchSpec arch = *preset("eyeriss_v2");
    REQUIRE(arch.pe.iact_segment_cycle);
    HandLayer h = column_layer(8);
    for (auto& v : h.data.weights.values()) v = 1;
    h.finish();  // all iacts zero
    PeCostModel model(arch, h.data);
    WeightTileCost tile;
    model.weight_tile(0, 0, 8, 0, 2, 0, tile);
    const WorkItemCost c = model.work_item(WorkItem{0, 0, 0, 8, 0, 2, 0, 0, 0, 1}, tile);
    CHECK(c.cycles == 1 + (arch.pe.pipeline_stages - 1));  // one segment (2 channels x 1 column), empty
    CHECK(c.segment_cycles == 1);
    CHECK(c.macs_effectual == 0);
    CHECK(c.zero_iacts_skipped == 2);
    arch.pe.iact_segment_cycle = false;
    PeCostModel free_segments(arch, h.data);
    CHECK(free_segments.work_item(WorkItem{0, 0, 0, 8, 0, 2, 0, 0, 0, 1}, tile).cycles == arch.pe.pipeline_stages - 1);
  }

  TEST_CASE("a non-zero iact on an empty weight column costs nothing unless the bubble option is set") {
    ArchSpec arch = *preset("eyeriss_v2");
    arch.pe.iact_segment_cycle = false;  // the MAC stage alone
    HandLayer h = column_layer(4);
    h.data.iacts.at({0, 0, 0, 0}) = 1;
    h.finish();  // all weights zero
    WeightTileCost tile;
    PeCostModel model(arch, h.data);
    model.weight_tile(0, 0, 4, 0, 2, 0, tile);
    CHECK(model.work_item(WorkItem{0, 0, 0, 4, 0, 2, 0, 0, 0, 1}, tile).cycles == arch.pe.pipeline_stages - 1);
    arch.pe.empty_column_bubble = true;
    PeCostModel bubbly(arch, h.data);
    bubbly.weight_tile(0, 0, 4, 0, 2, 0, tile);
    CHECK(bubbly.work_item(WorkItem{0, 0, 0, 4, 0, 2, 0, 0, 0, 1}, tile).cycles == arch.pe.pipeline_stages);
  }

  TEST_CASE("a dense PE walks every slot whatever the values") {
    const ArchSpec arch = *preset("eyeriss_v1_scaled");
    HandLayer h = column_layer(6);
    h.data.iacts.at({0, 0, 0, 0}) = 2;
    h.data.weights.at({0, 1, 0, 0, 0}) = 2;
    h.finish();
    PeCostModel model(arch, h.data);
    WeightTileCost tile;
    model.weight_tile(0, 0, 6, 0, 2, 0, tile);
    const WorkItemCost c = model.work_item(WorkItem{0, 0, 0, 6, 0, 2, 0, 0, 0, 1}, tile);
    CHECK(c.cycles == 2 * 6 + (arch.pe.pipeline_stages - 1));  // 2 iacts x 6 weights, one MAC each
    CHECK(c.macs_effectual == 1);
    CHECK(c.mac_slots == 12);
  }

  TEST_CASE("a sliding window charges each non-zero iact once per output column it feeds") {
    ArchSpec arch = *preset("eyeriss_v2");
    arch.pe.iact_segment_cycle = false;  // the MAC stage alone
    // One channel, a row of 5 with a 3-wide filter, stride 1, no padding: 3 outputs.
    HandLayer h(workloads::LayerShape{.name = "row", .c = 1, .m = 1, .h = 1, .w = 5, .r = 1, .s = 3});
    for (auto& v : h.data.weights.values()) v = 1;
    h.data.iacts.at({0, 0, 0, 2}) = 4;  // the middle iact feeds all 3 outputs
    h.data.iacts.at({0, 0, 0, 0}) = 4;  // the first feeds only output 0
    h.finish();
    PeCostModel model(arch, h.data);
    WeightTileCost tile;
    model.weight_tile(0, 0, 1, 0, 1, 0, tile);
    const WorkItemCost c = model.work_item(WorkItem{0, 0, 0, 1, 0, 1, 0, 0, 0, 3}, tile);
    CHECK(c.macs_effectual == 4);
    CHECK(c.cycles == 4 + (arch.pe.pipeline_stages - 1));
  }

  // Eyeriss v2 §V-A.2: depthwise layers (C0 = M0 = 1) get no benefit from skipping zero iacts. With C0 x U =
  // 1 every iact is its own CSC segment, and the front end visits the S segments of each output column's
  // window, zero or not, one per cycle: the same S cycles per output column as a dense PE.
  TEST_CASE("depthwise on a sparse PE: every segment of every window costs a cycle, zero iacts included") {
    ArchSpec arch = *preset("eyeriss_v2");
    HandLayer h(workloads::LayerShape{.name = "dw", .kind = workloads::LayerKind::kDepthwise, .c = 1, .m = 1,
                                      .h = 1, .w = 5, .r = 1, .s = 3});
    for (auto& v : h.data.weights.values()) v = 1;
    h.data.iacts.at({0, 0, 0, 0}) = 4;
    h.data.iacts.at({0, 0, 0, 2}) = 4;
    h.finish();
    PeCostModel model(arch, h.data);
    WeightTileCost tile;
    model.weight_tile(0, 0, 1, 0, 1, 0, tile);
    const WorkItem item{0, 0, 0, 1, 0, 1, 0, 0, 0, 3};
    const WorkItemCost c = model.work_item(item, tile);
    CHECK(c.macs_effectual == 4);
    CHECK(c.cycles == 3 * 3 + (arch.pe.pipeline_stages - 1));  // 3 outputs x 3 segments, 4 of them MACs
    CHECK(c.segment_cycles == 3 * 3 - 4);
    CHECK(c.mac_slots == 4 * arch.pe.simd_width);  // the segment cycles issue no MAC
    // Without the segment visits the zeros would be free: 4 cycles, faster than a dense PE's 9.
    arch.pe.iact_segment_cycle = false;
    CHECK(PeCostModel(arch, h.data).work_item(item, tile).cycles == 4 + (arch.pe.pipeline_stages - 1));
    // Dense data costs the same 9: no skipping benefit.
    for (auto& v : h.data.iacts.values()) v = 1;
    h.finish();
    arch.pe.iact_segment_cycle = true;
    PeCostModel dense(arch, h.data);
    dense.weight_tile(0, 0, 1, 0, 1, 0, tile);
    const WorkItemCost d = dense.work_item(item, tile);
    CHECK(d.cycles == 3 * 3 + (arch.pe.pipeline_stages - 1));
    CHECK(d.segment_cycles == 0);
  }

  TEST_CASE("segment visits: padding columns are not visited, a stride-2 window visits ceil(S / U) segments") {
    const ArchSpec arch = *preset("eyeriss_v2");
    // W = 3, pad 1, S = 3: output 0 reads columns -1..1 (2 real segments), 1 reads 0..2 (3), 2 reads 1..3 (2).
    HandLayer padded(workloads::LayerShape{.name = "pad", .kind = workloads::LayerKind::kDepthwise, .c = 1,
                                           .m = 1, .h = 1, .w = 3, .r = 1, .s = 3, .pad = 1});
    for (auto& v : padded.data.weights.values()) v = 1;
    padded.finish();  // all iacts zero
    PeCostModel model(arch, padded.data);
    WeightTileCost tile;
    model.weight_tile(0, 0, 1, 0, 1, 0, tile);
    CHECK(model.work_item(WorkItem{0, 0, 0, 1, 0, 1, 0, 1, 0, 3}, tile).cycles == 7 + (arch.pe.pipeline_stages - 1));
    // W = 7, U = 2, S = 3: 3 outputs, segments of 2 columns; each window visits segment f (s = 0, 1) and
    // segment f + 1 (s = 2).
    HandLayer strided(workloads::LayerShape{.name = "s2", .kind = workloads::LayerKind::kDepthwise, .c = 1,
                                            .m = 1, .h = 1, .w = 7, .r = 1, .s = 3, .u = 2});
    for (auto& v : strided.data.weights.values()) v = 1;
    strided.finish();
    PeCostModel model2(arch, strided.data);
    model2.weight_tile(0, 0, 1, 0, 1, 0, tile);
    CHECK(model2.work_item(WorkItem{0, 0, 0, 1, 0, 1, 0, 0, 0, 3}, tile).cycles == 6 + (arch.pe.pipeline_stages - 1));
  }

  TEST_CASE("segment visits cost nothing extra while the MACs take longer (C0 x M0 large)") {
    const ArchSpec arch = *preset("eyeriss_v2");
    HandLayer h = column_layer(8);
    for (auto& v : h.data.weights.values()) v = 1;
    h.data.iacts.at({0, 0, 0, 0}) = 3;
    h.finish();
    PeCostModel model(arch, h.data);
    WeightTileCost tile;
    model.weight_tile(0, 0, 8, 0, 2, 0, tile);
    const WorkItemCost c = model.work_item(WorkItem{0, 0, 0, 8, 0, 2, 0, 0, 0, 1}, tile);
    CHECK(c.cycles == 8 / 2 + (arch.pe.pipeline_stages - 1));
    CHECK(c.segment_cycles == 0);
  }
}
}  // namespace eyesim::hw

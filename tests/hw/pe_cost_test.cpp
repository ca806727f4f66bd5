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

  TEST_CASE("zero iacts cost nothing on a sparse PE") {
    const ArchSpec arch = *preset("eyeriss_v2");
    HandLayer h = column_layer(8);
    for (auto& v : h.data.weights.values()) v = 1;
    h.finish();  // all iacts zero
    PeCostModel model(arch, h.data);
    WeightTileCost tile;
    model.weight_tile(0, 0, 8, 0, 2, 0, tile);
    const WorkItemCost c = model.work_item(WorkItem{0, 0, 0, 8, 0, 2, 0, 0, 0, 1}, tile);
    CHECK(c.cycles == arch.pe.pipeline_stages - 1);
    CHECK(c.macs_effectual == 0);
    CHECK(c.zero_iacts_skipped == 2);
  }

  TEST_CASE("a non-zero iact on an empty weight column costs nothing unless the bubble option is set") {
    ArchSpec arch = *preset("eyeriss_v2");
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
    const ArchSpec arch = *preset("eyeriss_v2");
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
}
}  // namespace eyesim::hw

// GLB plan: position blocks keep partial sums on chip instead of spilling them to DRAM.
#include <doctest/doctest.h>

#include "hw/mapper.h"
#include "hw/presets.h"
#include "hw/simulate.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {
namespace {

workloads::Network one_layer(workloads::LayerShape shape, double density) {
  workloads::Network n{"glb", {}};
  workloads::LayerSpec l;
  l.shape = std::move(shape);
  l.iacts.density = density;
  l.weights.density = density;
  n.layers.push_back(l);
  return n;
}

// 3x3 convolution with 64 input channels: psums are accumulated in the GLB over several weight passes.
const workloads::LayerShape kConv{.name = "conv", .kind = workloads::LayerKind::kConv, .c = 64, .m = 64, .h = 30, .w = 30,
                                  .r = 3, .s = 3, .pad = 1};

/// eyeriss_v2 with GLB psum banks of `bytes` each.
ArchSpec v2_with_psum_banks(std::uint32_t bytes) {
  ArchSpec a = *preset("eyeriss_v2");
  a.glb.psum_bank_bytes = bytes;
  return a;
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("psums that do not fit the GLB at once are computed block by block, not spilled to DRAM") {
    const auto data = workloads::prepare_network(one_layer(kConv, 0.6), 1);
    const auto& layer = data->layers[0];
    const ArchSpec roomy = *preset("eyeriss_v2");
    const ArchSpec tight = v2_with_psum_banks(256);
    const Mapping m = map_layer(tight, layer);
    REQUIRE(m.partials > m.k_red);  // the layer accumulates psums across weight passes
    CHECK(m.glb.blocks > 1);
    CHECK_FALSE(m.glb.psums_spill);
    CHECK(m.factors.passes % m.glb.blocks == 0);
    CHECK(map_layer(roomy, layer).glb.blocks < m.glb.blocks);

    // Every output is still computed exactly once: the functional model equals the reference.
    const LayerResult r = simulate_layer(tight, layer, RunOptions{.verify = true, .collect_traces = false, .forced_mappings = {}});
    CHECK(r.verified);
    CHECK(r.stats.dram_psum_read_bytes == 0);
    CHECK(r.stats.dram_psum_write_bytes == 0);
    // Each block reads the weights again: more weight traffic than with room for every psum.
    const LayerResult wide = simulate_layer(roomy, layer);
    CHECK(r.stats.dram_weight_read_bytes > wide.stats.dram_weight_read_bytes);
  }

  TEST_CASE("with no room even for one output row, psums spill to DRAM and the traffic is counted") {
    const auto data = workloads::prepare_network(one_layer(kConv, 0.6), 1);
    const ArchSpec tiny = v2_with_psum_banks(16);
    const Mapping m = map_layer(tiny, data->layers[0]);
    REQUIRE(m.partials > m.k_red);
    CHECK(m.glb.psums_spill);
    const LayerResult r = simulate_layer(tiny, data->layers[0]);
    CHECK(r.stats.dram_psum_read_bytes > 0);
    CHECK(r.stats.dram_psum_write_bytes > 0);
  }

  TEST_CASE("a block's input rows are read from DRAM about once, halo rows aside") {
    const auto data = workloads::prepare_network(one_layer(kConv, 1.0), 1);
    const auto& layer = data->layers[0];
    const ArchSpec tight = v2_with_psum_banks(256);
    const Mapping m = map_layer(tight, layer);
    REQUIRE(m.glb.iacts_fit);
    const LayerResult r = simulate_layer(tight, layer);
    const double input = stored_iact_bytes(tight, layer);
    CHECK(double(r.stats.dram_iact_read_bytes) >= input * 0.99);
    // Halo: a block of e output rows reads (e - 1) * U + R input rows.
    const double rows = double(m.glb.block_positions) / m.f_tiles;
    CHECK(double(r.stats.dram_iact_read_bytes) <= input * (rows - 1 + kConv.r) / rows * 1.05);
  }
}

TEST_SUITE("golden") {
  TEST_CASE("AlexNet CONV1-5 on eyeriss_v2 never spill psums to DRAM") {
    workloads::Network net = *workloads::builtin_network("alexnet");
    std::erase_if(net.layers, [](const workloads::LayerSpec& l) { return l.shape.name.rfind("CONV", 0) != 0; });
    const auto data = workloads::prepare_network(net, 1);
    for (const auto& layer : data->layers) {
      INFO(layer.shape().name);
      const LayerResult r = simulate_layer(*preset("eyeriss_v2"), layer);
      CHECK(r.stats.dram_psum_write_bytes == 0);
    }
  }
}
}  // namespace eyesim::hw

// The simulation's hot path allocates nothing per event (docs/model.md §1: scratch storage is sized per
// layer from the mapping). A layer with 4x the output channels (or groups) at batch 4 has many times the
// lane steps and the weight passes of the same layer at batch 1, and its allocations must not follow
// them. This binary links allocation_count.cpp, which counts every operator new of the process.
#include <doctest/doctest.h>

#include <string>

#include "allocation_count.h"
#include "hw/presets.h"
#include "hw/simulate.h"
#include "one_layer.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {
namespace {

struct Run {
  std::uint64_t events = 0;
  std::uint64_t passes = 0;
  std::uint64_t allocations = 0;
};

/// The mapping the mapper picks for `layer` on `arch`, as an override of every layer.
MappingOverride picked_mapping(const ArchSpec& arch, const workloads::LayerData& layer) {
  const LayerMapping m = simulate_layer(arch, layer, {.verify = false, .collect_traces = false, .forced_mappings = {}}).mapping;
  return {.layer = "", .m0 = m.m0, .c0 = m.c0, .f0 = m.f0, .spatial_red = m.spatial_red, .spatial_m = m.spatial_m,
          .spatial_g = m.spatial_g, .spatial_pos = m.spatial_pos};
}

/// One simulation of `shape` at uniform `density` with `mapping` forced (so the mapper's candidate lists,
/// which grow with the layer's factors, are not counted), its data prepared beforehand (preparing
/// allocates the tensors, which is not the simulation's part).
Run simulate(const ArchSpec& arch, const workloads::LayerData& layer, const MappingOverride& mapping, bool verify) {
  const RunOptions options{.verify = verify, .collect_traces = true, .forced_mappings = {mapping}};
  const std::uint64_t before = eyesim::testing::allocations();
  const LayerResult r = simulate_layer(arch, layer, options);
  return {r.stats.events, r.mapping.passes, eyesim::testing::allocations() - before};
}

/// `shape` with 4x its output channels (a depthwise layer: 4x its groups) at batch 4.
workloads::LayerShape scaled(workloads::LayerShape shape) {
  (shape.kind == workloads::LayerKind::kDepthwise ? shape.g : shape.m) *= 4;
  shape.n = 4;
  return shape;
}

/// The layer `layer` of built-in network `net`, at batch 1.
workloads::LayerShape builtin_shape(const char* net, const char* layer) {
  return testing::pick(net, {layer}).layers.at(0).shape;
}

TEST_SUITE("fast") {
  TEST_CASE("simulating a layer allocates per layer, not per event") {
    struct Case {
      const char* arch;
      const char* net;
      const char* layer;
      double density;
      bool verify;
    };
    // The paths a layer's events take: the sparse PE on the hierarchical mesh (depthwise, pointwise, fully
    // connected, and a convolution with values carried: functional mode), and the dense PE on the flat NoC
    // (pointwise, and behind a DRAM link that is saturated for long stretches: its channel accepts
    // reservations out of time order).
    const Case cases[] = {{"eyeriss_v2", "mobilenet", "L06", 0.5, false},
                          {"eyeriss_v2", "mobilenet", "L07", 0.5, false},
                          {"eyeriss_v2", "alexnet", "FC8", 0.4, false},
                          {"eyeriss_v2", "alexnet", "CONV3", 0.4, true},
                          {"eyeriss_v1_scaled", "mobilenet", "L03", 1.0, false},
                          {"eyeriss_v1_jssc", "alexnet", "CONV2", 1.0, false}};
    for (const Case& c : cases) {
      const std::string name = std::string(c.arch) + " " + c.net + " " + c.layer;
      CAPTURE(name);
      const ArchSpec arch = *preset(c.arch);
      const workloads::LayerShape shape = builtin_shape(c.net, c.layer);
      const auto small_data = workloads::prepare_network(testing::one_layer(shape, c.density, c.density), 1);
      const auto large_data = workloads::prepare_network(testing::one_layer(scaled(shape), c.density, c.density), 1, 4);
      // Both run the small layer's mapping: the same lanes and chains, so the same per-layer storage.
      const MappingOverride mapping = picked_mapping(arch, small_data->layers.at(0));
      const Run small = simulate(arch, small_data->layers.at(0), mapping, c.verify);
      const Run large = simulate(arch, large_data->layers.at(0), mapping, c.verify);
      MESSAGE(name << ": " << small.events << " events, " << small.passes << " passes, " << small.allocations
                   << " allocations; scaled: " << large.events << ", " << large.passes << ", " << large.allocations);
      // The comparison means something only if the scaled layer has many more events and weight passes.
      REQUIRE(large.events >= 4 * small.events);
      REQUIRE(large.passes >= 2 * small.passes);
      // Storage sized by the layer's extents may take a few more allocations (per group, or a vector that
      // outgrows an inline buffer: at most 44 here), nowhere near one per extra event or weight pass (the
      // cases add 537 to 102,000 events and 15 to 1,500 passes per PE).
      const std::uint64_t extra_events = large.events - small.events;
      const std::uint64_t extra_allocations =
          large.allocations > small.allocations ? large.allocations - small.allocations : 0;
      CHECK(extra_allocations <= 64 + extra_events / 1000);
    }
  }
}

}  // namespace
}  // namespace eyesim::hw

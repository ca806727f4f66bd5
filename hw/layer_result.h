// LayerResult / NetworkResult: what one simulation returns. Plain values; no I/O here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw/layer_mapping.h"
#include "hw/layer_stats.h"
#include "workloads/layer_shape.h"

namespace eyesim::hw {

/// Per-layer detail for /traces: one entry per PE (index = cluster * pes_per_cluster + pe) and per
/// NoC port (iact, weight and psum ports in that order; flat NoC: one bus each).
struct LayerTraces {
  std::vector<std::uint64_t> pe_busy_cycles;
  std::vector<std::uint64_t> pe_stall_cycles;
  std::vector<std::uint64_t> pe_macs;
  std::vector<std::uint64_t> port_busy_cycles;
  std::vector<std::uint64_t> port_bits;
};

struct LayerResult {
  std::string layer_name;
  workloads::LayerKind kind = workloads::LayerKind::kConv;
  LayerMapping mapping;
  LayerStats stats;
  LayerTraces traces;
  bool verified = false;  ///< functional mode ran and the output matched the reference convolution
  /// MapperMode::kSimulate: the candidate mappings simulated for this layer (0: not searched) and the
  /// cycles of the first of them, the estimate's own pick.
  std::uint32_t mapper_candidates = 0;
  std::uint64_t estimate_pick_cycles = 0;
};

struct NetworkResult {
  std::string network;
  std::uint32_t batch = 1;
  std::vector<LayerResult> layers;
  LayerStats totals;  ///< sums over layers (mac_utilization and active_pes recomputed)
  double latency_seconds = 0.0;
  double inferences_per_second = 0.0;
  double inferences_per_joule = 0.0;  ///< on chip energy, as the paper reports
};

}  // namespace eyesim::hw

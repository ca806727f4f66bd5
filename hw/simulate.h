// Entry points of the chip model: simulate one layer or a whole network on one ArchSpec.
// Thread-safe in the sense that matters for sweeps: no shared mutable state; call from any thread.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "hw/arch_spec.h"
#include "hw/layer_result.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {

/// Forces some mapping factors for experiments (0 = let the mapper choose). `layer` empty = every layer.
struct MappingOverride {
  std::string layer;
  std::uint32_t m0 = 0, c0 = 0, f0 = 0;
  std::uint32_t spatial_red = 0;  ///< partial sums reduced up a PE column (c-tiles x filter rows)
  std::uint32_t spatial_m = 0, spatial_g = 0, spatial_pos = 0;
};

struct RunOptions {
  bool verify = false;          ///< functional mode: carry values and compare with reference_conv
  bool collect_traces = true;   ///< fill LayerTraces (per-PE and per-port vectors)
  std::vector<MappingOverride> forced_mappings;  ///< the first entry naming the layer (or with no layer) applies
};

/// The layer cannot be mapped onto the architecture (e.g. a weight column exceeds every SPad).
class MappingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Functional mode found an output that differs from the reference convolution.
class VerifyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Requires validate(arch) to be empty (checked: throws std::invalid_argument listing the issues).
LayerResult simulate_layer(const ArchSpec& arch, const workloads::LayerData& layer, const RunOptions& options = {});
NetworkResult simulate_network(const ArchSpec& arch, const workloads::NetworkData& net, const RunOptions& options = {});

}  // namespace eyesim::hw

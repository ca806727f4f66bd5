// Entry points of the chip model: simulate one layer or a whole network on one ArchSpec.
// Thread-safe in the sense that matters for sweeps: no shared mutable state; call from any thread.
#pragma once

#include <stdexcept>

#include "hw/arch_spec.h"
#include "hw/layer_result.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {

struct RunOptions {
  bool verify = false;          ///< functional mode: carry values and compare with reference_conv
  bool collect_traces = true;   ///< fill LayerTraces (per-PE and per-port vectors)
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

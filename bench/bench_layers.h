// Helpers shared by the benchmarks: one layer of a built-in network as a network of its own.
#pragma once

#include <stdexcept>
#include <string>

#include "workloads/network.h"

namespace eyesim::bench {

/// The built-in network `net` reduced to its layer `layer` (throws std::invalid_argument if absent).
inline workloads::Network single_layer(const char* net, const char* layer) {
  workloads::Network n = *workloads::builtin_network(net);
  std::erase_if(n.layers, [&](const workloads::LayerSpec& l) { return l.shape.name != layer; });
  if (n.layers.size() != 1) throw std::invalid_argument(std::string("no layer ") + layer + " in " + net);
  return n;
}

/// The same layer with uniformly random iacts and weights of the given density (real masks dropped).
inline workloads::Network single_layer_at_density(const char* net, const char* layer, double density) {
  workloads::Network n = single_layer(net, layer);
  for (workloads::DensitySpec* d : {&n.layers[0].iacts, &n.layers[0].weights})
    *d = workloads::DensitySpec{.density = density, .pattern = workloads::SparsityPattern::kUniform, .mask_file = {},
                                .mask_order = workloads::MaskOrder::kNative};
  return n;
}

}  // namespace eyesim::bench

// A one-layer network with uniform densities, for hw tests that generate their data.
#pragma once

#include <utility>

#include "workloads/network.h"

namespace eyesim::hw::testing {

inline workloads::Network one_layer(workloads::LayerShape shape, double iact_density, double weight_density) {
  workloads::Network n{"one_layer", {}};
  workloads::LayerSpec l;
  l.shape = std::move(shape);
  l.iacts.density = iact_density;
  l.weights.density = weight_density;
  n.layers.push_back(l);
  return n;
}

}  // namespace eyesim::hw::testing

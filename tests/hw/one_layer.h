// A one-layer network with uniform densities, for hw tests that generate their data; layers picked from a
// built-in network; and the row-stationary layer several chip tests force onto the JSSC chip.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "hw/simulate.h"
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

/// The layers `names` of built-in network `net`, in the order given, under the network's name (so each
/// layer's generated data depend on its place in the list); every layer if `names` is empty.
inline workloads::Network pick(const std::string& net, std::initializer_list<const char*> names) {
  workloads::Network n = *workloads::builtin_network(net);
  if (names.size() == 0) return n;
  workloads::Network out{n.name, {}};
  for (const char* name : names)
    for (const auto& l : n.layers)
      if (l.shape.name == name) out.layers.push_back(l);
  return out;
}

/// A 3x3 convolution of 4 channels on 14 x 14 dense inputs (12 x 12 outputs, 16 filters).
inline workloads::LayerShape rs_conv_shape() {
  return {.name = "rs", .kind = workloads::LayerKind::kConv, .c = 4, .m = 16, .h = 14, .w = 14, .r = 3, .s = 3};
}
/// Its row-stationary mapping (V1 §V): 12 output rows side by side (one lane each), the 3 filter rows up
/// each PE column, whole tiles of 16 filters x 4 channels: 36 PEs. For the layer named `layer` (empty: every
/// layer).
inline MappingOverride rs_conv_mapping(std::string layer = "") {
  return {.layer = std::move(layer), .m0 = 16, .c0 = 4, .f0 = 12, .spatial_red = 3, .spatial_m = 1, .spatial_g = 1,
          .spatial_pos = 12};
}

}  // namespace eyesim::hw::testing

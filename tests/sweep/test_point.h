// A design point of a preset and a network, the rest at its defaults: what the sweep tests of costs,
// memory, schedules and workloads build their points from.
#pragma once

#include <cstdint>
#include <string>

#include "hw/presets.h"
#include "sweep/design_point.h"

namespace eyesim::sweep::testing {

inline DesignPoint test_point(const std::string& preset, const std::string& network, std::uint64_t seed = 1,
                              double weight_scale = 1.0, std::uint64_t id = 0) {
  DesignPoint p;
  p.id = id;
  p.arch = *hw::preset(preset);
  p.network = network;
  p.seed = seed;
  p.weight_density_scale = weight_scale;
  return p;
}

}  // namespace eyesim::sweep::testing

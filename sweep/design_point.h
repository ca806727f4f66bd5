// DesignPoint: one simulation of a sweep (an architecture and a workload), numbered in spec order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw/arch_spec.h"

namespace eyesim::sweep {

struct DesignPoint {
  std::uint64_t id = 0;
  hw::ArchSpec arch;
  std::string network;  ///< built-in name or .toml path (resolved relative to the spec)
  std::uint64_t seed = 1;
  std::uint32_t batch = 1;
  double iact_density_scale = 1.0;   ///< multiplies every layer's iact density (capped at 1)
  double weight_density_scale = 1.0;
  std::vector<std::string> invalid;  ///< validate() issues after overrides: the point becomes a failed row
};

}  // namespace eyesim::sweep

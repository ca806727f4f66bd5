// WorkloadKey: what makes a point's generated data (network, seed, batch, density scales). Points with the
// same key share one prepared NetworkData in a sweep.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "sweep/design_point.h"

namespace eyesim::sweep {

struct WorkloadKey {
  std::string network;  ///< network_source(): what is loaded
  std::uint64_t seed;
  std::uint32_t batch;
  double iact_scale, weight_scale;
  auto operator<=>(const WorkloadKey&) const = default;
};

inline WorkloadKey key_of(const DesignPoint& p) {
  return {network_source(p), p.seed, p.batch, p.iact_density_scale, p.weight_density_scale};
}

}  // namespace eyesim::sweep

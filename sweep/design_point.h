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
  /// A built-in name, or a network file's path exactly as the spec writes it: the
  /// workload's identity in the result file, in `where` and in config_hash, whichever directory the sweep
  /// was started from and however the spec's own path was given.
  std::string network;
  /// The file to read for a network file: `network` resolved against the spec's directory. Empty for a
  /// built-in, and when `network` itself is the path to read (`eyesim run --net FILE`).
  std::string network_file;
  std::uint64_t seed = 1;
  std::uint32_t batch = 1;
  double iact_density_scale = 1.0;   ///< multiplies every layer's iact density (capped at 1)
  double weight_density_scale = 1.0;
  std::vector<std::string> invalid;  ///< validate() issues after overrides: the point becomes a failed row
};

/// What to load for the point's network: its file, else its name (a built-in, or a path as given).
inline const std::string& network_source(const DesignPoint& p) {
  return p.network_file.empty() ? p.network : p.network_file;
}

}  // namespace eyesim::sweep

// --mapper, --mapper-window, --mapper-candidates (run, validate): checked into an hw::MapperSearch.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "hw/simulate.h"

namespace eyesim::tools {

struct MapperArgs {
  std::string mode = "estimate";           ///< estimate | simulate
  std::optional<double> window;            ///< --mapper-window (simulate only)
  std::optional<std::int64_t> candidates;  ///< --mapper-candidates (simulate only)
};

/// The search the arguments ask for, or nullopt with `error` set to a message naming the option, the
/// expected range and the value given.
inline std::optional<hw::MapperSearch> mapper_search(const MapperArgs& a, std::string& error) {
  hw::MapperSearch s;
  const auto mode = hw::parse_mapper_mode(a.mode);
  if (!mode) {
    error = fmt::format("--mapper must be estimate or simulate (got '{}')", a.mode);
    return std::nullopt;
  }
  s.mode = *mode;
  if (s.mode == hw::MapperMode::kEstimate && (a.window || a.candidates)) {
    error = fmt::format("{} applies only with --mapper simulate", a.window ? "--mapper-window" : "--mapper-candidates");
    return std::nullopt;
  }
  if (a.window) {
    if (!(*a.window >= 0 && *a.window <= hw::MapperSearch::kMaxWindow)) {
      error = fmt::format("--mapper-window must be in [0, {}] (a fraction of the best estimate; got {})",
                          hw::MapperSearch::kMaxWindow, *a.window);
      return std::nullopt;
    }
    s.window = *a.window;
  }
  if (a.candidates) {
    if (*a.candidates < 1 || *a.candidates > hw::MapperSearch::kMaxCandidates) {
      error = fmt::format("--mapper-candidates must be an integer in [1, {}] (got {})", hw::MapperSearch::kMaxCandidates,
                          *a.candidates);
      return std::nullopt;
    }
    s.max_candidates = static_cast<std::uint32_t>(*a.candidates);
  }
  return s;
}

}  // namespace eyesim::tools

// --mapper, --mapper-window, --mapper-candidates (run, validate): checked into an hw::MapperSearch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "hw/simulate.h"
#include "tools/number_text.h"

namespace eyesim::tools {

struct MapperArgs {
  std::string mode = "estimate";          ///< estimate | simulate
  /// --mapper-window and --mapper-candidates as typed (simulate only): parsed here, so that a value out of
  /// range is named as given (CLI11 reads 99999999999999999999 into an int64 as 9223372036854775807).
  std::optional<std::string> window;
  std::optional<std::string> candidates;
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
    const auto w = parse_whole<double>(*a.window);
    if (!w || !(*w >= 0 && *w <= hw::MapperSearch::kMaxWindow)) {
      error = fmt::format("--mapper-window must be in [0, {}] (a fraction of the best estimate; got {})",
                          hw::MapperSearch::kMaxWindow, *a.window);
      return std::nullopt;
    }
    s.window = *w;
  }
  if (a.candidates) {
    const auto c = parse_whole<std::int64_t>(*a.candidates);
    if (!c || *c < 1 || *c > hw::MapperSearch::kMaxCandidates) {
      error = fmt::format("--mapper-candidates must be an integer in [1, {}] (got {})", hw::MapperSearch::kMaxCandidates,
                          *a.candidates);
      return std::nullopt;
    }
    s.max_candidates = static_cast<std::uint32_t>(*c);
  }
  return s;
}

}  // namespace eyesim::tools

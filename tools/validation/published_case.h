// PublishedCase: one published number that `eyesim validate` reproduces (tools/validation/published.toml).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eyesim::tools {

/// An arch parameter override by dotted name; the value is kept as text and parsed by the parameter's type.
struct ParamOverride {
  std::string path;   ///< e.g. "pe.simd_width"
  std::string value;  ///< e.g. "1", "dense", "0.0"
  friend bool operator==(const ParamOverride&, const ParamOverride&) = default;
};

/// What one simulation is: which preset (plus overrides) runs which network at which batch.
struct RunKey {
  std::string arch;
  std::string net;
  std::uint32_t batch = 1;
  std::vector<ParamOverride> overrides;
  std::string mapping;  ///< a mapping file forcing the tiling (empty: the mapper's choice)
  friend bool operator==(const RunKey&, const RunKey&) = default;
};

struct PublishedCase {
  std::string id;
  int group = 0;
  std::string metric;
  RunKey run;
  std::optional<RunKey> baseline;  ///< set: the value is metric(run) / metric(baseline)
  std::vector<std::string> layers; ///< empty: all layers; an entry ending in '*' is a prefix
  std::optional<double> published;
  double tolerance = 0.0;
  std::optional<double> at_least;
  std::optional<double> at_most;   ///< instead of published/tolerance: an upper bound
  /// metric "mean_abs_error_percent": the mean of |error| x 100 over these cases (ids of cases with a
  /// published value); the case runs no simulation of its own.
  std::vector<std::string> of_cases;
  bool informational = false;
  bool cheap = false;
  std::string source;
  std::string note;  ///< printed under the verdict, e.g. why a case is informational
};

/// Parses the cases file. Throws std::runtime_error "<name>:line:col: error: ..." on bad input.
std::vector<PublishedCase> parse_published_cases(std::string_view toml_text, std::string_view source_name);

/// The cases compiled into the binary (tools/validation/published.toml).
std::string_view embedded_published_cases();

/// A mapping file compiled into the binary next to the cases (tools/validation/<name>), or nullopt.
std::optional<std::string_view> embedded_mapping_file(std::string_view name);

}  // namespace eyesim::tools

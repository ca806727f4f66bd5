// SweepSpec: a TOML sweep description, expanded into numbered design points (docs/sweeps.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hw/simulate.h"
#include "sweep/design_point.h"
#include "sweep/spec_error.h"

namespace eyesim::sweep {

struct SweepSpec {
  std::string name;
  std::string source_name;  ///< file name for messages ("<built-in default>" for the default)
  std::string text;         ///< the spec exactly as given (stored in the result file)
  std::uint64_t seed = 1;
  std::vector<DesignPoint> points;  ///< in id order: grid (or samples) x networks, then explicit points
  std::vector<std::string> swept;   ///< the names that vary (axes and explicit point keys)
  std::uint64_t dropped_by_where = 0;
  std::uint64_t spec_hash = 0;      ///< hash of text, network files, their masks + seed: resume refuses a different spec
  /// Per network file the points read (DesignPoint::network_file), its network_file_hash when the spec was
  /// parsed: a workload prepared from it later is checked against it (WorkloadStore).
  std::map<std::string, std::uint64_t> network_file_hashes;
  /// How every point chooses its mappings (keys mapper, mapper_window, mapper_candidates): part of spec_hash.
  hw::MapperSearch mapper;
};

/// `hash` with the mapper search folded in: unchanged for MapperMode::kEstimate.
std::uint64_t mapper_spec_hash(std::uint64_t hash, const hw::MapperSearch& mapper);

/// Parses and expands a spec. `base_dir` resolves relative network files. `seed_override` (if set, 0 too)
/// replaces the spec's seed, `mapper_override` its mapper search (keys mapper, mapper_window,
/// mapper_candidates, which are still checked); both enter spec_hash as the spec's own would. Throws
/// SpecError "file:line:col: error: ..." naming the key.
SweepSpec parse_sweep_spec(std::string_view text, std::string_view source_name, const std::filesystem::path& base_dir,
                           std::optional<std::uint64_t> seed_override = std::nullopt,
                           std::optional<hw::MapperSearch> mapper_override = std::nullopt);

/// The value of a spec name (arch.<parameter>, arch.preset, network, workload.*) at `p`, as the spec would
/// write it ("48", "25.6", "true", "sparse", "eyeriss_v2"); empty for an unknown name.
std::string setting_text(const DesignPoint& p, std::string_view name);

SweepSpec load_sweep_spec(const std::filesystem::path& path, std::optional<std::uint64_t> seed_override = std::nullopt,
                          std::optional<hw::MapperSearch> mapper_override = std::nullopt);

/// The built-in default sweep (sweep/specs/default.toml, compiled in).
SweepSpec default_sweep_spec(std::optional<std::uint64_t> seed_override = std::nullopt,
                             std::optional<hw::MapperSearch> mapper_override = std::nullopt);

}  // namespace eyesim::sweep

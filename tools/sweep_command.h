// `eyesim sweep`: a design-space sweep into one HDF5 file.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "tools/mapper_args.h"

namespace eyesim::tools {

struct SweepArgs {
  std::string spec;                 ///< empty: the built-in default sweep
  std::string output = "results.h5";
  int jobs = 0;
  bool resume = false;
  bool force = false;               ///< overwrite an existing output (without: refused, as merge does)
  bool strict = false;
  bool dry_run = false;
  bool quiet = false;
  std::string progress = "auto";
  std::optional<std::uint64_t> seed;  ///< unset: the spec's seed
  /// --mapper, --mapper-window, --mapper-candidates: when any is given, the search they name replaces the
  /// spec's (keys mapper, mapper_window, mapper_candidates) as a whole; none given: the spec's.
  MapperArgs mapper;
  bool mapper_given = false;
  std::string shard;                ///< "k/N", "auto" or empty
  std::string command_line;
  std::string version;
};

/// Exit code: 0 ok; 1 runtime failure; 2 spec or usage error; 3 failed points with --strict;
/// 128 + signal after a clean stop on SIGINT/SIGTERM (`stop` holds the signal number).
int sweep_command(const SweepArgs& args, const std::atomic<int>& stop, std::FILE* out, std::FILE* err);

}  // namespace eyesim::tools

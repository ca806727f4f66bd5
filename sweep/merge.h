// merge_results: joins the part files of a sharded sweep (`eyesim sweep --shard k/N`) into one
// result file whose tables equal those of a single-process run of the same spec (docs/sweeps.md).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace eyesim::sweep {

/// The parts do not belong together, or points are missing or duplicated. The message names the
/// files and the points.
class MergeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MergeOptions {
  bool allow_partial = false;  ///< merge what is there; the missing points go into `missing_points`
  std::string command_line;    ///< of the merge, recorded in the output
  std::string version;         ///< of this eyesim, recorded as `merged_by`
};

struct MergeOutcome {
  std::size_t parts = 0;
  std::size_t points = 0;        ///< points written
  std::size_t points_total = 0;  ///< points of the spec
  std::size_t failed = 0;        ///< points whose simulation failed (status 1), carried over as they are
  std::vector<std::uint64_t> missing;
};

/// Checks every part (same schema, eyesim version, spec and seed; no point twice; none missing
/// unless allow_partial), then writes `output` through `output`.part and a rename. Throws
/// OutputPathError, before reading any part, when `output` cannot be written or is one of the parts
/// (check_output_path); MergeError for parts that do not fit together, ResultFileError for unreadable ones.
MergeOutcome merge_results(const std::vector<std::string>& parts, const std::string& output, const MergeOptions& options);

/// "0-4, 7, 9-12", at most `max_ranges` ranges then "... (N more points)". `ids` sorted.
std::string format_id_ranges(const std::vector<std::uint64_t>& ids, std::size_t max_ranges = 12);

}  // namespace eyesim::sweep

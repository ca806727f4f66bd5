// run_sweep: simulates the design points of a spec in parallel (oneTBB) and writes one HDF5 file.
//
// Threads: simulation tasks in a task_arena of `jobs` threads share nothing mutable; each returns a
// PointRecord through a bounded queue to ONE writer thread, the only one that touches HDF5 and the
// journal. A reorder buffer there writes rows in point order, so the file does not depend on `jobs`.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>

#include "sweep/shard.h"
#include "sweep/sweep_spec.h"

namespace eyesim::sweep {

struct SweepOptions {
  std::string output = "results.h5";
  int jobs = 0;                    ///< 0 = all cores
  bool resume = false;
  /// Append finished points to OUTPUT.journal for --resume. `eyesim run -o` turns it off: its one point
  /// is cheaper to simulate again than to resume, and a run killed mid-write then leaves no journal that
  /// would look like an interrupted sweep's (an existing journal is refused either way).
  bool journal = true;
  std::string progress = "auto";   ///< auto (a redrawn line on a terminal, periodic lines otherwise) | always | never
  double progress_interval_s = 10; ///< seconds between plain progress lines
  std::string command_line;
  std::string version;             ///< "eyesim 0.1.0 (git abc)"
  ShardSpec shard;
};

struct SweepOutcome {
  std::size_t points = 0;    ///< points of this shard
  std::size_t simulated = 0; ///< simulated by this run
  std::size_t resumed = 0;   ///< taken from the journal of an earlier run
  std::size_t failed = 0;
  bool interrupted = false;
  double wall_seconds = 0;
  double writer_seconds = 0;  ///< time the writer thread spent on the journal and the HDF5 file
  std::string output;
};

/// Throws std::runtime_error for I/O problems found before any simulation (unwritable output, an
/// interrupted earlier sweep without --resume, a journal of another spec). `stop` is polled: when it
/// becomes non-zero, no new point starts, finished points are written and the file is closed valid.
SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options, const std::atomic<int>& stop, std::FILE* err);

/// Estimated relative cost of a point (nominal MACs / PEs), for scheduling, shards and ETA.
double estimated_cost(const DesignPoint& p);

}  // namespace eyesim::sweep

// run_sweep: simulates the design points of a spec in parallel (oneTBB) and writes one HDF5 file.
// write_result: writes the same file for a one-point spec from a result its caller simulated (`eyesim run -o`).
//
// Threads: simulation tasks in a task_arena of `jobs` threads share nothing mutable; each returns a
// PointRecord through a bounded queue to ONE writer thread, the only one that touches HDF5 and the
// journal. A reorder buffer there writes rows in point order, so the file does not depend on `jobs`.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "hw/layer_result.h"
#include "sweep/shard.h"
#include "sweep/sweep_spec.h"

namespace eyesim::sweep {

/// The threads this process may run on: oneTBB's default concurrency, which follows the CPU affinity
/// mask (a Slurm allocation, taskset), not just the machine's core count.
unsigned available_threads();

/// The worker threads of `jobs` (0: every available thread), at most available_threads(): oneTBB runs
/// no more (it ignores a larger arena with a warning), so a larger -j would only skew the schedule and
/// the dry run's estimate. What a sweep runs on, and what its schedule, memory estimate and dry run assume.
unsigned worker_threads(int jobs);

/// "eyesim: note: -j 64 is more threads than the 2 this process may use; running 2\n" when `jobs` asks
/// for more than available_threads(), else empty: what run, sweep and validate say of a clamped -j.
std::string clamped_jobs_note(int jobs);

struct SweepOptions {
  std::string output = "results.h5";
  int jobs = 0;                    ///< 0 = all cores
  bool resume = false;
  /// Append finished points to OUTPUT.journal for --resume. Off, a run killed mid-write leaves no journal
  /// that would look like an interrupted sweep's (an existing journal is refused either way). write_result
  /// (`eyesim run -o`) never keeps one: its one point is cheaper to simulate again than to resume.
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

/// Throws std::runtime_error for I/O problems found before any simulation (an output that cannot be
/// written: OutputPathError from check_output_path, which its caller, knowing the inputs, asks first; an
/// interrupted earlier sweep without --resume, a journal of another spec). `stop` is polled: when it
/// becomes non-zero, no new point starts, finished points are written and the file is closed valid.
SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options, const std::atomic<int>& stop, std::FILE* err);

/// Writes the file run_sweep would write for the one-point `spec` (same header, /configs row, record,
/// OUTPUT.part renamed to OUTPUT when complete), from `result`, the point simulated by the caller in
/// `wall_ms` (its /runs.wall_ms): the point is not simulated again, and forced mappings the caller
/// simulated with are what the file holds. Keeps no journal (options.journal and options.resume are not
/// used). Throws std::runtime_error before creating any file when OUTPUT cannot be written
/// (OutputPathError, check_output_path), OUTPUT.journal exists (refuse_journal) or a name is longer than
/// its column, naming the point.
SweepOutcome write_result(const SweepSpec& spec, const SweepOptions& options, const hw::NetworkResult& result,
                          double wall_ms);

/// The default end of refuse_journal's message: what a sweep's user does about the journal.
inline constexpr const char* kJournalRemedy = "continue it with --resume or delete the journal";

/// Throws std::runtime_error when OUTPUT.journal exists: it records a sweep into OUTPUT that was
/// interrupted (or still runs, writing OUTPUT.part) and that needs it to resume, and writing OUTPUT
/// would replace that sweep's file. `remedy` ends the message. run_sweep (without --resume) and
/// write_result check it before simulating or writing; `eyesim run -o` before simulating its point.
void refuse_journal(const std::string& output, std::string_view remedy = kJournalRemedy);

}  // namespace eyesim::sweep

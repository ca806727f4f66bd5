// run_sweep: preparation, the parallel simulation loop, the writer thread and progress; write_result and
// run_sweep share the checks, the creation of OUTPUT.part and its completion.
#include "sweep/runner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>

#include <fmt/format.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "hw/simulate.h"
#include "sweep/arch_file.h"
#include "sweep/bounded_queue.h"
#include "sweep/hdf5_file.h"
#include "sweep/journal.h"
#include "sweep/network_file.h"
#include "sweep/output_lock.h"
#include "sweep/output_path.h"
#include "sweep/point_cost.h"
#include "sweep/point_memory.h"
#include "sweep/remaining_time.h"
#include "sweep/result_tables.h"
#include "core/text_escape.h"
#include "sweep/result_writer.h"
#include "sweep/schedule.h"
#include "sweep/workload_key.h"
#include "sweep/workload_store.h"
#include "workloads/layer_data.h"

namespace eyesim::sweep {
namespace {

using Clock = std::chrono::steady_clock;

/// Progress on stderr: redrawn in place on a terminal, a plain line every few seconds otherwise.
class Progress {
 public:
  /// `remaining`: the points of this run (not those a resumed sweep had finished), which the rate and the
  /// ETA are about; `total` counts every point of the sweep (or shard), as `done` does.
  Progress(std::FILE* err, const SweepOptions& o, std::size_t total, const RemainingTime& remaining,
           const PointsInFlight& in_flight)
      : err_(err), total_(total), remaining_(remaining), in_flight_(in_flight), interval_(o.progress_interval_s),
        start_(Clock::now()) {
    tty_ = o.progress == "always" || (o.progress == "auto" && isatty(fileno(err)));
    enabled_ = o.progress != "never";
  }
  /// The rate and the ETA count from here: after a resume has loaded its journal's points into the file
  /// (a second or two that no point of this run took: the first ETA read 2423 s for 60; helper-56). The
  /// points the workers started before are not measured (is_measured).
  void restart() {
    start_ = Clock::now();
    restarted_ = true;
  }
  /// Whether a point started at `started` ran wholly in the elapsed time: every point unless restart() came
  /// after its start (then its time before the restart is in no elapsed time: RemainingTime::finished_unmeasured).
  bool is_measured(Clock::time_point started) const { return !restarted_ || started >= start_; }
  /// The worker seconds of a point from `started` to `ended` that fall in the elapsed time (<= 0: none).
  double seconds_in_window(Clock::time_point started, Clock::time_point ended) const {
    return std::chrono::duration<double>(ended - std::max(started, restarted_ ? start_ : started)).count();
  }
  void update(std::size_t done, std::size_t failed, bool final) {
    if (!enabled_) return;
    const auto now = Clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (!final && since < (tty_ ? 0.25 : interval_)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const std::string line =
        progress_line(done, total_, failed, remaining_, elapsed, in_flight_.at(now, restarted_ ? start_ : Clock::time_point{}));
    if (tty_) fmt::print(err_, "\r{}\x1b[K{}", line, final ? "\n" : "");
    else fmt::print(err_, "eyesim: sweep {}\n", line);
    std::fflush(err_);
  }

 private:
  std::FILE* err_;
  std::size_t total_;
  const RemainingTime& remaining_;
  const PointsInFlight& in_flight_;
  double interval_;
  bool tty_ = false, enabled_ = true, restarted_ = false;
  Clock::time_point start_, last_{};
};

/// The header of a sweep's result file (docs/results.md, "Root attributes").
ResultFileHeader result_header(const SweepSpec& spec, const SweepOptions& o) {
  ResultFileHeader h;
  h.attributes = {{"eyesim_version", o.version},
                  {"command_line", o.command_line},
                  {"spec_name", spec.name},
                  {"spec_source", spec.source_name},
                  {"spec_hash", fmt::format("{:016x}", spec.spec_hash)},
                  {"mapper", hw::describe(spec.mapper)},
                  {"seed", std::to_string(spec.seed)},
                  {"shard", fmt::format("{}/{}", o.shard.index, o.shard.count)},
                  {"points_total", std::to_string(spec.points.size())},
                  {"start_utc", utc_now()}};
  h.spec_toml = spec.text;
  h.base_arch_toml = arch_to_toml(spec.points.front().arch);
  return h;
}

/// The /configs row of point `id`; a name too long for its column (a network file path, an arch name)
/// throws std::runtime_error naming the point.
std::vector<std::byte> config_row(const SweepSpec& spec, std::uint64_t id, const ResultTables& tables) {
  try {
    return tables.config_row(spec.points[id], config_hash(spec.points[id]));
  } catch (const std::length_error& e) {
    throw std::runtime_error(fmt::format("point #{}: {}", id, e.what()));
  }
}

/// Refuses, before any file is created, a point of `ids` whose names do not fit their /configs columns
/// (the first such point, as writing the rows in order would find it). The names are the network and the
/// arch name: one row per distinct pair of them is built.
void check_config_names(const SweepSpec& spec, const std::vector<std::uint64_t>& ids, const ResultTables& tables) {
  std::set<std::pair<std::string_view, std::string_view>> checked;
  for (const std::uint64_t id : ids) {
    const DesignPoint& p = spec.points[id];
    if (checked.emplace(p.network, p.arch.name).second) config_row(spec, id, tables);
  }
}

/// Creates OUTPUT.part (truncating it) with the header and the /configs rows of `ids`, built and appended
/// a chunk at a time (a row is about 1 kB: a sweep of millions of points would otherwise hold gigabytes of
/// them); an unwritable path throws here, before any simulation.
std::unique_ptr<ResultWriter> create_part(const SweepSpec& spec, const SweepOptions& o, const ResultTables& tables,
                                          const std::vector<std::uint64_t>& ids) {
  constexpr std::size_t kChunkRows = 4096;
  auto writer = std::make_unique<ResultWriter>(o.output + ".part", result_header(spec, o), tables, ids);
  std::vector<std::byte> chunk;
  for (std::size_t start = 0; start < ids.size(); start += kChunkRows) {
    const std::size_t n = std::min(kChunkRows, ids.size() - start);
    chunk.clear();
    for (std::size_t i = start; i < start + n; ++i) {
      const std::vector<std::byte> row = config_row(spec, ids[i], tables);
      chunk.insert(chunk.end(), row.begin(), row.end());
    }
    writer->add_configs(chunk.data(), n);
  }
  return writer;
}

/// Writes what is left, sets `complete` and `end_utc`, closes OUTPUT.part and renames it to OUTPUT.
void close_part(std::unique_ptr<ResultWriter> writer, const SweepOptions& o, bool complete) {
  writer->finish(complete, utc_now());
  writer.reset();
  // The path was checked before any work (check_output_path), but it can change during a long sweep (a
  // directory created there, a file system remounted read-only): the results are then in OUTPUT.part,
  // whole and valid, and the message says so instead of a bare filesystem error.
  const std::string part = o.output + ".part";
  std::error_code ec;
  std::filesystem::rename(part, o.output, ec);
  if (ec) {
    const std::string journal = o.output + ".journal";
    // Complete: the file is the result. Stopped: its journal holds the finished points and --resume needs it.
    throw std::runtime_error(
        complete ? fmt::format("the results are written, complete, in '{}', but it cannot be renamed to '{}' ({}); "
                               "rename it yourself (it is a valid result file){}",
                               part, o.output, ec.message(),
                               std::filesystem::exists(journal) ? fmt::format(", then delete '{}'", journal) : "")
                 : fmt::format("the results are written, as far as the sweep got, in '{}', but it cannot be renamed "
                               "to '{}' ({}); clear '{}' and continue with --resume (keep '{}': it holds the finished "
                               "points)",
                               part, o.output, ec.message(), o.output, journal));
  }
}

/// Why a result file written by an earlier run (`path`: OUTPUT.part or OUTPUT) is not of `spec`, read
/// from what it records: the seed, the mapper search, the first line of the spec text that differs; when
/// they all agree, the network or mask files (whose contents enter spec_hash) changed. Empty when the file
/// cannot be read (a kill -9 can leave OUTPUT.part unreadable, or its header torn), or when `written_by` is
/// given and the file's spec_hash is another: it is not the file of the run being explained (an older
/// OUTPUT next to a newer journal).
std::string spec_difference(const std::string& path, const SweepSpec& spec,
                            std::optional<std::uint64_t> written_by = std::nullopt) {
  try {
    if (!std::filesystem::exists(path)) return {};
    Hdf5File f(path, Hdf5File::Mode::kReadOnly);
    if (written_by && f.attribute("spec_hash") != fmt::format("{:016x}", *written_by)) return {};
    const std::string seed = f.attribute("seed");
    if (seed.empty()) return {};  // no header to read: nothing to explain from
    if (seed != std::to_string(spec.seed))
      return fmt::format("it was run with seed {}, this run's is {}", seed, spec.seed);
    if (const std::string mapper = f.attribute("mapper"); mapper != hw::describe(spec.mapper))
      return fmt::format("its mapper search was '{}', this run's is '{}'", mapper, hw::describe(spec.mapper));
    const std::string text = f.read_string_dataset("spec_toml");
    if (text != spec.text) {
      std::istringstream a(text), b(spec.text);
      std::string la, lb;
      for (int line = 1;; ++line) {
        const bool ha = static_cast<bool>(std::getline(a, la)), hb = static_cast<bool>(std::getline(b, lb));
        if (!ha && !hb) break;
        if (!ha || !hb || la != lb)
          return fmt::format("its spec text differs from line {}: '{}' then, '{}' now", line, ha ? la : "(end)",
                             hb ? lb : "(end)");
      }
      return "its spec text differs only in its line endings or its last newline";
    }
    return "the spec text, seed and mapper search are the same, so the network or mask files it names have changed";
  } catch (const std::exception&) {
    return {};
  }
}

/// What a refused resume of another shard adds: the usual way to get there.
constexpr std::string_view kShardHint =
    " (resume each shard with its own --shard k/N; `--shard auto` in a job array task rerun on its own, "
    "sbatch --array=7, sees an array of one task: give the task --shard 7/16 instead)";

/// A point a worker finished, and when it started and ended it (for the progress line's rate).
struct Finished {
  PointRecord record;
  Clock::time_point started, ended;
};
struct Done {};
using Message = std::variant<Finished, Done>;

}  // namespace

void refuse_journal(const std::string& output, std::string_view remedy) {
  if (const std::string journal = output + ".journal"; std::filesystem::exists(journal))
    throw std::runtime_error(
        fmt::format("'{}' exists: a sweep into '{}' was interrupted (or is still running); {}", journal, output, remedy));
}

unsigned available_threads() {
  return static_cast<unsigned>(std::max(1, tbb::info::default_concurrency()));
}

unsigned worker_threads(int jobs) {
  const unsigned available = available_threads();
  return jobs > 0 ? std::min(unsigned(jobs), available) : available;
}

std::string clamped_jobs_note(int jobs) {
  if (jobs <= 0 || static_cast<unsigned>(jobs) <= available_threads()) return {};
  return fmt::format("eyesim: note: -j {} is more threads than the {} this process may use; running {}\n", jobs,
                     available_threads(), worker_threads(jobs));
}

SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& o, const std::atomic<int>& stop, std::FILE* err) {
  const auto start = Clock::now();
  check_output_path(o.output, {});
  const OutputLock lock(o.output);  // before the journal, OUTPUT or OUTPUT.part is looked at
  SweepOutcome out;
  out.output = o.output;
  const std::string part = o.output + ".part";
  const std::string journal_path = o.output + ".journal";

  const std::vector<double> costs = estimated_costs(spec.points);
  const std::vector<std::uint64_t> ids = points_of_shard(costs, o.shard);
  out.points = ids.size();

  // Resume: what an earlier run of the same spec already finished (where its records are in the journal:
  // each is read back when the writer reaches its point).
  std::vector<Journal::Entry> earlier;
  std::uint64_t journal_bytes = 0;  // its complete records: a torn last one is cut before appending
  const bool have_journal = std::filesystem::exists(journal_path);
  if (o.resume) {
    if (have_journal) {
      Journal::Contents c = Journal::scan(journal_path);
      if (c.spec_hash != spec.spec_hash) {
        std::string why = spec_difference(part, spec, c.spec_hash);
        if (why.empty()) why = spec_difference(o.output, spec, c.spec_hash);
        throw std::runtime_error(fmt::format(
            "cannot resume: '{}' belongs to a different spec, seed or mapper search (or its network files changed){}",
            journal_path, why.empty() ? "" : ": " + why));
      }
      if (c.version != o.version)
        throw std::runtime_error(fmt::format(
            "cannot resume: '{}' was written by {}, this is {}: the file would mix two versions' results "
            "(finish it with that version, or delete the journal and rerun)",
            journal_path, c.version.empty() ? std::string("an unnamed eyesim") : c.version, o.version));
      // A journal of another shard (resumed with another --shard into the same -o) holds points this
      // run does not own, or lacks points it owns: they would be written next to its own, under its shard.
      if (c.shard != o.shard)
        throw std::runtime_error(fmt::format("cannot resume: '{}' was written by shard {}/{}, this run is shard {}/{}{}",
                                             journal_path, c.shard.index, c.shard.count, o.shard.index, o.shard.count,
                                             kShardHint));
      for (const Journal::Entry& e : c.entries)
        if (!std::binary_search(ids.begin(), ids.end(), e.point_id))
          throw std::runtime_error(fmt::format(
              "cannot resume: '{}' holds point #{}, which is not one of the {} points of shard {}/{} (was it "
              "written with another --shard?)",
              journal_path, e.point_id, ids.size(), o.shard.index, o.shard.count));
      // What follows the last whole record is dropped when the journal is appended to: say so.
      if (std::error_code ec; std::filesystem::file_size(journal_path, ec) > c.valid_bytes && !ec)
        fmt::print(err,
                   "eyesim: note: '{}': its last {} bytes (from byte {}, after {} whole records) are not a whole "
                   "record (a kill while one was written, or damage); they are dropped, and any point they held is "
                   "simulated again\n",
                   journal_path, std::filesystem::file_size(journal_path) - c.valid_bytes, c.valid_bytes,
                   c.entries.size());
      earlier = std::move(c.entries);
      journal_bytes = c.valid_bytes;
    } else if (std::filesystem::exists(o.output)) {
      Hdf5File f(o.output, Hdf5File::Mode::kReadOnly);
      if (f.attribute("spec_hash") != fmt::format("{:016x}", spec.spec_hash)) {
        const std::string why = spec_difference(o.output, spec);
        throw std::runtime_error(fmt::format(
            "cannot resume: '{}' was written by a different spec, seed or mapper search (or its network files "
            "changed){}",
            o.output, why.empty() ? "" : ": " + why));
      }
      if (const std::string shard = fmt::format("{}/{}", o.shard.index, o.shard.count); f.attribute("shard") != shard)
        throw std::runtime_error(fmt::format("cannot resume: '{}' holds shard {}, this run is shard {}{}", o.output,
                                             f.attribute("shard"), shard, kShardHint));
      if (f.attribute("complete") == "true") {
        fmt::print(err, "eyesim: '{}' is already complete; nothing to resume\n", o.output);
        out.resumed = ids.size();
        return out;
      }
      throw std::runtime_error(fmt::format("cannot resume: '{}' is incomplete and its journal '{}' is missing", o.output,
                                           journal_path));
    }
  } else if (have_journal) {
    refuse_journal(o.output);
  }
  // A point the journal held twice would count once, by its first record (nothing appends a point twice,
  // but a second record must not become a second row).
  std::vector<bool> done(spec.points.size());
  std::vector<Journal::Entry> unique;
  for (const Journal::Entry& e : earlier) {
    if (!done[e.point_id]) unique.push_back(e);
    done[e.point_id] = true;
  }
  earlier = std::move(unique);
  std::vector<std::uint64_t> todo;
  for (std::uint64_t id : ids)
    if (!done[id]) todo.push_back(id);
  todo = schedule_points(todo, costs, estimated_memory(spec.points), worker_threads(o.jobs)).order;

  // The /configs rows come first: a name too long for its column (a network file path, an arch name)
  // is refused before any file is created. Then the output: an unwritable path is reported before any
  // simulation.
  const ResultTables tables;
  check_config_names(spec, ids, tables);
  auto writer = create_part(spec, o, tables, ids);
  std::optional<Journal> journal;
  if (o.journal) journal.emplace(journal_path, spec.spec_hash, o.shard, o.version, journal_bytes);
  // The sweep's first line, before its progress, says how many points `where` dropped (docs/sweeps.md),
  // as the dry run's does, and a shard's how many points are its own (it said nothing when `where` dropped
  // none; helper-56); like the progress, not with --progress never (-q).
  if (o.progress != "never" && (spec.dropped_by_where > 0 || o.shard.count > 1)) {
    fmt::print(err, "eyesim: sweep '{}': {} points{}{}\n", terminal_text(spec.name), spec.points.size(),
               spec.dropped_by_where > 0 ? fmt::format(" ({} dropped by where)", spec.dropped_by_where) : std::string(),
               o.shard.count > 1 ? fmt::format(", {} of them in shard {}/{}", ids.size(), o.shard.index, o.shard.count)
                                 : std::string());
    std::fflush(err);
  }

  // Network data, prepared once per workload on first use and shared read-only; the last point of a
  // workload to finish releases its data, so a sweep's memory follows the networks still in use and the
  // freeing happens on the workers, not serially after them.
  WorkloadStore workloads(spec.points, todo, spec.network_file_hashes);
  tbb::task_arena arena(static_cast<int>(worker_threads(o.jobs)));

  RemainingTime remaining(spec.points, costs, todo);  // of this run's points (the writer thread's)
  PointsInFlight in_flight(static_cast<std::size_t>(arena.max_concurrency()));  // the workers' points, for the ETA
  std::atomic<std::size_t> simulated{0}, failed{0};
  for (const Journal::Entry& e : earlier) failed += e.ok ? 0 : 1;
  out.resumed = earlier.size();

  BoundedQueue<Message> queue(std::size_t{4} * worker_threads(o.jobs));
  std::string writer_error;
  std::thread writer_thread([&] {
    Progress progress(err, o, ids.size(), remaining, in_flight);
    std::size_t written = earlier.size();
    Clock::duration busy{};
    try {
      if (!earlier.empty()) {
        std::vector<ResultWriter::StoredRecord> stored;
        stored.reserve(earlier.size());
        for (std::size_t i = 0; i < earlier.size(); ++i) stored.push_back({earlier[i].point_id, i});
        auto in = std::make_shared<std::ifstream>(journal_path, std::ios::binary);
        writer->add_stored(std::move(stored), [in, &journal_path, &earlier](std::uint64_t i) {
          return Journal::load(*in, journal_path, earlier[i]);
        });
        progress.restart();
      }
      for (;;) {
        Message m;
        if (!queue.pop(m)) break;
        if (std::holds_alternative<Done>(m)) break;
        Finished& f = std::get<Finished>(m);
        PointRecord& r = f.record;
        const auto t0 = Clock::now();
        if (journal) journal->append(r);
        if (progress.is_measured(f.started)) remaining.finished(r.point_id, r.wall_ms / 1e3);
        else remaining.finished_unmeasured(r.point_id, r.wall_ms / 1e3, progress.seconds_in_window(f.started, f.ended));
        writer->add(std::move(r));
        busy += Clock::now() - t0;
        progress.update(++written, failed.load(), false);
      }
      progress.update(written, failed.load(), true);
      out.writer_seconds = std::chrono::duration<double>(busy).count();
    } catch (const std::exception& e) {
      writer_error = e.what();
      queue.abort();
    }
  });

  // Points are handed out in order from one counter (not split into ranges): finished points then
  // reach the writer nearly in order, so its reorder buffer (results with their traces) stays small. A
  // worker whose next point needs data another worker is still preparing puts it aside (up to
  // kMaxSetAside) and takes the next, and comes back to it once the data is there.
  constexpr std::size_t kMaxSetAside = 4;
  std::atomic<std::size_t> next{0};
  arena.execute([&] {
    const int workers = arena.max_concurrency();
    tbb::parallel_for(0, workers, [&](int worker) {
      std::vector<std::size_t> set_aside;  // positions in `todo`
      for (;;) {
        if (stop.load(std::memory_order_relaxed) != 0) return;
        std::size_t i = todo.size();
        const auto ready = std::find_if(set_aside.begin(), set_aside.end(), [&](std::size_t j) {
          return !workloads.being_prepared(key_of(spec.points[todo[j]]));
        });
        if (ready != set_aside.end()) {
          i = *ready;
          set_aside.erase(ready);
        } else if (std::size_t n = next.fetch_add(1, std::memory_order_relaxed); n < todo.size()) {
          const DesignPoint& p = spec.points[todo[n]];
          if (p.invalid.empty() && set_aside.size() < kMaxSetAside && workloads.being_prepared(key_of(p))) {
            set_aside.push_back(n);
            continue;
          }
          i = n;
        } else if (!set_aside.empty()) {  // nothing else to do: wait for the first one's data
          i = set_aside.front();
          set_aside.erase(set_aside.begin());
        } else {
          return;
        }
        const DesignPoint& p = spec.points[todo[i]];
        const auto t0 = Clock::now();
        in_flight.started(static_cast<std::size_t>(worker), todo[i], t0);
        PointRecord rec;
        const WorkloadKey k = key_of(p);
        try {
          if (!p.invalid.empty()) throw std::invalid_argument("invalid architecture: " + p.invalid.front());
          const WorkloadStore::Prepared input = workloads.get(k);
          if (!input.error.empty()) throw std::runtime_error(input.error);
          hw::RunOptions run_options;
          run_options.mapper = spec.mapper;
          const auto r = hw::simulate_network(p.arch, *input.data, run_options);
          rec = tables.record(p, r, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        } catch (const std::exception& e) {
          rec = tables.failed_record(p, e.what(), std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
          ++failed;
        }
        workloads.point_done(k);
        in_flight.finished(static_cast<std::size_t>(worker));
        ++simulated;
        if (!queue.push(Finished{std::move(rec), t0, Clock::now()})) return;  // the writer failed: stop
      }
    });
  });
  queue.push(Done{});
  writer_thread.join();
  if (!writer_error.empty())
    throw std::runtime_error(fmt::format(
        "writing '{}': {}{}", part, writer_error,
        journal ? fmt::format("; the points finished before it are kept in '{}': continue with --resume once the "
                              "cause is fixed",
                              journal_path)
                : std::string()));

  out.simulated = simulated.load();
  out.failed = failed.load();
  out.interrupted = stop.load() != 0 && out.simulated + out.resumed < ids.size();
  close_part(std::move(writer), o, !out.interrupted);
  if (!out.interrupted && journal) journal->remove();
  out.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

SweepOutcome write_result(const SweepSpec& spec, const SweepOptions& o, const hw::NetworkResult& result,
                          double wall_ms) {
  const auto start = Clock::now();
  if (spec.points.size() != 1)
    throw std::invalid_argument(fmt::format("write_result writes one point; the spec has {}", spec.points.size()));
  check_output_path(o.output, {});
  const OutputLock lock(o.output);
  refuse_journal(o.output);
  const std::vector<std::uint64_t> ids{0};
  const ResultTables tables;
  check_config_names(spec, ids, tables);
  // The record before the file: a layer name too long for its column (which run_sweep fails unsimulated,
  // through check_storable) creates no file either.
  PointRecord record;
  try {
    record = tables.record(spec.points.front(), result, wall_ms);
  } catch (const std::length_error& e) {
    throw std::runtime_error(fmt::format("point #0: {}", e.what()));
  }
  auto writer = create_part(spec, o, tables, ids);
  writer->add(std::move(record));
  close_part(std::move(writer), o, true);
  SweepOutcome out;
  out.points = out.simulated = 1;
  out.output = o.output;
  out.writer_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.wall_seconds = wall_ms / 1e3 + out.writer_seconds;
  return out;
}

}  // namespace eyesim::sweep

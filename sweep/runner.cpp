// run_sweep: preparation, the parallel simulation loop, the writer thread and progress.
#include "sweep/runner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <variant>

#include <fmt/format.h>
#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "hw/simulate.h"
#include "sweep/arch_file.h"
#include "sweep/hdf5_file.h"
#include "sweep/journal.h"
#include "sweep/network_file.h"
#include "sweep/result_tables.h"
#include "workloads/layer_data.h"

namespace eyesim::sweep {
namespace {

using Clock = std::chrono::steady_clock;

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// The workload one point simulates: a network with its density scales, at a seed and batch.
struct WorkloadKey {
  std::string network;
  std::uint64_t seed;
  std::uint32_t batch;
  double iact_scale, weight_scale;
  auto operator<=>(const WorkloadKey&) const = default;
};
WorkloadKey key_of(const DesignPoint& p) {
  return {p.network, p.seed, p.batch, p.iact_density_scale, p.weight_density_scale};
}

workloads::Network scaled_network(const WorkloadKey& k) {
  workloads::Network n = resolve_network(k.network);
  for (auto& l : n.layers) {  // layers with real masks keep them: a mask cannot be rescaled
    l.iacts.density = std::min(1.0, l.iacts.density * k.iact_scale);
    l.weights.density = std::min(1.0, l.weights.density * k.weight_scale);
  }
  return n;
}

/// Progress on stderr: redrawn in place on a terminal, a plain line every few seconds otherwise.
class Progress {
 public:
  Progress(std::FILE* err, const SweepOptions& o, std::size_t total, double total_cost)
      : err_(err), total_(total), total_cost_(total_cost), interval_(o.progress_interval_s), start_(Clock::now()) {
    tty_ = o.progress == "always" || (o.progress == "auto" && isatty(fileno(err)));
    enabled_ = o.progress != "never";
  }
  void update(std::size_t done, std::size_t failed, double cost_done, bool final) {
    if (!enabled_) return;
    const auto now = Clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (!final && since < (tty_ ? 0.25 : interval_)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = cost_done > 0 ? elapsed * (total_cost_ - cost_done) / cost_done : 0.0;
    const std::string line = fmt::format("[{:>{}}/{}] {:5.1f}% | {} failed | {:.1f} points/s | {:.0f}s elapsed | ETA {:.0f}s",
                                         done, std::to_string(total_).size(), total_,
                                         total_ ? 100.0 * double(done) / double(total_) : 100.0, failed,
                                         elapsed > 0 ? double(done) / elapsed : 0.0, elapsed, eta);
    if (tty_) fmt::print(err_, "\r{}\x1b[K{}", line, final ? "\n" : "");
    else fmt::print(err_, "eyesim: sweep {}\n", line);
    std::fflush(err_);
  }

 private:
  std::FILE* err_;
  std::size_t total_;
  double total_cost_;
  double interval_;
  bool tty_ = false, enabled_ = true;
  Clock::time_point start_, last_{};
};

/// The single owner of the result file: reorders records into point order and appends them.
class Writer {
 public:
  Writer(const std::string& part_path, const SweepSpec& spec, const SweepOptions& o, const std::vector<std::uint64_t>& ids,
         const ResultTables& tables)
      : file_(part_path, Hdf5File::Mode::kCreate), tables_(tables), ids_(ids) {
    file_.set_attribute("schema", kResultSchema);
    file_.set_attribute("eyesim_version", o.version);
    file_.set_attribute("command_line", o.command_line);
    file_.set_attribute("spec_name", spec.name);
    file_.set_attribute("spec_source", spec.source_name);
    file_.set_attribute("spec_hash", fmt::format("{:016x}", spec.spec_hash));
    file_.set_attribute("seed", std::to_string(spec.seed));
    file_.set_attribute("shard", fmt::format("{}/{}", o.shard.index, o.shard.count));
    file_.set_attribute("points_total", std::to_string(spec.points.size()));
    file_.set_attribute("start_utc", utc_now());
    file_.set_attribute("complete", "false");
    file_.write_string_dataset("spec_toml", spec.text);
    file_.write_string_dataset("base_arch_toml", arch_to_toml(spec.points.front().arch));
    file_.create_table("configs", tables.configs(), 1024);
    file_.create_table("layers", tables.layers(), 2048);
    file_.create_table("runs", tables.runs(), 1024);
    file_.create_group("traces");
    for (const char* t : kTraces) file_.create_u64_dataset(fmt::format("traces/{}", t), 16384);
    for (const char* t : {"configs", "layers", "runs"}) {
      const TableSchema& s = std::string(t) == "configs" ? tables.configs() : std::string(t) == "layers" ? tables.layers() : tables.runs();
      file_.set_units(t, ResultTables::units_json(s));
    }
    std::vector<std::byte> rows;
    for (std::uint64_t id : ids) {
      const auto row = tables.config_row(spec.points[id], config_hash(spec.points[id]));
      rows.insert(rows.end(), row.begin(), row.end());
    }
    file_.append_rows("configs", tables.configs(), rows.data(), ids.size());
    last_flush_ = Clock::now();
  }

  /// Takes a record; writes every record that is now next in point order.
  void add(PointRecord r) {
    pending_.emplace(r.point_id, std::move(r));
    while (next_ < ids_.size()) {
      auto it = pending_.find(ids_[next_]);
      if (it == pending_.end()) break;
      write(it->second);
      pending_.erase(it);
      ++next_;
    }
    if (buffered_layers_ >= kBatchRows || std::chrono::duration<double>(Clock::now() - last_flush_).count() > 2.0) {
      write_batch();
      file_.flush();
      last_flush_ = Clock::now();
    }
  }

  /// Writes what is left (after an interruption: the completed points past a gap, still in id order).
  void finish(bool complete) {
    for (auto& [id, r] : pending_) write(r);
    pending_.clear();
    write_batch();
    file_.set_attribute("complete", complete ? "true" : "false");
    file_.set_attribute("end_utc", utc_now());
    file_.close();
  }

 private:
  static constexpr const char* kTraces[] = {"pe_busy_cycles", "pe_stall_cycles", "pe_macs", "port_busy_cycles", "port_bits"};

  /// Rows and traces are buffered and appended a batch at a time: appending to a compressed chunked
  /// dataset row by row would re-compress its last chunk on every call.
  static constexpr std::size_t kBatchRows = 2048;

  void write_batch() {
    file_.append_rows("runs", tables_.runs(), runs_buffer_.data(), buffered_runs_);
    file_.append_rows("layers", tables_.layers(), layers_buffer_.data(), buffered_layers_);
    for (int k = 0; k < 5; ++k) {
      file_.append_u64(fmt::format("traces/{}", kTraces[k]), trace_buffers_[k]);
      trace_buffers_[k].clear();
    }
    runs_buffer_.clear();
    layers_buffer_.clear();
    buffered_runs_ = buffered_layers_ = 0;
  }

  void write(PointRecord& r) {
    runs_buffer_.insert(runs_buffer_.end(), r.run_row.begin(), r.run_row.end());
    ++buffered_runs_;
    if (r.n_layers == 0) return;
    const std::uint32_t row_bytes = tables_.layers().row_bytes();
    std::size_t t = 0;
    for (std::uint32_t i = 0; i < r.n_layers; ++i) {
      Row row(tables_.layers());
      std::copy_n(r.layer_rows.begin() + std::ptrdiff_t(i) * row_bytes, row_bytes, row.bytes().begin());
      row.set<std::uint64_t>(tables_.col_trace_pe_offset(), pe_offset_);
      row.set<std::uint64_t>(tables_.col_trace_port_offset(), port_offset_);
      std::copy(row.bytes().begin(), row.bytes().end(), r.layer_rows.begin() + std::ptrdiff_t(i) * row_bytes);
      const std::uint32_t pe = r.pe_counts[i], port = r.port_counts[i];
      for (int k = 0; k < 5; ++k) {
        const std::uint32_t n = k < 3 ? pe : port;
        trace_buffers_[k].insert(trace_buffers_[k].end(), r.traces.begin() + std::ptrdiff_t(t),
                                 r.traces.begin() + std::ptrdiff_t(t + n));
        t += n;
      }
      pe_offset_ += pe;
      port_offset_ += port;
    }
    layers_buffer_.insert(layers_buffer_.end(), r.layer_rows.begin(), r.layer_rows.end());
    buffered_layers_ += r.n_layers;
  }

  Hdf5File file_;
  const ResultTables& tables_;
  const std::vector<std::uint64_t>& ids_;
  std::map<std::uint64_t, PointRecord> pending_;
  std::size_t next_ = 0;
  std::uint64_t pe_offset_ = 0, port_offset_ = 0;
  Clock::time_point last_flush_;
  std::vector<std::byte> runs_buffer_, layers_buffer_;
  std::size_t buffered_runs_ = 0, buffered_layers_ = 0;
  std::vector<std::uint64_t> trace_buffers_[5];
};

struct Done {};
using Message = std::variant<PointRecord, Done>;

}  // namespace

double estimated_cost(const DesignPoint& p) {
  std::uint64_t macs = 0;
  if (auto n = workloads::builtin_network(p.network)) macs = n->macs();
  else macs = 1'000'000;  // user networks: unknown until loaded; equal weight
  return double(macs) * p.batch * std::min(1.0, p.iact_density_scale) * std::min(1.0, p.weight_density_scale) /
             double(std::max(1u, p.arch.pes())) + 1.0;
}

SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& o, const std::atomic<int>& stop, std::FILE* err) {
  const auto start = Clock::now();
  SweepOutcome out;
  out.output = o.output;
  const std::string part = o.output + ".part";
  const std::string journal_path = o.output + ".journal";

  std::vector<double> costs;
  for (const DesignPoint& p : spec.points) costs.push_back(estimated_cost(p));
  const std::vector<std::uint64_t> ids = points_of_shard(costs, o.shard);
  out.points = ids.size();

  // Resume: what an earlier run of the same spec already finished.
  std::vector<PointRecord> earlier;
  const bool have_journal = std::filesystem::exists(journal_path);
  if (o.resume) {
    if (have_journal) {
      Journal::Contents c = Journal::read(journal_path);
      if (c.spec_hash != spec.spec_hash)
        throw std::runtime_error(fmt::format("cannot resume: '{}' belongs to a different spec or seed", journal_path));
      earlier = std::move(c.records);
    } else if (std::filesystem::exists(o.output)) {
      Hdf5File f(o.output, Hdf5File::Mode::kReadOnly);
      if (f.attribute("spec_hash") != fmt::format("{:016x}", spec.spec_hash))
        throw std::runtime_error(fmt::format("cannot resume: '{}' was written by a different spec or seed", o.output));
      if (f.attribute("complete") == "true") {
        fmt::print(err, "eyesim: '{}' is already complete; nothing to resume\n", o.output);
        out.resumed = ids.size();
        return out;
      }
      throw std::runtime_error(fmt::format("cannot resume: '{}' is incomplete and its journal '{}' is missing", o.output,
                                           journal_path));
    }
  } else if (have_journal) {
    throw std::runtime_error(fmt::format(
        "'{}' exists: a sweep into '{}' was interrupted; continue it with --resume or delete the journal", journal_path,
        o.output));
  }
  std::map<std::uint64_t, bool> done;
  for (const PointRecord& r : earlier) done[r.point_id] = true;
  std::vector<std::uint64_t> todo;
  for (std::uint64_t id : ids)
    if (!done.count(id)) todo.push_back(id);
  std::stable_sort(todo.begin(), todo.end(), [&](std::uint64_t a, std::uint64_t b) { return costs[a] > costs[b]; });

  // Open the output first: an unwritable path is reported before any simulation.
  const ResultTables tables;
  auto writer = std::make_unique<Writer>(part, spec, o, ids, tables);
  Journal journal(journal_path, spec.spec_hash);

  // Network data, prepared once per workload on first use and shared read-only: a task that needs
  // data another task is preparing waits for it; tasks of other workloads go on meanwhile.
  struct Prepared {
    std::once_flag once;
    std::shared_ptr<const workloads::NetworkData> data;
    std::string error;
  };
  std::map<WorkloadKey, Prepared> data;
  for (std::uint64_t id : todo) data.try_emplace(key_of(spec.points[id]));
  const auto prepared = [&](const WorkloadKey& k) -> const Prepared& {
    Prepared& slot = data.at(k);  // the map itself is never modified while tasks run
    std::call_once(slot.once, [&] {
      try {
        slot.data = workloads::prepare_network(scaled_network(k), k.seed, k.batch);
      } catch (const std::exception& e) {
        slot.error = e.what();
      }
    });
    return slot;
  };
  tbb::task_arena arena(o.jobs > 0 ? o.jobs : tbb::task_arena::automatic);

  double total_cost = 0, cost_done = 0;
  for (std::uint64_t id : ids) total_cost += costs[id];
  std::atomic<std::size_t> simulated{0}, failed{0};
  for (const PointRecord& r : earlier) {
    failed += r.ok ? 0 : 1;
    cost_done += costs[r.point_id];
  }
  out.resumed = earlier.size();

  tbb::concurrent_bounded_queue<Message> queue;
  queue.set_capacity(std::max(4, 4 * (o.jobs > 0 ? o.jobs : int(std::thread::hardware_concurrency()))));
  std::string writer_error;
  std::thread writer_thread([&] {
    Progress progress(err, o, ids.size(), total_cost);
    std::size_t written = earlier.size();
    Clock::duration busy{};
    try {
      for (PointRecord& r : earlier) writer->add(std::move(r));
      for (;;) {
        Message m;
        queue.pop(m);
        if (std::holds_alternative<Done>(m)) break;
        PointRecord& r = std::get<PointRecord>(m);
        const auto t0 = Clock::now();
        journal.append(r);
        cost_done += costs[r.point_id];
        writer->add(std::move(r));
        busy += Clock::now() - t0;
        progress.update(++written, failed.load(), cost_done, false);
      }
      progress.update(written, failed.load(), cost_done, true);
      out.writer_seconds = std::chrono::duration<double>(busy).count();
    } catch (const std::exception& e) {
      writer_error = e.what();
      queue.abort();
    }
  });

  try {
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, todo.size(), 1),
                        [&](const tbb::blocked_range<std::size_t>& range) {
                          for (std::size_t i = range.begin(); i != range.end(); ++i) {
                            if (stop.load(std::memory_order_relaxed) != 0) return;
                            const DesignPoint& p = spec.points[todo[i]];
                            const auto t0 = Clock::now();
                            PointRecord rec;
                            const WorkloadKey k = key_of(p);
                            try {
                              if (!p.invalid.empty()) throw std::invalid_argument("invalid architecture: " + p.invalid.front());
                              const Prepared& input = prepared(k);
                              if (!input.error.empty()) throw std::runtime_error(input.error);
                              const auto r = hw::simulate_network(p.arch, *input.data);
                              rec = tables.record(p, r, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
                            } catch (const std::exception& e) {
                              rec = tables.failed_record(p, e.what(),
                                                         std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
                              ++failed;
                            }
                            ++simulated;
                            queue.push(std::move(rec));
                          }
                        },
                        tbb::simple_partitioner{});
    });
    queue.push(Done{});
  } catch (const tbb::user_abort&) {
    // the writer failed and aborted the queue; its error is reported below
  }
  writer_thread.join();
  if (!writer_error.empty()) throw std::runtime_error(fmt::format("writing '{}': {}", part, writer_error));

  out.simulated = simulated.load();
  out.failed = failed.load();
  out.interrupted = stop.load() != 0 && out.simulated + out.resumed < ids.size();
  writer->finish(!out.interrupted);
  writer.reset();
  std::filesystem::rename(part, o.output);
  if (!out.interrupted) journal.remove();
  out.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

}  // namespace eyesim::sweep

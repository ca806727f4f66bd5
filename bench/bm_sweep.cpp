// The sweep runner on the built-in default sweep (111 points) at 1 and 2 threads: points, nominal MACs
// and events per second (the latter two summed from the result file), and the writer thread's share.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "sweep/hdf5_file.h"
#include "sweep/runner.h"
#include "sweep/sweep_spec.h"
#include "sweep/table_schema.h"

namespace eyesim {
namespace {

/// Sums of the /layers columns `macs_nominal` and `events` of a result file.
struct LayerTotals {
  std::uint64_t macs = 0, events = 0;
};
LayerTotals layer_totals(const std::string& path) {
  sweep::TableSchema schema;
  const std::size_t macs = schema.add("macs_nominal", sweep::ColumnType::kU64);
  const std::size_t events = schema.add("events", sweep::ColumnType::kU64);
  sweep::Hdf5File file(path, sweep::Hdf5File::Mode::kReadOnly);
  const auto rows = file.read_rows("layers", schema);
  LayerTotals t;
  for (std::size_t at = 0; at + schema.row_bytes() <= rows.size(); at += schema.row_bytes()) {
    std::uint64_t v = 0;
    std::memcpy(&v, rows.data() + at + schema.columns()[macs].offset, sizeof v);
    t.macs += v;
    std::memcpy(&v, rows.data() + at + schema.columns()[events].offset, sizeof v);
    t.events += v;
  }
  return t;
}

void BM_DefaultSweep(benchmark::State& state) {
  const sweep::SweepSpec spec = sweep::default_sweep_spec();
  const auto out = std::filesystem::temp_directory_path() / ("eyesim_bm_sweep_" + std::to_string(::getpid()) + ".h5");
  std::size_t points = 0;
  double writer = 0, wall = 0;
  for (auto _ : state) {
    std::filesystem::remove(out);
    sweep::SweepOptions o;
    o.output = out.string();
    o.jobs = static_cast<int>(state.range(0));
    o.progress = "never";
    std::atomic<int> stop{0};
    const auto r = sweep::run_sweep(spec, o, stop, stderr);
    points += r.simulated;
    writer += r.writer_seconds;
    wall += r.wall_seconds;
  }
  const LayerTotals per_sweep = layer_totals(out.string());  // every iteration simulates the same points
  std::filesystem::remove(out);
  const auto sweeps = static_cast<double>(state.iterations());
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(points), benchmark::Counter::kIsRate);
  state.counters["MACs/s"] = benchmark::Counter(sweeps * static_cast<double>(per_sweep.macs), benchmark::Counter::kIsRate);
  state.counters["events/s"] = benchmark::Counter(sweeps * static_cast<double>(per_sweep.events), benchmark::Counter::kIsRate);
  state.counters["writer_share"] = wall > 0 ? writer / wall : 0.0;
}
// One sweep per repetition: bench/run takes the median of its 5 repetitions (a sweep takes seconds).
BENCHMARK(BM_DefaultSweep)->ArgName("threads")->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace eyesim

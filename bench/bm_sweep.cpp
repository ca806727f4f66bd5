// The sweep runner on the built-in default sweep at 1 and 2 threads (points per second, writer share).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "sweep/runner.h"
#include "sweep/sweep_spec.h"

namespace eyesim {
namespace {

void BM_DefaultSweep(benchmark::State& state) {
  const sweep::SweepSpec spec = sweep::default_sweep_spec();
  const auto out = std::filesystem::temp_directory_path() / "eyesim_bm_sweep.h5";
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
  std::filesystem::remove(out);
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(points), benchmark::Counter::kIsRate);
  state.counters["writer_share"] = wall > 0 ? writer / wall : 0.0;
}
BENCHMARK(BM_DefaultSweep)->Arg(1)->Arg(2)->Iterations(3)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace eyesim

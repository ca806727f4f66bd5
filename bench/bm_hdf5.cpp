// HDF5 result writing: sweep::ResultWriter appending the records of whole sparse MobileNet points
// (configs, runs, one layer row per layer and the per-PE / per-port traces), as the sweep writer does.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hw/presets.h"
#include "hw/simulate.h"
#include "sweep/arch_file.h"
#include "sweep/result_tables.h"
#include "sweep/result_writer.h"
#include "workloads/layer_data.h"

namespace eyesim {
namespace {

/// range(0) points of one simulated sparse MobileNet (28 layer rows each, traces included) into a new
/// file per iteration, in point order. Building the records is not timed; creating, writing and
/// closing the file is.
void BM_Hdf5Write(benchmark::State& state) {
  const auto points = static_cast<std::uint64_t>(state.range(0));
  sweep::DesignPoint p;
  p.arch = *hw::preset("eyeriss_v2");
  p.network = "sparse_mobilenet";
  const auto data = workloads::prepare_network(*workloads::builtin_network(p.network), p.seed);
  const hw::NetworkResult result = hw::simulate_network(p.arch, *data);
  const sweep::ResultTables tables;
  const sweep::PointRecord record = tables.record(p, result, 1.0);
  std::vector<std::byte> configs;
  std::vector<std::uint64_t> ids;
  for (std::uint64_t id = 0; id < points; ++id) {
    p.id = id;
    const auto row = tables.config_row(p, sweep::config_hash(p));
    configs.insert(configs.end(), row.begin(), row.end());
    ids.push_back(id);
  }
  sweep::ResultFileHeader header;
  header.attributes = {{"spec_name", "bm_hdf5_write"}, {"points_total", std::to_string(points)}};
  header.spec_toml = "name = \"bm_hdf5_write\"\n";
  header.base_arch_toml = sweep::arch_to_toml(p.arch);
  const auto path = std::filesystem::temp_directory_path() / ("eyesim_bm_hdf5_" + std::to_string(::getpid()) + ".h5");

  std::vector<sweep::PointRecord> records;
  std::uint64_t layer_rows = 0, trace_values = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove(path);
    records.assign(points, record);
    for (std::uint64_t id = 0; id < points; ++id) records[id].point_id = id;
    state.ResumeTiming();
    sweep::ResultWriter writer(path.string(), header, tables, ids);
    writer.add_configs(configs.data(), points);
    for (sweep::PointRecord& r : records) writer.add(std::move(r));
    writer.finish(true, "2026-01-01T00:00:00Z");
    layer_rows += points * record.n_layers;
    trace_values += points * record.traces.size();
  }
  const auto bytes = std::filesystem::file_size(path);
  std::filesystem::remove(path);
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(layer_rows), benchmark::Counter::kIsRate);
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(points),
                                                  benchmark::Counter::kIsRate);
  state.counters["traces/s"] = benchmark::Counter(static_cast<double>(trace_values), benchmark::Counter::kIsRate);
  state.counters["file_MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_Hdf5Write)->ArgName("points")->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace eyesim

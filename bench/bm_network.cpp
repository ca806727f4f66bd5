// Whole-network and per-layer-kind simulation speed on eyeriss_v2 (timing and functional modes), and
// one layer over operand density (cost follows the non-zeros, not the dense MACs).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

#include "bench_layers.h"
#include "hw/mapper.h"
#include "hw/presets.h"
#include "hw/simulate.h"
#include "sweep/arena_loop.h"
#include "workloads/layer_data.h"

namespace eyesim {
namespace {

/// Simulator work per second: events, nominal (dense) MACs and effectual (non-zero x non-zero) MACs.
struct Throughput {
  std::uint64_t events = 0, macs = 0, macs_effectual = 0;
  void add(const hw::LayerStats& s) {
    events += s.events;
    macs += s.macs_nominal;
    macs_effectual += s.macs_effectual;
  }
  void report(benchmark::State& state) const {
    state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
    state.counters["MACs/s"] = benchmark::Counter(static_cast<double>(macs), benchmark::Counter::kIsRate);
    state.counters["eff_MACs/s"] = benchmark::Counter(static_cast<double>(macs_effectual), benchmark::Counter::kIsRate);
  }
};

/// The mapper's choice for a layer, outside the timed loop: its mean wall time (ms, over at least 3
/// calls and 20 ms; the part of simulate_layer that does not depend on the events simulated) and the
/// number of PE work items that mapping gives (G x N x E x f-tiles x m-tiles x c-tiles x R).
struct MapperProbe {
  double ms = 0;
  std::uint64_t work_items = 0;
};
MapperProbe probe_mapper(const hw::ArchSpec& arch, const workloads::LayerData& layer) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int calls = 0;
  double elapsed = 0;
  hw::Mapping m;
  while (calls < 3 || elapsed < 0.02) {
    m = hw::map_layer(arch, layer);
    benchmark::DoNotOptimize(m);
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  const workloads::LayerShape& s = layer.shape();
  return {1e3 * elapsed / calls,
          std::uint64_t{s.g} * s.n * s.e() * m.f_tiles * m.m_tiles * m.c_tiles * s.r};
}

void report_mapper(benchmark::State& state, const hw::ArchSpec& arch, const workloads::LayerData& layer) {
  const MapperProbe p = probe_mapper(arch, layer);
  state.counters["mapper_ms"] = p.ms;
  state.counters["work_items"] = static_cast<double>(p.work_items);
}

/// Simulates `name` on `preset` once per iteration; the network's data is prepared once, outside the timed
/// loop (BM_PrepareNetwork measures that).
void simulate_repeatedly(benchmark::State& state, const char* preset, const char* name, bool verify) {
  const hw::ArchSpec arch = *hw::preset(preset);
  const auto data = workloads::prepare_network(*workloads::builtin_network(name), 1);
  Throughput t;
  for (auto _ : state) {
    const auto r = hw::simulate_network(arch, *data, hw::RunOptions{.verify = verify, .collect_traces = true, .forced_mappings = {}});
    t.add(r.totals);
  }
  t.report(state);
}

void BM_Network(benchmark::State& state, const char* name, bool verify) {
  simulate_repeatedly(state, "eyeriss_v2", name, verify);
}
/// BM_Network on another preset. `eyeriss_v1_jssc`: its 0.48 GB/s link is saturated for long stretches
/// (bm_dram.cpp). `eyeriss_v2_16384` with dense AlexNet: many PEs of a lane share an input window and
/// tiles of one height, whose work is computed once (Chip::on_lane_step<true>; 208-213 -> 117-177 ms,
/// interleaved runs, 2026-11-30). `eyeriss_v1_5`: its dense PEs walk every weight of a pruned layer and gate
/// the zeros, so they count a tile's non-zeros from the same weight-count tables as the sparse PE (without
/// them, a binary search per weight column and tile: 270 ms against 61.5 ms on sparse AlexNet, on this machine).
void BM_NetworkOn(benchmark::State& state, const char* preset, const char* name) {
  simulate_repeatedly(state, preset, name, false);
}
/// BM_Network with the data prepared afresh before every simulation (outside the timing): nothing cached
/// with the data yet (the weight-tile count tables, workloads/weight_tile_counts.h), as for the first
/// design point of a sweep. BM_Network is every later point.
void BM_NetworkCold(benchmark::State& state, const char* name) {
  const hw::ArchSpec arch = *hw::preset("eyeriss_v2");
  const auto network = *workloads::builtin_network(name);
  Throughput t;
  decltype(workloads::prepare_network(network, 1)) data;
  for (auto _ : state) {
    state.PauseTiming();
    data = workloads::prepare_network(network, 1);  // (the previous data is freed here, untimed)
    state.ResumeTiming();
    const auto r = hw::simulate_network(arch, *data, hw::RunOptions{.verify = false, .collect_traces = true, .forced_mappings = {}});
    t.add(r.totals);
  }
  t.report(state);
}
/// BM_Network with the mapping search by simulation (RunOptions::mapper, default window and count): what
/// `--mapper simulate` costs against the estimate's one mapping per layer (BM_Network timing).
void BM_NetworkSearched(benchmark::State& state, const char* name) {
  const hw::ArchSpec arch = *hw::preset("eyeriss_v2");
  const auto data = workloads::prepare_network(*workloads::builtin_network(name), 1);
  hw::RunOptions options{.verify = false, .collect_traces = true, .forced_mappings = {}};
  options.mapper.mode = hw::MapperMode::kSimulate;
  Throughput t;
  std::uint64_t candidates = 0;
  for (auto _ : state) {
    const auto r = hw::simulate_network(arch, *data, options);
    t.add(r.totals);
    candidates = 0;
    for (const auto& l : r.layers) candidates += l.mapper_candidates;
  }
  t.report(state);
  state.counters["candidates"] = static_cast<double>(candidates);
}
/// What `eyesim run` does: prepare the data and simulate, the layers side by side on `threads` threads of a
/// oneTBB arena (sweep/arena_loop.h; the results do not depend on it). Wall time: the ratio of 1 and 2
/// threads is the layer parallelism's gain on a network of many layers of unequal cost.
void BM_RunLayers(benchmark::State& state, const char* name) {
  const hw::ArchSpec arch = *hw::preset("eyeriss_v2");
  const auto network = *workloads::builtin_network(name);
  tbb::task_arena arena(static_cast<int>(state.range(0)));
  const IndexLoop layers = sweep::arena_loop(arena);
  Throughput t;
  for (auto _ : state) {
    const auto data = workloads::prepare_network(network, 1, 1, layers);
    const auto r = hw::simulate_network(arch, *data, hw::RunOptions{.verify = false, .collect_traces = true, .forced_mappings = {}},
                                        layers);
    t.add(r.totals);
  }
  t.report(state);
}
BENCHMARK_CAPTURE(BM_RunLayers, resnet50, "resnet50")->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_CAPTURE(BM_NetworkCold, sparse_mobilenet_timing, "sparse_mobilenet")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Network, sparse_mobilenet_timing, "sparse_mobilenet", false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Network, sparse_mobilenet_verify, "sparse_mobilenet", true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NetworkSearched, sparse_mobilenet_simulate, "sparse_mobilenet")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Network, sparse_alexnet_timing, "sparse_alexnet", false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Network, sparse_alexnet_verify, "sparse_alexnet", true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NetworkOn, sparse_alexnet_dense_pe, "eyeriss_v1_5", "sparse_alexnet")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NetworkOn, alexnet_jssc, "eyeriss_v1_jssc", "alexnet")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NetworkOn, alexnet_16384, "eyeriss_v2_16384", "alexnet")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Network, mobilenet_1_0_224_timing, "mobilenet_1_0_224", false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Network, mobilenet_1_0_224_verify, "mobilenet_1_0_224", true)->Unit(benchmark::kMillisecond);

/// One layer of each kind from MobileNet / AlexNet.
void BM_Layer(benchmark::State& state, const char* net, const char* layer) {
  const hw::ArchSpec arch = *hw::preset("eyeriss_v2");
  const auto data = workloads::prepare_network(bench::single_layer(net, layer), 1);
  Throughput t;
  for (auto _ : state) t.add(hw::simulate_layer(arch, data->layers[0]).stats);
  t.report(state);
  report_mapper(state, arch, data->layers[0]);
}
BENCHMARK_CAPTURE(BM_Layer, conv_alexnet_conv3, "sparse_alexnet", "CONV3")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Layer, depthwise_mobilenet_l20, "sparse_mobilenet", "L20")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Layer, pointwise_mobilenet_l27, "sparse_mobilenet", "L27")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Layer, fc_alexnet_fc6, "sparse_alexnet", "FC6")->Unit(benchmark::kMillisecond);

/// One layer with uniformly random iacts and weights, both at density range(0) %: the effectual MACs
/// fall with density squared, the nominal MACs stay; the time should follow the non-zeros and events.
void BM_Density(benchmark::State& state, const char* net, const char* layer) {
  const double density = static_cast<double>(state.range(0)) / 100.0;
  const hw::ArchSpec arch = *hw::preset("eyeriss_v2");
  const auto data = workloads::prepare_network(bench::single_layer_at_density(net, layer, density), 1);
  const workloads::LayerData& l = data->layers[0];
  Throughput t;
  hw::LayerStats last;
  for (auto _ : state) {
    last = hw::simulate_layer(arch, l).stats;
    t.add(last);
  }
  t.report(state);
  state.counters["density_%"] = static_cast<double>(state.range(0));
  state.counters["nnz_operands"] = static_cast<double>(l.iact_nnz + l.weight_nnz);
  state.counters["eff_MACs"] = static_cast<double>(last.macs_effectual);
  state.counters["MACs"] = static_cast<double>(last.macs_nominal);
  state.counters["events"] = static_cast<double>(last.events);
  report_mapper(state, arch, l);
}
BENCHMARK_CAPTURE(BM_Density, conv_alexnet_conv3, "sparse_alexnet", "CONV3")
    ->ArgName("pct")->Arg(10)->Arg(20)->Arg(40)->Arg(60)->Arg(80)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Density, pointwise_mobilenet_l27, "sparse_mobilenet", "L27")
    ->ArgName("pct")->Arg(10)->Arg(20)->Arg(40)->Arg(60)->Arg(80)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace eyesim

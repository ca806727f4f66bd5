// Whole-network and per-layer-kind simulation speed on eyeriss_v2 (timing and functional modes).
#include <benchmark/benchmark.h>

#include "hw/presets.h"
#include "hw/simulate.h"
#include "workloads/layer_data.h"

namespace eyesim {
namespace {

void BM_Network(benchmark::State& state, const char* name, bool verify) {
  const hw::ArchSpec arch = *hw::preset("eyeriss_v2");
  const auto data = workloads::prepare_network(*workloads::builtin_network(name), 1);
  std::uint64_t events = 0, macs = 0;
  for (auto _ : state) {
    const auto r = hw::simulate_network(arch, *data, hw::RunOptions{.verify = verify, .collect_traces = true, .forced_mappings = {}});
    events += r.totals.events;
    macs += r.totals.macs_nominal;
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["MACs/s"] = benchmark::Counter(static_cast<double>(macs), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Network, sparse_mobilenet_timing, "sparse_mobilenet", false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Network, sparse_mobilenet_verify, "sparse_mobilenet", true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Network, sparse_alexnet_timing, "sparse_alexnet", false)->Unit(benchmark::kMillisecond);

/// One layer of each kind from MobileNet / AlexNet.
void BM_Layer(benchmark::State& state, const char* net, const char* layer) {
  const hw::ArchSpec arch = *hw::preset("eyeriss_v2");
  workloads::Network n = *workloads::builtin_network(net);
  std::erase_if(n.layers, [&](const workloads::LayerSpec& l) { return l.shape.name != layer; });
  const auto data = workloads::prepare_network(n, 1);
  std::uint64_t macs = 0;
  for (auto _ : state) {
    const auto r = hw::simulate_layer(arch, data->layers[0]);
    macs += r.stats.macs_nominal;
  }
  state.counters["MACs/s"] = benchmark::Counter(static_cast<double>(macs), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Layer, conv_alexnet_conv3, "sparse_alexnet", "CONV3")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Layer, depthwise_mobilenet_l20, "sparse_mobilenet", "L20")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Layer, pointwise_mobilenet_l27, "sparse_mobilenet", "L27")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Layer, fc_alexnet_fc6, "sparse_alexnet", "FC6")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace eyesim

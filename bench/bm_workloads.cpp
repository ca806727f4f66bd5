// Network data preparation: generating sparse tensors, reading masks and building the non-zero index.
#include <benchmark/benchmark.h>

#include "workloads/layer_data.h"
#include "workloads/network.h"
#include "workloads/weight_tile_counts.h"

namespace eyesim {
namespace {

void BM_PrepareNetwork(benchmark::State& state, const char* name) {
  const auto net = *workloads::builtin_network(name);
  std::uint64_t seed = 1;
  for (auto _ : state) {
    auto data = workloads::prepare_network(net, seed++);
    benchmark::DoNotOptimize(data);
  }
  state.counters["weights"] = static_cast<double>(net.layers.empty() ? 0 : [&] {
    std::uint64_t w = 0;
    for (const auto& l : net.layers) w += l.shape.weight_count();
    return w;
  }());
}
BENCHMARK_CAPTURE(BM_PrepareNetwork, sparse_mobilenet, "sparse_mobilenet")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PrepareNetwork, sparse_alexnet, "sparse_alexnet")->Unit(benchmark::kMillisecond);
/// Dense weights: 61 M values drawn a 64-bit word at a time (NonZeroBytes::fill), no selection sampling.
BENCHMARK_CAPTURE(BM_PrepareNetwork, alexnet, "alexnet")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PrepareNetwork, mobilenet_1_0_224, "mobilenet_1_0_224")->Unit(benchmark::kMillisecond);

/// Building the weight-tile count tables (workloads/weight_tile_counts.h) of every layer for the tile
/// heights the eyeriss_v2 mapper asks for on sparse MobileNet (its first simulation of fresh data pays
/// this): tables/s and weight non-zeros walked/s.
void BM_WeightTileCounts(benchmark::State& state, const char* name) {
  const auto data = workloads::prepare_network(*workloads::builtin_network(name), 1);
  std::uint64_t tables = 0, nnz = 0;
  for (auto _ : state) {
    for (const auto& layer : data->layers) {
      for (std::uint32_t m0 : {8u, 16u, 19u, 28u, 32u}) {
        const workloads::WeightTileCounts t(layer.index, m0);
        benchmark::DoNotOptimize(t);
        ++tables;
        nnz += layer.weight_nnz;
      }
    }
  }
  state.counters["tables/s"] = benchmark::Counter(static_cast<double>(tables), benchmark::Counter::kIsRate);
  state.counters["nnz/s"] = benchmark::Counter(static_cast<double>(nnz), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_WeightTileCounts, sparse_mobilenet, "sparse_mobilenet")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_WeightTileCounts, sparse_alexnet, "sparse_alexnet")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace eyesim

// Network data preparation: generating sparse tensors, reading masks and building the non-zero index.
#include <benchmark/benchmark.h>

#include "workloads/layer_data.h"
#include "workloads/network.h"

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
BENCHMARK_CAPTURE(BM_PrepareNetwork, mobilenet_1_0_224, "mobilenet_1_0_224")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace eyesim

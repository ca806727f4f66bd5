// The DRAM channel's window accounting under a backlog: transfers queued behind many full windows step
// over them (hw/dram.h's skip links) instead of visiting each, so a saturated link (the JSSC chip's
// 0.48 GB/s, a low dram.bandwidth_gbps in a sweep) costs per transfer the windows it fills.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "hw/dram.h"
#include "hw/presets.h"

namespace eyesim {
namespace {

/// `state.range(0)` transfers of 640 bytes (1.6 windows at 1.28 GB/s), all ready at cycle 0: the n-th
/// waits behind n - 1 others.
void BM_DramBacklog(benchmark::State& state) {
  hw::ArchSpec arch = *hw::preset("eyeriss_v2");
  arch.dram.bandwidth_gbps = 1.28;
  const auto transfers = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    hw::Dram dram(arch);
    std::uint64_t last = 0;
    for (std::uint64_t i = 0; i < transfers; ++i) last = dram.access(0, 640);
    benchmark::DoNotOptimize(last);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * transfers));
}
BENCHMARK(BM_DramBacklog)->ArgName("transfers")->Arg(1 << 10)->Arg(1 << 14)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace eyesim

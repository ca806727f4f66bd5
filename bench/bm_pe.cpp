// PE work items: the cost model of one weight tile against one input row segment (hw::PeCostModel),
// on every work item of a representative sparse layer, in the chip's order (one window, k_m tiles).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "bench_layers.h"
#include "hw/mapper.h"
#include "hw/pe_cost.h"
#include "hw/presets.h"
#include "workloads/layer_data.h"

namespace eyesim {
namespace {

/// Every work item of image 0 under the mapper's tiling: per (g, e, f-tile, c-tile, r) the input
/// window is classified once, then costed against each m-tile, as hw/chip.cpp does for a multicast.
void BM_PeWorkItem(benchmark::State& state, const char* net, const char* layer) {
  const hw::ArchSpec arch = *hw::preset("eyeriss_v2");
  const auto data = workloads::prepare_network(bench::single_layer(net, layer), 1);
  const workloads::LayerData& l = data->layers[0];
  const workloads::LayerShape& s = l.shape();
  const hw::Mapping map = hw::map_layer(arch, l);
  const std::uint32_t m0 = map.factors.m0, c0 = map.factors.c0, f0 = map.factors.f0;
  const hw::PeCostModel model(arch, l, m0);

  const auto tile_index = [&](std::uint32_t g, std::uint32_t mt, std::uint32_t ct, std::uint32_t r) {
    return ((std::size_t{g} * s.r + r) * map.c_tiles + ct) * map.m_tiles + mt;
  };
  std::vector<hw::WeightTileCost> tiles(std::size_t{s.g} * s.r * map.c_tiles * map.m_tiles);
  for (std::uint32_t g = 0; g < s.g; ++g)
    for (std::uint32_t r = 0; r < s.r; ++r)
      for (std::uint32_t ct = 0; ct < map.c_tiles; ++ct)
        for (std::uint32_t mt = 0; mt < map.m_tiles; ++mt)
          model.weight_tile(g, mt * m0, std::min(s.m, (mt + 1) * m0), ct * c0, std::min(s.c, (ct + 1) * c0), r,
                            tiles[tile_index(g, mt, ct, r)]);

  hw::IactWindow window;
  std::uint64_t items = 0, macs = 0, cycles = 0;
  for (auto _ : state) {
    for (std::uint32_t g = 0; g < s.g; ++g)
      for (std::uint32_t e = 0; e < s.e(); ++e)
        for (std::uint32_t ft = 0; ft < map.f_tiles; ++ft)
          for (std::uint32_t r = 0; r < s.r; ++r)
            for (std::uint32_t ct = 0; ct < map.c_tiles; ++ct) {
              hw::WorkItem item{.g = g, .n = 0, .m_begin = 0, .m_end = 0, .c_begin = ct * c0,
                                .c_end = std::min(s.c, (ct + 1) * c0), .r = r, .e = e, .f_begin = ft * f0,
                                .f_end = std::min(s.f(), (ft + 1) * f0)};
              model.iact_window(item, window);
              for (std::uint32_t mt = 0; mt < map.m_tiles; ++mt) {
                item.m_begin = mt * m0;
                item.m_end = std::min(s.m, (mt + 1) * m0);
                const hw::WorkItemCost c = model.work_item(item, window, tiles[tile_index(g, mt, ct, r)]);
                macs += c.macs_effectual;
                cycles += c.cycles;
                ++items;
              }
            }
  }
  benchmark::DoNotOptimize(cycles);
  state.SetItemsProcessed(static_cast<std::int64_t>(items));
  state.counters["MACs/s"] = benchmark::Counter(static_cast<double>(macs), benchmark::Counter::kIsRate);
  state.counters["items"] = static_cast<double>(items) / static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
  state.counters["MACs/item"] = items ? static_cast<double>(macs) / static_cast<double>(items) : 0.0;
}
BENCHMARK_CAPTURE(BM_PeWorkItem, conv_alexnet_conv3, "sparse_alexnet", "CONV3")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PeWorkItem, pointwise_mobilenet_l27, "sparse_mobilenet", "L27")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PeWorkItem, depthwise_mobilenet_l20, "sparse_mobilenet", "L20")->Unit(benchmark::kMillisecond);
// An 11 x 11 filter at stride 4: the iacts within S - 1 columns of a window's ends meet only some of the
// filter columns of their class, one by one (IactWindow::edge_columns).
BENCHMARK_CAPTURE(BM_PeWorkItem, conv_alexnet_conv1, "sparse_alexnet", "CONV1")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace eyesim

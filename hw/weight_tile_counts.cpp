// WeightTileCounts: one pass over each column's ascending output channels.
#include "hw/weight_tile_counts.h"

namespace eyesim::hw {

WeightTileCounts::WeightTileCounts(const workloads::LayerData& layer, std::uint32_t m0)
    : m0_(m0), m_(layer.shape().m), m_tiles_((layer.shape().m + m0 - 1) / m0), dense_(layer.index.weights_dense()) {
  if (dense_) return;
  const auto& l = layer.shape();
  const std::uint32_t columns = l.g * l.c * l.r * l.s;
  counts_.assign(std::size_t{columns} * m_tiles_, 0);
  for (std::uint32_t column = 0; column < columns; ++column) {
    std::uint16_t* row = counts_.data() + std::size_t{column} * m_tiles_;
    // The output channels ascend: walk the tile boundaries instead of dividing per non-zero.
    std::uint32_t tile = 0, tile_end = m0;
    for (const std::uint16_t m : layer.index.weight_ms(column)) {
      while (m >= tile_end) {
        ++tile;
        tile_end += m0;
      }
      ++row[tile];
    }
  }
}

}  // namespace eyesim::hw

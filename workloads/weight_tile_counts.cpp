// WeightTileCounts: one pass over each column's ascending output channels; the cache of tables.
#include "workloads/weight_tile_counts.h"

#include <algorithm>
#include <vector>

namespace eyesim::workloads {

WeightTileCounts::WeightTileCounts(const NonZeroIndex& index, std::uint32_t m0)
    : m0_(m0), m_(index.output_channels()), m_tiles_((index.output_channels() + m0 - 1) / m0),
      columns_(index.weight_columns()), dense_(index.weights_dense()) {
  if (dense_) return;
  const std::uint32_t columns = index.weight_columns();
  counts_.assign(std::size_t{columns} * m_tiles_, 0);
  if (m_tiles_ == 1) {  // one tile (depthwise layers, M = 1): a column's count is its length
    for (std::uint32_t column = 0; column < columns; ++column)
      counts_[column] = static_cast<std::uint16_t>(index.weight_ms(column).size());
    return;
  }
  // The tile of every output channel, looked up instead of divided.
  std::vector<std::uint16_t> tile_of(m_);
  for (std::uint32_t m = 0, tile = 0, left = m0; m < m_; ++m) {
    tile_of[m] = static_cast<std::uint16_t>(tile);
    if (--left == 0) {
      ++tile;
      left = m0;
    }
  }
  for (std::uint32_t column = 0; column < columns; ++column) {
    std::uint16_t* row = counts_.data() + std::size_t{column} * m_tiles_;
    const auto ms = index.weight_ms(column);
    if (ms.size() > 0xFFFF) {  // (a column of 65536 non-zeros: the positions below would not fit)
      for (const std::uint16_t m : ms) ++row[tile_of[m]];
      continue;
    }
    // The output channels ascend, so a tile's last non-zero is the one stored last into its entry: one
    // store per non-zero, no branch and no read-modify-write chain. Then, in place, the running maximum
    // of those end positions is each tile's end, and a count is the difference of two ends.
    for (std::size_t i = 0; i < ms.size(); ++i) row[tile_of[ms[i]]] = static_cast<std::uint16_t>(i + 1);
    std::uint16_t end = 0, begin = 0;
    for (std::uint32_t tile = 0; tile < m_tiles_; ++tile) {
      end = std::max(end, row[tile]);
      row[tile] = static_cast<std::uint16_t>(end - begin);
      begin = end;
    }
  }
}

void WeightTileCounts::count_entries(const NonZeroIndex& index) const {
  // Per column, each non-zero is one entry plus one per 16 zeros since the previous non-zero of its tile
  // (or the tile's first channel): append_csc_nonzero's explicit zero entries. As the counts are built: a
  // running total of the zero entries stored at each non-zero's tile (the last store per tile is the total
  // up to its end), then the differences of the running maxima; no branch per non-zero (at 9 % density a
  // 32-channel tile changes every third non-zero, and a branch on it mispredicted). A block of columns at a
  // time in `block` ([column][tile], small), then transposed into the [tile][column] table: each tile's
  // run of the block's columns is one contiguous write.
  constexpr std::uint32_t kBlock = 64;
  entries_.assign(std::size_t{columns_} * m_tiles_, 0);
  std::vector<std::uint16_t> tile_of(m_), tile_start(m_), block(std::size_t{kBlock} * m_tiles_);
  for (std::uint32_t m = 0; m < m_; ++m) {
    tile_of[m] = static_cast<std::uint16_t>(m / m0_);
    tile_start[m] = static_cast<std::uint16_t>(m / m0_ * m0_);
  }
  for (std::uint32_t first = 0; first < columns_; first += kBlock) {
    const std::uint32_t width = std::min(kBlock, columns_ - first);
    for (std::uint32_t k = 0; k < width; ++k) {
      const std::uint32_t column = first + k;
      std::uint16_t* row = block.data() + std::size_t{k} * m_tiles_;
      std::fill_n(row, m_tiles_, std::uint16_t{0});
      std::uint32_t next = 0, zero_entries = 0;  // `next`: the channel after the previous non-zero
      for (const std::uint32_t m : index.weight_ms(column)) {
        zero_entries += (m - std::max(next, std::uint32_t{tile_start[m]})) >> kCscCountBits;
        row[tile_of[m]] = static_cast<std::uint16_t>(zero_entries);  // (at most M / 16 in all)
        next = m + 1;
      }
      const std::uint16_t* counts = counts_.data() + std::size_t{column} * m_tiles_;
      std::uint16_t end = 0, begin = 0;
      for (std::uint32_t tile = 0; tile < m_tiles_; ++tile) {
        end = std::max(end, row[tile]);
        row[tile] = static_cast<std::uint16_t>(counts[tile] + (end - begin));
        begin = end;
      }
    }
    for (std::uint32_t tile = 0; tile < m_tiles_; ++tile) {
      std::uint16_t* out = entries_.data() + std::size_t{tile} * columns_ + first;
      for (std::uint32_t k = 0; k < width; ++k) out[k] = block[std::size_t{k} * m_tiles_ + tile];
    }
  }
}

std::shared_ptr<const WeightTileCounts> WeightTileCountsCache::get(const NonZeroIndex& index, std::uint32_t m0) {
  {
    const std::lock_guard lock(mutex_);
    for (const auto& t : tables_)
      if (t->m0() == m0) return t;
  }
  // Built outside the lock; two threads building the same table build identical ones.
  auto table = std::make_shared<const WeightTileCounts>(index, m0);
  const std::lock_guard lock(mutex_);
  for (const auto& t : tables_)
    if (t->m0() == m0) return t;
  if (table->bytes() <= kMaxTableBytes && bytes_ + table->bytes() <= kMaxBytes) {
    bytes_ += table->bytes();
    tables_.push_back(table);
  }
  return table;
}

}  // namespace eyesim::workloads

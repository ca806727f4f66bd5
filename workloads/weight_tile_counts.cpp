// WeightTileCounts: one pass over each column's ascending output channels; the cache of tables.
#include "workloads/weight_tile_counts.h"

#include <algorithm>

namespace eyesim::workloads {

WeightTileCounts::WeightTileCounts(const NonZeroIndex& index, std::uint32_t m0)
    : m0_(m0), m_(index.output_channels()), m_tiles_((index.output_channels() + m0 - 1) / m0),
      dense_(index.weights_dense()) {
  if (dense_) return;
  const std::uint32_t columns = index.weight_columns();
  counts_.assign(std::size_t{columns} * m_tiles_, 0);
  for (std::uint32_t column = 0; column < columns; ++column) {
    std::uint16_t* row = counts_.data() + std::size_t{column} * m_tiles_;
    // The output channels ascend: a tile's count is the distance to the first non-zero past its end,
    // found by a linear walk (counted in a register) or, when the tiles hold many non-zeros each, by
    // a binary search per tile boundary.
    const auto ms = index.weight_ms(column);
    const std::uint16_t* p = ms.data();
    const std::uint16_t* const end = p + ms.size();
    const bool search = ms.size() > 8 * std::size_t{m_tiles_};
    for (std::uint32_t tile = 0, tile_end = m0; p != end; ++tile, tile_end += m0) {
      const std::uint16_t* q = p;
      if (search) {
        q = std::lower_bound(p, end, tile_end);
      } else {
        while (q != end && *q < tile_end) ++q;
      }
      row[tile] = static_cast<std::uint16_t>(q - p);
      p = q;
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

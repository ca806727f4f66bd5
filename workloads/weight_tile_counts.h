// WeightTileCounts: the non-zeros of every weight column in every m-tile of height m0, from one walk over
// the layer's weight index, and on first use the entries of its CSC segment there (workloads/csc.h: with
// the explicit zero entries of long runs). The mapper's fit check and the chip's weight tiles read the
// same table instead of a binary search per (column, tile). A table depends only on the layer's
// data and m0, so NonZeroIndex::weight_tile_counts caches it for every simulation of the data.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "workloads/nonzero_index.h"

namespace eyesim::workloads {

class WeightTileCounts {
 public:
  WeightTileCounts() = default;
  /// Builds the table for tiles [t*m0, min(M, (t+1)*m0)). Dense weights need no table.
  WeightTileCounts(const NonZeroIndex& index, std::uint32_t m0);

  std::uint32_t m0() const { return m0_; }
  std::uint32_t m_tiles() const { return m_tiles_; }
  /// Whether [m_begin, m_end) is one whole tile of this table.
  bool covers(std::uint32_t m_begin, std::uint32_t m_end) const {
    return m0_ > 0 && m_begin % m0_ == 0 && m_end == std::min(m_, m_begin + m0_);
  }
  /// Non-zeros of `column` in m-tile `tile` (the tile height when the weights are dense).
  std::uint32_t nnz(std::uint32_t column, std::uint32_t tile) const {
    if (dense_) return std::min(m_, (tile + 1) * m0_) - tile * m0_;
    return counts_[std::size_t{column} * m_tiles_ + tile];
  }
  /// CSC entries of `column` in m-tile `tile`: NonZeroIndex::weight_csc_entries of the tile (`index`: the
  /// index the table was built from, or a copy of it).
  std::uint32_t entries(const NonZeroIndex& index, std::uint32_t column, std::uint32_t tile) const {
    if (!needs_entries()) return nnz(column, tile);
    return tile_entries(index, tile)[column];
  }
  /// The counts' bytes (the entries, built only when asked for, take as many again).
  std::size_t bytes() const { return counts_.size() * sizeof(std::uint16_t); }
  /// The counts of `column` in every m-tile, [tile] (sparse weights only: a dense table holds none).
  const std::uint16_t* column_counts(std::uint32_t column) const { return counts_.data() + std::size_t{column} * m_tiles_; }
  /// The CSC entries of every column in m-tile `tile`, [column] (only when needs_entries(); otherwise they
  /// are the counts). Tile by tile, unlike the counts: a chip reads a tile's columns, which then lie in a
  /// few cache lines (read along the counts' rows, a tile's columns m_tiles apart took a cache miss each,
  /// and sparse AlexNet's FC layers twice as long). Built from `index` on the first call, on any thread,
  /// and kept: building walks every non-zero again, and only the tile height a chip simulates needs them
  /// all (the mapper's fit check asks only when its bounds do not decide).
  const std::uint16_t* tile_entries(const NonZeroIndex& index, std::uint32_t tile) const {
    std::call_once(entries_built_, [this, &index] { count_entries(index); });
    return entries_.data() + std::size_t{tile} * columns_;
  }
  /// Whether a tile can need more entries than its non-zeros (m0 > 16, sparse weights).
  bool needs_entries() const { return !dense_ && m0_ > kCscMaxCount + 1; }

 private:
  void count_entries(const NonZeroIndex& index) const;

  std::uint32_t m0_ = 0, m_ = 0, m_tiles_ = 0, columns_ = 0;
  bool dense_ = true;
  std::vector<std::uint16_t> counts_;  ///< [column][tile]; m0 <= 65535
  mutable std::once_flag entries_built_;
  mutable std::vector<std::uint16_t> entries_;  ///< [tile][column] once built (needs_entries()); at most m0
};

/// The tables of one NonZeroIndex, by m0: built on first use, then shared by every simulation of the
/// data (a sweep maps the same layers on many architectures; thread-safe). Tables whose counts are larger
/// than kMaxTableBytes are not kept, and the cache stops keeping tables at kMaxBytes of counts in all (the
/// entries of a kept table with m0 > 16, once built, add as many bytes again).
class WeightTileCountsCache {
 public:
  static constexpr std::size_t kMaxTableBytes = std::size_t{8} << 20;
  static constexpr std::size_t kMaxBytes = std::size_t{32} << 20;

  std::shared_ptr<const WeightTileCounts> get(const NonZeroIndex& index, std::uint32_t m0);

 private:
  std::mutex mutex_;
  std::vector<std::shared_ptr<const WeightTileCounts>> tables_;
  std::size_t bytes_ = 0;
};

}  // namespace eyesim::workloads

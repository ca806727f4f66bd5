// WeightTileCounts: the non-zeros of every weight column in every m-tile of height m0, from one
// walk over the layer's weight index. The mapper's fit check and the chip's weight tiles read the
// same table instead of a binary search per (column, tile).
#pragma once

#include <cstdint>
#include <vector>

#include "workloads/layer_data.h"

namespace eyesim::hw {

class WeightTileCounts {
 public:
  WeightTileCounts() = default;
  /// Builds the table for tiles [t*m0, min(M, (t+1)*m0)). Dense weights need no table.
  WeightTileCounts(const workloads::LayerData& layer, std::uint32_t m0);

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

 private:
  std::uint32_t m0_ = 0, m_ = 0, m_tiles_ = 0;
  bool dense_ = true;
  std::vector<std::uint16_t> counts_;  ///< [column][tile]; m0 <= 65535
};

}  // namespace eyesim::hw

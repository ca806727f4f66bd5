// NonZeroIndex: where the non-zeros of a layer's tensors are, built once per layer so the timing
// model touches each non-zero once instead of walking dense tensors.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "workloads/csc.h"
#include "workloads/layer_shape.h"
#include "workloads/tensor.h"

namespace eyesim::workloads {

class WeightTileCounts;
class WeightTileCountsCache;

/// Weights: for every weight column (g, c, r, s), in row-major order of those four, the ascending
/// output channels m of its non-zeros, and their values. Iacts: for every input row (n, g*C + c, h), the ascending
/// columns w of its non-zeros. A tensor without zeros stores nothing and answers arithmetically.
class NonZeroIndex {
 public:
  NonZeroIndex() = default;
  NonZeroIndex(const LayerShape& shape, const Tensor<std::int8_t>& iacts, const Tensor<std::int8_t>& weights);

  bool weights_dense() const { return weights_dense_; }
  std::uint32_t output_channels() const { return shape_m_; }                         ///< M (per group)
  std::uint32_t weight_columns() const { return shape_g_ * shape_c_ * shape_r_ * shape_s_; }  ///< G x C x R x S

  /// The non-zeros per (weight column, m-tile of height m0) (workloads/weight_tile_counts.h), built on
  /// first use and shared by every later caller, on any thread: copies of the index share the cache.
  std::shared_ptr<const WeightTileCounts> weight_tile_counts(std::uint32_t m0) const;
  bool iacts_dense() const { return iacts_dense_; }

  /// Column id of (g, c, r, s).
  std::uint32_t weight_column(std::uint32_t g, std::uint32_t c, std::uint32_t r, std::uint32_t s) const {
    return ((g * shape_c_ + c) * shape_r_ + r) * shape_s_ + s;
  }
  /// Non-zeros of a weight column among output channels [m_begin, m_end).
  std::uint32_t weight_nnz(std::uint32_t column, std::uint32_t m_begin, std::uint32_t m_end) const {
    if (weights_dense_) return m_end - m_begin;
    const auto col = weight_ms(column);
    return static_cast<std::uint32_t>(std::lower_bound(col.begin(), col.end(), m_end) -
                                      std::lower_bound(col.begin(), col.end(), m_begin));
  }
  /// Entries of the CSC segment (workloads/csc.h) of a weight column among output channels [m_begin,
  /// m_end): its non-zeros, and an explicit zero entry for every kCscMaxCount + 1 zeros of a run before
  /// one (the 4-bit zero count holds 15; trailing zeros need none). A segment of at most 16 channels needs
  /// none. Weights without zeros (weights_dense()) have one entry per channel: m_end - m_begin.
  std::uint32_t weight_csc_entries(std::uint32_t column, std::uint32_t m_begin, std::uint32_t m_end) const {
    if (weights_dense_) return m_end - m_begin;
    const auto col = weight_ms(column);
    const auto first = std::lower_bound(col.begin(), col.end(), m_begin);
    const auto last = std::lower_bound(first, col.end(), m_end);
    std::uint32_t entries = static_cast<std::uint32_t>(last - first);
    if (m_end - m_begin <= kCscMaxCount + 1) return entries;
    std::uint32_t next = m_begin;  // the channel after the previous non-zero
    for (auto it = first; it != last; ++it) {
      entries += (*it - next) >> kCscCountBits;
      next = *it + 1u;
    }
    return entries;
  }
  /// The ascending m of the non-zeros of a column (empty span when weights_dense()).
  std::span<const std::uint16_t> weight_ms(std::uint32_t column) const {
    if (weights_dense_) return {};
    return {weight_m_.data() + weight_start_[column], weight_start_[column + 1] - weight_start_[column]};
  }

  /// The position in weight_ms(column) of its first non-zero with output channel >= m: std::lower_bound,
  /// searched from where a uniform spread would put m, then in steps doubling away from there (a few
  /// predictable steps for most columns, where a binary search mispredicts half of its branches).
  std::size_t weight_position(std::uint32_t column, std::uint32_t m) const;
  /// The values of those non-zeros, in the same order (the functional mode encodes weight tiles from them).
  std::span<const std::int8_t> weight_values(std::uint32_t column) const {
    if (weights_dense_) return {};
    return {weight_v_.data() + weight_start_[column], weight_start_[column + 1] - weight_start_[column]};
  }

  /// Row id of (n, channel, h) with channel in [0, G*C).
  std::uint32_t iact_row(std::uint32_t n, std::uint32_t channel, std::uint32_t h) const {
    return (n * channels_ + channel) * shape_h_ + h;
  }
  /// The ascending w of the non-zeros of an input row (empty span when iacts_dense()).
  std::span<const std::uint16_t> iact_ws(std::uint32_t row) const {
    if (iacts_dense_) return {};
    return {iact_w_.data() + iact_start_[row], iact_start_[row + 1] - iact_start_[row]};
  }
  /// Non-zeros of an input row among columns [w_begin, w_end).
  std::uint32_t iact_nnz(std::uint32_t row, std::uint32_t w_begin, std::uint32_t w_end) const {
    if (iacts_dense_) return w_end - w_begin;
    const auto ws = iact_ws(row);
    return static_cast<std::uint32_t>(std::lower_bound(ws.begin(), ws.end(), w_end) -
                                      std::lower_bound(ws.begin(), ws.end(), w_begin));
  }

 private:
  std::uint32_t shape_g_ = 1, shape_m_ = 1, shape_c_ = 1, shape_r_ = 1, shape_s_ = 1, shape_h_ = 1, channels_ = 1;
  bool weights_dense_ = true;
  bool iacts_dense_ = true;
  std::vector<std::uint32_t> weight_start_;
  std::vector<std::uint16_t> weight_m_;
  std::vector<std::int8_t> weight_v_;
  std::vector<std::uint32_t> iact_start_;
  std::vector<std::uint16_t> iact_w_;
  std::shared_ptr<WeightTileCountsCache> tile_counts_;  ///< null on a default-constructed index
};

}  // namespace eyesim::workloads

// NonZeroIndex construction: one pass over each tensor.
#include "workloads/nonzero_index.h"

#include <bit>
#include <cstring>

#include "core/check.h"
#include "workloads/weight_tile_counts.h"

namespace eyesim::workloads {
namespace {

/// Bit i set when p[i] != 0, for i in [0, 64): eight bytes at a time, each byte's "non-zero" moved to its
/// high bit ((b & 0x7f) + 0x7f carries into it unless b & 0x7f is zero; | b adds b's own high bit), then
/// the eight high bits gathered into one byte by a multiply (their products land on distinct bits).
std::uint64_t nonzero_bytes(const std::int8_t* p) {
  constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL, kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kGather = 0x0102040810204080ULL;  // byte j's bit 8j -> bit 56 + j
  std::uint64_t mask = 0;
  for (int j = 0; j < 8; ++j) {
    std::uint64_t x;
    std::memcpy(&x, p + 8 * j, 8);
    if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap64(x);  // p[8j] lowest
    const std::uint64_t high = (((x & kLow7) + kLow7) | x) & kHigh;
    mask |= (((high >> 7) * kGather) >> 56) << (8 * j);
  }
  return mask;
}

/// Lists the non-zero weights of every column (g, c, r, s) in m order at the column's start, walking each
/// row's non-zeros through 64-bit masks (nonzero_bytes) rather than testing every weight: a branch per
/// weight mispredicts on most non-zeros, and writing every weight without a branch costs a store per
/// weight. Sparse AlexNet, this index alone (2026-11-30; branch per weight, branch-free, masks): CONV3
/// (35 % dense) 2.5 / 1.25 / 0.65 ms, FC8 (25 %) 9.2 / 7.3 / 2.9 ms, FC6 (9 %) 50 / 94-107 / 25-30 ms.
/// (Raw pointers: a store through the int8 `values` may alias anything, and made the loop reload a
/// vector's data pointer after every non-zero, 20 % of FC6's time.)
void fill_columns(const LayerShape& l, std::span<const std::int8_t> w, const std::vector<std::uint32_t>& start,
                  std::uint16_t* ms, std::int8_t* values) {
  const std::size_t crs = std::size_t{l.c} * l.r * l.s;
  std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
  for (std::uint32_t g = 0; g < l.g; ++g)
    for (std::uint32_t m = 0; m < l.m; ++m) {
      const std::int8_t* row = w.data() + (std::size_t{g} * l.m + m) * crs;
      std::uint32_t* at = next.data() + g * crs;
      const auto place = [&](std::size_t k) {
        const std::uint32_t slot = at[k]++;
        ms[slot] = static_cast<std::uint16_t>(m);
        values[slot] = row[k];
      };
      std::size_t k = 0;
      for (; k + 64 <= crs; k += 64)
        for (std::uint64_t mask = nonzero_bytes(row + k); mask != 0; mask &= mask - 1)
          place(k + static_cast<std::size_t>(std::countr_zero(mask)));
      for (; k < crs; ++k)
        if (row[k] != 0) place(k);
    }
}

}  // namespace

NonZeroIndex::NonZeroIndex(const LayerShape& l, const Tensor<std::int8_t>& iacts, const Tensor<std::int8_t>& weights)
    : shape_g_(l.g), shape_m_(l.m), shape_c_(l.c), shape_r_(l.r), shape_s_(l.s), shape_h_(l.h), channels_(l.g * l.c),
      tile_counts_(std::make_shared<WeightTileCountsCache>()) {
  EYESIM_CHECK(l.m <= 65536 && l.w <= 65536, "layer {} too wide for the non-zero index", l.name);
  const auto w = weights.values();
  weights_dense_ = std::find(w.begin(), w.end(), std::int8_t{0}) == w.end();
  if (!weights_dense_) {
    // Weights are stored [G][M][C][R][S]; columns are (g, c, r, s): count first, then fill in m order.
    const std::size_t crs = std::size_t{l.c} * l.r * l.s;
    const std::size_t columns = std::size_t{l.g} * crs;
    weight_start_.assign(columns + 1, 0);
    for (std::uint32_t g = 0; g < l.g; ++g)
      for (std::uint32_t m = 0; m < l.m; ++m) {
        const std::int8_t* row = w.data() + (std::size_t{g} * l.m + m) * crs;
        for (std::size_t k = 0; k < crs; ++k) weight_start_[g * crs + k + 1] += row[k] != 0;
      }
    for (std::size_t k = 0; k < columns; ++k) weight_start_[k + 1] += weight_start_[k];
    weight_m_.resize(weight_start_[columns]);
    weight_v_.resize(weight_start_[columns]);
    fill_columns(l, w, weight_start_, weight_m_.data(), weight_v_.data());
  }
  const auto a = iacts.values();
  iacts_dense_ = std::find(a.begin(), a.end(), std::int8_t{0}) == a.end();
  if (!iacts_dense_) {
    const std::size_t rows = a.size() / l.w;
    iact_start_.assign(rows + 1, 0);
    for (std::size_t r = 0; r < rows; ++r) {
      std::uint32_t count = 0;
      for (std::uint32_t x = 0; x < l.w; ++x) count += a[r * l.w + x] != 0;
      iact_start_[r + 1] = iact_start_[r] + count;
    }
    // Every position is written and only a non-zero one kept (no branch on the value, which mispredicts at
    // ReLU densities); the slot past the end takes the writes after the last non-zero.
    iact_w_.resize(std::size_t{iact_start_[rows]} + 1);
    std::size_t out = 0;
    for (std::size_t r = 0; r < rows; ++r)
      for (std::uint32_t x = 0; x < l.w; ++x) {
        iact_w_[out] = static_cast<std::uint16_t>(x);
        out += a[r * l.w + x] != 0;
      }
    iact_w_.pop_back();
  }
}

std::size_t NonZeroIndex::weight_position(std::uint32_t column, std::uint32_t m) const {
  const auto ms = weight_ms(column);
  const std::size_t n = ms.size();
  const std::size_t guess = n * std::min(m, shape_m_) / shape_m_;
  if (guess < n && ms[guess] < m) {  // everything before lo is < m
    std::size_t lo = guess + 1, step = 1;
    while (lo + step <= n && ms[lo + step - 1] < m) {
      lo += step;
      step *= 2;
    }
    return static_cast<std::size_t>(std::lower_bound(ms.begin() + lo, ms.begin() + std::min(n, lo + step), m) - ms.begin());
  }
  std::size_t hi = guess, step = 1;  // everything from hi on is >= m
  while (hi >= step && ms[hi - step] >= m) {
    hi -= step;
    step *= 2;
  }
  const std::size_t lo = hi >= step ? hi - step + 1 : 0;
  return static_cast<std::size_t>(std::lower_bound(ms.begin() + lo, ms.begin() + hi, m) - ms.begin());
}

std::shared_ptr<const WeightTileCounts> NonZeroIndex::weight_tile_counts(std::uint32_t m0) const {
  if (!tile_counts_) return std::make_shared<const WeightTileCounts>(*this, m0);
  return tile_counts_->get(*this, m0);
}

}  // namespace eyesim::workloads

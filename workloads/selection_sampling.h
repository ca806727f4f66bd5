// select_exactly: Knuth's selection sampling of exactly k of n indices, in batches, from one Rng stream.
// It decides where the non-zeros of a generated tensor go (workloads/layer_data.cpp), so its output is
// part of every result: tests/workloads/generation_test.cpp pins it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/check.h"
#include "core/rng.h"

namespace eyesim::workloads {

/// How many indices select_exactly hands to its `keep` at a time (at most).
constexpr std::size_t kSelectChunk = 1024;

/// select_exactly with the draw x indices-remaining product computed as `Product` (std::uint64_t when
/// n <= 2^32, else unsigned __int128); both give the same selection wherever the first does not overflow.
template <class Product, class Keep>
void select_exactly_as(std::uint64_t n, std::uint64_t k, Rng& rng_ref, Keep& keep) {
  std::uint64_t chosen_at[kSelectChunk];
  Rng rng = rng_ref;
  std::uint64_t needed = k, i = 0;
  std::uint64_t word = 0;
  bool have_half = false;  // the high half of `word` is the next index's draw
  while (needed > 0 && needed < n - i) {
    // The slack (indices left - indices needed) shrinks by one per index not taken, so this many indices
    // can be decided before it can reach zero. Once all k are chosen no index is taken (the draws after
    // that are not used: `rng` serves this selection only).
    const std::uint64_t stop = i + std::min<std::uint64_t>(kSelectChunk, (n - i) - needed);
    const std::uint64_t needed_before = needed;
    const auto decide = [&](std::uint64_t r32) {
      // Taken with probability needed / remaining, to 32-bit resolution: r32 x remaining < needed x 2^32,
      // compared on the product's high half (the right side's low half is zero), so that only `needed`
      // carries from one index to the next (a compare and a subtract with borrow).
      chosen_at[needed_before - needed] = i;
      needed -= static_cast<std::uint64_t>((static_cast<Product>(r32) * (n - i)) >> 32) < needed;
      ++i;
    };
    if (have_half) {
      decide(word >> 32);
      have_half = false;
    }
    for (; i + 2 <= stop;) {
      word = rng.next();
      decide(word & 0xffffffffULL);
      decide(word >> 32);
    }
    if (i < stop) {
      word = rng.next();
      decide(word & 0xffffffffULL);
      have_half = true;
    }
    keep(std::span<const std::uint64_t>(chosen_at, static_cast<std::size_t>(needed_before - needed)));
  }
  rng_ref = rng;
  while (needed > 0) {  // as many left as needed: all of them
    const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(kSelectChunk, needed));
    for (std::size_t j = 0; j < count; ++j) chosen_at[j] = i++;
    needed -= count;
    keep(std::span<const std::uint64_t>(chosen_at, count));
  }
}

/// Knuth's selection sampling (Algorithm S): hands to keep(std::span<const std::uint64_t>) exactly `k` of
/// the `n` indices, each k-subset equally likely, in increasing order, in batches of at most kSelectChunk.
/// One 32-bit draw per index (the low half of a 64-bit draw, then its high half) while fewer are needed
/// than remain; then every remaining index is kept without a draw. `rng` must serve this selection only.
///
/// Speed (BM_PrepareNetwork/sparse_alexnet; each step leaves the selection unchanged): a chunk of indices
/// is decided without a branch on the draw (each index is written, and the count advanced by the
/// comparison): with a branch per index the loop mispredicted about half the time (314 -> 267 ms). The
/// generator is copied into locals for the loop (through the reference it stayed in memory, every draw
/// waiting on the last one's stores), a draw's two halves are taken in one step, and the comparison is
/// made on the product's high half, so that only the count still needed carries from one index to the
/// next (with the values drawn in batches, NonZeroBytes::fill: 273 -> 216 ms).
template <class Keep>
void select_exactly(std::uint64_t n, std::uint64_t k, Rng& rng, Keep&& keep) {
  EYESIM_CHECK(k <= n, "selecting {} of {} indices", k, n);
  // A draw times the indices remaining fits 64 bits below 2^32 indices; a batch of large images can hold
  // more, and takes the 128-bit product (12 % slower on sparse AlexNet if taken always).
  __extension__ using u128 = unsigned __int128;
  if (n <= (std::uint64_t{1} << 32)) {
    select_exactly_as<std::uint64_t>(n, k, rng, keep);
  } else {
    select_exactly_as<u128>(n, k, rng, keep);
  }
}

}  // namespace eyesim::workloads

// GlbBank: one GLB SRAM bank, one access per cycle, shared by the on-chip side (served in event order)
// and the off-chip side (DRAM fills and write-backs, placed in the bank's idle cycles).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace eyesim::hw {

/// A GLB bank's one port (V2 §II: each router is paired with one GLB-cluster port, which reads or writes
/// one SRAM bank or the off-chip I/O). Two kinds of traffic share it:
/// - `reserve`: the on-chip side (a row read for a multicast, a psum read-modify-write), asked for in
///   event order and served first come, first served: a busy-until server, as `PortServer`;
/// - `background`: the off-chip side (a DRAM fill, a write-back), one word per cycle in the cycles the
///   on-chip side leaves idle, from the cycle its data is there. These are asked for late (a prefetched
///   row's fill is reserved at the row's first use, when reads after its arrival are already reserved),
///   so they go into the gaps between earlier reservations, never moving one. They are served in the
///   order they are asked for (the prefetcher writes in first-use order): none starts before the end of
///   the previous one. What a fill needs beyond the last reservation is taken from there on, like a read.
///
/// The gaps a background transfer may still use are those between the intervals reserved after the end
/// of the last background transfer: a fixed ring of the last kMaxIntervals (adjacent reservations merge;
/// nothing is allocated). When reservations without background traffic overflow it, the oldest interval
/// is retired and its gap with it (the next background transfer then starts after it: later, never
/// earlier). Each interval is stored once and retired once: O(1) amortised per access. On every case of
/// `eyesim validate` a ring of 4 gives the same results as one of 1024: a bank's reads leave it idle most
/// of the time, so a fill finds its cycles in the last few gaps.
class GlbBank {
 public:
  static constexpr std::size_t kMaxIntervals = 7;

  /// On-chip side: `cycles` accesses from max(ready, free_at()); returns the start cycle.
  std::uint64_t reserve(std::uint64_t ready, std::uint64_t cycles) {
    const std::uint64_t start = std::max(ready, free_at_);
    // Without a gap before it, it extends the last interval (which ends at free_at_: a fill past the
    // last interval empties the ring); otherwise it is appended. Branch-free: which case comes is data.
    const bool extend = start == free_at_ && size_ > 0;
    free_at_ = start + cycles;
    busy_cycles_ += cycles;
    const std::size_t last = (head_ + size_ - 1) & kMask;
    const std::size_t slot = extend ? last : (head_ + size_) & kMask;
    ring_[slot] = Interval{extend ? ring_[last].start : start, free_at_};
    size_ += extend ? 0 : 1;
    // Over capacity: the oldest interval is retired and its gap with it (the ring has one spare slot).
    const bool over = size_ > kMaxIntervals;
    cursor_ = over ? std::max(cursor_, ring_[head_].end) : cursor_;
    head_ = (head_ + (over ? 1 : 0)) & kMask;
    size_ -= over ? 1 : 0;
    retired_ += over ? 1 : 0;
    return start;
  }

  /// Off-chip side: `words` accesses in idle cycles from max(ready, end of the previous background
  /// transfer); returns the cycle after the last word.
  std::uint64_t background(std::uint64_t ready, std::uint64_t words) {
    busy_cycles_ += words;
    std::uint64_t t = std::max(ready, cursor_);
    while (words > 0 && size_ > 0) {
      const Interval& iv = at(0);
      if (iv.start > t) {
        const std::uint64_t take = std::min(iv.start - t, words);
        t += take;
        words -= take;
        if (words == 0) break;
      }
      t = std::max(t, iv.end);
      pop_front();
    }
    if (words > 0) {  // past every reservation: from the end of the last one on
      t = std::max(t, free_at_) + words;
      free_at_ = t;
    }
    cursor_ = t;
    // Intervals wholly before the cursor can serve no one any more.
    while (size_ > 0 && at(0).end <= cursor_) pop_front();
    return t;
  }

  std::uint64_t free_at() const { return free_at_; }
  std::uint64_t busy_cycles() const { return busy_cycles_; }
  /// Intervals retired before any background transfer could use their gaps (ring full).
  std::uint64_t retired() const { return retired_; }

 private:
  struct Interval {
    std::uint64_t start = 0, end = 0;
  };
  static constexpr std::size_t kSlots = kMaxIntervals + 1;  // one spare: append, then retire
  static_assert((kSlots & (kSlots - 1)) == 0, "a power of two: the ring wraps with a mask");
  static constexpr std::size_t kMask = kSlots - 1;
  Interval& at(std::size_t i) { return ring_[(head_ + i) & kMask]; }
  void pop_front() {
    head_ = (head_ + 1) & kMask;
    --size_;
  }

  std::array<Interval, kSlots> ring_{};  ///< reserved intervals after cursor_, oldest first (no allocation)
  std::size_t head_ = 0, size_ = 0;
  std::uint64_t free_at_ = 0;  ///< end of the last reservation (or background transfer past it)
  std::uint64_t cursor_ = 0;   ///< end of the last background transfer
  std::uint64_t busy_cycles_ = 0;
  std::uint64_t retired_ = 0;
};

}  // namespace eyesim::hw

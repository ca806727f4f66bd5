// GlbBank: one GLB SRAM bank, one access per cycle, shared by the on-chip side (served in event order)
// and the off-chip side (DRAM fills and write-backs, placed in the bank's idle cycles).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

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
/// nothing is allocated, and the bank fits one cache line, since reads are the simulator's hot path).
/// When reservations without background traffic overflow it, the oldest interval is retired and its gap
/// with it (the next background transfer then starts after it: later, never earlier). Each interval is
/// stored once and retired once: O(1) amortised per access. On every case of `eyesim validate` a ring of
/// 3 gives the same results as one of 1024: a bank's reads leave it idle most of the time, so a fill finds
/// its cycles in the last few gaps.
class alignas(64) GlbBank {
 public:
  static constexpr std::size_t kMaxIntervals = 3;

  /// `offchip`: whether background transfers may come; without them the bank keeps no intervals.
  explicit GlbBank(bool offchip = true) : offchip_(offchip) {}

  /// On-chip side: `cycles` accesses from max(ready, free_at()); returns the start cycle.
  std::uint64_t reserve(std::uint64_t ready, std::uint64_t cycles) {
    const std::uint64_t start = std::max(ready, free_at_);
    const std::uint64_t end = start + cycles;
    if (!offchip_) {
      free_at_ = end;
      return start;
    }
    if (end - base_ > kMaxOffset) [[unlikely]] drop_all(start);
    if (start == free_at_ && size_ > 0) {  // no gap before it: it extends the last interval
      ring_[(head_ + size_ - 1u) & kMask].end = rel(end);
      free_at_ = end;
      return start;
    }
    free_at_ = end;
    ring_[(head_ + size_) & kMask] = Interval{rel(start), rel(end)};
    if (size_ < kMaxIntervals) {
      ++size_;
    } else {  // over capacity: the oldest interval is retired and its gap with it
      cursor_ = std::max(cursor_, base_ + ring_[head_].end);
      head_ = static_cast<std::uint8_t>((head_ + 1u) & kMask);
    }
    return start;
  }

  /// Off-chip side: `words` accesses in idle cycles from max(ready, end of the previous background
  /// transfer); returns the cycle after the last word.
  std::uint64_t background(std::uint64_t ready, std::uint64_t words);

  std::uint64_t free_at() const { return free_at_; }

 private:
  /// An interval of reserved cycles, relative to base_.
  struct Interval {
    std::uint32_t start = 0, end = 0;
  };
  static constexpr std::uint64_t kMaxOffset = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t kSlots = kMaxIntervals + 1;  // one spare: append, then retire
  static_assert((kSlots & (kSlots - 1)) == 0, "a power of two: the ring wraps with a mask");
  static constexpr std::uint32_t kMask = kSlots - 1;
  std::uint32_t rel(std::uint64_t cycle) const { return static_cast<std::uint32_t>(cycle - base_); }
  Interval& at(std::uint32_t i) { return ring_[(head_ + i) & kMask]; }
  void pop_front() {
    head_ = static_cast<std::uint8_t>((head_ + 1u) & kMask);
    --size_;
  }
  /// An interval 2^32 cycles past base_: every stored gap is given up and base_ restarts at `start`.
  void drop_all(std::uint64_t start);

  std::uint64_t free_at_ = 0;  ///< end of the last reservation (or background transfer past it)
  std::uint64_t cursor_ = 0;   ///< end of the last background transfer (or retired interval)
  std::uint64_t base_ = 0;     ///< the cycle the stored intervals count from (<= every one of them)
  std::array<Interval, kSlots> ring_{};  ///< reserved intervals after cursor_, oldest first
  std::uint8_t head_ = 0, size_ = 0;
  bool offchip_ = true;
};

}  // namespace eyesim::hw

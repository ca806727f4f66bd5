// EventQueue: the pending-event set behind a four-method interface (push, top, pop, empty).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/event.h"

namespace eyesim {

/// A timing wheel of kBuckets one-tick buckets with a bitmap of non-empty buckets, plus a binary heap
/// for events beyond the wheel's horizon (now + kBuckets ticks), moved into the wheel as time advances.
///
/// Contract: top()/pop() require !empty(); pop() returns the event that fires first by fires_before()
/// (time, then phase, then scheduling sequence), so equal (time, phase) pop in push order. Pushing an
/// event earlier than the last popped one is not allowed (Simulator::schedule_at refuses the past).
/// Bucket buffers circulate: a consumed bucket's buffer goes to a spare list and the next bucket to be
/// filled takes it, so a queue holds about as many buffers as it has non-empty buckets at once (a fresh
/// queue does not allocate one per bucket it touches; a chip simulates each layer with a fresh queue)
/// and the steady state allocates nothing. bench/bm_event_queue.cpp measures it against the plain
/// binary heap it replaced.
class EventQueue {
 public:
  void push(const Event& e) {
    ++size_;
    if (e.when != current_ && e.when - current_ < kBuckets) [[likely]] {
      to_bucket(e);
    } else {
      push_slow(e);
    }
  }
  const Event& top() const {
    if (ready_pos_ == ready_.size()) settle();
    return ready_[ready_pos_];
  }
  Event pop() {
    if (ready_pos_ == ready_.size()) settle();
    --size_;
    return ready_[ready_pos_++];
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void reserve(std::size_t n) { overflow_.reserve(n); }
  void clear();

 private:
  static constexpr std::size_t kBuckets = 4096;  // one tick each; a power of two
  static constexpr std::size_t kWords = kBuckets / 64;

  /// Refills ready_ with the next tick's events (requires !empty()). Mutates only the layout.
  void settle() const;
  void migrate_overflow() const;
  void push_slow(const Event& e);  ///< the current tick, or beyond the horizon
  void to_bucket(const Event& e) const {
    const std::size_t b = e.when & (kBuckets - 1);
    const std::uint64_t bit = std::uint64_t{1} << (b % 64);
    if (!(nonempty_[b / 64] & bit)) {
      nonempty_[b / 64] |= bit;
      if (buckets_[b].capacity() == 0 && !spare_.empty()) {
        buckets_[b].swap(spare_.back());
        spare_.pop_back();
      }
    }
    buckets_[b].push_back(e);
    ++in_wheel_;
  }

  mutable std::array<std::vector<Event>, kBuckets> buckets_;
  mutable std::vector<std::vector<Event>> spare_;  ///< empty buffers with capacity, for the next bucket
  mutable std::array<std::uint64_t, kWords> nonempty_{};
  mutable std::vector<Event> ready_;      ///< the current tick's events, sorted; consumed from ready_pos_
  mutable std::size_t ready_pos_ = 0;
  mutable Tick current_ = 0;              ///< the tick of ready_ (the wheel's position)
  mutable std::size_t in_wheel_ = 0;      ///< events in buckets_ (not ready_, not overflow_)
  mutable std::vector<Event> overflow_;   ///< min-heap by fires_before, events at >= current_ + kBuckets
  std::size_t size_ = 0;
};

}  // namespace eyesim

// EventQueue: the timing wheel.
#include "core/event_queue.h"

#include <algorithm>
#include <bit>

namespace eyesim {
namespace {

/// Heap order for std::push_heap: the event that fires first on top.
bool fires_later(const Event& a, const Event& b) { return fires_before(b, a); }

}  // namespace

void EventQueue::push_slow(const Event& e) {
  if (e.when == current_) {
    // The tick being consumed: insert in order among the events not yet popped.
    const auto pos = std::upper_bound(ready_.begin() + static_cast<std::ptrdiff_t>(ready_pos_), ready_.end(), e,
                                      [](const Event& a, const Event& b) { return fires_before(a, b); });
    ready_.insert(pos, e);
    return;
  }
  overflow_.push_back(e);
  std::push_heap(overflow_.begin(), overflow_.end(), fires_later);
}

void EventQueue::migrate_overflow() const {
  while (!overflow_.empty() && overflow_.front().when - current_ < kBuckets) {
    std::pop_heap(overflow_.begin(), overflow_.end(), fires_later);
    to_bucket(overflow_.back());
    overflow_.pop_back();
  }
}

void EventQueue::settle() const {
  ready_.clear();
  ready_pos_ = 0;
  if (in_wheel_ == 0) {
    // Nothing within the horizon: jump to the earliest far event.
    current_ = overflow_.front().when;
    migrate_overflow();
  }
  // The next non-empty bucket at or after current_, circularly.
  const std::size_t start = current_ & (kBuckets - 1);
  std::size_t word = start / 64;
  std::uint64_t bits = nonempty_[word] & (~std::uint64_t{0} << (start % 64));
  while (bits == 0) {  // in_wheel_ > 0, so some bucket is set; a full turn reaches those before `start`
    word = (word + 1) % kWords;
    bits = nonempty_[word];
  }
  const std::size_t b = word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
  current_ += (b - start) & (kBuckets - 1);
  nonempty_[b / 64] &= ~(std::uint64_t{1} << (b % 64));
  std::swap(ready_, buckets_[b]);
  spare_.push_back(std::move(buckets_[b]));  // ready_'s consumed buffer (cleared above), for the next bucket
  buckets_[b] = {};
  in_wheel_ -= ready_.size();
  // Events pushed to one bucket arrive in sequence order; only phases can interleave.
  if (ready_.size() > 1 && !std::is_sorted(ready_.begin(), ready_.end(), [](const Event& x, const Event& y) { return fires_before(x, y); }))
    std::sort(ready_.begin(), ready_.end(), [](const Event& x, const Event& y) { return fires_before(x, y); });
  migrate_overflow();
}

void EventQueue::clear() {
  // Only the buckets marked non-empty hold events (settle() empties a bucket as it unmarks it): a
  // drained queue clears none of its 4096.
  for (std::size_t word = 0; word < kWords; ++word) {
    for (std::uint64_t bits = nonempty_[word]; bits != 0; bits &= bits - 1)
      buckets_[word * 64 + static_cast<std::size_t>(std::countr_zero(bits))].clear();
  }
  nonempty_.fill(0);
  ready_.clear();
  ready_pos_ = 0;
  current_ = 0;
  in_wheel_ = 0;
  overflow_.clear();
  size_ = 0;
}

}  // namespace eyesim

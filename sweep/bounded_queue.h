// BoundedQueue: the hand-off from simulation workers to the writer thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace eyesim::sweep {

/// A blocking multi-producer queue of at most `capacity` items (back-pressure on the workers when the
/// writer falls behind). A mutex and condition variables rather than tbb::concurrent_bounded_queue:
/// its synchronisation lives in the uninstrumented libtbb, which ThreadSanitizer cannot see, so every
/// hand-off would be reported as a race; this one is checked by TSan like the rest of the runner.
template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {}

  /// Blocks while full. Returns false (dropping `item`) once the queue is aborted.
  bool push(T&& item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return aborted_ || items_.size() < capacity_; });
    if (aborted_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  /// Blocks while empty. Returns false once the queue is aborted.
  bool pop(T& out) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return aborted_ || !items_.empty(); });
    if (aborted_) return false;
    out = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }

  /// Wakes every waiter; later pushes and pops fail.
  void abort() {
    {
      std::lock_guard lock(mutex_);
      aborted_ = true;
    }
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  std::size_t capacity_;
  bool aborted_ = false;
};

}  // namespace eyesim::sweep

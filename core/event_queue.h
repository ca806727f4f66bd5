// EventQueue: the pending-event set behind a four-method interface (push, top, pop, empty).
#pragma once

#include <cstddef>
#include <vector>

#include "core/event.h"

namespace eyesim {

/// Binary min-heap on a std::vector, ordered by fires_before().
/// Contract: top()/pop() require !empty(); pop() returns the event that fires first; events with
/// equal (when, order) cannot exist because order carries a unique sequence number.
/// Swappable: a timing wheel can replace it behind the same four methods (see bench/bm_event_queue.cpp).
class EventQueue {
 public:
  void push(const Event& e);
  const Event& top() const { return heap_.front(); }
  Event pop();
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void reserve(std::size_t n) { heap_.reserve(n); }
  void clear() { heap_.clear(); }

 private:
  std::vector<Event> heap_;
};

}  // namespace eyesim

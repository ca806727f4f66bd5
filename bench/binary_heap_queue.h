// BinaryHeapQueue: the binary min-heap that EventQueue replaced, kept as the benchmark's baseline.
#pragma once

#include <algorithm>
#include <vector>

#include "core/event.h"

namespace eyesim::bench {

class BinaryHeapQueue {
 public:
  void push(const Event& e) {
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  const Event& top() const { return heap_.front(); }
  Event pop() {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const Event e = heap_.back();
    heap_.pop_back();
    return e;
  }
  bool empty() const { return heap_.empty(); }
  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  static bool later(const Event& a, const Event& b) { return fires_before(b, a); }
  std::vector<Event> heap_;
};

}  // namespace eyesim::bench

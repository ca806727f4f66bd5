// BoundedQueue: order, back-pressure, and abort waking blocked threads.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "sweep/bounded_queue.h"

namespace eyesim::sweep {
TEST_SUITE("fast") {
  TEST_CASE("a bounded queue hands items from producers to one consumer, each exactly once") {
    BoundedQueue<int> q(2);
    std::atomic<int> refused{0};  // (doctest assertions stay on the test's thread)
    std::vector<std::thread> producers;
    for (int p = 0; p < 3; ++p)
      producers.emplace_back([&q, &refused, p] {
        for (int i = 0; i < 1000; ++i) refused += q.push(p * 1000 + i) ? 0 : 1;
      });
    std::vector<int> seen(3000, 0);
    std::vector<int> last(3, -1);
    for (int n = 0; n < 3000; ++n) {
      int v = -1;
      REQUIRE(q.pop(v));
      ++seen[static_cast<std::size_t>(v)];
      CHECK(v % 1000 > last[static_cast<std::size_t>(v / 1000)]);  // each producer's items in order
      last[static_cast<std::size_t>(v / 1000)] = v % 1000;
    }
    for (auto& t : producers) t.join();
    CHECK(refused == 0);
    for (int s : seen) CHECK(s == 1);
  }

  TEST_CASE("abort wakes a producer blocked on a full queue and a consumer on an empty one") {
    BoundedQueue<int> full(1);
    REQUIRE(full.push(1));
    std::atomic<int> pushed{-1};
    std::thread producer([&] { pushed = full.push(2) ? 1 : 0; });  // blocks: the queue is full
    BoundedQueue<int> empty(1);
    std::atomic<int> popped{-1};
    std::thread consumer([&] {
      int v = 0;
      popped = empty.pop(v) ? 1 : 0;  // blocks: the queue is empty
    });
    full.abort();
    empty.abort();
    producer.join();
    consumer.join();
    CHECK(pushed == 0);
    CHECK(popped == 0);
    int v = 0;
    CHECK_FALSE(full.pop(v));
  }
}
}  // namespace eyesim::sweep

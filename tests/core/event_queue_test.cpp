// EventQueue: a randomized differential test against a reference order, and edge cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <queue>
#include <vector>

#include "core/event_queue.h"
#include "core/rng.h"

namespace eyesim {
namespace {
struct Later {
  bool operator()(const Event& a, const Event& b) const { return fires_before(b, a); }
};
Event make(Tick when, std::uint64_t phase, std::uint64_t seq) { return Event{when, (phase << 56) | seq, nullptr, nullptr, seq}; }
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("the queue pops in exactly the reference order under random pushes and pops") {
    Rng rng(2024);
    EventQueue q;
    std::priority_queue<Event, std::vector<Event>, Later> ref;
    Tick now = 0;
    std::uint64_t seq = 0;
    for (int step = 0; step < 200'000; ++step) {
      const auto r = rng.below(100);
      if (r < 55 || ref.empty()) {
        Tick when = now;
        const auto kind = rng.below(10);
        if (kind < 3) when = now;                                 // this tick
        else if (kind < 7) when = now + rng.below(64);            // near
        else if (kind < 9) when = now + rng.below(20'000);        // beyond the wheel
        else when = now + 5000 * (1 + rng.below(5000));           // far, on clock edges
        const Event e = make(when, rng.below(3), seq++);
        q.push(e);
        ref.push(e);
      } else {
        REQUIRE_FALSE(q.empty());
        const Event expected = ref.top();
        ref.pop();
        CHECK(q.top().arg == expected.arg);
        const Event got = q.pop();
        REQUIRE(got.arg == expected.arg);
        CHECK(got.when == expected.when);
        now = got.when;
      }
      CHECK(q.size() == ref.size());
    }
    while (!ref.empty()) {
      REQUIRE(q.pop().arg == ref.top().arg);
      ref.pop();
    }
    CHECK(q.empty());
  }

  TEST_CASE("equal times pop by phase then by push order / and clear() empties the queue") {
    EventQueue q;
    q.push(make(10, 2, 0));
    q.push(make(10, 1, 1));
    q.push(make(10, 1, 2));
    q.push(make(10, 0, 3));
    q.push(make(1'000'000'000'000ULL, 1, 4));
    CHECK(q.pop().arg == 3);
    CHECK(q.pop().arg == 1);
    CHECK(q.pop().arg == 2);
    CHECK(q.pop().arg == 0);
    CHECK(q.top().when == 1'000'000'000'000ULL);
    CHECK(q.pop().arg == 4);
    CHECK(q.empty());
    q.push(make(1'000'000'000'005ULL, 1, 5));
    q.clear();
    CHECK(q.empty());
    q.push(make(3, 1, 6));
    CHECK(q.pop().arg == 6);
  }
}
}  // namespace eyesim

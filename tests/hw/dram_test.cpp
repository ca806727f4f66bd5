// Dram: bandwidth accounted per window, reservations accepted out of time order.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "hw/dram.h"
#include "hw/presets.h"

namespace eyesim::hw {
namespace {

/// 200 MHz and 1.28 GB/s: 6.4 bytes per cycle, 409.6 bytes per 64-cycle window; latency 50.
ArchSpec channel() {
  ArchSpec a = *preset("eyeriss_v2");
  a.clock_mhz = 200;
  a.dram.bandwidth_gbps = 1.28;
  a.dram.latency_cycles = 50;
  return a;
}

/// The window accounting without skip links: every window from a transfer's ready cycle on is visited,
/// full or not (Dram::access before it stepped over full windows, but for a filled window set to exactly
/// full where it computed used + (window - used): the same arrivals, checked on 10.6 M accesses when the
/// links were added).
class WindowWalk {
 public:
  explicit WindowWalk(const ArchSpec& a)
      : per_cycle_(a.dram.bandwidth_gbps * 1e9 / (a.clock_mhz * 1e6)), window_(per_cycle_ * Dram::kWindowCycles),
        latency_(a.dram.latency_cycles) {}
  std::uint64_t access(std::uint64_t ready, std::uint64_t bytes) {
    double remaining = static_cast<double>(bytes);
    std::size_t w = ready / Dram::kWindowCycles;
    for (;;) {
      if (w >= used_.size()) used_.resize(w + 1, 0.0);
      const double space = window_ - used_[w];
      if (remaining >= space) {
        used_[w] = window_;
        remaining -= space;
      } else {
        used_[w] += remaining;
        remaining = 0;
      }
      if (remaining <= 1e-9) break;
      ++w;
    }
    const double done = std::max(static_cast<double>(ready) + static_cast<double>(bytes) / per_cycle_,
                                 static_cast<double>(w * Dram::kWindowCycles) + used_[w] / per_cycle_);
    return static_cast<std::uint64_t>(std::ceil(done)) + latency_;
  }

 private:
  double per_cycle_, window_;
  std::uint64_t latency_;
  std::vector<double> used_;
};

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("transfers step over full windows and arrive as if every window from their ready cycle were visited") {
    // Mixed sizes (a few bytes to many windows), ready cycles in and out of order, the channel saturated for
    // stretches (full windows behind and ahead of open ones), and a table reused by a second Dram.
    const ArchSpec a = channel();
    Dram::Storage storage;
    for (int round = 0; round < 2; ++round) {
      Dram d(a, std::move(storage));
      WindowWalk walk(a);
      Rng rng(7, round, "dram");
      std::uint64_t now = 0, most_queued = 0;
      for (int i = 0; i < 5'000; ++i) {
        now += rng.below(40);
        const std::uint64_t ready = rng.below(8) == 0 ? now + rng.below(50'000) : now;
        const std::uint64_t bytes = rng.below(32) == 0 ? rng.below(6'000) : rng.below(64);  // about the bandwidth
        const std::uint64_t expected = walk.access(ready, bytes);
        REQUIRE(d.access(ready, bytes) == expected);
        most_queued = std::max(most_queued, expected - ready - a.dram.latency_cycles - bytes * 10 / 64);
      }
      CHECK(most_queued > 20 * Dram::kWindowCycles);  // some transfers waited behind many full windows
      storage = d.release();
    }
  }


  TEST_CASE("run-length coding: one pair per non-zero, one per 32-value zero run, three pairs per 64-bit word") {
    CHECK(rlc_bytes(300, 90) == 30 * 8);
    CHECK(rlc_bytes(300, 91) == 31 * 8);
    CHECK(rlc_bytes(320, 0) == 4 * 8);  // ten runs of 32 zeros
    CHECK(rlc_bytes(1, 1) == 8);
  }

  TEST_CASE("an output write is coded only with the codec on and a known density, and never above raw") {
    const DramSpec codec{.bandwidth_gbps = 0, .latency_cycles = 0, .fmap_rlc = true};
    const DramSpec raw{};
    CHECK(oact_write_bytes(raw, 300, 16, 0.3) == 600);
    CHECK(oact_write_bytes(codec, 300, 16, std::nullopt) == 600);
    CHECK(oact_write_bytes(codec, 300, 16, 0.3) == 240);  // 90 pairs in 30 words
    CHECK(oact_write_bytes(codec, 300, 16, 1.0) == 600);  // coded (800) is larger
    CHECK(oact_write_bytes(codec, 300, 8, 0.3) == 240);
    CHECK(oact_write_bytes(codec, 300, 8, 0.5) == 300);
  }

  TEST_CASE("a bandwidth too low to simulate is an error naming it, not a window table that exhausts memory") {
    // dram.bandwidth_gbps = 1e-300 is in range: the table grew a window at a time until std::bad_alloc
    // (eyesim validate --dram-gbps 1e-300 was killed by the OOM killer), and its cycles overflowed.
    ArchSpec a = channel();
    a.dram.bandwidth_gbps = 1e-300;
    Dram slow(a);
    CHECK_THROWS_WITH_AS(slow.access(0, 1000), doctest::Contains("the limit of the DRAM model with a finite bandwidth (dram.bandwidth_gbps = 1e-300): raise the bandwidth"),
                         std::runtime_error);
    // Transfers that each fit but together pass the limit: the last one is refused.
    a.dram.bandwidth_gbps = 1e-6;  // 0.005 bytes per cycle, 0.32 per window
    Dram trickle(a);
    const double window_bytes = 1e-6 * 1e9 / 200e6 * Dram::kWindowCycles;
    const auto quarter = static_cast<std::uint64_t>(window_bytes * Dram::kMaxWindows / 4);
    for (int i = 0; i < 3; ++i) CHECK_NOTHROW(trickle.access(0, quarter));
    CHECK_THROWS_WITH_AS(trickle.access(0, 2 * quarter), doctest::Contains("the limit of the DRAM model with a finite bandwidth"), std::runtime_error);
  }

  TEST_CASE("unlimited bandwidth costs only the latency") {
    ArchSpec a = channel();
    a.dram.bandwidth_gbps = 0;
    Dram d(a);
    CHECK(d.access(100, 1 << 20) == 150);
    CHECK(d.busy_until() == 0);
  }

  TEST_CASE("a transfer takes bytes / bandwidth, and back-to-back transfers queue") {
    Dram d(channel());
    CHECK(d.access(0, 640) == 100 + 50);  // 640 B at 6.4 B/cycle
    CHECK(d.access(0, 640) == 200 + 50);  // behind the first
    CHECK(d.busy_until() == 200);
  }

  TEST_CASE("many small transfers share the bandwidth instead of a cycle each") {
    Dram d(channel());
    std::uint64_t last = 0;
    for (int i = 0; i < 64; ++i) last = d.access(0, 10);  // 640 B in total
    CHECK(last == 100 + 50);
  }

  TEST_CASE("a reservation far in the future does not delay one that is ready earlier") {
    Dram d(channel());
    CHECK(d.access(10'000, 640) == 10'100 + 50);
    CHECK(d.access(0, 640) == 100 + 50);  // a busy-until server would have answered 10'200 + 50
    CHECK(d.busy_until() == 10'100);
  }

  TEST_CASE("a posted write is booked when the chip reaches its issue cycle") {
    // Booked at once, a write issued at 100 would fill windows 1 and 2 before a read asked for at 0 (it
    // would arrive at 200 + 50): posted, it takes what the read leaves.
    Dram d(channel());
    d.post(100, 640);
    d.issue_until(0);
    CHECK(d.access(0, 640) == 100 + 50);
    CHECK(d.drain() == 200 + 50);
    CHECK(d.drain() == 200 + 50);  // nothing left to book
    CHECK(d.busy_until() == 200);
  }

  TEST_CASE("a read queues behind the writes issued before it, earliest first") {
    Dram d(channel());
    d.post(500, 640);
    d.post(0, 640);
    d.issue_until(10);  // books the write issued at 0, holds the one at 500
    CHECK(d.access(10, 640) == 200 + 50);
    CHECK(d.drain() == 600 + 50);
  }

  TEST_CASE("posted writes cost only the latency when bandwidth is unlimited") {
    ArchSpec a = channel();
    a.dram.bandwidth_gbps = 0;
    Dram d(a);
    CHECK(d.drain() == 0);
    d.post(100, 1 << 20);
    CHECK(d.drain() == 150);
  }
}
}  // namespace eyesim::hw

// Event kernel: ordering, limits, stop, refusal of the past, deadlock reporting.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/simulator.h"

namespace eyesim {
namespace {

struct Recorder {
  Simulator& sim;
  std::vector<std::uint64_t> fired;
  std::vector<Tick> times;
  void on_fire(std::uint64_t arg) {
    fired.push_back(arg);
    times.push_back(sim.now());
  }
  void on_stop(std::uint64_t arg) {
    on_fire(arg);
    sim.stop();
  }
  void on_schedule_past(std::uint64_t) { sim.schedule_at<&Recorder::on_fire>(sim.now() - 1, *this); }
};

struct Waiter {
  bool waiting = true;
  bool is_idle() const { return !waiting; }
  std::string describe_state() const { return "waiter: waiting for a grant that never comes"; }
};

TEST_SUITE("fast") {
  TEST_CASE("events fire in time order whatever the scheduling order") {
    Simulator sim;
    Recorder r{sim, {}, {}};
    sim.schedule_at<&Recorder::on_fire>(30, r, 3);
    sim.schedule_at<&Recorder::on_fire>(10, r, 1);
    sim.schedule_at<&Recorder::on_fire>(20, r, 2);
    CHECK(sim.run() == RunStatus::kDrained);
    CHECK(r.fired == std::vector<std::uint64_t>{1, 2, 3});
    CHECK(r.times == std::vector<Tick>{10, 20, 30});
    CHECK(sim.events_executed() == 3);
  }

  TEST_CASE("events at the same time and phase fire in scheduling order") {
    Simulator sim;
    Recorder r{sim, {}, {}};
    for (std::uint64_t i = 0; i < 100; ++i) sim.schedule_at<&Recorder::on_fire>(5, r, i);
    sim.run();
    REQUIRE(r.fired.size() == 100);
    for (std::uint64_t i = 0; i < 100; ++i) CHECK(r.fired[i] == i);
  }

  TEST_CASE("at equal time / deliver runs before compute and compute before commit") {
    Simulator sim;
    Recorder r{sim, {}, {}};
    sim.schedule_at<&Recorder::on_fire>(7, r, 2, Phase::kCommit);
    sim.schedule_at<&Recorder::on_fire>(7, r, 1, Phase::kCompute);
    sim.schedule_at<&Recorder::on_fire>(7, r, 0, Phase::kDeliver);
    sim.run();
    CHECK(r.fired == std::vector<std::uint64_t>{0, 1, 2});
  }

  TEST_CASE("scheduling in the past is refused with a check failure") {
    Simulator sim;
    Recorder r{sim, {}, {}};
    sim.schedule_at<&Recorder::on_schedule_past>(10, r);
    CHECK_THROWS_WITH_AS(sim.run(), doctest::Contains("event scheduled in the past"), CheckFailure);
  }

  TEST_CASE("run(limit) stops before the first event later than the limit and resumes after") {
    Simulator sim;
    Recorder r{sim, {}, {}};
    sim.schedule_at<&Recorder::on_fire>(10, r, 1);
    sim.schedule_at<&Recorder::on_fire>(20, r, 2);
    sim.schedule_at<&Recorder::on_fire>(21, r, 3);
    CHECK(sim.run(20) == RunStatus::kLimitReached);
    CHECK(r.fired == std::vector<std::uint64_t>{1, 2});
    CHECK(sim.now() == 20);
    CHECK(sim.run() == RunStatus::kDrained);
    CHECK(r.fired == std::vector<std::uint64_t>{1, 2, 3});
  }

  TEST_CASE("stop() ends the run after the current event") {
    Simulator sim;
    Recorder r{sim, {}, {}};
    sim.schedule_at<&Recorder::on_fire>(1, r, 1);
    sim.schedule_at<&Recorder::on_stop>(2, r, 2);
    sim.schedule_at<&Recorder::on_fire>(3, r, 3);
    CHECK(sim.run() == RunStatus::kStopped);
    CHECK(r.fired == std::vector<std::uint64_t>{1, 2});
    CHECK(sim.events_pending() == 1);
  }

  TEST_CASE("a drained queue with a busy component is reported as a deadlock / not a hang") {
    Simulator sim;
    Waiter w;
    sim.watch<&Waiter::is_idle, &Waiter::describe_state>(w);
    CHECK(sim.run() == RunStatus::kDeadlocked);
    const auto busy = sim.describe_busy_components();
    REQUIRE(busy.size() == 1);
    CHECK(busy[0].find("never comes") != std::string::npos);
    w.waiting = false;
    CHECK(sim.run() == RunStatus::kDrained);
  }

  TEST_CASE("schedule_in is relative to now") {
    Simulator sim;
    Recorder r{sim, {}, {}};
    struct Chain {
      Simulator& sim;
      Recorder& r;
      void on_first(std::uint64_t) { sim.schedule_in<&Recorder::on_fire>(5, r, 9); }
    } chain{sim, r};
    sim.schedule_at<&Chain::on_first>(100, chain);
    sim.run();
    CHECK(r.times == std::vector<Tick>{105});
  }

  TEST_CASE("a reset simulator runs like a new one / time, sequence, count, pending events and watches start over") {
    Simulator sim;
    Recorder r{sim, {}, {}};
    Waiter w;
    sim.watch<&Waiter::is_idle, &Waiter::describe_state>(w);
    sim.schedule_at<&Recorder::on_fire>(10, r, 1);
    sim.schedule_at<&Recorder::on_stop>(5000, r, 2);  // beyond the wheel's horizon
    sim.schedule_at<&Recorder::on_fire>(6000, r, 3);  // left pending by the stop
    CHECK(sim.run() == RunStatus::kStopped);
    sim.reset();
    CHECK(sim.now() == 0);
    CHECK(sim.events_executed() == 0);
    CHECK(sim.events_pending() == 0);
    r.fired.clear();
    r.times.clear();
    // Same time and phase: FIFO from a restarted sequence; the stale event at 6000 is gone and the
    // waiter (still busy) is no longer watched.
    for (std::uint64_t i = 0; i < 3; ++i) sim.schedule_at<&Recorder::on_fire>(1, r, 10 + i);
    CHECK(sim.run() == RunStatus::kDrained);
    CHECK(r.fired == std::vector<std::uint64_t>{10, 11, 12});
    CHECK(r.times == std::vector<Tick>{1, 1, 1});
    CHECK(sim.events_executed() == 3);
  }
}

}  // namespace
}  // namespace eyesim

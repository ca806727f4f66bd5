// RemainingTime: the progress line's ETA, learnt per architecture class from this run's finished points.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "sweep/remaining_time.h"
#include "test_point.h"

namespace eyesim::sweep {
namespace {
using testing::test_point;
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("RemainingTime charges each unfinished point its class's measured seconds per unit of cost") {
    // Points 0-3 on v2, 4-7 on the JSSC chip (another class), all of cost 1.
    std::vector<DesignPoint> points;
    for (int i = 0; i < 8; ++i) points.push_back(test_point(i < 4 ? "eyeriss_v2" : "eyeriss_v1_jssc", "sparse_mobilenet"));
    const std::vector<double> costs(8, 1.0);
    RemainingTime t(points, costs, {0, 1, 2, 3, 4, 5, 6, 7});
    CHECK(t.seconds(5) == 0);  // nothing finished: nothing known
    t.finished(0, 1.0);
    t.finished(4, 3.0);       // the JSSC chip: 3 s per point
    CHECK(t.finished_points() == 2);
    // Left: 3 v2 points at 1 s and 3 JSSC points at 3 s = 12 worker seconds; 4 spent in 2 s of wall time.
    CHECK(t.seconds(2.0) == doctest::Approx(2.0 * 12 / 4));
    // With both classes at 1 s per point: 2 s x 6 points / 2 points = 6 s, what the costs alone give (the
    // old ETA's answer whatever the classes took).
    RemainingTime same(points, costs, {0, 1, 2, 3, 4, 5, 6, 7});
    same.finished(0, 1.0);
    same.finished(4, 1.0);
    CHECK(same.seconds(2.0) == doctest::Approx(6.0));
  }

  TEST_CASE("RemainingTime: a class nothing finished takes the mean rate, and invalid points cost nothing") {
    std::vector<DesignPoint> points = {test_point("eyeriss_v2", "sparse_mobilenet"), test_point("eyeriss_v2", "sparse_mobilenet"),
                                       test_point("eyeriss_v1_5", "sparse_mobilenet"), test_point("eyeriss_v2", "sparse_mobilenet")};
    points[3].invalid.push_back("arch.array.pe_rows must be positive");
    const std::vector<double> costs = {1.0, 2.0, 4.0, 100.0};
    RemainingTime t(points, costs, {0, 1, 2, 3});
    t.finished(0, 0.5);  // v2: 0.5 s per unit of cost
    // Left: point 1 (v2, 2 units: 1 s), point 2 (v1.5, unseen: the mean 0.5 s per unit, 2 s), point 3
    // (invalid: 0) = 3 worker seconds; 0.5 spent in 1 s of wall time.
    CHECK(t.seconds(1.0) == doctest::Approx(1.0 * 3 / 0.5));
  }

  TEST_CASE("RemainingTime counts the time already spent on the points in flight, each up to its estimate") {
    // 40 points of 1 s on 4 workers, 1.5 s in: 4 finished, 4 half done. Left: 36 points less 4 x 0.5 s in
    // flight = 34 worker seconds on 4 workers, 8.5 s. Without the points in flight: 1.5 x 36 / 4 = 13.5 s,
    // high by 1 + T / 2k = 1.5 (the time the running points took was in the elapsed time only).
    std::vector<DesignPoint> points(40, test_point("eyeriss_v2", "sparse_mobilenet"));
    const std::vector<double> costs(40, 1.0);
    std::vector<std::uint64_t> todo(40);
    for (std::uint64_t i = 0; i < 40; ++i) todo[i] = i;
    RemainingTime t(points, costs, todo);
    for (std::uint64_t i = 0; i < 4; ++i) t.finished(i, 1.0);
    const std::vector<PointInFlight> half = {{4, 0.5}, {5, 0.5}, {6, 0.5}, {7, 0.5}};
    CHECK(t.seconds(1.5, half) == doctest::Approx(8.5));
    CHECK(t.seconds(1.5) == doctest::Approx(13.5));
    CHECK(progress_line(4, 40, 0, t, 1.5, half) == "[ 4/40]  10.0% | 0 failed | 2.7 points/s | 2s elapsed | ETA 8s");
    // One point running 30 s past its 1 s estimate, three half done, 31 s in: each in-flight point takes
    // off at most its own estimate (1 + 3 x 0.5 s: 33.5 worker seconds left), so the ETA is 31 x 33.5 /
    // (4 + 31.5) = 29.3 s, not 31 x (36 - 31.5) / 35.5 = 3.9 s (and 0 s once it had run 40 s).
    const std::vector<PointInFlight> stuck = {{4, 30.0}, {5, 0.5}, {6, 0.5}, {7, 0.5}};
    CHECK(t.seconds(31.0, stuck) == doctest::Approx(31.0 * 33.5 / 35.5));
  }

  TEST_CASE("PointsInFlight names each busy worker's point and the time spent on it") {
    using Clock = PointsInFlight::Clock;
    PointsInFlight f(3);
    const Clock::time_point t0 = Clock::now();
    CHECK(f.at(t0).empty());
    f.started(0, 17, t0);
    f.started(2, 5, t0 + std::chrono::milliseconds(500));
    auto busy = f.at(t0 + std::chrono::seconds(2));
    REQUIRE(busy.size() == 2);
    CHECK(busy[0].id == 17);
    CHECK(busy[0].seconds == doctest::Approx(2.0));
    CHECK(busy[1].id == 5);
    CHECK(busy[1].seconds == doctest::Approx(1.5));
    f.finished(0);
    busy = f.at(t0 + std::chrono::seconds(2));
    REQUIRE(busy.size() == 1);
    CHECK(busy[0].id == 5);
    f.started(1, 9, t0 + std::chrono::seconds(3));
    CHECK(f.at(t0 + std::chrono::seconds(2))[0].seconds == doctest::Approx(0.0));  // worker 1: started after "now"
  }

  TEST_CASE("RemainingTime of a resumed sweep counts only the points this run simulates") {
    std::vector<DesignPoint> points(10, test_point("eyeriss_v2", "sparse_mobilenet"));
    const std::vector<double> costs(10, 1.0);
    RemainingTime t(points, costs, {8, 9});  // 0-7 finished by an earlier run
    t.finished(8, 1.0);
    CHECK(t.finished_points() == 1);
    // One point left, as long as the one that took 1 s: 1 s, not 1 s x 1 / 9 (the 8 earlier points are
    // not this run's progress).
    CHECK(t.seconds(1.0) == doctest::Approx(1.0));
    // The line: 9 of 10 done, but this run's rate, 1 point in 2 s (it read 4.5 points/s, and an ETA of
    // 0 s, counting the earlier points as this run's).
    CHECK(progress_line(9, 10, 0, t, 2.0) == "[ 9/10]  90.0% | 0 failed | 0.5 points/s | 2s elapsed | ETA 2s");
  }

  TEST_CASE("RemainingTime after a resume: the points started before the clock teach no rate, and no ETA without one") {
    // 20 points of 1 s on 2 workers, resumed: while the journal was written, the workers finished points 0-3
    // (queued for the writer) and started 4 and 5 half a second before the clock started.
    std::vector<DesignPoint> points(20, test_point("eyeriss_v2", "sparse_mobilenet"));
    const std::vector<double> costs(20, 1.0);
    std::vector<std::uint64_t> todo(20);
    for (std::uint64_t i = 0; i < 20; ++i) todo[i] = i;
    RemainingTime t(points, costs, todo);
    // The writer takes the 4 queued points at once, 0.01 s in: measured, they read 400 points/s and an ETA
    // of 0.01 x 16 / 4 = 0.04 s (the first line of a resumed sweep read 177 points/s and 12 s, then
    // 75 points/s and 29 s).
    for (std::uint64_t i = 0; i < 4; ++i) t.finished_unmeasured(i, 1.0, -0.2);  // (ended before the clock)
    CHECK(t.finished_points() == 4);
    CHECK(t.points_in_window() == 0);
    CHECK_FALSE(t.has_rate());
    const std::vector<PointInFlight> running = {{4, 0.01}, {5, 0.01}};  // (their seconds since the clock)
    CHECK(progress_line(14, 30, 0, t, 0.01, running) == "[14/30]  46.7% | 0 failed | - points/s | 0s elapsed | ETA -");
    // Points 4 and 5 end 0.5 s in (1 s each, half of it before the clock): unmeasured, 0.5 s each in the
    // window. Points 6 and 7, started 0.5 s in, end 1.5 s in: measured, the rate's first basis.
    t.finished_unmeasured(4, 1.0, 0.5);
    t.finished_unmeasured(5, 1.0, 0.5);
    CHECK_FALSE(t.has_rate());
    CHECK(t.points_in_window() == doctest::Approx(1.0));  // two halves
    t.finished(6, 1.0);
    t.finished(7, 1.0);
    CHECK(t.has_rate());
    // 12 points left at 1 s on 2 workers: 6 s. The window's worker seconds are 2 x 1.5 = 3 (1 of them the
    // unmeasured points'), so 1.5 x 12 / 3 = 6 s; without them, 1.5 x 12 / 2 = 9 s. And 3 points' worth in
    // 1.5 s: 2 points/s, the workers' pace (4 whole points would read 2.7, 2 measured ones 1.3).
    CHECK(t.seconds(1.5) == doctest::Approx(6.0));
    CHECK(progress_line(18, 30, 0, t, 1.5) == "[18/30]  60.0% | 0 failed | 2.0 points/s | 2s elapsed | ETA 6s");
  }

  TEST_CASE("PointsInFlight counts a point's seconds from the clock's start when it started before") {
    using Clock = PointsInFlight::Clock;
    PointsInFlight f(2);
    const Clock::time_point t0 = Clock::now();
    f.started(0, 3, t0);
    f.started(1, 4, t0 + std::chrono::seconds(2));
    const auto busy = f.at(t0 + std::chrono::seconds(3), t0 + std::chrono::seconds(1));
    REQUIRE(busy.size() == 2);
    CHECK(busy[0].seconds == doctest::Approx(2.0));  // started before the clock: from the clock
    CHECK(busy[1].seconds == doctest::Approx(1.0));  // after: from its start
  }
}

}  // namespace eyesim::sweep

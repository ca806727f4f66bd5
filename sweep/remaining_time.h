// RemainingTime and progress_line: the sweep's progress line and its ETA. A sweep's points cost very
// different times (sweep/point_cost.h), and the cost heuristic does not see the architecture class (the
// NoC, the PE kind, the DRAM bandwidth), so the remaining time is learnt from the points this run has
// finished, class by class.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sweep/design_point.h"

namespace eyesim::sweep {

/// A point a worker is simulating, and the seconds it has spent on it so far.
struct PointInFlight {
  std::uint64_t id = 0;
  double seconds = 0;
};

class RemainingTime {
 public:
  /// `todo`: the ids of the points this run simulates (a resumed sweep's earlier points are not in it:
  /// they took no time of this run). `costs`: estimated_costs of every point, kept by reference. A point
  /// with an invalid architecture costs nothing (it fails without simulating). Holds 4 bytes and a bit per
  /// point.
  RemainingTime(const std::vector<DesignPoint>& points, const std::vector<double>& costs,
                const std::vector<std::uint64_t>& todo);

  /// Point `id` of `todo` took `worker_seconds` on its worker, all of them in this run's elapsed time.
  void finished(std::uint64_t id, double worker_seconds);
  /// Point `id` of `todo` took `worker_seconds`, but it started before the elapsed time counts from (a
  /// resumed sweep's workers simulate while the journal's points are written, and the clock starts after
  /// that), and only `seconds_in_window` of them came after: its cost leaves the remaining time, it teaches
  /// no seconds per unit of cost, and it counts in the points per second and the worker seconds spent for
  /// that share of its time (nothing when it ended before). Counted as a measured point, it made the first
  /// line after a resume promise about twice the pace that followed (177 points/s and an ETA of 12 s, then
  /// 75 points/s and 29 s).
  void finished_unmeasured(std::uint64_t id, double worker_seconds, double seconds_in_window);

  /// The points of `todo` finished so far.
  std::size_t finished_points() const { return finished_points_; }
  /// The points finished in the elapsed time, for the points per second: each measured point, and the
  /// share in it of each unmeasured one's time.
  double points_in_window() const { return points_in_window_; }
  /// Whether seconds() has a basis: a measured point with a cost has finished.
  bool has_rate() const;

  /// Seconds until the last point of `todo` is done, `elapsed` seconds into this run, `in_flight` the
  /// points being simulated: each unfinished point costs its estimated cost times the worker seconds per
  /// unit of cost of the finished points of its architecture class (of all finished points, for a class
  /// none has finished yet), less what a point in flight has already spent (at most its own estimate: one
  /// that runs over it does not make the others' time disappear), and the sum is scaled by the elapsed time
  /// over the worker seconds spent so far (finished and in flight), which folds in the threads and what the
  /// workers waited for. Without the points in flight, their time is in the elapsed time but not in the
  /// worker seconds, and after k points on T threads the ETA runs high by about 1 + T / 2k. A point in
  /// flight counts only its seconds within the elapsed time (PointsInFlight::at's `since`), as an unmeasured
  /// point does. 0 without a rate (has_rate()).
  double seconds(double elapsed, std::span<const PointInFlight> in_flight = {}) const;

 private:
  struct Class {
    double remaining_cost = 0;
    double done_cost = 0;
    double done_seconds = 0;
  };
  double cost_of(std::uint64_t id) const { return free_[id] ? 0.0 : costs_[id]; }
  /// Worker seconds per unit of cost: the class's finished points', or all finished points' for a class
  /// none has finished (`done_cost`, `done_seconds`: the sums over every class).
  double per_cost(const Class& c, double done_cost, double done_seconds) const {
    return c.done_cost > 0 ? c.done_seconds / c.done_cost : done_seconds / done_cost;
  }

  const std::vector<double>& costs_;
  std::vector<std::uint32_t> class_of_;  ///< per point id (only those of `todo` are read)
  std::vector<bool> free_;               ///< per point id: an invalid architecture, which costs nothing
  std::vector<Class> classes_;
  double unmeasured_seconds_ = 0;  ///< worker seconds in the elapsed time of the unmeasured points
  double points_in_window_ = 0;
  std::size_t finished_points_ = 0;
};

/// Which point each worker is simulating and since when: written by the workers, read by the progress
/// line, so that the ETA counts the time already spent on unfinished points (RemainingTime::seconds).
class PointsInFlight {
 public:
  using Clock = std::chrono::steady_clock;
  explicit PointsInFlight(std::size_t workers) : since_(workers), point_(workers) {}
  void started(std::size_t worker, std::uint64_t point, Clock::time_point t) {
    point_[worker].store(point, std::memory_order_relaxed);
    since_[worker].store(ticks(t) + 1, std::memory_order_relaxed);
  }
  void finished(std::size_t worker) { since_[worker].store(0, std::memory_order_relaxed); }
  /// The points in flight at `now`, with the seconds spent on each since `since` (the time the progress
  /// line's elapsed time counts from; a point started after `now`: 0).
  std::vector<PointInFlight> at(Clock::time_point now, Clock::time_point since = {}) const;

 private:
  static std::int64_t ticks(Clock::time_point t) { return t.time_since_epoch().count(); }
  std::vector<std::atomic<std::int64_t>> since_;   ///< per worker: 1 + the start's ticks, 0 when idle
  std::vector<std::atomic<std::uint64_t>> point_;  ///< per worker: its point's id while busy
};

/// "[ 9/10]  90.0% | 0 failed | 0.5 points/s | 2s elapsed | ETA 2s": `done` and `failed` count every
/// point of the sweep (or shard) that is finished, a resumed sweep's earlier ones included; the rate and
/// the ETA are this run's (`remaining`, `elapsed` seconds into it, `in_flight` the points being simulated):
/// the points finished in its elapsed time. Without any, the rate is "-"; without a basis for the ETA
/// (RemainingTime::has_rate), "ETA -".
std::string progress_line(std::size_t done, std::size_t total, std::size_t failed, const RemainingTime& remaining,
                          double elapsed, std::span<const PointInFlight> in_flight = {});

}  // namespace eyesim::sweep

// RemainingTime and progress_line: the sweep's progress line and its ETA. A sweep's points cost very
// different times (sweep/point_cost.h), and the cost heuristic does not see the architecture class (the
// NoC, the PE kind, the DRAM bandwidth), so the remaining time is learnt from the points this run has
// finished, class by class.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sweep/design_point.h"

namespace eyesim::sweep {

class RemainingTime {
 public:
  /// `todo`: the ids of the points this run simulates (a resumed sweep's earlier points are not in it:
  /// they took no time of this run). `costs`: estimated_costs of every point, kept by reference. A point
  /// with an invalid architecture costs nothing (it fails without simulating). Holds 4 bytes and a bit per
  /// point.
  RemainingTime(const std::vector<DesignPoint>& points, const std::vector<double>& costs,
                const std::vector<std::uint64_t>& todo);

  /// Point `id` of `todo` took `worker_seconds` on its worker.
  void finished(std::uint64_t id, double worker_seconds);

  /// The points of `todo` finished so far.
  std::size_t finished_points() const { return finished_points_; }

  /// Seconds until the last point of `todo` is done, `elapsed` seconds into this run, with `in_flight`
  /// worker seconds already spent on the points being simulated: each unfinished point costs its estimated
  /// cost times the worker seconds per unit of cost of the finished points of its architecture class (of
  /// all finished points, for a class none has finished yet), less what is in flight, and the sum is scaled
  /// by the elapsed time over the worker seconds spent so far (finished and in flight), which folds in the
  /// threads and what the workers waited for. Without `in_flight`, the time spent on unfinished points is
  /// in the elapsed time but not in the worker seconds, and after k points on T threads the ETA ran high by
  /// about 1 + T / 2k. 0 until a point with a cost has finished.
  double seconds(double elapsed, double in_flight = 0) const;

 private:
  struct Class {
    double remaining_cost = 0;
    double done_cost = 0;
    double done_seconds = 0;
  };
  double cost_of(std::uint64_t id) const { return free_[id] ? 0.0 : costs_[id]; }

  const std::vector<double>& costs_;
  std::vector<std::uint32_t> class_of_;  ///< per point id (only those of `todo` are read)
  std::vector<bool> free_;               ///< per point id: an invalid architecture, which costs nothing
  std::vector<Class> classes_;
  std::size_t finished_points_ = 0;
};

/// When each worker started the point it is simulating: written by the workers, read by the progress
/// line, so that the ETA counts the time already spent on unfinished points (RemainingTime::seconds).
class PointsInFlight {
 public:
  using Clock = std::chrono::steady_clock;
  explicit PointsInFlight(std::size_t workers) : since_(workers) {}
  void started(std::size_t worker, Clock::time_point t) { since_[worker].store(ticks(t) + 1, std::memory_order_relaxed); }
  void finished(std::size_t worker) { since_[worker].store(0, std::memory_order_relaxed); }
  /// Worker seconds spent at `now` on the points in flight.
  double seconds(Clock::time_point now) const;

 private:
  static std::int64_t ticks(Clock::time_point t) { return t.time_since_epoch().count(); }
  std::vector<std::atomic<std::int64_t>> since_;  ///< per worker: 1 + the start's ticks, 0 when idle
};

/// "[ 9/10]  90.0% | 0 failed | 0.5 points/s | 2s elapsed | ETA 2s": `done` and `failed` count every
/// point of the sweep (or shard) that is finished, a resumed sweep's earlier ones included; the rate and
/// the ETA are this run's (`remaining`, `elapsed` seconds into it, `in_flight` worker seconds spent on the
/// points being simulated).
std::string progress_line(std::size_t done, std::size_t total, std::size_t failed, const RemainingTime& remaining,
                          double elapsed, double in_flight = 0);

}  // namespace eyesim::sweep

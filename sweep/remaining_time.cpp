// RemainingTime: see remaining_time.h.
#include "sweep/remaining_time.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "sweep/point_cost.h"

namespace eyesim::sweep {

RemainingTime::RemainingTime(const std::vector<DesignPoint>& points, const std::vector<double>& costs,
                             const std::vector<std::uint64_t>& todo)
    : costs_(costs), class_of_(points.size(), 0), free_(points.size(), false) {
  std::map<ArchClass, std::uint32_t> index;
  for (std::uint64_t id : todo) {
    const DesignPoint& p = points[id];
    const auto [it, fresh] = index.try_emplace(arch_class(p.arch), static_cast<std::uint32_t>(classes_.size()));
    if (fresh) classes_.emplace_back();
    class_of_[id] = it->second;
    free_[id] = !p.invalid.empty();
    classes_[it->second].remaining_cost += cost_of(id);
  }
}

void RemainingTime::finished(std::uint64_t id, double worker_seconds) {
  Class& c = classes_[class_of_[id]];
  c.remaining_cost -= cost_of(id);
  c.done_cost += cost_of(id);
  c.done_seconds += worker_seconds;
  ++finished_points_;
  points_in_window_ += 1;
}

void RemainingTime::finished_unmeasured(std::uint64_t id, double worker_seconds, double seconds_in_window) {
  classes_[class_of_[id]].remaining_cost -= cost_of(id);
  if (seconds_in_window > 0) {
    unmeasured_seconds_ += seconds_in_window;
    points_in_window_ += worker_seconds > seconds_in_window ? seconds_in_window / worker_seconds : 1.0;
  }
  ++finished_points_;
}

bool RemainingTime::has_rate() const {
  double done_cost = 0, done_seconds = 0;
  for (const Class& c : classes_) done_cost += c.done_cost, done_seconds += c.done_seconds;
  return done_cost > 0 && done_seconds > 0;
}

double RemainingTime::seconds(double elapsed, std::span<const PointInFlight> in_flight) const {
  double done_cost = 0, done_seconds = 0;
  for (const Class& c : classes_) done_cost += c.done_cost, done_seconds += c.done_seconds;
  if (done_cost <= 0 || done_seconds <= 0) return 0.0;
  double remaining_seconds = 0;  // of worker time, the points in flight whole
  for (const Class& c : classes_)
    remaining_seconds += (c.remaining_cost > 0 ? c.remaining_cost : 0.0) * per_cost(c, done_cost, done_seconds);
  double spent = 0, credit = 0;  // worker seconds in flight; what they took off the remaining estimate
  for (const PointInFlight& p : in_flight) {
    if (p.id >= class_of_.size() || !(p.seconds > 0)) continue;
    spent += p.seconds;
    credit += std::min(p.seconds, cost_of(p.id) * per_cost(classes_[class_of_[p.id]], done_cost, done_seconds));
  }
  return elapsed * std::max(0.0, remaining_seconds - credit) / (done_seconds + unmeasured_seconds_ + spent);
}

std::vector<PointInFlight> PointsInFlight::at(Clock::time_point now, Clock::time_point since) const {
  std::vector<PointInFlight> out;
  for (std::size_t w = 0; w < since_.size(); ++w) {
    const std::int64_t started = since_[w].load(std::memory_order_relaxed);
    if (started == 0) continue;
    const Clock::duration spent(ticks(now) - std::max(started - 1, ticks(since)));
    out.push_back({point_[w].load(std::memory_order_relaxed), std::max(0.0, std::chrono::duration<double>(spent).count())});
  }
  return out;
}

std::string progress_line(std::size_t done, std::size_t total, std::size_t failed, const RemainingTime& remaining,
                          double elapsed, std::span<const PointInFlight> in_flight) {
  const std::string rate = !(remaining.points_in_window() > 0)
                               ? std::string("-")
                               : fmt::format("{:.1f}", elapsed > 0 ? remaining.points_in_window() / elapsed : 0.0);
  const std::string eta =
      remaining.has_rate() ? fmt::format("{:.0f}s", remaining.seconds(elapsed, in_flight)) : std::string("-");
  return fmt::format("[{:>{}}/{}] {:5.1f}% | {} failed | {} points/s | {:.0f}s elapsed | ETA {}", done,
                     std::to_string(total).size(), total, total ? 100.0 * double(done) / double(total) : 100.0, failed,
                     rate, elapsed, eta);
}

}  // namespace eyesim::sweep

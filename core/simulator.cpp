#include "core/simulator.h"

namespace eyesim {

RunStatus Simulator::run(Tick limit) {
  stop_requested_ = false;
  while (!queue_.empty()) {
    if (stop_requested_) return RunStatus::kStopped;
    if (queue_.top().when > limit) return RunStatus::kLimitReached;
    const Event e = queue_.pop();
    now_ = e.when;  // monotone: schedule_at() refuses the past
    e.fire(e.target, e.arg);
    ++events_executed_;
  }
  if (stop_requested_) return RunStatus::kStopped;
  for (const Watched& w : watched_) {
    if (!w.is_idle(w.obj)) return RunStatus::kDeadlocked;
  }
  return RunStatus::kDrained;
}

void Simulator::reset() {
  queue_.clear();
  watched_.clear();
  now_ = 0;
  next_seq_ = 0;
  events_executed_ = 0;
  stop_requested_ = false;
}

std::vector<std::string> Simulator::describe_busy_components() const {
  std::vector<std::string> out;
  for (const Watched& w : watched_) {
    if (!w.is_idle(w.obj)) out.push_back(w.describe(w.obj));
  }
  return out;
}

}  // namespace eyesim

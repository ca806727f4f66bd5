// Simulator: the event loop of one simulation. Owns time and the event queue; nothing global.
//
// Lifecycle of a model: construct components (passing the Simulator in) -> wire them -> register
// them with watch() -> schedule the first events (start) -> run() -> read their stats.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/check.h"
#include "core/event.h"
#include "core/event_queue.h"
#include "core/time.h"

namespace eyesim {

enum class RunStatus {
  kDrained,       ///< the queue emptied and every watched component is idle
  kLimitReached,  ///< the next event is later than the limit given to run()
  kStopped,       ///< stop() was called
  kDeadlocked,    ///< the queue emptied while a watched component still has work
};

class Simulator {
 public:
  Tick now() const { return now_; }

  /// Calls `(obj.*Method)(arg)` at absolute time `when` (>= now()).
  /// Equal (when, phase) fire in scheduling order (FIFO).
  template <auto Method, class Owner>
  void schedule_at(Tick when, Owner& obj, std::uint64_t arg = 0, Phase phase = Phase::kCompute) {
    EYESIM_CHECK(when >= now_, "event scheduled in the past ({} < {})", when, now_);
    queue_.push({when, order_key(phase), &trampoline<Method, Owner>, &obj, arg});
  }

  template <auto Method, class Owner>
  void schedule_in(Tick delay, Owner& obj, std::uint64_t arg = 0, Phase phase = Phase::kCompute) {
    schedule_at<Method>(now_ + delay, obj, arg, phase);
  }

  /// Registers a component for deadlock detection: `IsIdle` is a const member predicate
  /// (`bool Owner::is_idle() const`) and `Describe` says what it is waiting for
  /// (`std::string Owner::describe_state() const`).
  template <auto IsIdle, auto Describe, class Owner>
  void watch(const Owner& obj) {
    watched_.push_back({&obj, &idle_trampoline<IsIdle, Owner>, &describe_trampoline<Describe, Owner>});
  }

  /// Runs until the queue drains, the next event would pass `limit`, or stop() is called.
  RunStatus run(Tick limit = std::numeric_limits<Tick>::max());
  void stop() { stop_requested_ = true; }

  std::uint64_t events_executed() const { return events_executed_; }
  std::size_t events_pending() const { return queue_.size(); }

  /// After kDeadlocked: one line per busy watched component, from its describe_state().
  std::vector<std::string> describe_busy_components() const;

  /// Pre-sizes the queue so that a run schedules without reallocating.
  void reserve_events(std::size_t n) { queue_.reserve(n); }

  /// Back to a new simulator's state (time 0, no events, sequence and event count restarted, nothing
  /// watched), keeping the queue's storage: a model that runs one simulation after another on the same
  /// thread (a network's layers) allocates its queue once.
  void reset();

 private:
  struct Watched {
    const void* obj;
    bool (*is_idle)(const void*);
    std::string (*describe)(const void*);
  };

  template <auto Method, class Owner>
  static void trampoline(void* obj, std::uint64_t arg) {
    (static_cast<Owner*>(obj)->*Method)(arg);
  }
  template <auto IsIdle, class Owner>
  static bool idle_trampoline(const void* obj) {
    return (static_cast<const Owner*>(obj)->*IsIdle)();
  }
  template <auto Describe, class Owner>
  static std::string describe_trampoline(const void* obj) {
    return (static_cast<const Owner*>(obj)->*Describe)();
  }

  std::uint64_t order_key(Phase p) {
    return (static_cast<std::uint64_t>(p) << 56) | (next_seq_++ & ((1ULL << 56) - 1));
  }

  EventQueue queue_;
  std::vector<Watched> watched_;
  Tick now_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_executed_ = 0;
  bool stop_requested_ = false;
};

}  // namespace eyesim

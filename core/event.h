// Event: one scheduled call, a 40-byte trivially copyable value; Phase orders work inside one tick.
#pragma once

#include <cstdint>
#include <type_traits>

#include "core/time.h"

namespace eyesim {

/// Ordering of work inside one tick. Keep this list short; every value needs a reason.
enum class Phase : std::uint8_t {
  kDeliver = 0,  ///< Transfers arrive and become visible.
  kCompute = 1,  ///< Components act on what is visible (default).
  kCommit = 2,   ///< End-of-tick bookkeeping: stat sampling, stop checks.
};

/// One scheduled call. The queue stores copies, never pointers.
struct Event {
  Tick when;
  std::uint64_t order;                        ///< (phase << 56) | seq: one compare breaks ties
  void (*fire)(void* target, std::uint64_t);  ///< trampoline generated per handler
  void* target;
  std::uint64_t arg;  ///< small payload or an index into the owner's pool
};
static_assert(std::is_trivially_copyable_v<Event> && sizeof(Event) == 40);

/// Total order: time, then phase, then scheduling sequence (FIFO for equal keys).
constexpr bool fires_before(const Event& a, const Event& b) {
  return a.when != b.when ? a.when < b.when : a.order < b.order;
}

}  // namespace eyesim

// PortServer: one NoC port, bus or memory bank that carries one transfer at a time (busy-until).
#pragma once

#include <algorithm>
#include <cstdint>

namespace eyesim::hw {

/// Reservations are made in event (time) order, so the first transaction to ask is served first: the
/// contention and back-pressure of the chip come from these busy times, not from per-flit events.
class PortServer {
 public:
  /// Reserves `cycles` starting no earlier than `now`; returns the start cycle.
  std::uint64_t reserve(std::uint64_t now, std::uint64_t cycles) {
    const std::uint64_t start = std::max(now, free_at_);
    free_at_ = start + cycles;
    busy_cycles_ += cycles;
    return start;
  }
  std::uint64_t free_at() const { return free_at_; }
  std::uint64_t busy_cycles() const { return busy_cycles_; }
  std::uint64_t bits = 0;  ///< payload carried (for traces)

 private:
  std::uint64_t free_at_ = 0;
  std::uint64_t busy_cycles_ = 0;
};

}  // namespace eyesim::hw

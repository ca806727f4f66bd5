// Simulated time: Tick (global), Cycles (per clock domain) and Clock (the only conversion between them).
#pragma once

#include <compare>
#include <cstdint>

namespace eyesim {

/// Global simulated time. One Tick is one picosecond project-wide.
using Tick = std::uint64_t;
inline constexpr Tick kTicksPerSecond = 1'000'000'000'000ULL;

/// A count of cycles of some clock. Deliberately not convertible to Tick: go through a Clock.
struct Cycles {
  std::uint64_t count = 0;
  friend constexpr auto operator<=>(Cycles, Cycles) = default;
  constexpr Cycles& operator+=(Cycles o) {
    count += o.count;
    return *this;
  }
  friend constexpr Cycles operator+(Cycles a, Cycles b) { return Cycles{a.count + b.count}; }
};

/// A clock domain. All Cycles <-> Tick conversions go through here.
class Clock {
 public:
  /// `period` in ticks (ps); must be > 0.
  explicit constexpr Clock(Tick period) : period_{period} {}
  static constexpr Clock from_mhz(double mhz) {
    return Clock{static_cast<Tick>(static_cast<double>(kTicksPerSecond) / (mhz * 1e6) + 0.5)};
  }
  constexpr Tick period() const { return period_; }
  constexpr Tick to_ticks(Cycles c) const { return c.count * period_; }
  /// Whole cycles elapsed at `t` (rounded down).
  constexpr Cycles to_cycles(Tick t) const { return Cycles{t / period_}; }
  /// First clock edge at or after `now`, plus `c` cycles.
  constexpr Tick edge(Tick now, Cycles c = {}) const {
    return (now + period_ - 1) / period_ * period_ + to_ticks(c);
  }

 private:
  Tick period_;
};

}  // namespace eyesim

// Clock: conversions and edges.
#include <doctest/doctest.h>

#include "core/time.h"

namespace eyesim {
TEST_SUITE("fast") {
  TEST_CASE("a clock edge at an edge is that edge / off an edge is the next one") {
    const Clock clk{5000};  // 200 MHz in ps
    CHECK(clk.edge(0) == 0);
    CHECK(clk.edge(5000) == 5000);
    CHECK(clk.edge(5001) == 10000);
    CHECK(clk.edge(4999) == 5000);
    CHECK(clk.edge(5000, Cycles{3}) == 20000);
    CHECK(clk.edge(1, Cycles{1}) == 10000);
  }

  TEST_CASE("cycles convert to ticks through the clock only") {
    const Clock clk = Clock::from_mhz(200.0);
    CHECK(clk.period() == 5000);
    CHECK(clk.to_ticks(Cycles{7}) == 35000);
    CHECK(clk.to_cycles(35000 + 4999) == Cycles{7});
    static_assert(!std::is_convertible_v<Cycles, Tick>);
    static_assert(!std::is_convertible_v<Tick, Cycles>);
  }
}
}  // namespace eyesim

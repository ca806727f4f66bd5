// GlbBank: on-chip accesses busy-until, off-chip transfers in the idle cycles between them.
#include <doctest/doctest.h>

#include "hw/glb_bank.h"

namespace eyesim::hw {

TEST_SUITE("fast") {
  TEST_CASE("on-chip accesses are a busy-until server") {
    GlbBank b;
    CHECK(b.reserve(10, 4) == 10);
    CHECK(b.reserve(12, 2) == 14);  // behind the first
    CHECK(b.reserve(30, 1) == 30);
    CHECK(b.free_at() == 31);
  }

  TEST_CASE("a fill asked for late goes into the idle cycles after its data arrived, moving no read") {
    GlbBank b;
    // Reads at [10, 14), [20, 22), [30, 40) are reserved first (event order) ...
    CHECK(b.reserve(10, 4) == 10);
    CHECK(b.reserve(20, 2) == 20);
    CHECK(b.reserve(30, 10) == 30);
    // ... then a fill whose data was there at cycle 12: 2 words at [14, 16).
    CHECK(b.background(12, 2) == 16);
    // The next fill starts after it (first-use order) and spans gaps: [16, 20) and [22, 25).
    CHECK(b.background(0, 7) == 25);
    // The reads kept their cycles; a fill that outgrows the gaps continues after the last read.
    CHECK(b.background(0, 10) == 40 + 5);  // [25, 30) then [40, 45)
    CHECK(b.free_at() == 45);
    CHECK(b.reserve(41, 3) == 45);  // a later read waits behind it
  }

  TEST_CASE("a fill never goes before its data, nor before the previous fill") {
    GlbBank b;
    b.reserve(0, 5);
    b.reserve(100, 5);
    CHECK(b.background(50, 3) == 53);
    CHECK(b.background(10, 3) == 56);  // asked for later: after the first fill, though its data came earlier
    CHECK(b.background(200, 1) == 201);
    CHECK(b.free_at() == 201);
  }

  TEST_CASE("a word fits exactly a gap, and adjacent reads leave none") {
    GlbBank b;
    b.reserve(0, 3);
    b.reserve(3, 3);  // merged with the first: [0, 6)
    b.reserve(7, 3);  // [7, 10): a one-cycle gap at 6
    CHECK(b.background(0, 1) == 7);
    CHECK(b.background(0, 1) == 11);  // no gap left: after the last read
  }

  TEST_CASE("a bank without off-chip traffic is a plain busy-until server") {
    GlbBank b(false);
    CHECK(b.reserve(10, 4) == 10);
    CHECK(b.reserve(0, 2) == 14);
    CHECK(b.free_at() == 16);
    CHECK_THROWS(b.background(0, 1));
  }

  TEST_CASE("a reservation 2^32 cycles on gives up the stored gaps, not the idle time before it") {
    GlbBank b;
    b.reserve(0, 5);
    b.reserve(10, 5);  // a gap at [5, 10)
    const std::uint64_t far = std::uint64_t{1} << 33;
    CHECK(b.reserve(far, 5) == far);
    CHECK(b.background(0, 3) == 15 + 3);        // not in [5, 10): dropped; [15, far) is idle
    CHECK(b.background(far, 3) == far + 5 + 3);  // and after it, cycles count from the new base
    CHECK(b.reserve(0, 1) == far + 8);
  }

  TEST_CASE("a long run of reads without fills retires the oldest gaps, not the newest") {
    GlbBank b;
    const std::uint64_t n = GlbBank::kMaxIntervals + 10;
    for (std::uint64_t i = 0; i < n; ++i) b.reserve(2 * i, 1);  // [2i, 2i + 1): a gap after each
    // The first ten intervals are retired with their gaps; the fill takes the next free cycle after them.
    CHECK(b.background(0, 1) == 2 * 10 - 1 + 1);  // interval 9 ends at 19; gap [19, 20)
    CHECK(b.background(0, 2) == 24);              // [21, 22), [23, 24)
  }
}

}  // namespace eyesim::hw

// merge: the id-range lists its messages use. (The merge itself is tested end to end through the
// binary in merge_cli_test.py: shards, refusals, --allow-partial and a real mpirun.)
#include <doctest/doctest.h>

#include "sweep/merge.h"

namespace eyesim::sweep {

TEST_SUITE("fast") {
  TEST_CASE("point lists are written as ranges and shortened past a limit") {
    CHECK(format_id_ranges({}) == "");
    CHECK(format_id_ranges({7}) == "7");
    CHECK(format_id_ranges({0, 1, 2, 3, 4, 7, 9, 10, 11, 12}) == "0-4, 7, 9-12");
    CHECK(format_id_ranges({1, 3, 5, 7, 9}, 2) == "1, 3, ... (3 more points)");
    CHECK(format_id_ranges({1, 2, 5, 6, 7, 20}, 2) == "1-2, 5-7, ... (1 more point)");
  }
}

}  // namespace eyesim::sweep

// ClusterOccupancy: the clusters the first n psum chains of a placement hold, as counted by hand.
#include <doctest/doctest.h>

#include "hw/cluster_occupancy.h"
#include "hw/presets.h"

namespace eyesim::hw {

TEST_SUITE("fast") {
  TEST_CASE("the clusters the first chains occupy: cluster by cluster in a cluster, down the column across them") {
    ArchSpec v2 = *preset("eyeriss_v2");  // 8 x 2 clusters of 3 x 4 PEs
    ClusterOccupancy occupancy;
    // Chains of 3 that do not complete their outputs stay in a cluster: 4 per cluster (one per PE column).
    CHECK(occupancy.clusters(v2, 3, 30, 0) == 0);
    CHECK(occupancy.clusters(v2, 3, 30, 1) == 1);
    CHECK(occupancy.clusters(v2, 3, 30, 4) == 1);
    CHECK(occupancy.clusters(v2, 3, 30, 5) == 2);
    CHECK(occupancy.clusters(v2, 3, 30, 64) == 16);
    // Chains of 20 completing their outputs run down a column of 24 PEs, over cluster rows 0-6 of their
    // cluster column: the first four (PE columns 0-3 of cluster column 0) hold 7 clusters, the next 7 more.
    CHECK(occupancy.clusters(v2, 20, 20, 1) == 7);
    CHECK(occupancy.clusters(v2, 20, 20, 4) == 7);
    CHECK(occupancy.clusters(v2, 20, 20, 5) == 14);
    CHECK(occupancy.clusters(v2, 20, 20, 8) == 14);
    // Chains of 4: the first slot of every column (positions 0-3: cluster rows 0 and 1) comes first.
    CHECK(occupancy.clusters(v2, 4, 4, 1) == 2);
    CHECK(occupancy.clusters(v2, 4, 4, 8) == 4);
    // Another array shape: the tables start over (4 PE columns per cluster become 16).
    v2.array.pe_cols = 16;
    CHECK(occupancy.clusters(v2, 3, 30, 5) == 1);
    CHECK(occupancy.clusters(v2, 3, 30, 17) == 2);
  }
}

}  // namespace eyesim::hw

// Psum chains: how many the array holds and where they sit, inside a cluster and across clusters.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "hw/placement.h"
#include "hw/presets.h"
#include "hw/psum_chains.h"

namespace eyesim::hw {
namespace {

/// The placement before chains could span clusters: floor(rows / k_red) chains per PE column of one
/// cluster, columns numbered cluster by cluster, chains bottom up.
std::uint32_t in_cluster_pe(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t chain, std::uint32_t red_i) {
  const std::uint32_t per_column = arch.array.pe_rows / k_red;
  return (chain / per_column) * arch.array.pe_rows + (chain % per_column) * k_red + red_i;
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("a chain that completes its outputs runs down one PE column across vertically adjacent clusters") {
    const ArchSpec arch = *preset("eyeriss_v2_256");  // 4 x 4 clusters of 4 x 4 PEs: columns of 16 PEs
    const std::uint32_t ppc = arch.pes_per_cluster(), cols = arch.array.cluster_cols;
    CHECK(max_chain_length(arch) == 16);
    CHECK(chains_span_clusters(arch, 8, 8));
    CHECK(chains_for(arch, 8, 8) == 2 * 16);   // in one cluster: none
    CHECK(chains_for(arch, 16, 16) == 16);
    CHECK(chains_for(arch, 3, 3) == 5 * 16);   // in one cluster: 1 per column, a quarter of the PEs idle
    CHECK(chains_for(arch, 17, 17) == 0);
    const PsumChains chains(arch, 8, 8);
    CHECK(chains.chains() == 32);
    // Chain 0: PE column 0 of cluster (0, 0), then of cluster (1, 0) below it.
    for (std::uint32_t r = 0; r < 4; ++r) {
      CHECK(chains.pe(0, r) == r);
      CHECK(chains.pe(0, 4 + r) == cols * ppc + r);
    }
    CHECK(chains.crossings(0) == 1);
    CHECK(chains.exit_pe(0) == cols * ppc + 3);  // its psums leave through cluster (1, 0)'s psum router
    // The chains starting in cluster row 0 come first (cluster column, PE column), then those of row 2.
    CHECK(chains.pe(1, 0) == arch.array.pe_rows);       // PE column 1 of cluster (0, 0)
    CHECK(chains.pe(4, 0) == ppc);                      // cluster (0, 1)
    CHECK(chains.pe(16, 0) == 2 * cols * ppc);          // cluster (2, 0)
    CHECK(chains.exit_pe(31) == 3 * cols * ppc + (cols - 1) * ppc + 3 * arch.array.pe_rows + 3);
    // Chains of 3 on 4-row clusters: positions 0-2, 3-5 (crosses), 6-8 (crosses), 9-11, 12-14.
    const PsumChains threes(arch, 3, 3);
    CHECK(threes.chains() == 80);
    CHECK(threes.crossings(0) == 0);
    CHECK(threes.pe(1, 0) == 3);  // the second slot of column 0 starts in cluster row 0 ...
    CHECK(threes.pe(1, 1) == cols * ppc + 0);  // ... and continues in cluster row 1
    CHECK(threes.crossings(1) == 1);
    CHECK(threes.pe(2, 0) == arch.array.pe_rows);  // two chains start in each column of cluster row 0
  }

  TEST_CASE("a chain whose psums go back to the GLB between passes stays in one cluster's column") {
    const ArchSpec arch = *preset("eyeriss_v2_256");
    CHECK_FALSE(chains_span_clusters(arch, 8, 9));
    CHECK(chains_for(arch, 8, 9) == 0);
    CHECK(chains_for(arch, 3, 6) == 1 * 4 * 16);
    const PsumChains chains(arch, 3, 6);
    REQUIRE(chains.chains() == 64);
    for (std::uint32_t c = 0; c < chains.chains(); ++c) {
      CHECK(chains.crossings(c) == 0);
      for (std::uint32_t r = 0; r < 3; ++r) CHECK(chains.pe(c, r) == in_cluster_pe(arch, 3, c, r));
    }
  }

  TEST_CASE("chains that fit a cluster's columns exactly are placed cluster by cluster, as before spanning") {
    const ArchSpec arch = *preset("eyeriss_v2_256");
    for (const std::uint32_t k_red : {1u, 2u, 4u}) {
      const PsumChains chains(arch, k_red, k_red);  // may span, but never crosses
      REQUIRE(chains.chains() == chains_for(arch, k_red, 1));
      for (std::uint32_t c = 0; c < chains.chains(); ++c)
        for (std::uint32_t r = 0; r < k_red; ++r) CHECK(chains.pe(c, r) == in_cluster_pe(arch, k_red, c, r));
    }
  }

  TEST_CASE("V1's flat NoC keeps its chains in its one array's columns") {
    for (const char* name : {"eyeriss_v1_scaled", "eyeriss_v1_jssc"}) {
      const ArchSpec arch = *preset(name);
      CHECK(max_chain_length(arch) == arch.array.pe_rows);
      CHECK_FALSE(chains_span_clusters(arch, 5, 5));
      const PsumChains chains(arch, 5, 5);
      CHECK(chains.chains() == chains_for(arch, 5, 5));
      CHECK(chains.chains() == (arch.array.pe_rows / 5) * arch.array.pe_cols);
      for (std::uint32_t c = 0; c < chains.chains(); ++c)
        for (std::uint32_t r = 0; r < 5; ++r) CHECK(chains.pe(c, r) == in_cluster_pe(arch, 5, c, r));
    }
  }

  TEST_CASE("a lane's PEs in one call (Placement::lane_pes, PsumChains::pes) are its PEs one by one") {
    for (const char* name : {"eyeriss_v2", "eyeriss_v1_5", "eyeriss_v1_scaled"}) {
      const ArchSpec arch = *preset(name);
      for (const std::uint32_t k_red : {1u, 3u, 5u, arch.array.pe_rows + 1}) {
        for (const std::uint32_t partials : {1u, k_red, 4 * k_red}) {
          const std::uint32_t chains = chains_for(arch, k_red, partials);
          if (chains == 0) continue;
          for (const std::uint32_t k_m : {1u, 2u, 3u}) {
            INFO(name << " k_red " << k_red << " partials " << partials << " k_m " << k_m);
            const Placement place(arch, k_red, k_m, 2, partials);
            std::vector<std::uint32_t> pes(std::size_t{k_m} * k_red);
            for (std::uint32_t lane = 0; (lane + 1) * k_m <= chains; ++lane) {
              place.lane_pes(lane, pes);
              for (std::uint32_t m_i = 0; m_i < k_m; ++m_i)
                for (std::uint32_t red_i = 0; red_i < k_red; ++red_i) CHECK(pes[m_i * k_red + red_i] == place.pe(lane, m_i, red_i));
            }
          }
        }
      }
    }
  }
}

}  // namespace eyesim::hw

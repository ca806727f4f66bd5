// ClusterOccupancy: how many clusters the first n psum chains of a placement occupy.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/check.h"
#include "hw/arch_spec.h"

namespace eyesim::hw {

/// For the mapper's estimate (docs/model.md §2): the chip places a mapping's lanes chain by chain, and its
/// chains fill the array cluster by cluster (hw/psum_chains.h), so a mapping that uses part of the array
/// has the routers and GLB banks of the clusters it occupies only. `clusters()` counts them, from the
/// chains' own placement. One table per (chain length, whether chains span clusters), the running count
/// over the chains in placement order, built on first use and kept; the object serves one array shape
/// (pe_rows, pe_cols, cluster_rows, cluster_cols, NoC kind) and starts over when asked about another.
/// Allocates only when it builds a table.
class ClusterOccupancy {
 public:
  /// Clusters holding a PE of the first `chains` chains of `k_red` PEs reducing `partials` partial sums
  /// per output (at most chains_for(arch, k_red, partials) of them).
  std::uint32_t clusters(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t partials, std::uint32_t chains) {
    const std::span<const std::uint32_t> t = table(arch, k_red, partials);
    EYESIM_CHECK(chains < t.size(), "{} chains of {} PEs exceed the array's {}", chains, k_red, t.size() - 1);
    return t[chains];
  }
  /// The same for every n at once: [n] = clusters of the first n chains (for a loop over the chain counts
  /// of one k_red; valid until the next call).
  std::span<const std::uint32_t> table(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t partials);

 private:
  struct Table {
    std::uint32_t k_red;
    bool span;
    std::vector<std::uint32_t> occupied;  ///< [n]: clusters of the first n chains
  };
  struct Shape {
    std::uint32_t pe_rows = 0, pe_cols = 0, cluster_rows = 0, cluster_cols = 0;
    NocKind kind = NocKind::kHierarchicalMesh;
    bool operator==(const Shape&) const = default;
  };
  Shape shape_;
  std::vector<Table> tables_;
  std::vector<std::uint8_t> seen_;  ///< per cluster, while a table is built
  std::vector<std::uint32_t> pes_;  ///< one chain's PEs
};

}  // namespace eyesim::hw

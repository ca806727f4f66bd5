// ClusterOccupancy: the clusters of the first n psum chains, counted on the chains' placement.
#include "hw/cluster_occupancy.h"

#include <algorithm>

#include "hw/psum_chains.h"

namespace eyesim::hw {

std::span<const std::uint32_t> ClusterOccupancy::table(const ArchSpec& arch, std::uint32_t k_red,
                                                        std::uint32_t partials) {
  const Shape shape{arch.array.pe_rows, arch.array.pe_cols, arch.array.cluster_rows, arch.array.cluster_cols,
                    arch.noc.kind};
  if (!(shape == shape_)) {
    shape_ = shape;
    tables_.clear();
  }
  const bool span = chains_span_clusters(arch, k_red, partials);
  auto table = std::find_if(tables_.begin(), tables_.end(),
                            [&](const Table& t) { return t.k_red == k_red && t.span == span; });
  if (table == tables_.end()) {
    const PsumChains placed(arch, k_red, partials);
    Table t{k_red, span, {}};
    t.occupied.reserve(placed.chains() + 1);
    t.occupied.push_back(0);
    seen_.assign(arch.clusters(), 0);
    pes_.resize(k_red);
    const std::uint32_t ppc = arch.pes_per_cluster();
    std::uint32_t count = 0;
    for (std::uint32_t chain = 0; chain < placed.chains(); ++chain) {
      placed.pes(chain, pes_);
      for (const std::uint32_t pe : pes_) {
        std::uint8_t& seen = seen_[pe / ppc];
        count += seen == 0;
        seen = 1;
      }
      t.occupied.push_back(count);
    }
    tables_.push_back(std::move(t));
    table = tables_.end() - 1;
  }
  return table->occupied;
}

}  // namespace eyesim::hw

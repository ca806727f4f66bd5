// PsumChains: chain lengths, chain counts and the placement of psum chains.
#include "hw/psum_chains.h"

#include <algorithm>

#include "core/check.h"

namespace eyesim::hw {
namespace {

/// Where a column runs: `rows` cluster rows of `cols` clusters side by side, numbered row-major. Chains
/// that stay in one cluster see every cluster as one of a single row.
struct ClusterGrid {
  std::uint32_t rows, cols;
};
ClusterGrid cluster_grid(const ArchSpec& arch, bool span) {
  if (!span) return {1, arch.clusters()};
  return {arch.array.cluster_rows, arch.array.cluster_cols};
}

}  // namespace

std::uint32_t max_chain_length(const ArchSpec& arch) {
  return arch.noc.kind == NocKind::kFlatMulticast ? arch.array.pe_rows : arch.array.pe_rows * arch.array.cluster_rows;
}

bool chains_span_clusters(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t partials) {
  return arch.noc.kind == NocKind::kHierarchicalMesh && arch.array.cluster_rows > 1 && k_red >= partials;
}

std::uint32_t chains_for(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t partials) {
  const ClusterGrid grid = cluster_grid(arch, chains_span_clusters(arch, k_red, partials));
  const std::uint32_t length = arch.array.pe_rows * grid.rows;
  if (k_red == 0 || k_red > length) return 0;
  return (length / k_red) * arch.array.pe_cols * grid.cols;
}

PsumChains::PsumChains(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t partials)
    : k_red_(k_red),
      pe_rows_(arch.array.pe_rows),
      pe_cols_(arch.array.pe_cols),
      cluster_cols_(cluster_grid(arch, chains_span_clusters(arch, k_red, partials)).cols),
      pes_per_cluster_(arch.pes_per_cluster()) {
  const ClusterGrid grid = cluster_grid(arch, chains_span_clusters(arch, k_red, partials));
  const std::uint32_t length = pe_rows_ * grid.rows, columns = pe_cols_ * grid.cols;
  EYESIM_CHECK(k_red >= 1 && k_red <= length, "psum chains of {} PEs on columns of {} PEs", k_red, length);
  const std::uint32_t slots = length / k_red;
  // Slot s starts at position s x k_red, in cluster row s x k_red / pe_rows.
  for (std::uint32_t s = 0; s < slots; ++s) {
    const std::uint32_t row = s * k_red / pe_rows_;
    if (bands_.empty() || bands_.back().first_slot * k_red / pe_rows_ != row) bands_.push_back({chains_, s, 0});
    ++bands_.back().slots;
    chains_ += columns;
  }
}

PsumChains::Start PsumChains::start_of(std::uint32_t chain) const {
  EYESIM_CHECK(chain < chains_, "psum chain {} of {}", chain, chains_);
  const auto band = std::prev(std::upper_bound(bands_.begin(), bands_.end(), chain,
                                               [](std::uint32_t c, const Band& b) { return c < b.first_chain; }));
  const std::uint32_t j = chain - band->first_chain;
  const std::uint32_t column = j / band->slots;  // cluster column, then PE column
  return {column / pe_cols_, column % pe_cols_, (band->first_slot + j % band->slots) * k_red_};
}

std::uint32_t PsumChains::pe(std::uint32_t chain, std::uint32_t red_i) const {
  const Start s = start_of(chain);
  const std::uint32_t position = s.position + red_i;
  const std::uint32_t cluster = (position / pe_rows_) * cluster_cols_ + s.cluster_col;
  return cluster * pes_per_cluster_ + s.pe_col * pe_rows_ + position % pe_rows_;
}

void PsumChains::pes(std::uint32_t chain, std::span<std::uint32_t> out) const {
  const Start s = start_of(chain);
  for (std::uint32_t red_i = 0; red_i < k_red_; ++red_i) {
    const std::uint32_t position = s.position + red_i;
    const std::uint32_t cluster = (position / pe_rows_) * cluster_cols_ + s.cluster_col;
    out[red_i] = cluster * pes_per_cluster_ + s.pe_col * pe_rows_ + position % pe_rows_;
  }
}

std::uint32_t PsumChains::crossings(std::uint32_t chain) const {
  const Start s = start_of(chain);
  return (s.position + k_red_ - 1) / pe_rows_ - s.position / pe_rows_;
}

}  // namespace eyesim::hw

// PsumChains: where the psum accumulation chains of a mapping sit in the PE array (docs/model.md §4).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hw/arch_spec.h"

namespace eyesim::hw {

/// The longest psum chain the array can hold. On the hierarchical mesh a column's psum router takes the
/// psums leaving the column's top PE and can pass them to the psum router of the same column in the
/// cluster to the south (V2 §III-C.3: one source port from the north cluster, one destination port to
/// the south cluster), which hands them to its own column's bottom PE: a chain can continue into the
/// clusters below, along pe_rows x cluster_rows PEs. V1's flat NoC links only vertically adjacent PEs
/// of its one array: pe_rows.
std::uint32_t max_chain_length(const ArchSpec& arch);

/// Whether chains of `k_red` PEs reducing `partials` partial sums per output run across cluster
/// boundaries. Only when a chain completes its outputs (k_red >= partials): psums move between
/// clusters only southwards, from a psum router to the one below, so a chain that crossed a boundary
/// leaves its psums in the GLB psum bank of a cluster south of the one whose bank feeds its first PE,
/// and a read-modify-write of them in the next weight pass could not reach its start. Otherwise (and on
/// the flat NoC, or with one cluster row) each chain stays in one cluster's PE column.
bool chains_span_clusters(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t partials);

/// Psum chains of `k_red` PEs (reducing `partials` per output) the array holds: floor(length / k_red)
/// per column, where a column is pe_rows x cluster_rows PEs if the chains span clusters and pe_rows
/// otherwise (the PEs left at a column's end stay idle); 0 if k_red is 0 or longer than a column.
std::uint32_t chains_for(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t partials);

/// The placement of the chains of `k_red` PEs (reducing `partials` per output). A column (of one cluster,
/// or across the cluster rows when the chains span clusters) is cut into floor(height / k_red) slots of
/// k_red contiguous PEs from its first (north-most) PE; along a chain the psums flow from red_i = 0 (the
/// bottom PE of its north-most cluster, where they enter) to red_i = k_red - 1 (its exit: that PE sends
/// the chain's psums to its own column's psum router, i.e. to that cluster's GLB psum bank). Chains are
/// numbered by the cluster row their first PE is in, then cluster column, PE column and slot, so the
/// chains that start in one cluster are consecutive (with chains inside one cluster: cluster by cluster,
/// column by column, bottom up). PEs are numbered cluster by cluster (row-major over the cluster mesh),
/// column-major inside a cluster (hw/noc.h). Set-up only: the chip looks its placement up per step.
class PsumChains {
 public:
  PsumChains(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t partials);

  std::uint32_t chains() const { return chains_; }
  /// The PE at place `red_i` of chain `chain`.
  std::uint32_t pe(std::uint32_t chain, std::uint32_t red_i) const;
  /// The PEs of chain `chain`, red_i = 0 .. k_red - 1, into out[0 .. k_red) (one lookup of the chain).
  void pes(std::uint32_t chain, std::span<std::uint32_t> out) const;
  std::uint32_t k_red() const { return k_red_; }
  /// The PE whose psum router takes the chain's psums out (red_i = k_red - 1).
  std::uint32_t exit_pe(std::uint32_t chain) const { return pe(chain, k_red_ - 1); }
  /// Cluster boundaries the chain crosses, each through the psum mesh link between two psum routers.
  std::uint32_t crossings(std::uint32_t chain) const;

 private:
  /// Where chain `chain` starts: its column (cluster column, PE column) and first position along it.
  struct Start {
    std::uint32_t cluster_col, pe_col, position;
  };
  Start start_of(std::uint32_t chain) const;
  /// The chains whose first PE lies in one cluster row: `slots` per column, from slot `first_slot`.
  struct Band {
    std::uint32_t first_chain, first_slot, slots;
  };
  std::uint32_t k_red_, pe_rows_, pe_cols_, cluster_cols_, pes_per_cluster_;
  std::uint32_t chains_ = 0;
  std::vector<Band> bands_;  ///< per cluster row holding chain starts (one if chains stay in their cluster)
};

}  // namespace eyesim::hw

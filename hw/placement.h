// Placement: which PE runs each (pos_i, g_i, m_i, red_i) of a mapping's spatial factors (docs/model.md §4).
#pragma once

#include <cstdint>
#include <span>

#include "hw/arch_spec.h"

namespace eyesim::hw {

/// The one placement rule, used by the chip (to wire its lanes) and by the mapper (to route a candidate's
/// iact multicasts as the chip will, hw/iact_tree_loads.h). Lane slot `lane = pos_i * k_g + g_i` holds the
/// k_m psum chains `lane * k_m + m_i`; a chain runs up one PE column, floor(rows / k_red) chains per column
/// from the bottom; PE columns are numbered column-major inside a cluster, cluster by cluster (row-major
/// over the cluster mesh, hw/noc.h); red_i is a PE's place in its chain. Set-up only (it divides).
class Placement {
 public:
  Placement(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t k_m, std::uint32_t k_g)
      : pe_rows_(arch.array.pe_rows), chains_per_column_(arch.array.pe_rows / k_red), k_red_(k_red), k_m_(k_m), k_g_(k_g) {}

  std::uint32_t lane_slot(std::uint32_t pos_i, std::uint32_t g_i) const { return pos_i * k_g_ + g_i; }

  /// The PE of place red_i in chain m_i of lane slot `lane`.
  std::uint32_t pe(std::uint32_t lane, std::uint32_t m_i, std::uint32_t red_i) const {
    const std::uint32_t chain = lane * k_m_ + m_i;
    return (chain / chains_per_column_) * pe_rows_ + (chain % chains_per_column_) * k_red_ + red_i;
  }
  std::uint32_t pe(std::uint32_t pos_i, std::uint32_t g_i, std::uint32_t m_i, std::uint32_t red_i) const {
    return pe(lane_slot(pos_i, g_i), m_i, red_i);
  }

  /// The iact multicast of lane slot `lane` for reduction slot red_i: its k_m destination PEs (one per m_i)
  /// into `dests` (at least k_m entries); returns the source PE, whose iact router injects it (m_i = 0).
  std::uint32_t iact_multicast(std::uint32_t lane, std::uint32_t red_i, std::span<std::uint32_t> dests) const {
    for (std::uint32_t m_i = 0; m_i < k_m_; ++m_i) dests[m_i] = pe(lane, m_i, red_i);
    return dests[0];
  }

 private:
  std::uint32_t pe_rows_, chains_per_column_, k_red_, k_m_, k_g_;
};

}  // namespace eyesim::hw

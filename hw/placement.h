// Placement: which PE runs each (pos_i, g_i, m_i, red_i) of a mapping's spatial factors (docs/model.md §4).
#pragma once

#include <cstdint>
#include <span>

#include "hw/arch_spec.h"
#include "hw/psum_chains.h"

namespace eyesim::hw {

/// The one placement rule, used by the chip (to wire its lanes) and by the mapper (to route a candidate's
/// iact multicasts as the chip will, hw/iact_tree_loads.h). Lane slot `lane = pos_i * k_g + g_i` holds the
/// k_m psum chains `lane * k_m + m_i`, which PsumChains places (up one PE column, across clusters when
/// they complete their outputs in one pass); red_i is a PE's place in its chain. Set-up only.
class Placement {
 public:
  Placement(const ArchSpec& arch, std::uint32_t k_red, std::uint32_t k_m, std::uint32_t k_g, std::uint32_t partials)
      : chains_(arch, k_red, partials), k_m_(k_m), k_g_(k_g) {}

  std::uint32_t lane_slot(std::uint32_t pos_i, std::uint32_t g_i) const { return pos_i * k_g_ + g_i; }
  std::uint32_t chain(std::uint32_t lane, std::uint32_t m_i) const { return lane * k_m_ + m_i; }
  const PsumChains& chains() const { return chains_; }

  /// The PE of place red_i in chain m_i of lane slot `lane`.
  std::uint32_t pe(std::uint32_t lane, std::uint32_t m_i, std::uint32_t red_i) const { return chains_.pe(chain(lane, m_i), red_i); }
  std::uint32_t pe(std::uint32_t pos_i, std::uint32_t g_i, std::uint32_t m_i, std::uint32_t red_i) const {
    return pe(lane_slot(pos_i, g_i), m_i, red_i);
  }

  /// Every PE of lane slot `lane`: out[m_i * k_red + red_i] = pe(lane, m_i, red_i) (at least k_m x k_red
  /// entries; one lookup per chain).
  void lane_pes(std::uint32_t lane, std::span<std::uint32_t> out) const {
    const std::uint32_t k_red = chains_.k_red();
    for (std::uint32_t m_i = 0; m_i < k_m_; ++m_i) chains_.pes(chain(lane, m_i), out.subspan(std::size_t{m_i} * k_red, k_red));
  }

  /// The iact multicast of a lane for reduction slot red_i, from the lane's PEs (`lane_pes`, as lane_pes()
  /// fills them): its k_m destination PEs (one per m_i) into `dests` (at least k_m entries); returns the
  /// source PE, whose iact router injects it (m_i = 0).
  std::uint32_t iact_multicast(std::span<const std::uint32_t> lane_pes, std::uint32_t red_i,
                               std::span<std::uint32_t> dests) const {
    const std::uint32_t k_red = chains_.k_red();
    for (std::uint32_t m_i = 0; m_i < k_m_; ++m_i) dests[m_i] = lane_pes[std::size_t{m_i} * k_red + red_i];
    return dests[0];
  }

 private:
  PsumChains chains_;
  std::uint32_t k_m_, k_g_;
};

}  // namespace eyesim::hw

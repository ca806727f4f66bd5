// Energy: per-event counts x EnergySpec + per-PE-cycle clock and leakage (docs/calibration.md).
#pragma once

#include "hw/arch_spec.h"
#include "hw/layer_stats.h"

namespace eyesim::hw {

/// Fills the energy_* fields of `stats` from its counters (cycles, busy_pe_cycles, MACs, DRAM bytes) and the
/// accessed bits passed in. `spad_*_bits` are SPad bits accessed.
struct SpadBits {
  double reg_bits = 0;   ///< register-file SPads: iact addr/data, weight addr, psum
  double sram_bits = 0;  ///< weight data SPad
};
/// The SPad bits a layer's access counters stand for (LayerStats::spad_*): register files (iact address
/// and data, weight address, psum) and the SRAM weight data SPad, at the widths of `arch`.
SpadBits spad_bits_of(const ArchSpec& arch, const LayerStats& stats);
void apply_energy(const ArchSpec& arch, const SpadBits& spad, double glb_bits, double noc_bit_hops, LayerStats& stats);

}  // namespace eyesim::hw

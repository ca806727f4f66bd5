// Energy: per-event counts x EnergySpec + per-PE-cycle clock and leakage (docs/calibration.md).
#pragma once

#include "hw/arch_spec.h"
#include "hw/layer_stats.h"

namespace eyesim::hw {

/// Fills the energy_* fields of `stats` from its counters alone: MACs, SPad, GLB and NoC accesses (as bits
/// at the widths of `arch`), busy and zero-iact PE-cycles, cycles and DRAM bytes.
void apply_energy(const ArchSpec& arch, LayerStats& stats);

}  // namespace eyesim::hw

// Energy accounting.
#include "hw/energy.h"

#include <algorithm>

namespace eyesim::hw {

void apply_energy(const ArchSpec& arch, LayerStats& s) {
  // Integer counts times widths: exact in a double, whatever the order they were counted in.
  // An iact SPad write is counted in data-entry widths: a sparse row's address vector is in the count.
  const double spad_reg_bits = double(s.spad_iact_data_reads + s.spad_iact_writes) * arch.pe.iact_data_bits +
                               double(s.spad_psum_reads + s.spad_psum_writes) * arch.precision.psum_bits +
                               double(s.spad_iact_addr_reads) * arch.pe.iact_addr_bits +
                               double(s.spad_weight_addr_reads) * arch.pe.weight_addr_bits;
  const double spad_sram_bits = double(s.spad_weight_data_reads + s.spad_weight_writes) * arch.pe.weight_data_bits;
  const double glb_bits = double(s.glb_iact_reads + s.glb_iact_writes + s.glb_psum_reads + s.glb_psum_writes +
                                 s.glb_weight_reads + s.glb_weight_writes) *
                          arch.glb.bank_width_bits;
  const double noc_bit_hops = double(s.noc_iact_bits + s.noc_weight_bits + s.noc_psum_bits);
  const EnergySpec& e = arch.energy;
  const double gated = static_cast<double>(s.macs_issued > s.macs_effectual ? s.macs_issued - s.macs_effectual : 0);
  s.energy_mac_pj = static_cast<double>(s.macs_effectual) * e.mac_pj + gated * e.gated_mac_pj;
  s.energy_spad_pj = spad_reg_bits * e.spad_reg_pj_per_bit + spad_sram_bits * e.spad_sram_pj_per_bit;
  s.energy_glb_pj = glb_bits * e.glb_pj_per_bit;
  s.energy_noc_pj = noc_bit_hops * e.noc_pj_per_bit_hop;
  const double pe_cycles = static_cast<double>(s.cycles) * arch.pes();
  // A PE's clock is gated while it has no work item in its pipeline (unmapped, waiting for data or for its
  // lane); the clock tree up to the PE's gate toggles every cycle. A dense PE's cycle on a zero iact is
  // data-gated (no filter SPad read, no MAC switching) and pays only a share of the busy clock.
  const double zero = static_cast<double>(std::min(s.zero_iact_pe_cycles, s.busy_pe_cycles));
  const double busy = static_cast<double>(s.busy_pe_cycles) - zero * (1.0 - e.clock_zero_iact_fraction);
  s.energy_clock_pj = busy * e.clock_pj_per_pe_cycle + pe_cycles * e.clock_idle_pj_per_pe_cycle;
  s.energy_leakage_pj = pe_cycles * e.leakage_pj_per_pe_cycle;
  s.energy_chip_pj =
      s.energy_mac_pj + s.energy_spad_pj + s.energy_glb_pj + s.energy_noc_pj + s.energy_clock_pj + s.energy_leakage_pj;
  const double dram_bytes = static_cast<double>(s.dram_iact_read_bytes + s.dram_weight_read_bytes +
                                                s.dram_psum_read_bytes + s.dram_psum_write_bytes + s.dram_oact_write_bytes);
  s.energy_dram_pj = dram_bytes * 8.0 * e.dram_pj_per_bit;
}

}  // namespace eyesim::hw

// LayerStats: every counter of one simulated layer, with one field list (column names for HDF5 and
// printers). Units are in the names; all counts are per layer for the whole batch.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

namespace eyesim::hw {

struct LayerStats {
  // Time
  std::uint64_t cycles = 0;
  double seconds = 0.0;
  // Work
  std::uint64_t macs_nominal = 0;    ///< every MAC of the layer, zeros included (paper GOPS basis)
  std::uint64_t macs_effectual = 0;  ///< both operands non-zero
  std::uint64_t macs_issued = 0;     ///< MAC slots the PEs spent (incl. gated / half-empty SIMD slots)
  std::uint64_t zero_iacts_skipped = 0;
  std::uint32_t active_pes = 0;      ///< PEs the mapping uses (spatial_red x m x g x pos; as V1 Table III counts them: some may meet only padding, busy 0)
  std::uint64_t busy_pe_cycles = 0;  ///< PE-cycles spent processing work items, summed over PEs (clock gating)
  std::uint64_t zero_iact_pe_cycles = 0;  ///< of those, a dense PE's cycles on a zero iact or padding, a sparse PE's on an empty iact segment (data gating)
  double mac_utilization = 0.0;      ///< macs_effectual / (cycles * pes * simd_width)
  // Off-chip traffic
  std::uint64_t dram_iact_read_bytes = 0;
  std::uint64_t dram_weight_read_bytes = 0;
  std::uint64_t dram_psum_read_bytes = 0;
  std::uint64_t dram_psum_write_bytes = 0;
  std::uint64_t dram_oact_write_bytes = 0;
  // GLB accesses (bank accesses of glb.bank_width_bits)
  std::uint64_t glb_iact_reads = 0;
  std::uint64_t glb_iact_writes = 0;
  std::uint64_t glb_psum_reads = 0;
  std::uint64_t glb_psum_writes = 0;
  std::uint64_t glb_weight_reads = 0;
  std::uint64_t glb_weight_writes = 0;
  // SPad accesses (entries)
  std::uint64_t spad_iact_addr_reads = 0;
  std::uint64_t spad_iact_data_reads = 0;
  std::uint64_t spad_iact_writes = 0;  ///< the rows' bits in pe.iact_data_bits entries (CSC address vectors too)
  std::uint64_t spad_weight_addr_reads = 0;
  std::uint64_t spad_weight_data_reads = 0;
  std::uint64_t spad_weight_writes = 0;
  std::uint64_t spad_psum_reads = 0;
  std::uint64_t spad_psum_writes = 0;
  // NoC (transfers = multicast transactions; bits = payload bits x hops traversed)
  std::uint64_t noc_iact_transfers = 0;
  std::uint64_t noc_iact_bits = 0;
  std::uint64_t noc_weight_transfers = 0;
  std::uint64_t noc_weight_bits = 0;
  std::uint64_t noc_psum_transfers = 0;
  std::uint64_t noc_psum_bits = 0;
  // Stalls, summed over PEs (PE-cycles spent waiting, by cause). The causes are attributions, not a
  // partition of time: stall_iact counts the whole wait for a step's input rows, and the DRAM reads and
  // GLB bank waits inside it are also counted under stall_dram and stall_noc; stall_weight includes the
  // wait at the weight barrier. For a split of each PE's time use /traces (pe_busy_cycles,
  // pe_stall_cycles: busy + stall + idle = cycles per PE, idle = no work; docs/results.md).
  std::uint64_t stall_iact_cycles = 0;
  std::uint64_t stall_weight_cycles = 0;
  std::uint64_t stall_psum_cycles = 0;
  std::uint64_t stall_dram_cycles = 0;
  std::uint64_t stall_noc_cycles = 0;  ///< waiting for a busy port or link, or a multicast peer
  // Energy (pJ). Chip energy excludes DRAM, as the paper's inferences/J do.
  double energy_mac_pj = 0.0;
  double energy_spad_pj = 0.0;
  double energy_glb_pj = 0.0;
  double energy_noc_pj = 0.0;
  double energy_clock_pj = 0.0;
  double energy_leakage_pj = 0.0;
  double energy_chip_pj = 0.0;
  double energy_dram_pj = 0.0;
  // Simulator effort
  std::uint64_t events = 0;
};

template <class S, class F>
  requires std::same_as<std::remove_const_t<S>, LayerStats>
constexpr void for_each_field(S& s, F&& f) {
  f("cycles", s.cycles);
  f("seconds", s.seconds);
  f("macs_nominal", s.macs_nominal);
  f("macs_effectual", s.macs_effectual);
  f("macs_issued", s.macs_issued);
  f("zero_iacts_skipped", s.zero_iacts_skipped);
  f("active_pes", s.active_pes);
  f("busy_pe_cycles", s.busy_pe_cycles);
  f("zero_iact_pe_cycles", s.zero_iact_pe_cycles);
  f("mac_utilization", s.mac_utilization);
  f("dram_iact_read_bytes", s.dram_iact_read_bytes);
  f("dram_weight_read_bytes", s.dram_weight_read_bytes);
  f("dram_psum_read_bytes", s.dram_psum_read_bytes);
  f("dram_psum_write_bytes", s.dram_psum_write_bytes);
  f("dram_oact_write_bytes", s.dram_oact_write_bytes);
  f("glb_iact_reads", s.glb_iact_reads);
  f("glb_iact_writes", s.glb_iact_writes);
  f("glb_psum_reads", s.glb_psum_reads);
  f("glb_psum_writes", s.glb_psum_writes);
  f("glb_weight_reads", s.glb_weight_reads);
  f("glb_weight_writes", s.glb_weight_writes);
  f("spad_iact_addr_reads", s.spad_iact_addr_reads);
  f("spad_iact_data_reads", s.spad_iact_data_reads);
  f("spad_iact_writes", s.spad_iact_writes);
  f("spad_weight_addr_reads", s.spad_weight_addr_reads);
  f("spad_weight_data_reads", s.spad_weight_data_reads);
  f("spad_weight_writes", s.spad_weight_writes);
  f("spad_psum_reads", s.spad_psum_reads);
  f("spad_psum_writes", s.spad_psum_writes);
  f("noc_iact_transfers", s.noc_iact_transfers);
  f("noc_iact_bits", s.noc_iact_bits);
  f("noc_weight_transfers", s.noc_weight_transfers);
  f("noc_weight_bits", s.noc_weight_bits);
  f("noc_psum_transfers", s.noc_psum_transfers);
  f("noc_psum_bits", s.noc_psum_bits);
  f("stall_iact_cycles", s.stall_iact_cycles);
  f("stall_weight_cycles", s.stall_weight_cycles);
  f("stall_psum_cycles", s.stall_psum_cycles);
  f("stall_dram_cycles", s.stall_dram_cycles);
  f("stall_noc_cycles", s.stall_noc_cycles);
  f("energy_mac_pj", s.energy_mac_pj);
  f("energy_spad_pj", s.energy_spad_pj);
  f("energy_glb_pj", s.energy_glb_pj);
  f("energy_noc_pj", s.energy_noc_pj);
  f("energy_clock_pj", s.energy_clock_pj);
  f("energy_leakage_pj", s.energy_leakage_pj);
  f("energy_chip_pj", s.energy_chip_pj);
  f("energy_dram_pj", s.energy_dram_pj);
  f("events", s.events);
}

}  // namespace eyesim::hw

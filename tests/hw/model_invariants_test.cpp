// Invariants every simulated layer must satisfy, whatever the chip, network, batch or DRAM bandwidth: the
// counters stay within what the cycles allow, the traces add up to the counters, the energy is the sum of
// its components and each component is its counts times its constants, and the network's totals are the
// sums of its layers. (helper-46 and helper-45 checked these over about 2,750 runs with scripts; this keeps
// them checked.)
#include <doctest/doctest.h>

#include <numeric>
#include <string>

#include "hw/presets.h"
#include "hw/simulate.h"
#include "one_layer.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {
namespace {

std::uint64_t sum(const std::vector<std::uint64_t>& v) { return std::accumulate(v.begin(), v.end(), std::uint64_t{0}); }

void check_layer(const ArchSpec& arch, const workloads::LayerShape& shape, const LayerResult& r) {
  const LayerStats& s = r.stats;
  // Every output is written once (raw without run-length coding): a layer's last output row was left out
  // when its last reduction chunk read only padding (found by helper-51).
  // Raw outputs narrower than a byte pack across writes (rounded per write, 4-bit outputs took up to 2x
  // their bytes; helper-61).
  // Coded, never more than raw (helper-62: with 3-bit outputs, coding wrote more than packing).
  const std::uint64_t raw_output_bytes = (shape.oact_count() * arch.precision.oact_bits + 7) / 8;
  if (!arch.dram.fmap_rlc) CHECK(s.dram_oact_write_bytes == raw_output_bytes);
  CHECK(s.dram_oact_write_bytes <= raw_output_bytes);
  const std::uint64_t pe_cycles = s.cycles * arch.pes();
  CHECK(s.cycles > 0);
  CHECK(s.seconds == doctest::Approx(double(s.cycles) / (arch.clock_mhz * 1e6)));
  // Work within what the cycles and the MACs allow.
  CHECK(s.macs_effectual <= s.macs_nominal);
  CHECK(s.macs_effectual <= s.macs_issued);
  CHECK(s.macs_issued <= pe_cycles * arch.pe.simd_width);
  CHECK(s.active_pes <= arch.pes());
  CHECK(s.zero_iact_pe_cycles <= s.busy_pe_cycles);
  CHECK(s.busy_pe_cycles <= pe_cycles);
  for (std::uint64_t stall : {s.stall_iact_cycles, s.stall_weight_cycles, s.stall_psum_cycles, s.stall_dram_cycles,
                              s.stall_noc_cycles})
    CHECK(stall <= pe_cycles);
  CHECK(s.mac_utilization <= 1.0);
  // Traces add up to the counters; no PE or port is busy longer than the layer.
  REQUIRE(r.traces.pe_busy_cycles.size() == arch.pes());
  CHECK(sum(r.traces.pe_busy_cycles) == s.busy_pe_cycles);
  CHECK(sum(r.traces.pe_macs) == s.macs_effectual);
  std::uint32_t working = 0;
  for (std::size_t pe = 0; pe < arch.pes(); ++pe) {
    CHECK(r.traces.pe_busy_cycles[pe] + r.traces.pe_stall_cycles[pe] <= s.cycles);
    working += r.traces.pe_busy_cycles[pe] > 0;
    // A PE that never has work is idle, not stalled (a PE whose rows were all padding was "stalled" for
    // its lane's whole time; helper-55).
    if (r.traces.pe_busy_cycles[pe] == 0) CHECK(r.traces.pe_stall_cycles[pe] == 0);
  }
  CHECK(working <= s.active_pes);
  for (std::uint64_t busy : r.traces.port_busy_cycles) CHECK(busy <= s.cycles);
  // Energy: the components add up, and each is its counts times its constants (docs/model.md §6).
  CHECK(s.energy_chip_pj == doctest::Approx(s.energy_mac_pj + s.energy_spad_pj + s.energy_glb_pj + s.energy_noc_pj +
                                            s.energy_clock_pj + s.energy_leakage_pj));
  const EnergySpec& e = arch.energy;
  CHECK(s.energy_noc_pj == doctest::Approx(double(s.noc_iact_bits + s.noc_weight_bits + s.noc_psum_bits) *
                                           e.noc_pj_per_bit_hop));
  CHECK(s.energy_glb_pj == doctest::Approx(double(s.glb_iact_reads + s.glb_iact_writes + s.glb_psum_reads +
                                                  s.glb_psum_writes + s.glb_weight_reads + s.glb_weight_writes) *
                                           arch.glb.bank_width_bits * e.glb_pj_per_bit));
  CHECK(s.energy_leakage_pj == doctest::Approx(double(pe_cycles) * e.leakage_pj_per_pe_cycle));
  const double dram_bytes = double(s.dram_iact_read_bytes + s.dram_weight_read_bytes + s.dram_psum_read_bytes +
                                   s.dram_psum_write_bytes + s.dram_oact_write_bytes);
  CHECK(s.energy_dram_pj == doctest::Approx(dram_bytes * 8.0 * e.dram_pj_per_bit));
  for (double part : {s.energy_mac_pj, s.energy_spad_pj, s.energy_glb_pj, s.energy_noc_pj, s.energy_clock_pj})
    CHECK(part > 0.0);
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("every layer's counters, traces and energy are consistent, on every kind of chip, batch and DRAM") {
    struct Case {
      const char* arch;
      const char* net;
      std::initializer_list<const char*> layers;
      std::uint32_t batch;
      double dram_gbps;
      std::uint32_t oact_bits = 8;
    };
    const Case cases[] = {
        {"eyeriss_v2", "sparse_mobilenet", {"L01", "L02", "L07", "L28"}, 1, 0.0},
        {"eyeriss_v2", "sparse_alexnet", {"CONV3", "FC8"}, 2, 6.4},
        {"eyeriss_v1_5", "mobilenet", {"L03", "L14"}, 3, 1.6},
        {"eyeriss_v1_scaled", "alexnet", {"CONV2", "FC7"}, 1, 0.0},
        {"eyeriss_v1_jssc", "alexnet", {"CONV5"}, 4, 0.48},
        {"eyeriss_v2_1024", "mobilenet", {"L04", "L27"}, 1, 25.6},
        {"eyeriss_v2", "alexnet", {"CONV2"}, 1, 0.0},  // its mapping's last reduction chunk is all padding rows
        {"eyeriss_v1_scaled", "mobilenet", {"L26"}, 1, 0.0},  // 32 of its PEs meet only padding rows
        {"eyeriss_v2", "sparse_alexnet", {"CONV3", "FC8"}, 1, 0.0, 3},  // outputs of 3 bits: written packed
        {"eyeriss_v1_jssc", "alexnet", {"CONV3", "FC6"}, 1, 0.48, 3},   // the same, run-length coded
    };
    for (const Case& c : cases) {
      CAPTURE(c.arch);
      CAPTURE(c.net);
      ArchSpec arch = *preset(c.arch);
      arch.dram.bandwidth_gbps = c.dram_gbps;
      arch.precision.oact_bits = c.oact_bits;
      const auto data = workloads::prepare_network(testing::pick(c.net, c.layers), 1, c.batch);
      const NetworkResult r = simulate_network(arch, *data);
      REQUIRE(r.layers.size() == c.layers.size());
      LayerStats total;
      double energy = 0.0;
      for (std::size_t i = 0; i < r.layers.size(); ++i) {
        const LayerResult& layer = r.layers[i];
        CAPTURE(layer.layer_name);
        check_layer(arch, data->layers[i].shape(), layer);
        total.cycles += layer.stats.cycles;
        total.macs_effectual += layer.stats.macs_effectual;
        total.busy_pe_cycles += layer.stats.busy_pe_cycles;
        total.dram_weight_read_bytes += layer.stats.dram_weight_read_bytes;
        energy += layer.stats.energy_chip_pj;
      }
      CHECK(r.totals.cycles == total.cycles);
      CHECK(r.totals.macs_effectual == total.macs_effectual);
      CHECK(r.totals.busy_pe_cycles == total.busy_pe_cycles);
      CHECK(r.totals.dram_weight_read_bytes == total.dram_weight_read_bytes);
      CHECK(r.totals.energy_chip_pj == doctest::Approx(energy));
    }
  }

  TEST_CASE("the stall trace holds a PE's waits for its rows, not only for the slowest PE of its lane") {
    // Sparse MobileNet's L04 on v2 waits mostly for its input rows: 122.7 k PE-cycles of stall_iact. The
    // trace counted only the wait for the lane's slowest PE (2.2 k), and the plots drew the rest as "idle
    // (no work)" (helper-55). Now busy + stall cover a PE's steps, and idle is the time it has no work.
    const ArchSpec v2 = *preset("eyeriss_v2");
    const auto data = workloads::prepare_network(testing::pick("sparse_mobilenet", {"L04"}), 1);
    const LayerResult r = simulate_network(v2, *data).layers[0];
    const std::uint64_t stalled = sum(r.traces.pe_stall_cycles);
    INFO("stall trace ", stalled, ", stall_iact ", r.stats.stall_iact_cycles, ", busy ", r.stats.busy_pe_cycles);
    CHECK(stalled >= r.stats.stall_iact_cycles / 2);
    CHECK(stalled + r.stats.busy_pe_cycles > r.stats.cycles * v2.pes() * 3 / 4);
  }
}

}  // namespace eyesim::hw

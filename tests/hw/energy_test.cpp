// Energy model: clock gating of idle PEs, and the calibration's per-bit energies (docs/calibration.md).
#include <doctest/doctest.h>

#include "hw/energy.h"
#include "hw/presets.h"
#include "hw/simulate.h"
#include "one_layer.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {
namespace {

/// A layer's stats with only the counters the clock energy depends on.
LayerStats clocked(std::uint64_t cycles, std::uint64_t busy_pe_cycles) {
  LayerStats s;
  s.cycles = cycles;
  s.busy_pe_cycles = busy_pe_cycles;
  return s;
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("an idle PE pays only the ungated clock: clock energy = busy PE-cycles x gated + PE-cycles x ungated") {
    const ArchSpec arch = *preset("eyeriss_v2");
    const EnergySpec& e = arch.energy;
    REQUIRE(e.clock_idle_pj_per_pe_cycle > 0.0);
    REQUIRE(e.clock_idle_pj_per_pe_cycle < e.clock_pj_per_pe_cycle);
    const double pe_cycles = 1000.0 * arch.pes();
    LayerStats idle = clocked(1000, 0);
    apply_energy(arch, idle);
    CHECK(idle.energy_clock_pj == doctest::Approx(pe_cycles * e.clock_idle_pj_per_pe_cycle));
    LayerStats busy = clocked(1000, 1000 * arch.pes());
    apply_energy(arch, busy);
    CHECK(busy.energy_clock_pj ==
          doctest::Approx(pe_cycles * (e.clock_idle_pj_per_pe_cycle + e.clock_pj_per_pe_cycle)));
    // Twice the cycles with the same work: only the ungated part grows.
    LayerStats waiting = clocked(2000, 1000 * arch.pes());
    apply_energy(arch, waiting);
    CHECK(waiting.energy_clock_pj - busy.energy_clock_pj == doctest::Approx(pe_cycles * e.clock_idle_pj_per_pe_cycle));
  }

  TEST_CASE("a simulated layer charges the gated clock for the PE-cycles its PEs process and not for every PE-cycle") {
    const ArchSpec arch = *preset("eyeriss_v2");
    const workloads::LayerShape pw{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 64, .m = 64, .h = 8, .w = 8};
    const auto data = workloads::prepare_network(testing::one_layer(pw, 0.5, 0.5), 1);
    const LayerResult r = simulate_layer(arch, data->layers[0], RunOptions{.verify = false, .collect_traces = true,
                                                                           .forced_mappings = {}});
    std::uint64_t busy = 0;
    for (auto b : r.traces.pe_busy_cycles) busy += b;
    CHECK(r.stats.busy_pe_cycles == busy);
    CHECK(busy > 0);
    CHECK(busy < r.stats.cycles * arch.pes());  // PEs wait for data and for their lane
    const double pe_cycles = static_cast<double>(r.stats.cycles) * arch.pes();
    CHECK(r.stats.energy_clock_pj == doctest::Approx(static_cast<double>(busy) * arch.energy.clock_pj_per_pe_cycle +
                                                     pe_cycles * arch.energy.clock_idle_pj_per_pe_cycle));
    CHECK(r.stats.energy_clock_pj < pe_cycles * (arch.energy.clock_pj_per_pe_cycle + arch.energy.clock_idle_pj_per_pe_cycle));
  }

  TEST_CASE("every SPad access counted is charged: register-file and SRAM bits at their per-bit energies") {
    const ArchSpec arch = *preset("eyeriss_v2");
    LayerStats s;
    s.spad_iact_addr_reads = 2;
    s.spad_iact_data_reads = 3;
    s.spad_iact_writes = 5;
    s.spad_weight_addr_reads = 7;
    s.spad_weight_data_reads = 11;
    s.spad_weight_writes = 13;
    s.spad_psum_reads = 17;
    s.spad_psum_writes = 19;
    apply_energy(arch, s);
    const PeSpec& pe = arch.pe;
    const double reg_bits = 2.0 * pe.iact_addr_bits + (3.0 + 5.0) * pe.iact_data_bits + 7.0 * pe.weight_addr_bits +
                            (17.0 + 19.0) * arch.precision.psum_bits;
    const double sram_bits = (11.0 + 13.0) * pe.weight_data_bits;
    CHECK(s.energy_spad_pj == doctest::Approx(reg_bits * arch.energy.spad_reg_pj_per_bit +
                                              sram_bits * arch.energy.spad_sram_pj_per_bit));
  }

  TEST_CASE("ISCA Table IV ratios are per 16-bit datum relative to a 16-bit MAC (GLB 6x and small banks and NoC 2x)") {
    const double isca_1x_pj_per_bit = preset("eyeriss_v1_jssc")->energy.mac_pj / 16.0;
    CHECK(preset("eyeriss_v1_jssc")->energy.glb_pj_per_bit == doctest::Approx(6.0 * isca_1x_pj_per_bit));
    CHECK(preset("eyeriss_v1_scaled")->energy.glb_pj_per_bit == doctest::Approx(6.0 * isca_1x_pj_per_bit));
    CHECK(preset("eyeriss_v2")->energy.glb_pj_per_bit == doctest::Approx(2.0 * isca_1x_pj_per_bit));
    CHECK(preset("eyeriss_v2")->energy.noc_pj_per_bit_hop == doctest::Approx(2.0 * isca_1x_pj_per_bit));
    // Accelergy's 65 nm 128 kB GLB (18.18 pJ per 64-bit read) agrees within 15 %.
    CHECK(preset("eyeriss_v1_scaled")->energy.glb_pj_per_bit == doctest::Approx(18.18 / 64.0).epsilon(0.15));
  }
}

}  // namespace eyesim::hw

namespace eyesim::hw {

TEST_SUITE("fast") {
  TEST_CASE("a dense PE reads its filter SPad only for non-zero iacts (V1 data gating) and spends the same cycles") {
    const ArchSpec arch = *preset("eyeriss_v1_5");
    const workloads::LayerShape pw{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 64, .m = 64, .h = 8, .w = 8};
    const auto dense = workloads::prepare_network(testing::one_layer(pw, 1.0, 1.0), 1);
    const auto half = workloads::prepare_network(testing::one_layer(pw, 0.5, 1.0), 1);
    const LayerResult d = simulate_layer(arch, dense->layers[0]);
    const LayerResult h = simulate_layer(arch, half->layers[0]);
    CHECK(d.stats.cycles == h.stats.cycles);
    CHECK(d.stats.spad_weight_data_reads == d.stats.macs_issued);  // 1x1, no padding, no zeros: every slot
    CHECK(h.stats.spad_weight_data_reads == h.stats.macs_effectual);  // dense weights: reads = non-zero iact slots
    CHECK(h.stats.spad_weight_data_reads < d.stats.spad_weight_data_reads * 6 / 10);
    CHECK(h.stats.energy_spad_pj < d.stats.energy_spad_pj);
  }
}

}  // namespace eyesim::hw

namespace eyesim::hw {

TEST_SUITE("fast") {
  TEST_CASE("psums that accumulate up a chain of 3 PEs cross the 2 links below the top PE as well as its port") {
    const auto data = workloads::prepare_network(testing::one_layer(testing::rs_conv_shape(), 1.0, 1.0), 1);
    const MappingOverride rs = testing::rs_conv_mapping();
    const LayerResult r = simulate_layer(*preset("eyeriss_v1_jssc"), data->layers[0],
                                         RunOptions{.verify = false, .collect_traces = true, .forced_mappings = {rs}});
    REQUIRE(r.traces.port_bits.size() == 3);  // the flat NoC: one iact, one weight, one psum port
    const std::uint64_t sent = r.traces.port_bits[2];
    CHECK(sent > 0);
    CHECK(r.stats.noc_psum_bits == 3 * sent);
  }
}

}  // namespace eyesim::hw

namespace eyesim::hw {

TEST_SUITE("fast") {
  TEST_CASE("a dense PE's cycle on a zero iact pays only the data-gated share of the busy clock") {
    const ArchSpec arch = *preset("eyeriss_v1_5");
    const EnergySpec& e = arch.energy;
    REQUIRE(e.clock_zero_iact_fraction < 1.0);
    const workloads::LayerShape pw{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 64, .m = 64, .h = 8, .w = 8};
    const auto dense = workloads::prepare_network(testing::one_layer(pw, 1.0, 1.0), 1);
    const auto half = workloads::prepare_network(testing::one_layer(pw, 0.5, 1.0), 1);
    const LayerResult d = simulate_layer(arch, dense->layers[0]);
    const LayerResult h = simulate_layer(arch, half->layers[0]);
    CHECK(d.stats.zero_iact_pe_cycles == 0);  // 1x1, no padding, no zeros
    CHECK(h.stats.busy_pe_cycles == d.stats.busy_pe_cycles);
    CHECK(h.stats.zero_iact_pe_cycles == h.stats.macs_issued - h.stats.macs_effectual);  // dense weights
    const double pe_cycles = static_cast<double>(h.stats.cycles) * arch.pes();
    const double busy = static_cast<double>(h.stats.busy_pe_cycles) -
                        static_cast<double>(h.stats.zero_iact_pe_cycles) * (1.0 - e.clock_zero_iact_fraction);
    CHECK(h.stats.energy_clock_pj ==
          doctest::Approx(busy * e.clock_pj_per_pe_cycle + pe_cycles * e.clock_idle_pj_per_pe_cycle));
    CHECK(h.stats.energy_clock_pj < d.stats.energy_clock_pj);
  }

  TEST_CASE("a sparse PE skips zero iacts: it has no data-gated cycles") {
    const workloads::LayerShape pw{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 64, .m = 64, .h = 8, .w = 8};
    const auto half = workloads::prepare_network(testing::one_layer(pw, 0.5, 1.0), 1);
    CHECK(simulate_layer(*preset("eyeriss_v2"), half->layers[0]).stats.zero_iact_pe_cycles == 0);
  }

  TEST_CASE("a sparse PE's segment visits beyond its MAC cycles are data-gated cycles (depthwise)") {
    ArchSpec arch = *preset("eyeriss_v2");
    const EnergySpec& e = arch.energy;
    const workloads::LayerShape dw{.name = "dw", .kind = workloads::LayerKind::kDepthwise, .g = 32, .c = 1, .m = 1,
                                   .h = 16, .w = 16, .r = 3, .s = 3, .pad = 1};
    const auto half = workloads::prepare_network(testing::one_layer(dw, 0.5, 1.0), 1);
    const LayerResult r = simulate_layer(arch, half->layers[0]);
    CHECK(r.stats.zero_iact_pe_cycles > 0);
    CHECK(r.stats.zero_iact_pe_cycles < r.stats.busy_pe_cycles);
    const double pe_cycles = static_cast<double>(r.stats.cycles) * arch.pes();
    const double busy = static_cast<double>(r.stats.busy_pe_cycles) -
                        static_cast<double>(r.stats.zero_iact_pe_cycles) * (1.0 - e.clock_zero_iact_fraction);
    CHECK(r.stats.energy_clock_pj ==
          doctest::Approx(busy * e.clock_pj_per_pe_cycle + pe_cycles * e.clock_idle_pj_per_pe_cycle));
    arch.pe.iact_segment_cycle = false;
    const LayerResult old = simulate_layer(arch, half->layers[0]);
    CHECK(old.stats.zero_iact_pe_cycles == 0);
    CHECK(old.stats.busy_pe_cycles < r.stats.busy_pe_cycles);
  }
}

}  // namespace eyesim::hw

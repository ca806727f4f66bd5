// The chips of the Eyeriss papers as ArchSpec presets. Every number's source: docs/calibration.md.
#include "hw/presets.h"

#include <array>

namespace eyesim::hw {
namespace {

/// ISCA Table IV gives energies relative to one MAC of the 16-bit Eyeriss datapath, per 16-bit datum: its
/// "1x" is a 16-bit MAC (0.84 pJ, the JSSC preset's mac_pj), not the 8-bit one.
constexpr double kIscaMacPj = 0.84;
constexpr double kIscaPjPerBit = kIscaMacPj / 16.0;  // "1x" per bit of a 16-bit datum

/// 65 nm energy table for 8-bit datapaths (docs/calibration.md §Energy).
EnergySpec energy_65nm_8bit(double clock_pj_per_pe_cycle, double clock_idle_pj_per_pe_cycle) {
  return EnergySpec{
      .mac_pj = 0.21,                  // Accelergy 65 nm 8x8 MAC
      .gated_mac_pj = 0.02,            // ~10 % of an 8-bit MAC: clock-gated operand registers (calibration.md)
      .spad_reg_pj_per_bit = 0.013,    // Accelergy 12x16b regfile: 0.202 pJ / 16 b
      .spad_sram_pj_per_bit = 0.124,   // Accelergy 192x16b SRAM SPad: 1.977 pJ / 16 b
      .glb_pj_per_bit = 2.0 * kIscaPjPerBit,  // ISCA: 1.5-1.9 kB banks between RF (1x) and GLB (6x): 2x
      .noc_pj_per_bit_hop = 2.0 * kIscaPjPerBit,  // ISCA Table IV: inter-PE transfer 2x
      .dram_pj_per_bit = 8.0,          // Accelergy LPDDR4: 512 pJ per 64-bit access
      .clock_pj_per_pe_cycle = clock_pj_per_pe_cycle,
      .clock_idle_pj_per_pe_cycle = clock_idle_pj_per_pe_cycle,
      .clock_zero_iact_fraction = 0.55,  // V1 §V: data gating on a zero ifmap saves 45 % of PE power
      .leakage_pj_per_pe_cycle = 0.01,  // Accelergy leakage of one PE's SPads and MAC
  };
}

/// Clock network and control (docs/calibration.md), derived by tools/validation/calibrate_clock.py from two
/// measurements, each equated to the model's own energy for the same work at the published time:
///  - the JSSC chip's AlexNet CONV1-5 (V1 Table V: power x total latency, 32.09 mJ over 115.3 ms) = the
///    model's MAC, SPad, GLB and NoC energy (5.79 mJ) + busy clock x 1953 M busy PE-cycle equivalents (zero-iact
///    cycles at 55 %) + (idle clock + leakage) x 168 PEs x 115.3 ms;
///  - v1 - v1.5 on MobileNet (V2 §I-C: 976 vs 543 uJ in 8.57 vs 1.53 ms) = the model's difference in work
///    energy (0.6 uJ, same busy cycles) + (idle clock + leakage) x 192 PEs x 7.04 ms.
/// Solved: busy 10.282, idle 1.594 pJ. Eyeriss v2 has 2.0x the logic gates per PE (2695k / 192 vs 1176k / 168
/// NAND-2): both double.
constexpr double kV1ClockPjPerBusyPeCycle = 10.3;
constexpr double kV1ClockIdlePjPerPeCycle = 1.6;
constexpr double kV2ClockPjPerBusyPeCycle = 20.6;
constexpr double kV2ClockIdlePjPerPeCycle = 3.2;

ArchSpec eyeriss_v2() {
  ArchSpec a;  // the defaults of arch_spec.h are the paper's chip
  a.name = "eyeriss_v2";
  a.glb.bank_width_bits = 64;
  a.noc.hop_latency_cycles = 1;
  a.dram.latency_cycles = 50;
  a.energy = energy_65nm_8bit(kV2ClockPjPerBusyPeCycle, kV2ClockIdlePjPerPeCycle);
  return a;
}

/// Eyeriss v1 PE (V1 §III, Table IV) at 8 bits: dense, one MAC, SPads of 12 ifmap, 224 filter, 24 psum entries.
void v1_pe(ArchSpec& a) {
  a.pe = PeSpec{.kind = PeKind::kDense, .simd_width = 1, .pipeline_stages = 3, .iact_addr_entries = 0,
                .iact_addr_bits = 0, .iact_data_entries = 12, .iact_data_bits = a.precision.iact_bits,
                .weight_addr_entries = 0, .weight_addr_bits = 0, .weight_data_entries = 224,
                .weight_data_bits = a.precision.weight_bits, .psum_entries = 24, .empty_column_bubble = false,
                .iact_segment_cycle = false};
}

/// The paper's "v1": the original design scaled to 192 PEs (12 x 16), the same storage and 8 bits, with
/// the flat multicast NoC of V1. Scaled to 8 bits as its SPads are, per value: V1's buses carry one
/// ifmap value (16 b) and four filter or psum values (64 b) per cycle, so here 8, 32 and 80 bits
/// (8-bit iacts and weights, 20-bit psums; docs/calibration.md).
ArchSpec eyeriss_v1_scaled() {
  ArchSpec a = eyeriss_v2();
  a.name = "eyeriss_v1_scaled";
  a.array = ArraySpec{.cluster_rows = 1, .cluster_cols = 1, .pe_rows = 12, .pe_cols = 16};
  v1_pe(a);
  a.glb = GlbSpec{.shared = true, .iact_banks = 48, .iact_bank_bytes = 4096, .psum_banks = 0, .psum_bank_bytes = 0,
                  .weight_banks = 0, .weight_bank_bytes = 0, .bank_width_bits = 64};  // 192 kB like v2
  a.noc = NocSpec{.kind = NocKind::kFlatMulticast, .iact_routers = 1, .iact_port_bits = 8, .weight_routers = 1,
                  .weight_port_bits = 32, .psum_routers = 1, .psum_port_bits = 80, .hop_latency_cycles = 1};
  a.energy = energy_65nm_8bit(kV1ClockPjPerBusyPeCycle, kV1ClockIdlePjPerPeCycle);
  a.energy.glb_pj_per_bit = 6.0 * kIscaPjPerBit;  // ISCA Table IV: a > 100 kB GLB is 6x
  return a;
}

/// The paper's "v1.5": v1 PEs on v2's hierarchical mesh, clusters and GLB clusters.
ArchSpec eyeriss_v1_5() {
  ArchSpec a = eyeriss_v2();
  a.name = "eyeriss_v1_5";
  v1_pe(a);
  a.energy = energy_65nm_8bit(kV1ClockPjPerBusyPeCycle, kV1ClockIdlePjPerPeCycle);
  return a;
}

/// The 2017 JSSC chip: 12 x 14 PEs, 16-bit, 108 kB GLB (25 x 4 kB ifmap/psum banks + 2 x 4 kB filter banks),
/// SPads filter 224 x 16 b, ifmap 12 x 16 b, psum 24 x 16 b, GIN buses 16 b (ifmap) and 64 b (filter, psum),
/// off-chip link 64 b at 60 MHz.
ArchSpec eyeriss_v1_jssc() {
  ArchSpec a;
  a.name = "eyeriss_v1_jssc";
  a.clock_mhz = 200.0;
  a.array = ArraySpec{.cluster_rows = 1, .cluster_cols = 1, .pe_rows = 12, .pe_cols = 14};
  a.precision = PrecisionSpec{.iact_bits = 16, .weight_bits = 16, .psum_bits = 16, .oact_bits = 16};
  v1_pe(a);
  a.glb = GlbSpec{.shared = true, .iact_banks = 25, .iact_bank_bytes = 4096, .psum_banks = 0, .psum_bank_bytes = 0,
                  .weight_banks = 2, .weight_bank_bytes = 4096, .bank_width_bits = 64};
  a.noc = NocSpec{.kind = NocKind::kFlatMulticast, .iact_routers = 1, .iact_port_bits = 16, .weight_routers = 1,
                  .weight_port_bits = 64, .psum_routers = 1, .psum_port_bits = 64, .hop_latency_cycles = 1};
  a.dram = DramSpec{.bandwidth_gbps = 0.48, .latency_cycles = 50, .fmap_rlc = true};  // 64 b x 60 MHz link, RLC codec
  a.energy = energy_65nm_8bit(kV1ClockPjPerBusyPeCycle, kV1ClockIdlePjPerPeCycle);
  a.energy.mac_pj = kIscaMacPj;         // 16-bit multiplier: ~4x the 8-bit one
  a.energy.glb_pj_per_bit = 6.0 * kIscaPjPerBit;  // > 100 kB GLB
  return a;
}

/// Scaled Eyeriss v2 for the scalability study (V2 §III-D): clusters of 4 x 4 PEs, one iact and one
/// weight router per PE row and one psum router per PE column, GLB banks of v2's sizes.
ArchSpec eyeriss_v2_scaled(const char* name, std::uint32_t clusters_per_side) {
  ArchSpec a = eyeriss_v2();
  a.name = name;
  a.array = ArraySpec{.cluster_rows = clusters_per_side, .cluster_cols = clusters_per_side, .pe_rows = 4, .pe_cols = 4};
  a.glb.iact_banks = 4;
  a.noc.iact_routers = 4;
  a.noc.weight_routers = 4;
  a.noc.psum_routers = 4;
  return a;
}

struct Preset {
  const char* name;
  const char* description;
  ArchSpec (*make)();
};

constexpr std::array<Preset, 7> kPresets = {{
    {"eyeriss_v2", "Eyeriss v2 (JETCAS 2019): 16 clusters of 3x4 sparse SIMD-2 PEs, hierarchical mesh NoC",
     &eyeriss_v2},
    {"eyeriss_v1_scaled", "the paper's v1: Eyeriss scaled to 192 dense PEs, 8-bit, flat multicast NoC",
     &eyeriss_v1_scaled},
    {"eyeriss_v1_5", "the paper's v1.5: v1 dense PEs on the hierarchical mesh NoC", &eyeriss_v1_5},
    {"eyeriss_v1_jssc", "Eyeriss (JSSC 2017): 12x14 dense 16-bit PEs, 108 kB GLB, flat multicast NoC",
     &eyeriss_v1_jssc},
    {"eyeriss_v2_256", "Eyeriss v2 scaled to 256 PEs: 4x4 clusters of 4x4 PEs",
     [] { return eyeriss_v2_scaled("eyeriss_v2_256", 4); }},
    {"eyeriss_v2_1024", "Eyeriss v2 scaled to 1024 PEs: 8x8 clusters of 4x4 PEs",
     [] { return eyeriss_v2_scaled("eyeriss_v2_1024", 8); }},
    {"eyeriss_v2_16384", "Eyeriss v2 scaled to 16384 PEs: 32x32 clusters of 4x4 PEs",
     [] { return eyeriss_v2_scaled("eyeriss_v2_16384", 32); }},
}};

}  // namespace

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const Preset& p : kPresets) names.emplace_back(p.name);
  return names;
}

std::optional<ArchSpec> preset(std::string_view name) {
  for (const Preset& p : kPresets) {
    if (p.name == name) return p.make();
  }
  return std::nullopt;
}

std::string_view preset_description(std::string_view name) {
  for (const Preset& p : kPresets) {
    if (p.name == name) return p.description;
  }
  return {};
}

}  // namespace eyesim::hw

// ArchSpec: every parameter of a modelled chip, as plain structs with units in the names.
// One field list (for_each_param) gives every parameter a dotted name; the TOML loader, `eyesim show`,
// sweep axes and the HDF5 /configs table all walk it, so a new field appears everywhere at once.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eyesim::hw {

/// The PE datapath: a sparse PE skips zeros (Eyeriss v2 §IV-A); a dense PE processes every value and
/// only clock-gates zero operands (Eyeriss v1, the paper's "v1" and "v1.5").
enum class PeKind : std::uint8_t { kSparse, kDense };

/// The on-chip network: the hierarchical mesh of Eyeriss v2 §III, or the flat multicast buses of v1.
enum class NocKind : std::uint8_t { kHierarchicalMesh, kFlatMulticast };

std::string_view to_string(PeKind);
std::string_view to_string(NocKind);
bool parse_enum(std::string_view text, PeKind& out);
bool parse_enum(std::string_view text, NocKind& out);

/// Spatial organisation: a 2-D array of clusters, each a 2-D array of PEs.
struct ArraySpec {
  std::uint32_t cluster_rows = 8;
  std::uint32_t cluster_cols = 2;
  std::uint32_t pe_rows = 3;  ///< PEs per cluster, vertically (psums accumulate up a column)
  std::uint32_t pe_cols = 4;
  friend bool operator==(const ArraySpec&, const ArraySpec&) = default;
};

/// One PE (Eyeriss v2 §IV-A, Fig. 17). SPad sizes in entries x bits per entry.
struct PeSpec {
  PeKind kind = PeKind::kSparse;
  std::uint32_t simd_width = 2;        ///< MACs per cycle sharing one iact (§IV-B)
  std::uint32_t pipeline_stages = 7;   ///< fill latency of one work item
  std::uint32_t iact_addr_entries = 9;
  std::uint32_t iact_addr_bits = 4;
  std::uint32_t iact_data_entries = 16;  ///< (count, data) pairs of one iact window
  std::uint32_t iact_data_bits = 12;
  std::uint32_t weight_addr_entries = 16;  ///< one per weight column (C0 x S columns)
  std::uint32_t weight_addr_bits = 7;
  std::uint32_t weight_data_entries = 96;  ///< words of simd_width (count, data) pairs
  std::uint32_t weight_data_bits = 24;   ///< a sparse PE's word: simd_width pairs of (4-bit count, weight)
  std::uint32_t psum_entries = 32;           ///< bounds M0, the output channels per PE
  bool empty_column_bubble = false;          ///< a non-zero iact with an all-zero weight column costs a cycle
  /// A sparse PE visits each iact segment (C0 x U iacts, one CSC address entry) of an output column's
  /// window through the iact address SPad, one visit per cycle: a visit whose iacts give no MAC cycle
  /// (all zero, or all on empty weight columns) still costs that cycle (§IV-A, docs/calibration.md).
  bool iact_segment_cycle = true;
  friend bool operator==(const PeSpec&, const PeSpec&) = default;
};

/// The global buffer. For v2 one GLB cluster per PE cluster (iact and psum banks; weights bypass it);
/// for the JSSC chip one shared GLB (`shared = true`: per-cluster numbers describe the whole chip).
/// Per cluster (unless `shared`): a PE row's iacts come from bank row % iact_banks, a PE column's psums go
/// to bank column % psum_banks, so banks beyond pe_rows (iact) or pe_cols (psum) add capacity but no
/// bandwidth.
struct GlbSpec {
  bool shared = false;
  std::uint32_t iact_banks = 3;
  std::uint32_t iact_bank_bytes = 1536;
  std::uint32_t psum_banks = 4;
  std::uint32_t psum_bank_bytes = 1920;
  /// 0: weights go DRAM -> router -> PE SPad (v2). Otherwise filter banks (the JSSC chip's): each pass's
  /// filters are written into them and read out (counted), and the next pass's DRAM reads go ahead.
  std::uint32_t weight_banks = 0;
  /// Capacity of a filter bank: checked, but NOT modelled (it does not bound that look-ahead; docs/model.md §8).
  std::uint32_t weight_bank_bytes = 0;
  std::uint32_t bank_width_bits = 64;   ///< bits per bank access (UNPUBLISHED for v2, docs/calibration.md)
  friend bool operator==(const GlbSpec&, const GlbSpec&) = default;
};

/// The network on chip. Per data type: routers per cluster and port width (Eyeriss v2 §III-C).
/// With the flat multicast NoC (v1) there is one bus per data type for the whole chip whose width is
/// the `*_port_bits` value, and the router counts are ignored. A PE's iact and weight routers are those of
/// its PE row modulo their count, its psum router that of its PE column (Noc::port_of): routers beyond
/// pe_rows (iact, weight) or pe_cols (psum) have no PE behind them and carry nothing.
struct NocSpec {
  NocKind kind = NocKind::kHierarchicalMesh;
  std::uint32_t iact_routers = 3;
  std::uint32_t iact_port_bits = 24;
  std::uint32_t weight_routers = 3;
  std::uint32_t weight_port_bits = 24;
  std::uint32_t psum_routers = 4;
  std::uint32_t psum_port_bits = 40;
  std::uint32_t hop_latency_cycles = 1;  ///< per router hop (UNPUBLISHED; docs/calibration.md)
  friend bool operator==(const NocSpec&, const NocSpec&) = default;
};

/// Off-chip memory: a bandwidth/latency server. 0 bandwidth means unlimited (the paper's headline case).
struct DramSpec {
  double bandwidth_gbps = 0.0;  ///< GB/s (10^9 bytes/s) read + write combined; 0 = unlimited
  std::uint32_t latency_cycles = 0;
  /// Feature maps cross the DRAM interface run-length coded (V1 §IV: 5-bit run + 16-bit level, three
  /// pairs per 64-bit word), when that is smaller than raw; weights and on-chip data stay raw.
  bool fmap_rlc = false;
  friend bool operator==(const DramSpec&, const DramSpec&) = default;
};

/// Data widths in bits. A sparse PE (`pe.kind = "sparse"`) moves and stores iacts and weights as CSC
/// entries of `pe.iact_data_bits` and `pe.weight_data_bits` (a count plus the value), so there
/// `iact_bits` and `weight_bits` only bound those entries from below (validate() refuses an iact entry
/// narrower than a value and its 4-bit zero count, and a weight word narrower than simd_width such pairs)
/// and change no cycle, byte or picojoule: to model narrower data on a sparse PE, narrow the entries. A dense PE moves and stores the values themselves at these widths (NoC bits,
/// GLB and DRAM bytes, and how many weights one `pe.weight_data_bits` entry packs).
struct PrecisionSpec {
  std::uint32_t iact_bits = 8;
  std::uint32_t weight_bits = 8;
  std::uint32_t psum_bits = 20;  ///< psums on the psum NoC, in the GLB's psum banks and spilled to DRAM
  std::uint32_t oact_bits = 8;   ///< outputs written to DRAM (raw, or run-length coded with dram.fmap_rlc)
  friend bool operator==(const PrecisionSpec&, const PrecisionSpec&) = default;
};

/// Energy per event in picojoules. Defaults and their sources: docs/calibration.md (one place).
struct EnergySpec {
  double mac_pj = 0.0;                 ///< one effectual 8x8 MAC
  double gated_mac_pj = 0.0;           ///< a MAC slot clock-gated on a zero operand (dense PE)
  double spad_reg_pj_per_bit = 0.0;    ///< register-file SPads (iact addr/data, weight addr, psum)
  double spad_sram_pj_per_bit = 0.0;   ///< SRAM SPad (weight data)
  double glb_pj_per_bit = 0.0;         ///< GLB bank read or write
  double noc_pj_per_bit_hop = 0.0;     ///< one bit over one router hop or bus segment
  double dram_pj_per_bit = 0.0;        ///< off-chip access (reported separately from chip energy)
  double clock_pj_per_pe_cycle = 0.0;       ///< gated clock and control of a PE, per PE-cycle it processes (busy)
  double clock_idle_pj_per_pe_cycle = 0.0;  ///< ungated clock tree and control, per PE per cycle (busy or not)
  double clock_zero_iact_fraction = 1.0;    ///< share of clock_pj_per_pe_cycle a dense PE pays on a zero iact
  double leakage_pj_per_pe_cycle = 0.0;
  friend bool operator==(const EnergySpec&, const EnergySpec&) = default;
};

struct ArchSpec {
  std::string name = "eyeriss_v2";
  double clock_mhz = 200.0;  ///< UNCONFIRMED in the paper (docs/reference/eyeriss-facts.md §1.1)
  ArraySpec array;
  PeSpec pe;
  GlbSpec glb;
  NocSpec noc;
  DramSpec dram;
  PrecisionSpec precision;
  EnergySpec energy;

  std::uint32_t clusters() const { return array.cluster_rows * array.cluster_cols; }
  std::uint32_t pes_per_cluster() const { return array.pe_rows * array.pe_cols; }
  std::uint32_t pes() const { return clusters() * pes_per_cluster(); }
  friend bool operator==(const ArchSpec&, const ArchSpec&) = default;
};

/// The single list of parameters, in a stable order. Calls f(dotted_name, member) with member one of
/// std::uint32_t&, double&, bool&, PeKind&, NocKind& (const-qualified when S is const).
/// Dotted names are relative to the spec: "array.cluster_rows", "glb.iact_bank_bytes", "clock_mhz".
template <class S, class F>
constexpr void for_each_param(S& a, F&& f) {
  f("clock_mhz", a.clock_mhz);
  f("array.cluster_rows", a.array.cluster_rows);
  f("array.cluster_cols", a.array.cluster_cols);
  f("array.pe_rows", a.array.pe_rows);
  f("array.pe_cols", a.array.pe_cols);
  f("pe.kind", a.pe.kind);
  f("pe.simd_width", a.pe.simd_width);
  f("pe.pipeline_stages", a.pe.pipeline_stages);
  f("pe.iact_addr_entries", a.pe.iact_addr_entries);
  f("pe.iact_addr_bits", a.pe.iact_addr_bits);
  f("pe.iact_data_entries", a.pe.iact_data_entries);
  f("pe.iact_data_bits", a.pe.iact_data_bits);
  f("pe.weight_addr_entries", a.pe.weight_addr_entries);
  f("pe.weight_addr_bits", a.pe.weight_addr_bits);
  f("pe.weight_data_entries", a.pe.weight_data_entries);
  f("pe.weight_data_bits", a.pe.weight_data_bits);
  f("pe.psum_entries", a.pe.psum_entries);
  f("pe.empty_column_bubble", a.pe.empty_column_bubble);
  f("pe.iact_segment_cycle", a.pe.iact_segment_cycle);
  f("glb.shared", a.glb.shared);
  f("glb.iact_banks", a.glb.iact_banks);
  f("glb.iact_bank_bytes", a.glb.iact_bank_bytes);
  f("glb.psum_banks", a.glb.psum_banks);
  f("glb.psum_bank_bytes", a.glb.psum_bank_bytes);
  f("glb.weight_banks", a.glb.weight_banks);
  f("glb.weight_bank_bytes", a.glb.weight_bank_bytes);
  f("glb.bank_width_bits", a.glb.bank_width_bits);
  f("noc.kind", a.noc.kind);
  f("noc.iact_routers", a.noc.iact_routers);
  f("noc.iact_port_bits", a.noc.iact_port_bits);
  f("noc.weight_routers", a.noc.weight_routers);
  f("noc.weight_port_bits", a.noc.weight_port_bits);
  f("noc.psum_routers", a.noc.psum_routers);
  f("noc.psum_port_bits", a.noc.psum_port_bits);
  f("noc.hop_latency_cycles", a.noc.hop_latency_cycles);
  f("dram.bandwidth_gbps", a.dram.bandwidth_gbps);
  f("dram.latency_cycles", a.dram.latency_cycles);
  f("dram.fmap_rlc", a.dram.fmap_rlc);
  f("precision.iact_bits", a.precision.iact_bits);
  f("precision.weight_bits", a.precision.weight_bits);
  f("precision.psum_bits", a.precision.psum_bits);
  f("precision.oact_bits", a.precision.oact_bits);
  f("energy.mac_pj", a.energy.mac_pj);
  f("energy.gated_mac_pj", a.energy.gated_mac_pj);
  f("energy.spad_reg_pj_per_bit", a.energy.spad_reg_pj_per_bit);
  f("energy.spad_sram_pj_per_bit", a.energy.spad_sram_pj_per_bit);
  f("energy.glb_pj_per_bit", a.energy.glb_pj_per_bit);
  f("energy.noc_pj_per_bit_hop", a.energy.noc_pj_per_bit_hop);
  f("energy.dram_pj_per_bit", a.energy.dram_pj_per_bit);
  f("energy.clock_pj_per_pe_cycle", a.energy.clock_pj_per_pe_cycle);
  f("energy.clock_idle_pj_per_pe_cycle", a.energy.clock_idle_pj_per_pe_cycle);
  f("energy.clock_zero_iact_fraction", a.energy.clock_zero_iact_fraction);
  f("energy.leakage_pj_per_pe_cycle", a.energy.leakage_pj_per_pe_cycle);
}

/// Every parameter's dotted name, in for_each_param order (for "did you mean" in errors).
std::vector<std::string_view> param_names();

/// One problem found by validate(): the dotted parameter and what is wrong, with expected and actual.
struct ConfigIssue {
  std::string path;     ///< e.g. "array.pe_rows"
  std::string message;  ///< e.g. "must be in [1, 64] (got 0)"
};

/// The values one parameter may take on its own, whatever the others: [lo, hi] (hi infinite: no upper
/// bound, but finite). The one place the parameters' ranges are written: validate() checks them, and a
/// sweep spec checks each value it gives a parameter against them (sweep/sweep_spec.cpp).
/// `applies`, when set, is the condition under which the parameter is used and its range checked at all
/// (the router counts only on the hierarchical mesh, say): a range that depends on another parameter is a
/// constraint between parameters, checked on a whole architecture only.
struct ParamRange {
  std::string_view path;  ///< a for_each_param name
  double lo = 0;
  double hi = 0;
  bool (*applies)(const ArchSpec&) = nullptr;  ///< nullptr: always

  bool contains(double value) const;  ///< false for NaN, and for infinities unless inside a finite range
  std::string describe() const;       ///< "must be in [1, 256]", "must be finite and >= 0"
};

/// Every parameter's range, in for_each_param order: each integer and real parameter has one; booleans
/// and enums have none.
std::span<const ParamRange> param_ranges();

/// The range of `path` (a for_each_param name), or nullptr (a boolean, an enum, or no such parameter).
const ParamRange* param_range(std::string_view path);

/// The issue of parameter `path` of `a` against its own range alone, the way validate() words it; nullopt
/// when the value is inside, the parameter has no range, or its range depends on another parameter
/// (ParamRange::applies set), which only validate() can judge.
std::optional<ConfigIssue> check_own_range(const ArchSpec& a, std::string_view path);

/// Every problem with the spec at once (empty = valid): each parameter against its own range (in
/// for_each_param order), then the constraints between parameters.
std::vector<ConfigIssue> validate(const ArchSpec&);

}  // namespace eyesim::hw

// ArchSpec: enum names and validation of every parameter.
#include "hw/arch_spec.h"

#include <bit>
#include <cmath>
#include <iterator>
#include <limits>
#include <type_traits>

#include <fmt/format.h>

#include "core/check.h"
#include "workloads/csc.h"

namespace eyesim::hw {

std::string_view to_string(PeKind k) { return k == PeKind::kSparse ? "sparse" : "dense"; }
std::string_view to_string(NocKind k) { return k == NocKind::kHierarchicalMesh ? "hierarchical_mesh" : "flat_multicast"; }

bool parse_enum(std::string_view text, PeKind& out) {
  if (text == "sparse") out = PeKind::kSparse;
  else if (text == "dense") out = PeKind::kDense;
  else return false;
  return true;
}

bool parse_enum(std::string_view text, NocKind& out) {
  if (text == "hierarchical_mesh") out = NocKind::kHierarchicalMesh;
  else if (text == "flat_multicast") out = NocKind::kFlatMulticast;
  else return false;
  return true;
}

namespace {

// The conditions under which a parameter is used at all (ParamRange::applies).
bool sparse_pe(const ArchSpec& a) { return a.pe.kind == PeKind::kSparse; }
bool per_cluster_glb(const ArchSpec& a) { return !a.glb.shared; }
bool filter_banks(const ArchSpec& a) { return a.glb.weight_banks > 0; }
bool hierarchical_mesh(const ArchSpec& a) { return a.noc.kind == NocKind::kHierarchicalMesh; }

constexpr double kMaxEnergyPj = 1e6;
constexpr double kMaxBankBytes = 1u << 26;
constexpr std::uint64_t kMaxGlbBanks = 1u << 20;  // a per-cluster GLB's banks over every cluster

/// Every integer and real parameter, in for_each_param order (validate() walks both lists together).
constexpr ParamRange kRanges[] = {
    {"clock_mhz", 1, 10000},
    {"array.cluster_rows", 1, 256},
    {"array.cluster_cols", 1, 256},
    {"array.pe_rows", 1, 64},
    {"array.pe_cols", 1, 64},
    {"pe.simd_width", 1, 16},
    {"pe.pipeline_stages", 1, 64},
    {"pe.iact_addr_entries", 1, 65536, sparse_pe},
    {"pe.iact_addr_bits", 1, 32, sparse_pe},
    {"pe.iact_data_entries", 1, 65536},
    {"pe.iact_data_bits", 1, 256},
    {"pe.weight_addr_entries", 1, 65536, sparse_pe},
    {"pe.weight_addr_bits", 1, 32, sparse_pe},
    {"pe.weight_data_entries", 1, 65536},
    {"pe.weight_data_bits", 1, 1024},
    {"pe.psum_entries", 1, 65536},
    {"glb.iact_banks", 1, 4096},
    {"glb.iact_bank_bytes", 16, kMaxBankBytes},
    {"glb.psum_banks", 1, 4096, per_cluster_glb},
    {"glb.psum_bank_bytes", 16, kMaxBankBytes, per_cluster_glb},
    {"glb.weight_banks", 0, 4096},
    {"glb.weight_bank_bytes", 16, kMaxBankBytes, filter_banks},
    {"glb.bank_width_bits", 8, 4096},
    {"noc.iact_routers", 1, 64, hierarchical_mesh},
    {"noc.iact_port_bits", 1, 4096},
    {"noc.weight_routers", 1, 64, hierarchical_mesh},
    {"noc.weight_port_bits", 1, 4096},
    {"noc.psum_routers", 1, 64, hierarchical_mesh},
    {"noc.psum_port_bits", 1, 4096},
    {"noc.hop_latency_cycles", 0, 1000},
    {"dram.bandwidth_gbps", 0, 1e6},
    {"dram.latency_cycles", 0, 1000000},
    {"precision.iact_bits", 1, 32},
    {"precision.weight_bits", 1, 32},
    {"precision.psum_bits", 2, 32},
    {"precision.oact_bits", 1, 32},
    // At most 1 uJ per event, a million times any chip's: counts times constants then stay finite (1e308
    // made every total inf, and JSON that no parser reads; found by helper-49).
    {"energy.mac_pj", 0, kMaxEnergyPj},
    {"energy.gated_mac_pj", 0, kMaxEnergyPj},
    {"energy.spad_reg_pj_per_bit", 0, kMaxEnergyPj},
    {"energy.spad_sram_pj_per_bit", 0, kMaxEnergyPj},
    {"energy.glb_pj_per_bit", 0, kMaxEnergyPj},
    {"energy.noc_pj_per_bit_hop", 0, kMaxEnergyPj},
    {"energy.dram_pj_per_bit", 0, kMaxEnergyPj},
    {"energy.clock_pj_per_pe_cycle", 0, kMaxEnergyPj},
    {"energy.clock_idle_pj_per_pe_cycle", 0, kMaxEnergyPj},
    {"energy.clock_zero_iact_fraction", 0, 1},
    {"energy.leakage_pj_per_pe_cycle", 0, kMaxEnergyPj},
};

/// The issue of one value against its range, in validate()'s words.
template <class T>
std::optional<ConfigIssue> range_issue(const ParamRange& r, T value) {
  if (r.contains(static_cast<double>(value))) return std::nullopt;
  return ConfigIssue{std::string(r.path), fmt::format("{} (got {})", r.describe(), value)};
}

template <class T>
constexpr bool kRanged = std::is_same_v<T, std::uint32_t> || std::is_same_v<T, double>;

}  // namespace

// Written as "not inside" rather than "below or above" so that a NaN (every comparison false) is out of
// range too; an infinity is outside every finite range, and an unbounded range asks for a finite value.
bool ParamRange::contains(double value) const { return value >= lo && value <= hi && std::isfinite(value); }

std::string ParamRange::describe() const {
  if (std::isinf(hi)) return fmt::format("must be finite and >= {}", lo);
  return fmt::format("must be in [{}, {}]", lo, hi);
}

std::span<const ParamRange> param_ranges() { return kRanges; }

std::vector<std::string_view> param_names() {
  std::vector<std::string_view> names;
  const ArchSpec spec;
  for_each_param(spec, [&](std::string_view name, const auto&) { names.push_back(name); });
  return names;
}

const ParamRange* param_range(std::string_view path) {
  for (const ParamRange& r : kRanges)
    if (r.path == path) return &r;
  return nullptr;
}

std::optional<ConfigIssue> check_own_range(const ArchSpec& a, std::string_view path) {
  const ParamRange* r = param_range(path);
  if (!r || r->applies) return std::nullopt;
  std::optional<ConfigIssue> issue;
  for_each_param(a, [&](std::string_view name, const auto& v) {
    if constexpr (kRanged<std::remove_cvref_t<decltype(v)>>) {
      if (name == path) issue = range_issue(*r, v);
    }
  });
  return issue;
}

std::vector<ConfigIssue> validate(const ArchSpec& a) {
  std::vector<ConfigIssue> issues;
  // Each parameter against its own range: kRanges follows for_each_param, so one pass pairs them.
  std::size_t next = 0;
  for_each_param(a, [&](std::string_view name, const auto& v) {
    if constexpr (kRanged<std::remove_cvref_t<decltype(v)>>) {
      EYESIM_CHECK(next < std::size(kRanges) && kRanges[next].path == name, "kRanges is not in for_each_param order");
      const ParamRange& r = kRanges[next++];
      if (r.applies && !r.applies(a)) return;
      if (auto issue = range_issue(r, v)) issues.push_back(std::move(*issue));
    }
  });
  // The constraints between parameters.
  if (a.pes() > 65536) issues.push_back({"array", fmt::format("at most 65536 PEs (got {})", a.pes())});
  // Each bank is a server of its own (about 64 bytes of state): 4096 iact and 4096 psum banks in each of
  // 65536 clusters would take 34 GB, and a sweep's worker would be killed for it instead of failing the
  // point (helper-58). A million banks is 150x the 16384-PE chip's 7168.
  // A shared GLB gives the input and the psums banks of their own (glb_layout): with one bank in all, the
  // two would each get a port of that one bank (helper-61: 1.4 accesses per cycle on one bank).
  if (a.glb.shared && std::uint64_t{a.glb.iact_banks} + a.glb.psum_banks < 2)
    issues.push_back({"glb.iact_banks", fmt::format("must give a shared GLB at least 2 banks with glb.psum_banks: eyesim "
                                                    "keeps the input and the psums in banks of their own (got {})",
                                                    std::uint64_t{a.glb.iact_banks} + a.glb.psum_banks)});
  if (!a.glb.shared) {
    const std::uint64_t banks = std::uint64_t{a.clusters()} * (std::uint64_t{a.glb.iact_banks} + a.glb.psum_banks);
    if (banks > kMaxGlbBanks)
      issues.push_back({"glb", fmt::format("eyesim simulates at most {} GLB banks in all, each a server of its own (got "
                                           "{}: {} clusters x ({} iact + {} psum banks))",
                                           kMaxGlbBanks, banks, a.clusters(), a.glb.iact_banks, a.glb.psum_banks)});
  }
  // A dense PE's SPad entries hold values; a sparse PE's hold CSC pairs (workloads/csc.h): a value and its
  // 4-bit zero count, simd_width of them per weight word. The timing carries a sparse weight in
  // weight_data_bits / simd_width bits, so without this 16-wide SIMD in 24-bit words moved a weight in 1.5
  // bits (helper-61).
  const bool sparse = a.pe.kind == PeKind::kSparse;
  const std::uint32_t count_bits = sparse ? workloads::kCscCountBits : 0;
  const std::string with_count = sparse ? fmt::format(" and its {}-bit zero count (CSC)", count_bits) : "";
  if (a.pe.iact_data_bits < a.precision.iact_bits + count_bits) {
    issues.push_back({"pe.iact_data_bits",
                      fmt::format("must hold at least one iact of precision.iact_bits = {}{}{} (got {})",
                                  a.precision.iact_bits, with_count,
                                  sparse ? fmt::format(": {} bits", a.precision.iact_bits + count_bits) : "",
                                  a.pe.iact_data_bits)});
  }
  // A CSC address points at a data entry, so it counts to the last one (V2: 4-bit addresses into 16 iact
  // entries, 7-bit into 96 weight words; helper-62).
  if (sparse) {
    const auto address = [&](std::string_view path, std::uint32_t bits, std::string_view data, std::uint32_t entries) {
      const auto needed = static_cast<std::uint32_t>(std::bit_width(std::max(1u, entries) - 1));
      if (bits < needed)
        issues.push_back({std::string(path), fmt::format("must address every entry of {} = {}: at least {} bits (got {})",
                                                         data, entries, needed, bits)});
    };
    address("pe.iact_addr_bits", a.pe.iact_addr_bits, "pe.iact_data_entries", a.pe.iact_data_entries);
    address("pe.weight_addr_bits", a.pe.weight_addr_bits, "pe.weight_data_entries", a.pe.weight_data_entries);
  }
  const std::uint64_t weights_per_word = sparse ? a.pe.simd_width : 1;
  const std::uint64_t weight_word_bits = weights_per_word * (a.precision.weight_bits + count_bits);
  if (a.pe.weight_data_bits < weight_word_bits) {
    issues.push_back({"pe.weight_data_bits",
                      weights_per_word > 1
                          ? fmt::format("must hold pe.simd_width = {} weights of precision.weight_bits = {}, each with "
                                        "its {}-bit zero count (CSC): {} bits (got {})",
                                        weights_per_word, a.precision.weight_bits, count_bits, weight_word_bits,
                                        a.pe.weight_data_bits)
                          : fmt::format("must hold at least one weight of precision.weight_bits = {}{}{} (got {})",
                                        a.precision.weight_bits, with_count,
                                        sparse ? fmt::format(": {} bits", weight_word_bits) : "", a.pe.weight_data_bits)});
  }
  return issues;
}

}  // namespace eyesim::hw

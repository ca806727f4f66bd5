// ArchSpec: enum names and validation of every parameter.
#include "hw/arch_spec.h"

#include <cmath>
#include <type_traits>

#include <fmt/format.h>

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

std::vector<ConfigIssue> validate(const ArchSpec& a) {
  std::vector<ConfigIssue> issues;
  // Written as "not inside" rather than "below or above" so that a NaN (every comparison false) is
  // out of range too; infinities are outside every finite range anyway.
  const auto in_range = [&](std::string_view path, auto value, auto lo, auto hi) {
    if (!(value >= lo && value <= hi)) {
      issues.push_back({std::string(path), fmt::format("must be in [{}, {}] (got {})", lo, hi, value)});
    }
  };
  in_range("clock_mhz", a.clock_mhz, 1.0, 10000.0);
  in_range("array.cluster_rows", a.array.cluster_rows, 1u, 256u);
  in_range("array.cluster_cols", a.array.cluster_cols, 1u, 256u);
  in_range("array.pe_rows", a.array.pe_rows, 1u, 64u);
  in_range("array.pe_cols", a.array.pe_cols, 1u, 64u);
  if (a.pes() > 65536) issues.push_back({"array", fmt::format("at most 65536 PEs (got {})", a.pes())});
  in_range("pe.simd_width", a.pe.simd_width, 1u, 16u);
  in_range("pe.pipeline_stages", a.pe.pipeline_stages, 1u, 64u);
  in_range("pe.iact_data_entries", a.pe.iact_data_entries, 1u, 65536u);
  in_range("pe.weight_data_entries", a.pe.weight_data_entries, 1u, 65536u);
  in_range("pe.psum_entries", a.pe.psum_entries, 1u, 65536u);
  in_range("pe.iact_data_bits", a.pe.iact_data_bits, 1u, 256u);
  in_range("pe.weight_data_bits", a.pe.weight_data_bits, 1u, 1024u);
  if (a.pe.kind == PeKind::kSparse) {
    in_range("pe.iact_addr_entries", a.pe.iact_addr_entries, 1u, 65536u);
    in_range("pe.weight_addr_entries", a.pe.weight_addr_entries, 1u, 65536u);
    in_range("pe.iact_addr_bits", a.pe.iact_addr_bits, 1u, 32u);
    in_range("pe.weight_addr_bits", a.pe.weight_addr_bits, 1u, 32u);
  }
  if (a.pe.iact_data_bits < a.precision.iact_bits) {
    issues.push_back({"pe.iact_data_bits",
                      fmt::format("must hold at least one iact of precision.iact_bits = {} (got {})",
                                  a.precision.iact_bits, a.pe.iact_data_bits)});
  }
  if (a.pe.weight_data_bits < a.precision.weight_bits) {
    issues.push_back({"pe.weight_data_bits",
                      fmt::format("must hold at least one weight of precision.weight_bits = {} (got {})",
                                  a.precision.weight_bits, a.pe.weight_data_bits)});
  }
  in_range("glb.iact_banks", a.glb.iact_banks, 1u, 4096u);
  in_range("glb.iact_bank_bytes", a.glb.iact_bank_bytes, 16u, 1u << 26);
  if (!a.glb.shared) {
    in_range("glb.psum_banks", a.glb.psum_banks, 1u, 4096u);
    in_range("glb.psum_bank_bytes", a.glb.psum_bank_bytes, 16u, 1u << 26);
  }
  in_range("glb.weight_banks", a.glb.weight_banks, 0u, 4096u);
  if (a.glb.weight_banks > 0) in_range("glb.weight_bank_bytes", a.glb.weight_bank_bytes, 16u, 1u << 26);
  in_range("glb.bank_width_bits", a.glb.bank_width_bits, 8u, 4096u);
  in_range("noc.iact_port_bits", a.noc.iact_port_bits, 1u, 4096u);
  in_range("noc.weight_port_bits", a.noc.weight_port_bits, 1u, 4096u);
  in_range("noc.psum_port_bits", a.noc.psum_port_bits, 1u, 4096u);
  if (a.noc.kind == NocKind::kHierarchicalMesh) {
    in_range("noc.iact_routers", a.noc.iact_routers, 1u, 64u);
    in_range("noc.weight_routers", a.noc.weight_routers, 1u, 64u);
    in_range("noc.psum_routers", a.noc.psum_routers, 1u, 64u);
  }
  in_range("noc.hop_latency_cycles", a.noc.hop_latency_cycles, 0u, 1000u);
  in_range("dram.bandwidth_gbps", a.dram.bandwidth_gbps, 0.0, 1e6);
  in_range("dram.latency_cycles", a.dram.latency_cycles, 0u, 1000000u);
  in_range("precision.iact_bits", a.precision.iact_bits, 1u, 32u);
  in_range("precision.weight_bits", a.precision.weight_bits, 1u, 32u);
  in_range("precision.psum_bits", a.precision.psum_bits, 2u, 32u);
  in_range("precision.oact_bits", a.precision.oact_bits, 1u, 32u);
  in_range("energy.clock_zero_iact_fraction", a.energy.clock_zero_iact_fraction, 0.0, 1.0);
  for_each_param(a, [&](std::string_view name, const auto& v) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(v)>, double>) {
      // No upper bound, but an infinite energy per event would only make every total infinite.
      // clock_zero_iact_fraction has its own range above; one message per problem.
      if (name.starts_with("energy.") && name != "energy.clock_zero_iact_fraction" && !(v >= 0.0 && std::isfinite(v))) {
        issues.push_back({std::string(name), fmt::format("must be finite and >= 0 (got {})", v)});
      }
    }
  });
  return issues;
}

}  // namespace eyesim::hw

// PeCostModel: the 7-stage sparse pipeline and the dense pipeline, cycle counts from the data.
#include "hw/pe_cost.h"

#include <algorithm>

namespace eyesim::hw {

PeCostModel::PeCostModel(const ArchSpec& arch, const workloads::LayerData& layer)
    : arch_(arch), layer_(layer), shape_(layer.shape()), sparse_(arch.pe.kind == PeKind::kSparse) {}

void PeCostModel::weight_tile(std::uint32_t g, std::uint32_t m_begin, std::uint32_t m_end, std::uint32_t c_begin,
                              std::uint32_t c_end, std::uint32_t r, WeightTileCost& out) const {
  const std::uint32_t S = shape_.s;
  const std::uint32_t cols = (c_end - c_begin) * S;
  const std::uint32_t simd = arch_.pe.simd_width;
  out.column_cycles.assign(cols, 0);
  out.column_nnz.assign(cols, 0);
  out.nnz = out.words = 0;
  const auto& index = layer_.index;
  for (std::uint32_t c = c_begin; c < c_end; ++c) {
    for (std::uint32_t s = 0; s < S; ++s) {
      const std::uint32_t k = (c - c_begin) * S + s;
      const std::uint32_t nnz = index.weight_nnz(index.weight_column(g, c, r, s), m_begin, m_end);
      const std::uint32_t height = m_end - m_begin;
      std::uint32_t cycles;
      if (sparse_) {
        cycles = nnz > 0 ? (nnz + simd - 1) / simd : (arch_.pe.empty_column_bubble ? 1u : 0u);
        out.words += (nnz + simd - 1) / simd;
      } else {
        cycles = (height + simd - 1) / simd;  // a dense PE walks the whole column, gating zeros
        out.words += (height + simd - 1) / simd;
      }
      out.column_cycles[k] = cycles;
      out.column_nnz[k] = nnz;
      out.nnz += nnz;
    }
  }
  if (sparse_) {  // CSC: one (count, value) pair per non-zero plus one address per column
    out.bits = out.nnz * (arch_.pe.weight_data_bits / std::max(1u, simd)) + std::uint64_t{cols} * arch_.pe.weight_addr_bits;
  } else {
    out.bits = std::uint64_t{cols} * (m_end - m_begin) * arch_.precision.weight_bits;
  }
}

WorkItemCost PeCostModel::work_item(const WorkItem& it, const WeightTileCost& tile) const {
  WorkItemCost cost;
  const std::int64_t h = std::int64_t{it.e} * shape_.u + it.r - shape_.pad;
  if (h < 0 || h >= shape_.h) {
    cost.empty = true;
    return cost;
  }
  const std::uint32_t S = shape_.s, U = shape_.u, pad = shape_.pad;
  // Input columns this item reads: w in [f_begin*U - pad, (f_end-1)*U + S - 1 - pad], clipped to the row.
  const std::int64_t w_lo = std::max<std::int64_t>(0, std::int64_t{it.f_begin} * U - pad);
  const std::int64_t w_hi = std::min<std::int64_t>(shape_.w, std::int64_t{it.f_end - 1} * U + S - pad);  // exclusive
  const auto& index = layer_.index;
  const std::uint32_t simd = arch_.pe.simd_width;
  std::uint64_t mac_cycles = 0;
  std::uint64_t sparse_cycles = 0;  // what the non-zero iacts cost on a sparse PE
  const auto add_iact = [&](std::uint32_t c, std::int64_t w) {
    // Output columns f with f*U + s - pad == w, s in [0, S), f in [f_begin, f_end).
    const std::int64_t base = w + pad;
    std::int64_t s = base - std::int64_t{it.f_end - 1} * U;
    if (s < 0) s += ((-s + U - 1) / U) * U;
    const std::uint32_t k0 = (c - it.c_begin) * S;
    for (; s < S && s <= base - std::int64_t{it.f_begin} * U; s += U) {
      sparse_cycles += tile.column_cycles[k0 + s];
      cost.macs_effectual += tile.column_nnz[k0 + s];
      cost.weight_words += (tile.column_nnz[k0 + s] + simd - 1) / simd;
    }
  };
  const std::uint64_t window_values = std::uint64_t(it.c_end - it.c_begin) * std::uint64_t(w_hi - w_lo);
  if (sparse_) {
    std::uint64_t nnz = 0;
    for (std::uint32_t c = it.c_begin; c < it.c_end; ++c) {
      const std::uint32_t row = index.iact_row(it.n, it.g * shape_.c + c, static_cast<std::uint32_t>(h));
      if (index.iacts_dense()) {
        for (std::int64_t w = w_lo; w < w_hi; ++w) add_iact(c, w);
        nnz += static_cast<std::uint64_t>(w_hi - w_lo);
      } else {
        const auto ws = index.iact_ws(row);
        auto it_w = std::lower_bound(ws.begin(), ws.end(), static_cast<std::uint16_t>(w_lo));
        for (; it_w != ws.end() && *it_w < w_hi; ++it_w) {
          add_iact(c, *it_w);
          ++nnz;
        }
      }
    }
    mac_cycles = sparse_cycles;
    cost.nonzero_iacts = nnz;
    cost.zero_iacts_skipped = window_values - nnz;
    cost.mac_slots = mac_cycles * simd;
    // CSC on the NoC: one 12-bit pair per non-zero plus one address per (column position) segment.
    cost.iact_bits = nnz * arch_.pe.iact_data_bits + std::uint64_t(w_hi - w_lo) * arch_.pe.iact_addr_bits;
  } else {
    // Dense PE: every (iact, weight) slot of every output column, zero or not, padding included.
    const std::uint64_t slots_per_f = std::uint64_t(it.c_end - it.c_begin) * S;
    const std::uint64_t height = it.m_end - it.m_begin;
    mac_cycles = (it.f_end - it.f_begin) * slots_per_f * ((height + simd - 1) / simd);
    // Effectual MACs still come from the data (for energy: gated vs. active slots).
    for (std::uint32_t c = it.c_begin; c < it.c_end; ++c) {
      const std::uint32_t row = index.iact_row(it.n, it.g * shape_.c + c, static_cast<std::uint32_t>(h));
      if (index.iacts_dense()) {
        for (std::int64_t w = w_lo; w < w_hi; ++w) add_iact(c, w);
      } else {
        const auto ws = index.iact_ws(row);
        for (auto p = std::lower_bound(ws.begin(), ws.end(), static_cast<std::uint16_t>(w_lo)); p != ws.end() && *p < w_hi; ++p)
          add_iact(c, *p);
      }
    }
    cost.weight_words = mac_cycles;
    cost.nonzero_iacts = (it.f_end - it.f_begin) * slots_per_f;
    cost.mac_slots = mac_cycles * simd;
    cost.iact_bits = window_values * arch_.precision.iact_bits;
  }
  cost.cycles = mac_cycles + (arch_.pe.pipeline_stages - 1);
  return cost;
}

}  // namespace eyesim::hw

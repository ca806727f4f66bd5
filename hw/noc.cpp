// Noc: port assignment, mesh hop counts and transfer reservation.
#include "hw/noc.h"

#include <algorithm>

namespace eyesim::hw {

Noc::Noc(const ArchSpec& arch) : arch_(arch) {
  const bool flat = arch.noc.kind == NocKind::kFlatMulticast;
  const std::uint32_t clusters = flat ? 1 : arch.clusters();
  routers_[0] = flat ? 1 : arch.noc.iact_routers;
  routers_[1] = flat ? 1 : arch.noc.weight_routers;
  routers_[2] = flat ? 1 : arch.noc.psum_routers;
  width_[0] = arch.noc.iact_port_bits;
  width_[1] = arch.noc.weight_port_bits;
  width_[2] = arch.noc.psum_port_bits;
  std::uint32_t next = 0;
  for (int t = 0; t < 3; ++t) {
    first_port_[t] = next;
    next += clusters * routers_[t];
  }
  ports_.resize(next);
  held_.reserve(1);
  injected_.reserve(1);
  if (!flat) {
    for (auto& l : links_) l.resize(std::size_t{clusters} * 4);
    const std::size_t lines = std::max(arch.array.cluster_rows, arch.array.cluster_cols);
    stamp_.assign(lines, 0);
    lo_.assign(lines, 0);
    hi_.assign(lines, 0);
    held_.reserve(std::size_t{clusters} * 5);
    injected_.reserve(lines);
    cluster_stamp_.assign(clusters, 0);
  } else {
    stamp_.assign(arch.array.pe_rows, 0);  // X-buses reached by a multicast
  }
}

namespace {
enum Dir : std::uint32_t { kEast = 0, kWest = 1, kNorth = 2, kSouth = 3 };
}  // namespace

Route Noc::route(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes) {
  Route r;
  held_.clear();
  injected_.clear();
  const int t = static_cast<int>(type);
  if (arch_.noc.kind == NocKind::kFlatMulticast) {
    held_.push_back(&ports_[port_of(type, src_pe)]);
    injected_.assign(1, port_of(type, src_pe));
    r.injections = r.max_hops = 1;
    // V1's GIN: the data crosses the Y-bus and every X-bus (PE row) with a destination (energy only).
    ++epoch_;
    r.links = 1;
    for (std::uint32_t pe : dest_pes) {
      const std::uint32_t row = pe % arch_.array.pe_rows;
      if (stamp_[row] != epoch_) {
        stamp_[row] = epoch_;
        ++r.clusters;
      }
    }
    return r;
  }
  const std::uint32_t ppc = arch_.pes_per_cluster();
  const std::uint32_t cols = arch_.array.cluster_cols;
  const std::uint32_t src = src_pe / ppc, sr = src / cols, sc = src % cols;
  const std::uint32_t router = (port_of(type, src_pe) - first_port_[t]) % routers_[t];
  // Extents per line: per column (iact: X then Y; psum: Y only) or per row (weight: X only).
  const bool per_row = type == DataType::kWeight;
  ++epoch_;
  for (std::uint32_t pe : dest_pes) {
    const std::uint32_t c = pe / ppc;
    if (cluster_stamp_[c] == epoch_) continue;  // another PE of a cluster already reached
    cluster_stamp_[c] = epoch_;
    ++r.clusters;
    const std::uint32_t line = per_row ? c / cols : c % cols;
    const std::uint32_t pos = per_row ? c % cols : c / cols;
    if (stamp_[line] != epoch_) {
      stamp_[line] = epoch_;
      lo_[line] = hi_[line] = pos;
    } else {
      lo_[line] = std::min(lo_[line], pos);
      hi_[line] = std::max(hi_[line], pos);
    }
  }
  const auto hold_line = [&](std::uint32_t fixed, std::uint32_t from, std::uint32_t lo, std::uint32_t hi, bool along_row) {
    // Links from `from` outwards to lo and hi on one row (along_row) or column; returns the farthest distance.
    const auto cluster = [&](std::uint32_t p) { return along_row ? fixed * cols + p : p * cols + fixed; };
    for (std::uint32_t p = from; p < hi; ++p) held_.push_back(&links_[t][cluster(p) * 4 + (along_row ? kEast : kSouth)]);
    for (std::uint32_t p = from; p > lo; --p) held_.push_back(&links_[t][cluster(p) * 4 + (along_row ? kWest : kNorth)]);
    r.links += (hi > from ? hi - from : 0) + (from > lo ? from - lo : 0);
    return std::max(hi > from ? hi - from : 0, from > lo ? from - lo : 0);
  };
  const std::uint32_t lines = per_row ? arch_.array.cluster_rows : cols;
  if (type == DataType::kIact) {
    // X along the source row to every column with destinations, then Y down/up each such column.
    std::uint32_t col_lo = sc, col_hi = sc;
    for (std::uint32_t c = 0; c < lines; ++c) {
      if (stamp_[c] != epoch_) continue;
      col_lo = std::min(col_lo, c);
      col_hi = std::max(col_hi, c);
    }
    held_.push_back(&ports_[port_of(type, src_pe)]);
    injected_.push_back(port_of(type, src_pe));
    r.injections = 1;
    hold_line(sr, sc, col_lo, col_hi, true);
    for (std::uint32_t c = 0; c < lines; ++c) {
      if (stamp_[c] != epoch_) continue;
      const std::uint32_t x = c > sc ? c - sc : sc - c;
      const std::uint32_t y = hold_line(c, sr, std::min(lo_[c], sr), std::max(hi_[c], sr), false);
      r.max_hops = std::max(r.max_hops, 1 + x + y);
    }
  } else {
    // One injection per row (weights) or column (psums) with destinations, at the source's position in it.
    const std::uint32_t from = per_row ? sc : sr;
    for (std::uint32_t line = 0; line < lines; ++line) {
      if (stamp_[line] != epoch_) continue;
      const std::uint32_t inject = per_row ? line * cols + sc : sr * cols + line;
      held_.push_back(&ports_[first_port_[t] + inject * routers_[t] + router]);
      injected_.push_back(first_port_[t] + inject * routers_[t] + router);
      ++r.injections;
      const std::uint32_t d = hold_line(line, from, std::min(lo_[line], from), std::max(hi_[line], from), per_row);
      r.max_hops = std::max(r.max_hops, 1 + d);
    }
  }
  return r;
}

Transfer Noc::multicast(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes, std::uint64_t ready,
                        std::uint64_t bits) {
  const Route r = route(type, src_pe, dest_pes);
  return reserve(type, r, held_, injected_, ready, bits);
}

std::uint32_t Noc::plan_route(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes) {
  const Route r = route(type, src_pe, dest_pes);
  PlannedRoute p{type, r, static_cast<std::uint32_t>(planned_held_.size()), 0,
                 static_cast<std::uint32_t>(planned_injected_.size()), 0};
  planned_held_.insert(planned_held_.end(), held_.begin(), held_.end());
  planned_injected_.insert(planned_injected_.end(), injected_.begin(), injected_.end());
  p.held_end = static_cast<std::uint32_t>(planned_held_.size());
  p.injected_end = static_cast<std::uint32_t>(planned_injected_.size());
  planned_.push_back(p);
  return static_cast<std::uint32_t>(planned_.size() - 1);
}

std::uint32_t Noc::port_of(DataType type, std::uint32_t pe) const {
  const int t = static_cast<int>(type);
  if (arch_.noc.kind == NocKind::kFlatMulticast) return first_port_[t];
  const std::uint32_t ppc = arch_.pes_per_cluster();
  const std::uint32_t cluster = pe / ppc;
  const std::uint32_t local = pe % ppc;  // column-major inside the cluster: psum chains run up a column
  const std::uint32_t row = local % arch_.array.pe_rows;
  const std::uint32_t col = local / arch_.array.pe_rows;
  const std::uint32_t lane = type == DataType::kPsum ? col : row;
  return first_port_[t] + cluster * routers_[t] + lane % routers_[t];
}

std::uint32_t Noc::hops(std::uint32_t from_pe, std::uint32_t to_pe) const {
  if (arch_.noc.kind == NocKind::kFlatMulticast) return 1;
  const std::uint32_t ppc = arch_.pes_per_cluster();
  const std::uint32_t a = from_pe / ppc, b = to_pe / ppc;
  const std::uint32_t cols = arch_.array.cluster_cols;
  const auto dr = std::abs(static_cast<int>(a / cols) - static_cast<int>(b / cols));
  const auto dc = std::abs(static_cast<int>(a % cols) - static_cast<int>(b % cols));
  return 1 + static_cast<std::uint32_t>(dr + dc);
}

}  // namespace eyesim::hw

// Noc: port assignment, mesh hop counts and transfer reservation.
#include "hw/noc.h"

#include <algorithm>

namespace eyesim::hw {

Noc::Noc(const ArchSpec& arch, Storage&& storage)
    : arch_(arch),
      ports_(std::move(storage.ports)),
      links_{std::move(storage.links[0]), std::move(storage.links[1]), std::move(storage.links[2])},
      stamp_(std::move(storage.stamp)),
      lo_(std::move(storage.lo)),
      hi_(std::move(storage.hi)),
      cluster_stamp_(std::move(storage.cluster_stamp)),
      planned_(std::move(storage.planned)),
      planned_held_(std::move(storage.planned_held)),
      planned_injected_(std::move(storage.planned_injected)),
      planned_segments_(std::move(storage.planned_segments)),
      held_(std::move(storage.held)),
      injected_(std::move(storage.injected)),
      segments_(std::move(storage.segments)) {
  // Lent tables hold an earlier Noc's state: every one is set (or emptied) here.
  planned_.clear();
  planned_held_.clear();
  planned_injected_.clear();
  planned_segments_.clear();
  held_.clear();
  injected_.clear();
  segments_.clear();
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
  ports_.assign(next, PortServer{});
  held_.reserve(1);
  injected_.reserve(1);
  segments_.reserve(1);
  if (!flat) {
    for (auto& l : links_) l.assign(std::size_t{clusters} * 4, PortServer{});
    stamp_.assign(arch.array.cluster_cols, 0);
    lo_.assign(arch.array.cluster_cols, 0);
    hi_.assign(arch.array.cluster_cols, 0);
    held_.reserve(std::size_t{clusters} * 5);
    injected_.reserve(clusters);
    segments_.reserve(clusters);
    cluster_stamp_.assign(clusters, 0);
  } else {
    for (auto& l : links_) l.clear();
    stamp_.assign(arch.array.pe_rows, 0);  // X-buses reached by a multicast
  }
}

Noc::Storage Noc::release() {
  Storage s;
  s.ports = std::move(ports_);
  for (int t = 0; t < 3; ++t) s.links[t] = std::move(links_[t]);
  s.stamp = std::move(stamp_);
  s.lo = std::move(lo_);
  s.hi = std::move(hi_);
  s.cluster_stamp = std::move(cluster_stamp_);
  s.planned = std::move(planned_);
  s.planned_held = std::move(planned_held_);
  s.planned_injected = std::move(planned_injected_);
  s.planned_segments = std::move(planned_segments_);
  s.held = std::move(held_);
  s.injected = std::move(injected_);
  s.segments = std::move(segments_);
  return s;
}

namespace {
enum Dir : std::uint32_t { kEast = 0, kWest = 1, kNorth = 2, kSouth = 3 };
}  // namespace

Route Noc::route(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes) {
  Route r;
  held_.clear();
  injected_.clear();
  segments_.clear();
  const int t = static_cast<int>(type);
  if (arch_.noc.kind == NocKind::kFlatMulticast) {
    segments_.push_back(0);
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
  ++epoch_;
  if (type == DataType::kWeight) {
    // Weights have no home cluster: they come from off-chip, and every weight router takes off-chip data
    // through its own GLB-cluster port (V2 §II, §III-C: its second source port). So each destination cluster
    // is fed through its own router (the one of the source PE's row), one injection each, and no mesh
    // link is held; an injection waits only for its own port (reserve()).
    for (std::uint32_t pe : dest_pes) {
      const std::uint32_t c = pe / ppc;
      if (cluster_stamp_[c] == epoch_) continue;  // another PE of a cluster already reached
      cluster_stamp_[c] = epoch_;
      ++r.clusters;
      const std::uint32_t port = first_port_[t] + c * routers_[t] + router;
      segments_.push_back(static_cast<std::uint32_t>(held_.size()));
      held_.push_back(&ports_[port]);
      injected_.push_back(port);
      ++r.injections;
    }
    r.max_hops = 1;
    return r;
  }
  // Extents per cluster column: iacts go X then Y, psums Y only.
  for (std::uint32_t pe : dest_pes) {
    const std::uint32_t c = pe / ppc;
    if (cluster_stamp_[c] == epoch_) continue;  // another PE of a cluster already reached
    cluster_stamp_[c] = epoch_;
    ++r.clusters;
    const std::uint32_t col = c % cols, row = c / cols;
    if (stamp_[col] != epoch_) {
      stamp_[col] = epoch_;
      lo_[col] = hi_[col] = row;
    } else {
      lo_[col] = std::min(lo_[col], row);
      hi_[col] = std::max(hi_[col], row);
    }
  }
  const auto hold_line = [&](std::uint32_t fixed, std::uint32_t from, std::uint32_t lo, std::uint32_t hi, bool along_row) {
    // Links from `from` outwards to lo and hi on one row (along_row) or column; returns the farthest distance.
    const auto link = [&](std::uint32_t p, Dir d) -> PortServer& {
      const std::uint32_t cluster = along_row ? fixed * cols + p : p * cols + fixed;
      return links_[t][std::size_t{cluster} * 4 + d];
    };
    for (std::uint32_t p = from; p < hi; ++p) held_.push_back(&link(p, along_row ? kEast : kSouth));
    for (std::uint32_t p = from; p > lo; --p) held_.push_back(&link(p, along_row ? kWest : kNorth));
    r.links += (hi > from ? hi - from : 0) + (from > lo ? from - lo : 0);
    return std::max(hi > from ? hi - from : 0, from > lo ? from - lo : 0);
  };
  if (type == DataType::kIact) {
    // One injection at the source: X along the source row to every column with destinations, then Y
    // down/up each such column.
    std::uint32_t col_lo = sc, col_hi = sc;
    for (std::uint32_t c = 0; c < cols; ++c) {
      if (stamp_[c] != epoch_) continue;
      col_lo = std::min(col_lo, c);
      col_hi = std::max(col_hi, c);
    }
    segments_.push_back(0);
    held_.push_back(&ports_[port_of(type, src_pe)]);
    injected_.push_back(port_of(type, src_pe));
    r.injections = 1;
    hold_line(sr, sc, col_lo, col_hi, true);
    for (std::uint32_t c = 0; c < cols; ++c) {
      if (stamp_[c] != epoch_) continue;
      const std::uint32_t x = c > sc ? c - sc : sc - c;
      const std::uint32_t y = hold_line(c, sr, std::min(lo_[c], sr), std::max(hi_[c], sr), false);
      r.max_hops = std::max(r.max_hops, 1 + x + y);
    }
  } else {
    // Psums: one injection per cluster column with destinations, at the source's row, spreading vertically.
    for (std::uint32_t col = 0; col < cols; ++col) {
      if (stamp_[col] != epoch_) continue;
      const std::uint32_t port = first_port_[t] + (sr * cols + col) * routers_[t] + router;
      segments_.push_back(static_cast<std::uint32_t>(held_.size()));
      held_.push_back(&ports_[port]);
      injected_.push_back(port);
      ++r.injections;
      const std::uint32_t d = hold_line(col, sr, std::min(lo_[col], sr), std::max(hi_[col], sr), false);
      r.max_hops = std::max(r.max_hops, 1 + d);
    }
  }
  return r;
}

Transfer Noc::multicast(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes, std::uint64_t ready,
                        std::uint64_t bits) {
  const Route r = route(type, src_pe, dest_pes);
  return reserve(type, r, held_, injected_, segments_, ready, bits);
}

std::uint32_t Noc::count_held(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes,
                              std::span<std::uint32_t> held) {
  route(type, src_pe, dest_pes);
  const int t = static_cast<int>(type);
  const std::size_t link_base = ports_.size() + std::size_t(t) * links_[0].size();
  std::uint32_t most = 0;
  // held_: per injection (from segments_[s]) its source port (injected_[s]), then its links.
  for (std::size_t s = 0; s < segments_.size(); ++s) {
    const std::size_t begin = segments_[s], end = s + 1 < segments_.size() ? segments_[s + 1] : held_.size();
    most = std::max(most, ++held[injected_[s]]);
    for (std::size_t i = begin + 1; i < end; ++i)
      most = std::max(most, ++held[link_base + static_cast<std::size_t>(held_[i] - links_[t].data())]);
  }
  return most;
}

std::uint32_t Noc::plan_route(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes) {
  const Route r = route(type, src_pe, dest_pes);
  PlannedRoute p{type, r, static_cast<std::uint32_t>(planned_held_.size()), 0,
                 static_cast<std::uint32_t>(planned_injected_.size()), 0,
                 static_cast<std::uint32_t>(planned_segments_.size()), 0};
  planned_segments_.insert(planned_segments_.end(), segments_.begin(), segments_.end());
  p.segments_end = static_cast<std::uint32_t>(planned_segments_.size());
  planned_held_.insert(planned_held_.end(), held_.begin(), held_.end());
  planned_injected_.insert(planned_injected_.end(), injected_.begin(), injected_.end());
  p.held_end = static_cast<std::uint32_t>(planned_held_.size());
  p.injected_end = static_cast<std::uint32_t>(planned_injected_.size());
  planned_.push_back(p);
  return static_cast<std::uint32_t>(planned_.size() - 1);
}

void Noc::save_planned(PlannedRoutes& out) const {
  out.routes = planned_;
  out.injected = planned_injected_;
  out.segments = planned_segments_;
  // A held server by number: ports first, then the mesh links of each data type (servers()).
  out.held.resize(planned_held_.size());
  for (std::size_t i = 0; i < planned_held_.size(); ++i) {
    const PortServer* server = planned_held_[i];
    std::size_t number = 0;
    if (server >= ports_.data() && server < ports_.data() + ports_.size()) {
      number = static_cast<std::size_t>(server - ports_.data());
    } else {
      std::size_t t = 0;
      while (!(server >= links_[t].data() && server < links_[t].data() + links_[t].size())) ++t;
      number = ports_.size() + t * links_[0].size() + static_cast<std::size_t>(server - links_[t].data());
    }
    out.held[i] = static_cast<std::uint32_t>(number);
  }
}

void Noc::restore_planned(const PlannedRoutes& saved) {
  planned_ = saved.routes;
  planned_injected_ = saved.injected;
  planned_segments_ = saved.segments;
  planned_held_.resize(saved.held.size());
  const std::size_t ports = ports_.size(), links = links_[0].size();
  for (std::size_t i = 0; i < saved.held.size(); ++i) {
    const std::size_t number = saved.held[i];
    planned_held_[i] = number < ports ? &ports_[number] : &links_[(number - ports) / links][(number - ports) % links];
  }
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

// Noc: the ports of the on-chip network for the three data types, in either organisation:
// the hierarchical mesh of Eyeriss v2 §III (routers per cluster, a 2-D mesh between clusters) or the
// flat multicast buses of Eyeriss v1 (one bus per data type for the whole array).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hw/arch_spec.h"
#include "hw/port_server.h"

namespace eyesim::hw {

enum class DataType : std::uint8_t { kIact = 0, kWeight = 1, kPsum = 2 };

/// A multicast on one source port: starts when the port is free (and not before `ready`, when every
/// destination can take it); occupies the port for ceil(bits / width) cycles; reaches the farthest
/// destination `hops` router hops later.
struct Transfer {
  std::uint64_t start = 0;
  std::uint64_t end = 0;      ///< last bit leaves the source port
  std::uint64_t arrival = 0;  ///< last bit reaches the farthest destination
  /// The first word reaches the farthest destination (a PE can start on it). On the mesh a circuit is
  /// held for the whole transfer, so the first word leaves at `start`. On V1's flat buses every word
  /// carries its own (row, col) tag (V1 §IV-B: the multicast controllers match each word's tag), so the
  /// words of transfers queued on the bus interleave: the first word leaves as soon as the transfer is
  /// ready, while the last one still waits for every word queued before it (`end` is work-conserving).
  std::uint64_t first_word = 0;
};

/// The circuit a multicast holds in the hierarchical mesh (Eyeriss v2 §III-C, Fig. 10/11). iacts route
/// X then Y over the full mesh; weight routers have no vertical links, so each cluster row with a
/// destination is fed through its own router's off-chip port and the data spreads horizontally; psum
/// routers have no horizontal links, so each cluster column is fed from its own column.
struct Route {
  std::uint32_t clusters = 0;     ///< destination clusters (flat NoC: PE rows, X-buses) reached: one local hop each
  std::uint32_t injections = 0;   ///< source ports used (1 unless the link restrictions need more)
  std::uint32_t links = 0;        ///< inter-cluster mesh links held (flat NoC: the Y-bus)
  std::uint32_t max_hops = 0;     ///< router hops to the farthest destination, the local hop included
};

/// Timing: a transfer holds its source port(s) and every mesh link of its tree for ceil(bits / width)
/// cycles and starts only when all of them are free (the ready/enable handshake: source ready is the AND
/// of the destinations' readies); the last bit reaches the farthest PE max_hops x hop_latency later.
class Noc {
  struct PlannedRoute {
    DataType type;
    Route route;
    std::uint32_t held_begin, held_end, injected_begin, injected_end;  ///< ranges of planned_held_ / _injected_
    std::uint32_t segments_begin, segments_end;                        ///< range of planned_segments_
  };

 public:
  /// The Noc's tables (ports, links, route scratch, planned routes), lent by a caller that makes one Noc
  /// after another (Chip::Workspace, one per layer): a Noc made from them sets every one before use and
  /// keeps their capacity, and release() gives them back.
  class Storage {
   private:
    friend class Noc;
    std::vector<PortServer> ports, links[3];
    std::vector<std::uint32_t> stamp, lo, hi, cluster_stamp;
    std::vector<PlannedRoute> planned;
    std::vector<PortServer*> planned_held, held;
    std::vector<std::uint32_t> planned_injected, planned_segments, injected, segments;
  };

  explicit Noc(const ArchSpec& arch) : Noc(arch, Storage{}) {}
  Noc(const ArchSpec& arch, Storage&& storage);
  /// Hands the tables back (the Noc is then unusable).
  Storage release();

  /// The source port a PE's data of `type` uses: its cluster's router for the PE's row (iact, weight)
  /// or column (psum); the single bus of a flat NoC.
  std::uint32_t port_of(DataType type, std::uint32_t pe) const;

  /// Router hops from `from_pe`'s cluster to `to_pe`'s cluster, plus the hop into the PE cluster.
  std::uint32_t hops(std::uint32_t from_pe, std::uint32_t to_pe) const;

  /// Sends `bits` on `port` no earlier than `ready`; counts transfers and bits x hops.
  Transfer send(DataType type, std::uint32_t port, std::uint64_t ready, std::uint64_t bits, std::uint32_t hops);

  /// The tree a multicast from `src_pe`'s router to the PEs `dest_pes` uses (flat NoC: one bus, one hop of
  /// latency; for energy the Y-bus and the X-bus of every PE row with a destination).
  /// Fills the internal reservation list; no state changes that matter between calls.
  Route route(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes);

  /// One multicast: reserves the source port(s) and the links of route(), no earlier than `ready`, and
  /// counts one transfer and bits x (links + destination clusters) as bit-hops.
  Transfer multicast(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes, std::uint64_t ready,
                     std::uint64_t bits);

  /// The servers a multicast can hold: every port, then every mesh link of each data type (for count_held).
  std::size_t servers() const { return ports_.size() + 3 * links_[0].size(); }
  /// For estimates (hw/iact_tree_loads.h): adds 1 to `held[i]` for every server i (source port or mesh link,
  /// numbered as servers()) that the multicast route(type, src_pe, dest_pes) holds, and returns the largest
  /// count it leaves on one of them (multicasts that hold one server at once serialise on it). Reserves nothing.
  std::uint32_t count_held(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes,
                           std::span<std::uint32_t> held);

  /// A multicast repeated with the same source and destinations (a lane's iact rows, a group's weight
  /// tiles): its route is computed once, at set-up, and reused by multicast(id, ...).
  std::uint32_t plan_route(DataType type, std::uint32_t src_pe, std::span<const std::uint32_t> dest_pes);
  Transfer multicast(std::uint32_t planned_route, std::uint64_t ready, std::uint64_t bits);

  /// Every route planned so far, kept apart from any Noc: a caller that plans the same routes again (a
  /// later layer wired as an earlier one, Chip::Workspace) restores them instead (routing is most of a
  /// chip's set-up). The servers a route holds are kept by number (as servers() counts them), not by address.
  class PlannedRoutes {
   private:
    friend class Noc;
    std::vector<PlannedRoute> routes;
    std::vector<std::uint32_t> held, injected, segments;
  };
  void save_planned(PlannedRoutes& out) const;
  /// Replaces the planned routes with `saved` (from save_planned of a Noc of the same architecture): route
  /// ids are those they had there.
  void restore_planned(const PlannedRoutes& saved);
  /// Counts `bits` delivered over one more local hop (a multicast's extra destinations).
  void count_delivery(DataType t, std::uint64_t bits) { bit_hops_[static_cast<int>(t)] += bits; }
  /// Counts `bits` carried over the last hop of a planned multicast only, into each of its destination
  /// clusters (flat NoC: the X-bus of each PE row): what the route's destinations pay when another
  /// multicast already brought the data past the links (row-stationary sharing, Chip::on_lane_step).
  /// A multicast itself pays the same per destination cluster, plus its links.
  void count_last_hops(std::uint32_t planned_route, std::uint64_t bits) {
    const PlannedRoute& p = planned_[planned_route];
    bit_hops_[static_cast<int>(p.type)] += bits * p.route.clusters;
  }
  std::uint64_t transfers(DataType t) const { return transfers_[static_cast<int>(t)]; }
  std::uint64_t bit_hops(DataType t) const { return bit_hops_[static_cast<int>(t)]; }
  /// All ports, iact ports first, then weight, then psum (the order of LayerTraces::port_*).
  const std::vector<PortServer>& ports() const { return ports_; }

 private:
  const ArchSpec& arch_;
  std::uint32_t first_port_[3] = {0, 0, 0};
  std::uint32_t routers_[3] = {1, 1, 1};
  std::uint32_t width_[3] = {1, 1, 1};
  std::vector<PortServer> ports_;
  /// Mesh links per data type: [cluster * 4 + direction] (east, west, north, south out of the cluster).
  std::vector<PortServer> links_[3];
  // Scratch for route(), sized once: per-column / per-row extents stamped with an epoch (no clearing).
  std::vector<std::uint32_t> stamp_, lo_, hi_;
  std::uint32_t epoch_ = 0;
  std::vector<std::uint32_t> cluster_stamp_;
  std::vector<PlannedRoute> planned_;
  std::vector<PortServer*> planned_held_;
  std::vector<std::uint32_t> planned_injected_;
  std::vector<std::uint32_t> planned_segments_;
  /// When the first word of a transfer ready at `ready` and started at `start` reaches `hops` away.
  std::uint64_t first_word(std::uint64_t ready, std::uint64_t start, std::uint32_t hops) const;
  Transfer reserve(DataType type, const Route& r, std::span<PortServer* const> held,
                   std::span<const std::uint32_t> injected, std::span<const std::uint32_t> segments, std::uint64_t ready,
                   std::uint64_t bits);
  std::vector<PortServer*> held_;       ///< what the route holds: per injection, its source port, then its links
  std::vector<std::uint32_t> injected_; ///< the source ports among them
  std::vector<std::uint32_t> segments_; ///< where each injection's part of held_ begins
  std::uint64_t transfers_[3] = {0, 0, 0};
  std::uint64_t bit_hops_[3] = {0, 0, 0};
};

// The per-event path, inline: a Transfer returned across a call is written and re-read through memory
// (a store-forwarding stall on every lane step).
inline std::uint64_t Noc::first_word(std::uint64_t ready, std::uint64_t start, std::uint32_t hops) const {
  const std::uint64_t leaves = arch_.noc.kind == NocKind::kFlatMulticast ? ready : start;  // tagged words interleave
  return leaves + std::uint64_t{hops} * arch_.noc.hop_latency_cycles + 1;
}

inline Transfer Noc::reserve(DataType type, const Route& r, std::span<PortServer* const> held,
                             std::span<const std::uint32_t> injected, std::span<const std::uint32_t> segments,
                             std::uint64_t ready, std::uint64_t bits) {
  const int t = static_cast<int>(type);
  const std::uint64_t cycles = (bits + width_[t] - 1) / width_[t];
  // Each injection is a source of its own (its router's off-chip / GLB port) with its own handshake: its
  // port and the links of its part of the tree start when they are free, independently of the others.
  std::uint64_t start = ready;
  const std::size_t n = segments.size();
  for (std::size_t s = 0; s < n; ++s) {
    const std::size_t begin = segments[s], end = s + 1 < n ? segments[s + 1] : held.size();
    std::uint64_t seg_start = ready;
    for (std::size_t i = begin; i < end; ++i) seg_start = std::max(seg_start, held[i]->free_at());
    for (std::size_t i = begin; i < end; ++i) held[i]->reserve(seg_start, cycles);
    start = std::max(start, seg_start);
  }
  for (std::uint32_t port : injected) ports_[port].bits += bits;
  ++transfers_[t];
  bit_hops_[t] += bits * (std::uint64_t{r.links} + r.clusters);
  Transfer x;
  x.start = start;  // the last injection's start
  x.end = start + cycles;
  x.arrival = x.end + std::uint64_t{r.max_hops} * arch_.noc.hop_latency_cycles;
  x.first_word = first_word(ready, start, r.max_hops);
  return x;
}

inline Transfer Noc::multicast(std::uint32_t planned_route, std::uint64_t ready, std::uint64_t bits) {
  const PlannedRoute& p = planned_[planned_route];
  return reserve(p.type, p.route, std::span(planned_held_).subspan(p.held_begin, p.held_end - p.held_begin),
                 std::span(planned_injected_).subspan(p.injected_begin, p.injected_end - p.injected_begin),
                 std::span(planned_segments_).subspan(p.segments_begin, p.segments_end - p.segments_begin), ready, bits);
}

inline Transfer Noc::send(DataType type, std::uint32_t port, std::uint64_t ready, std::uint64_t bits, std::uint32_t hops) {
  const int t = static_cast<int>(type);
  const std::uint64_t cycles = (bits + width_[t] - 1) / width_[t];
  PortServer& p = ports_[port];
  Transfer x;
  x.start = p.reserve(ready, cycles);
  x.end = x.start + cycles;
  x.arrival = x.end + std::uint64_t{hops} * arch_.noc.hop_latency_cycles;
  x.first_word = first_word(ready, x.start, hops);
  p.bits += bits;
  ++transfers_[t];
  bit_hops_[t] += bits * hops;
  return x;
}

}  // namespace eyesim::hw

// estimated_costs: the relative simulation cost of a sweep's points, before any is simulated, for the
// longest-first schedule, the cost-balanced shards (sweep/shard.h), the progress line's ETA and the dry
// run's extrapolation; and the groups and classes of points whose times the dry run and the ETA learn.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hw/arch_spec.h"
#include "sweep/design_point.h"

namespace eyesim::sweep {

/// One cost per point, in the points' order (> 0; only ratios mean anything). A heuristic measured on the
/// built-in networks and presets (docs/sweeps.md, "What a point costs"): a network's simulation time grows
/// about as its nominal MACs x batch to the power 2/3, as the square root of the density scales it is
/// run at, and with the array only beyond 192 PEs, as (PEs / 192)^0.45. A network file is read once per
/// path for its MACs; one that cannot be read counts as 10^8 MACs (its points fail anyway).
std::vector<double> estimated_costs(const std::vector<DesignPoint>& points);

/// The time of the points of one (workload group, architecture class) pair, as the dry run measures or
/// infers it (sweep/timing_table.h): a point takes warm.seconds(cost) on data other points already used
/// with the same array size, cold.seconds(cost) otherwise (its first simulation builds weight-tile count
/// tables that later points reuse; their number grows with the array); preparing one workload's data
/// takes prepare_seconds.
struct GroupTiming {
  struct Curve {
    double scale = 0;
    double exponent = 1;
    double seconds(double cost) const;  ///< scale x cost^exponent
  };
  Curve warm, cold;
  double prepare_seconds = 0;
};

/// "network|batch|iact scale|weight scale": a network at one batch and density scales, any seed. The
/// density scales are part of it because they change what a point costs in ways estimated_costs does not
/// follow (sparse weights build weight-tile count tables a dense layer does not need).
std::string workload_group(const DesignPoint& p);

/// A workload group's "network|batch": what its groups at other density scales share.
std::string_view workload_network(std::string_view group);

/// The architecture's class, as the dry run and the progress line time it: its NoC kind, its PE kind and
/// its DRAM bandwidth by octave ([2^k, 2^(k+1)) GB/s; unlimited is a class of its own). Each changes a
/// point's simulation time by a factor that depends on the network (1.5-4.4x for the JSSC chip against
/// eyeriss_v2, 5-6x from the fastest to the slowest DRAM), where estimated_costs sees only the array size
/// (docs/sweeps.md, "What a point costs"); octaves keep a sweep over sampled bandwidths to a few classes.
struct ArchClass {
  static constexpr std::int32_t kUnlimited = std::numeric_limits<std::int32_t>::min();
  hw::NocKind noc = hw::NocKind::kHierarchicalMesh;
  hw::PeKind pe = hw::PeKind::kSparse;
  std::int32_t dram_octave = kUnlimited;  ///< floor(log2(bandwidth in GB/s))
  friend auto operator<=>(const ArchClass&, const ArchClass&) = default;
  /// "hierarchical_mesh/sparse", "flat_multicast/dense/DRAM 0.25-0.5 GB/s".
  std::string label() const;
};
ArchClass arch_class(const hw::ArchSpec& arch);

}  // namespace eyesim::sweep

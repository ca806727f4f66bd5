// estimated_costs: the relative simulation cost of a sweep's points, before any is simulated, for the
// longest-first schedule, the cost-balanced shards (sweep/shard.h), the progress line's ETA and the dry
// run's extrapolation.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
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

/// What the dry run measured of one (workload group, architecture class) pair: a point of it takes
/// warm.seconds(cost) on data other points already used with the same array size, cold.seconds(cost)
/// otherwise (its first simulation builds weight-tile count tables that later points reuse; their number
/// grows with the array), each fitted through the pair's cheapest and costliest point; and preparing one
/// workload's data takes prepare_seconds.
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

/// The architecture's class, as the dry run and the progress line time it: its NoC kind, its PE kind and
/// its DRAM bandwidth by octave ([2^k, 2^(k+1)) GB/s; unlimited is a class of its own). Each changes a
/// point's simulation time by up to 2x, differently per network, where estimated_costs sees only the
/// array size (docs/sweeps.md, "What a point costs"); octaves keep a sweep over sampled bandwidths to a
/// few classes.
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

/// The dry run's timings: those it measured, per (workload group, architecture class) pair, and an
/// inference for the pairs it did not measure (it measures at most a few).
class TimingTable {
 public:
  /// The measured timing of p's pair; `cost` is the estimated cost of the cheapest point measured, where
  /// its curves are compared with the other pairs'.
  void add(const DesignPoint& p, double cost, const GroupTiming& timing);
  std::size_t size() const { return measured_.size(); }

  /// p's pair's timing: as measured; else, per unit of cost (exponent 1), exp(workload term + class term),
  /// the two terms fitted by least squares to the measured pairs' log seconds per unit of cost (warm and
  /// cold separately), so that a pair inherits what its network costs on other architectures and what its
  /// architecture costs with other networks. A workload group (class) that no measured pair has takes the
  /// mean workload term (no class term). Data preparation: the workload group's measured time, else the
  /// mean. Nothing measured: zero.
  GroupTiming timing_of(const DesignPoint& p) const;

 private:
  struct Sample {
    std::string workload, cls;
    double log_warm, log_cold;  ///< log seconds per unit of cost at the sample's cost
  };
  struct Fit {
    std::map<std::string, double> workload, cls;
    double mean_workload = 0;
    double at(const std::string& w, const std::string& c) const;
  };
  static Fit fit(const std::vector<Sample>& samples, double Sample::*y);

  std::map<std::pair<std::string, std::string>, GroupTiming> measured_;
  std::map<std::string, double> prepare_seconds_;  ///< per workload group
  std::vector<Sample> samples_;
  Fit warm_, cold_;
};

/// The wall time of a sweep of `points` (with `costs`, estimated_costs's) on `threads` workers: the first
/// point of each (workload, PE count) takes its pair's cold time, the others its warm time
/// (timings.timing_of), and each distinct workload (network, seed, batch, density scales) its data
/// preparation once. Points with an invalid architecture cost nothing. Ideal parallelism: the sum over
/// `threads`.
double extrapolate_seconds(const std::vector<DesignPoint>& points, const std::vector<double>& costs,
                           const TimingTable& timings, unsigned threads);

}  // namespace eyesim::sweep

// estimated_costs: the relative simulation cost of a sweep's points, before any is simulated, for the
// longest-first schedule, the cost-balanced shards (sweep/shard.h), the progress line's ETA and the dry
// run's extrapolation.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sweep/design_point.h"

namespace eyesim::sweep {

/// One cost per point, in the points' order (> 0; only ratios mean anything). A heuristic measured on the
/// built-in networks and presets (docs/sweeps.md, "What a point costs"): a network's simulation time grows
/// about as its nominal MACs x batch to the power 2/3, as the square root of the density scales it is
/// run at, and with the array only beyond 192 PEs, as (PEs / 192)^0.45. A network file is read once per
/// path for its MACs; one that cannot be read counts as 10^8 MACs (its points fail anyway).
std::vector<double> estimated_costs(const std::vector<DesignPoint>& points);

/// What the dry run measured of one workload group (a network at one batch and density scales, any seed):
/// a point of it takes warm.seconds(cost) on data other points already used with the same array size,
/// cold.seconds(cost) otherwise (its first simulation builds weight-tile count tables that later points
/// reuse; their number grows with the array), each fitted through the group's cheapest and costliest
/// point; and preparing one workload's data takes prepare_seconds.
struct GroupTiming {
  struct Curve {
    double scale = 0;
    double exponent = 1;
    double seconds(double cost) const;  ///< scale x cost^exponent
  };
  Curve warm, cold;
  double prepare_seconds = 0;
};

/// The wall time of a sweep of `points` (with `costs`, estimated_costs's) on `threads` workers: the first
/// point of each (workload, PE count) takes its group's cold time, the others its warm time, and each
/// distinct workload (network, seed, batch, density scales) its data preparation once. `timings` is keyed by
/// timing_key; a group without a timing is charged `fallback` (the mean of the measured ones).
/// Points with an invalid architecture cost nothing. Ideal parallelism: the sum over `threads`.
double extrapolate_seconds(const std::vector<DesignPoint>& points, const std::vector<double>& costs,
                           const std::map<std::string, GroupTiming>& timings, const GroupTiming& fallback,
                           unsigned threads);

/// "network|batch|iact scale|weight scale": the group of extrapolate_seconds's timings. The density scales
/// are part of it because they change what a point costs in ways the cost heuristic does not follow
/// (sparse weights build weight-tile count tables a dense layer does not need).
std::string timing_key(const DesignPoint& p);

}  // namespace eyesim::sweep

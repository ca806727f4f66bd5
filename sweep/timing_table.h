// TimingTable and extrapolate_seconds: the dry run's run-time estimate, from a few of the sweep's own
// points simulated (tools/sweep_command.cpp) to every point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sweep/design_point.h"
#include "sweep/point_cost.h"

namespace eyesim::sweep {

/// One point the dry run simulated: its estimated cost (estimated_costs), and in seconds its simulation
/// on freshly prepared data (cold), again on the same data (warm), and the data's preparation.
struct Probe {
  double cost = 0, warm = 0, cold = 0, prepare = 0;
};

/// The dry run's timings: those it measured, per (workload group, architecture class) pair, and an
/// inference for the pairs it did not (it measures a few: docs/sweeps.md).
class TimingTable {
 public:
  /// The probes of p's pair: its cheapest point, and its costliest when the dry run told them apart. With
  /// two, the pair's cold and warm times are each fitted as scale x cost^exponent through them (exponent
  /// clamped to [0, 3]), and the exponents stand for the other pairs of its workload group (a network's
  /// time grows with the array alike on every class); with one, the pair takes those exponents.
  void add(const DesignPoint& p, const Probe& cheapest, const std::optional<Probe>& costliest = std::nullopt);

  std::size_t size() const { return pairs_.size(); }
  /// Whether a pair of p's workload group was measured at two points (its exponents are then known).
  bool has_exponents(const DesignPoint& p) const;

  /// p's pair's timing. Its exponents: its workload group's (the mean over its pairs measured at two
  /// points), else its network's (the mean over its groups at other densities that have them), else the
  /// mean of every such pair, else 1. A measured pair: through its points (one point:
  /// at those exponents). Otherwise its scale is exp(workload term + class term), the two terms fitted by
  /// least squares to the measured pairs' log scales (warm and cold separately), so that a pair inherits
  /// what its network costs on other classes and what its class costs with other networks; a workload
  /// group that no measured pair has takes its network's term (the mean over the measured groups of the
  /// same network and batch at other densities), else the mean workload term; a class no measured pair
  /// has, no class term. Data preparation: the workload group's measured time, else its network's mean,
  /// else the mean. Nothing measured: zero.
  GroupTiming timing_of(const DesignPoint& p) const;

 private:
  using Key = std::pair<std::string, ArchClass>;  ///< (workload_group, arch_class)
  struct Measured {
    Probe cheapest;
    std::optional<Probe> costliest;
  };
  /// y = workload term + class term over the measured pairs.
  struct Fit {
    std::map<std::string, double> workload;
    std::map<ArchClass, double> cls;
    double mean_workload = 0;
    double at(const std::string& w, const ArchClass& c) const;
  };
  struct Exponents {
    double warm = 1, cold = 1;
  };
  Exponents exponents_of(const std::string& workload) const;
  void refit();

  std::map<Key, Measured> pairs_;
  std::map<std::string, Exponents> group_exponents_;  ///< of the groups with a pair measured at two points
  Exponents mean_exponents_;
  std::map<Key, GroupTiming> measured_timing_;
  std::map<std::string, double> prepare_seconds_;  ///< per workload group
  double mean_prepare_seconds_ = 0;
  Fit warm_, cold_;
};

/// The wall time of simulating the points `ids` of `points` (a sweep's, or a shard's: sweep/shard.h; with
/// `costs`, estimated_costs's of every point) on `threads` workers: the first point of each (workload, PE
/// count) takes its pair's cold time, the others its warm time (timings.timing_of), and each distinct
/// workload (network, seed, batch, density scales) its data preparation once. Points with an invalid
/// architecture cost nothing. Ideal parallelism: the sum over `threads`.
double extrapolate_seconds(const std::vector<DesignPoint>& points, const std::vector<std::uint64_t>& ids,
                           const std::vector<double>& costs, const TimingTable& timings, unsigned threads);

}  // namespace eyesim::sweep

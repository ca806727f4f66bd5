// TimingTable and extrapolate_seconds: see timing_table.h.
#include "sweep/timing_table.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "sweep/workload_key.h"

namespace eyesim::sweep {
namespace {

/// The exponent of scale x cost^exponent through two probes' times (ya at a.cost, yb at b.cost).
double exponent_through(double a_cost, double ya, double b_cost, double yb) {
  if (ya <= 0 || yb <= 0) return 1.0;
  return std::clamp(std::log(yb / ya) / std::log(b_cost / a_cost), 0.0, 3.0);
}

/// log of a measured time (at least a nanosecond: a clock can read 0).
double log_seconds(double s) { return std::log(std::max(s, 1e-9)); }

/// The mean of `terms` over the workload groups of `w`'s network and batch (workload_group's first two
/// fields: a group of the same network at other densities), or nullopt when none was measured.
std::optional<double> same_network_mean(const std::map<std::string, double>& terms, const std::string& w) {
  const std::string_view network = workload_network(w);
  double sum = 0;
  int n = 0;
  for (const auto& [group, term] : terms)
    if (workload_network(group) == network) sum += term, ++n;
  if (n == 0) return std::nullopt;
  return sum / n;
}

}  // namespace

double TimingTable::Fit::at(const std::string& w, const ArchClass& c) const {
  const auto wi = workload.find(w);
  const auto ci = cls.find(c);
  // An unmeasured workload group takes its network's term (the same network at other densities) before the
  // mean of all: with sampled densities every point is its own group, and the mean of the probed (the
  // costliest network's) charged a cheap network's points at its cost (an estimate 2x the run; helper-56).
  const double w_term = wi != workload.end() ? wi->second : same_network_mean(workload, w).value_or(mean_workload);
  return w_term + (ci == cls.end() ? 0.0 : ci->second);
}

void TimingTable::add(const DesignPoint& p, const Probe& cheapest, const std::optional<Probe>& costliest) {
  pairs_[{workload_group(p), arch_class(p.arch)}] = Measured{cheapest, costliest};
  refit();
}

bool TimingTable::has_exponents(const DesignPoint& p) const { return group_exponents_.count(workload_group(p)) > 0; }

TimingTable::Exponents TimingTable::exponents_of(const std::string& workload) const {
  if (const auto it = group_exponents_.find(workload); it != group_exponents_.end()) return it->second;
  // Its network's at other densities, as its workload term is (helper-59), else the mean of all.
  const std::string_view network = workload_network(workload);
  Exponents sum{0, 0};
  int n = 0;
  for (const auto& [group, e] : group_exponents_)
    if (workload_network(group) == network) sum.warm += e.warm, sum.cold += e.cold, ++n;
  return n > 0 ? Exponents{sum.warm / n, sum.cold / n} : mean_exponents_;
}

// Everything derived from the measured pairs, recomputed on every add (they are a dozen at most).
void TimingTable::refit() {
  // Exponents: per workload group, the mean over its pairs measured at two points; overall, the mean of those.
  std::map<std::string, std::pair<Exponents, int>> sums;
  Exponents total{0, 0};
  int fitted = 0;
  for (const auto& [key, m] : pairs_) {
    if (!m.costliest) continue;
    const Probe& a = m.cheapest;
    const Probe& b = *m.costliest;
    const Exponents e{exponent_through(a.cost, a.warm, b.cost, b.warm), exponent_through(a.cost, a.cold, b.cost, b.cold)};
    auto& [sum, n] = sums.try_emplace(key.first, Exponents{0, 0}, 0).first->second;  // (Exponents defaults to 1)
    sum.warm += e.warm, sum.cold += e.cold, ++n;
    total.warm += e.warm, total.cold += e.cold, ++fitted;
  }
  group_exponents_.clear();
  for (const auto& [w, sum_n] : sums)
    group_exponents_[w] = Exponents{sum_n.first.warm / sum_n.second, sum_n.first.cold / sum_n.second};
  mean_exponents_ = fitted > 0 ? Exponents{total.warm / fitted, total.cold / fitted} : Exponents{};

  // Each measured pair's curves, and its log scales (at its workload group's exponents, so that pairs of
  // one group compare) for the additive fit.
  struct Sample {
    std::string workload;
    ArchClass cls;
    double warm, cold;
  };
  std::vector<Sample> samples;
  measured_timing_.clear();
  prepare_seconds_.clear();
  for (const auto& [key, m] : pairs_) {
    const Exponents e = exponents_of(key.first);
    const Probe& a = m.cheapest;
    GroupTiming t;
    if (m.costliest) {
      const Probe& b = *m.costliest;
      t.warm.exponent = exponent_through(a.cost, a.warm, b.cost, b.warm);
      t.cold.exponent = exponent_through(a.cost, a.cold, b.cost, b.cold);
    } else {
      t.warm.exponent = e.warm;
      t.cold.exponent = e.cold;
    }
    t.warm.scale = a.warm / std::pow(a.cost, t.warm.exponent);
    t.cold.scale = a.cold / std::pow(a.cost, t.cold.exponent);
    t.prepare_seconds = a.prepare;
    measured_timing_[key] = t;
    prepare_seconds_[key.first] = a.prepare;
    samples.push_back({key.first, key.second, log_seconds(a.warm) - e.warm * std::log(a.cost),
                       log_seconds(a.cold) - e.cold * std::log(a.cost)});
  }
  mean_prepare_seconds_ = 0;
  for (const auto& [w, s] : prepare_seconds_) mean_prepare_seconds_ += s / double(prepare_seconds_.size());

  // y = workload term + class term, by alternating least squares: each term in turn the mean over its
  // samples of y less the other side's term. A fixed number of rounds converges on a dozen samples
  // (the tests check an exact and an overdetermined case). The class terms are then centred at 0, so
  // that an unseen class adds nothing.
  const auto fit = [&](double Sample::*y) {
    Fit f;
    for (const Sample& s : samples) f.workload[s.workload] = 0, f.cls[s.cls] = 0;
    const auto refit_side = [&](auto& terms, auto Sample::*side, const auto& other, auto Sample::*other_side) {
      for (auto& [name, term] : terms) {
        double sum = 0;
        int n = 0;
        for (const Sample& s : samples)
          if (s.*side == name) sum += s.*y - other.at(s.*other_side), ++n;
        term = sum / n;
      }
    };
    for (int round = 0; round < 200; ++round) {
      refit_side(f.workload, &Sample::workload, f.cls, &Sample::cls);
      refit_side(f.cls, &Sample::cls, f.workload, &Sample::workload);
    }
    double mean_cls = 0;
    for (const auto& [c, term] : f.cls) mean_cls += term / double(f.cls.size());
    for (auto& [c, term] : f.cls) term -= mean_cls;
    for (auto& [w, term] : f.workload) term += mean_cls, f.mean_workload += term / double(f.workload.size());
    return f;
  };
  warm_ = fit(&Sample::warm);
  cold_ = fit(&Sample::cold);
}

GroupTiming TimingTable::timing_of(const DesignPoint& p) const {
  const std::string w = workload_group(p);
  const ArchClass c = arch_class(p.arch);
  if (const auto it = measured_timing_.find({w, c}); it != measured_timing_.end()) return it->second;
  GroupTiming t;
  if (pairs_.empty()) return t;
  const Exponents e = exponents_of(w);
  t.warm = {std::exp(warm_.at(w, c)), e.warm};
  t.cold = {std::exp(cold_.at(w, c)), e.cold};
  const auto it = prepare_seconds_.find(w);
  t.prepare_seconds = it != prepare_seconds_.end() ? it->second
                                                   : same_network_mean(prepare_seconds_, w).value_or(mean_prepare_seconds_);
  return t;
}

double extrapolate_seconds(const std::vector<DesignPoint>& points, const std::vector<std::uint64_t>& ids,
                           const std::vector<double>& costs, const TimingTable& timings, unsigned threads) {
  double seconds = 0;
  std::set<WorkloadKey> prepared;
  std::set<std::pair<WorkloadKey, std::uint32_t>> simulated;  // (workload, PEs) already simulated once
  for (const std::uint64_t i : ids) {
    const DesignPoint& p = points[i];
    if (!p.invalid.empty()) continue;
    const GroupTiming t = timings.timing_of(p);
    const WorkloadKey w = key_of(p);
    if (prepared.insert(w).second) seconds += t.prepare_seconds;
    seconds += (simulated.emplace(w, p.arch.pes()).second ? t.cold : t.warm).seconds(costs[i]);
  }
  return seconds / std::max(1u, threads);
}

}  // namespace eyesim::sweep

// estimated_costs: see point_cost.h.
#include "sweep/point_cost.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "sweep/network_file.h"
#include "sweep/workload_key.h"
#include "workloads/network.h"

namespace eyesim::sweep {

std::vector<double> estimated_costs(const std::vector<DesignPoint>& points) {
  constexpr double kUnknownMacs = 1e8;
  std::map<std::string, double> macs_of;  // per network name or file path: files are read once
  const auto macs = [&](const std::string& network) {
    auto [it, fresh] = macs_of.try_emplace(network, kUnknownMacs);
    if (fresh) {
      try {
        it->second = static_cast<double>(resolve_network(network).macs());
      } catch (const std::exception&) {  // an unreadable file: its points fail when they run
      }
    }
    return it->second;
  };
  std::vector<double> costs;
  costs.reserve(points.size());
  for (const DesignPoint& p : points) {
    const double work = std::pow(std::max(1.0, macs(network_source(p)) * p.batch), 2.0 / 3.0);
    const double density = std::sqrt(std::clamp(p.iact_density_scale, 1e-6, 1.0) * std::clamp(p.weight_density_scale, 1e-6, 1.0));
    const double array = std::pow(std::max(1.0, double(p.arch.pes()) / 192.0), 0.45);
    costs.push_back(work * density * array);
  }
  return costs;
}

double GroupTiming::Curve::seconds(double cost) const { return scale * std::pow(cost, exponent); }

std::string workload_group(const DesignPoint& p) {
  return fmt::format("{}|{}|{}|{}", p.network, p.batch, p.iact_density_scale, p.weight_density_scale);
}

ArchClass arch_class(const hw::ArchSpec& arch) {
  ArchClass c;
  c.noc = arch.noc.kind;
  c.pe = arch.pe.kind;
  if (arch.dram.bandwidth_gbps > 0) c.dram_octave = static_cast<std::int32_t>(std::floor(std::log2(arch.dram.bandwidth_gbps)));
  return c;
}

std::string ArchClass::label() const {
  std::string text = fmt::format("{}/{}", hw::to_string(noc), hw::to_string(pe));
  if (dram_octave != kUnlimited)
    text += fmt::format("/DRAM {:g}-{:g} GB/s", std::ldexp(1.0, dram_octave), std::ldexp(1.0, dram_octave + 1));
  return text;
}

double TimingTable::Fit::at(const std::string& w, const std::string& c) const {
  const auto wi = workload.find(w);
  const auto ci = cls.find(c);
  return (wi == workload.end() ? mean_workload : wi->second) + (ci == cls.end() ? 0.0 : ci->second);
}

// y = workload term + class term, by alternating least squares: each term in turn the mean over its
// samples of y less the other side's term. The measured pairs are few (the dry run measures at most a
// dozen), and a fixed number of rounds converges to the least-squares fit (the tests check it on three
// pairs, where the fit is exact). The class terms are then centred at 0, so that an unseen class adds
// nothing.
TimingTable::Fit TimingTable::fit(const std::vector<Sample>& samples, double Sample::*y) {
  Fit f;
  for (const Sample& s : samples) f.workload[s.workload] = 0, f.cls[s.cls] = 0;
  const auto refit = [&](std::map<std::string, double>& terms, std::string Sample::*side,
                         const std::map<std::string, double>& other, std::string Sample::*other_side) {
    for (auto& [name, term] : terms) {
      double sum = 0;
      int n = 0;
      for (const Sample& s : samples)
        if (s.*side == name) sum += s.*y - other.at(s.*other_side), ++n;
      term = sum / n;
    }
  };
  for (int round = 0; round < 200; ++round) {
    refit(f.workload, &Sample::workload, f.cls, &Sample::cls);
    refit(f.cls, &Sample::cls, f.workload, &Sample::workload);
  }
  double mean_cls = 0;
  for (const auto& [c, term] : f.cls) mean_cls += term / double(f.cls.size());
  for (auto& [c, term] : f.cls) term -= mean_cls;
  for (auto& [w, term] : f.workload) term += mean_cls, f.mean_workload += term / double(f.workload.size());
  return f;
}

void TimingTable::add(const DesignPoint& p, double cost, const GroupTiming& timing) {
  const std::string w = workload_group(p), c = arch_class(p.arch).label();
  measured_[{w, c}] = timing;
  prepare_seconds_[w] = timing.prepare_seconds;
  const auto log_per_cost = [&](const GroupTiming::Curve& curve) {
    return std::log(std::max(curve.seconds(cost), 1e-9) / cost);
  };
  samples_.push_back({w, c, log_per_cost(timing.warm), log_per_cost(timing.cold)});
  warm_ = fit(samples_, &Sample::log_warm);
  cold_ = fit(samples_, &Sample::log_cold);
}

GroupTiming TimingTable::timing_of(const DesignPoint& p) const {
  const std::string w = workload_group(p), c = arch_class(p.arch).label();
  if (const auto it = measured_.find({w, c}); it != measured_.end()) return it->second;
  GroupTiming t;
  if (samples_.empty()) return t;
  t.warm.scale = std::exp(warm_.at(w, c));
  t.cold.scale = std::exp(cold_.at(w, c));
  if (const auto it = prepare_seconds_.find(w); it != prepare_seconds_.end()) {
    t.prepare_seconds = it->second;
  } else {
    for (const auto& [group, seconds] : prepare_seconds_) t.prepare_seconds += seconds / double(prepare_seconds_.size());
  }
  return t;
}

double extrapolate_seconds(const std::vector<DesignPoint>& points, const std::vector<double>& costs,
                           const TimingTable& timings, unsigned threads) {
  double seconds = 0;
  std::set<WorkloadKey> prepared;
  std::set<std::pair<WorkloadKey, std::uint32_t>> simulated;  // (workload, PEs) already simulated once
  for (std::size_t i = 0; i < points.size(); ++i) {
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

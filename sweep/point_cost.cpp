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

std::string timing_key(const DesignPoint& p) {
  return fmt::format("{}|{}|{}|{}", p.network, p.batch, p.iact_density_scale, p.weight_density_scale);
}

double extrapolate_seconds(const std::vector<DesignPoint>& points, const std::vector<double>& costs,
                           const std::map<std::string, GroupTiming>& timings, const GroupTiming& fallback,
                           unsigned threads) {
  double seconds = 0;
  std::set<WorkloadKey> prepared;
  std::set<std::pair<WorkloadKey, std::uint32_t>> simulated;  // (workload, PEs) already simulated once
  for (std::size_t i = 0; i < points.size(); ++i) {
    const DesignPoint& p = points[i];
    if (!p.invalid.empty()) continue;
    const auto it = timings.find(timing_key(p));
    const GroupTiming& t = it == timings.end() ? fallback : it->second;
    const WorkloadKey w = key_of(p);
    if (prepared.insert(w).second) seconds += t.prepare_seconds;
    seconds += (simulated.emplace(w, p.arch.pes()).second ? t.cold : t.warm).seconds(costs[i]);
  }
  return seconds / std::max(1u, threads);
}

}  // namespace eyesim::sweep

// estimated_costs: see point_cost.h.
#include "sweep/point_cost.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "sweep/network_file.h"
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

std::string_view workload_network(std::string_view group) {
  const std::size_t network_end = group.rfind('|', group.rfind('|') - 1);  // before the two density fields
  return network_end == std::string_view::npos ? group : group.substr(0, network_end);
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

}  // namespace eyesim::sweep

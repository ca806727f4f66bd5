// estimated_memory, estimated_peak_bytes: see point_memory.h.
#include "sweep/point_memory.h"

#include <algorithm>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <tuple>

#include "sweep/network_file.h"
#include "sweep/result_tables.h"
#include "sweep/workload_key.h"
#include "workloads/network.h"

namespace eyesim::sweep {
namespace {

/// A layer's operand as eyesim prepares it: its values, and, when sparse, its non-zero index.
double operand_bytes(double count, double rows, const workloads::DensitySpec& d, double bytes_per_nonzero) {
  const double density = d.mask_file.empty() ? d.density : 0.5;  // a mask's density is known only once read
  if (density >= 1.0) return count;
  return count + density * count * bytes_per_nonzero + 4.0 * rows;
}

double network_bytes(const workloads::Network& net, std::uint32_t batch) {
  double bytes = 0;
  for (const workloads::LayerSpec& l : net.layers) {
    const workloads::LayerShape& s = l.shape;
    const double iacts = double(s.iact_count()) * batch;
    const double weights = double(s.weight_count());
    bytes += operand_bytes(iacts, double(batch) * s.g * s.c * s.h, l.iacts, 2.0);  // positions (uint16)
    bytes += operand_bytes(weights, double(s.g) * s.c * s.r * s.s, l.weights, 3.0);  // positions and values
    if (l.weights.density < 1.0 || !l.weights.mask_file.empty()) bytes += weights / 4;  // two count tables
  }
  return bytes;
}

}  // namespace

PointMemory estimated_memory(const std::vector<DesignPoint>& points) {
  const ResultTables tables;
  const double layer_row = tables.layers().row_bytes(), run_row = tables.runs().row_bytes();
  std::map<std::string, workloads::Network> networks;  // per name or path: files are read once
  std::map<WorkloadKey, std::uint32_t> index;
  PointMemory m;
  m.workload.reserve(points.size());
  m.result_bytes.reserve(points.size());
  std::optional<std::uint32_t> no_data;  // the workload of the points with an invalid architecture
  for (const DesignPoint& p : points) {
    if (!p.invalid.empty()) {  // it fails unsimulated, without preparing its data, and holds a failure row
      if (!no_data) {
        no_data = static_cast<std::uint32_t>(m.workload_bytes.size());
        m.workload_bytes.push_back(0);
      }
      m.workload.push_back(*no_data);
      m.result_bytes.push_back(run_row);
      continue;
    }
    auto [net, fresh] = networks.try_emplace(network_source(p));
    if (fresh) {
      try {
        net->second = resolve_network(network_source(p));
      } catch (const std::exception&) {  // an unreadable file: its points fail when they run
      }
    }
    const auto [w, unseen] = index.try_emplace(key_of(p), static_cast<std::uint32_t>(m.workload_bytes.size()));
    if (unseen) {
      workloads::Network scaled = net->second;
      scale_densities(scaled, p.iact_density_scale, p.weight_density_scale);
      m.workload_bytes.push_back(network_bytes(scaled, p.batch));
    }
    m.workload.push_back(w->second);
    const double layers = double(net->second.layers.size());
    m.result_bytes.push_back(run_row + layers * (layer_row + 8.0 * (3.0 + 2.0 * 0.75) * p.arch.pes()));
  }
  return m;
}

double estimated_peak_bytes(const std::vector<std::uint64_t>& order, const std::vector<double>& costs,
                            const PointMemory& memory, std::size_t workers) {
  std::vector<std::size_t> left(memory.workload_bytes.size(), 0);  // per workload: its points of `order` not done
  for (std::uint64_t id : order) ++left[memory.workload[id]];
  std::vector<char> started(left.size(), 0), finished(memory.workload.size(), 0);
  std::vector<std::uint64_t> by_id = order;  // the writer's order
  std::sort(by_id.begin(), by_id.end());
  double held = 0, peak = 0;
  std::size_t next = 0, written = 0;
  using Running = std::tuple<double, std::size_t, std::uint64_t>;  // (end, start order, id): a deterministic heap
  std::priority_queue<Running, std::vector<Running>, std::greater<>> running;
  const auto start = [&](double now) {
    const std::uint64_t id = order[next];
    if (const std::uint32_t w = memory.workload[id]; !started[w]) {
      started[w] = 1;
      held += memory.workload_bytes[w];
    }
    running.emplace(now + costs[id], next++, id);
    peak = std::max(peak, held);
  };
  while (next < order.size() && running.size() < std::max<std::size_t>(1, workers)) start(0.0);
  while (!running.empty()) {
    const auto [end, seq, id] = running.top();
    running.pop();
    held += memory.result_bytes[id];  // built while its data is still held
    peak = std::max(peak, held);
    finished[id] = 1;
    if (const std::uint32_t w = memory.workload[id]; --left[w] == 0) held -= memory.workload_bytes[w];
    for (; written < by_id.size() && finished[by_id[written]]; ++written) held -= memory.result_bytes[by_id[written]];
    if (next < order.size()) start(end);
  }
  return peak;
}

double point_list_bytes(const std::vector<DesignPoint>& points) {
  // A string's text is on the heap beyond the 15 characters std::string keeps inside itself.
  const auto heap = [](const std::string& s) { return s.capacity() > 15 ? double(s.capacity() + 1) : 0.0; };
  double bytes = double(points.capacity()) * double(sizeof(DesignPoint));
  for (const DesignPoint& p : points) {
    bytes += heap(p.network) + heap(p.network_file) + heap(p.arch.name) + double(p.invalid.capacity() * sizeof(std::string));
    for (const std::string& s : p.invalid) bytes += heap(s);
  }
  return bytes;
}

}  // namespace eyesim::sweep

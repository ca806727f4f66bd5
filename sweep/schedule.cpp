// schedule_points: see schedule.h.
#include "sweep/schedule.h"

#include <algorithm>
#include <set>

#include "sweep/workload_key.h"

namespace eyesim::sweep {

std::vector<std::uint64_t> schedule_points(const std::vector<std::uint64_t>& todo, const std::vector<double>& costs,
                                           const std::vector<DesignPoint>& points, std::size_t workers) {
  const std::size_t ahead = std::min(todo.size(), 2 * std::max<std::size_t>(1, workers));
  std::vector<std::uint64_t> order = todo;
  std::stable_sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) { return costs[a] > costs[b]; });
  order.resize(ahead);
  std::set<std::uint64_t> moved(order.begin(), order.end());
  std::set<WorkloadKey> seen;
  for (std::uint64_t id : order) seen.insert(key_of(points[id]));
  for (std::uint64_t id : todo) {
    if (seen.size() >= ahead) break;
    if (!moved.count(id) && seen.insert(key_of(points[id])).second) {
      order.push_back(id);
      moved.insert(id);
    }
  }
  for (std::uint64_t id : todo)
    if (!moved.count(id)) order.push_back(id);
  return order;
}

}  // namespace eyesim::sweep

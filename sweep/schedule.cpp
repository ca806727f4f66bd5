// schedule_points: see schedule.h.
#include "sweep/schedule.h"

#include <algorithm>
#include <set>
#include <utility>

namespace eyesim::sweep {

Schedule schedule_points(const std::vector<std::uint64_t>& todo, const std::vector<double>& costs,
                         const PointMemory& memory, std::size_t workers) {
  const std::size_t ahead = std::min(todo.size(), 2 * std::max<std::size_t>(1, workers));
  std::vector<std::uint64_t> head = todo;
  std::stable_sort(head.begin(), head.end(), [&](std::uint64_t a, std::uint64_t b) { return costs[a] > costs[b]; });
  head.resize(ahead);
  std::set<std::uint64_t> moved(head.begin(), head.end());
  const std::vector<std::uint32_t>& workload = memory.workload;
  std::set<std::uint32_t> seen;
  for (std::uint64_t id : head) seen.insert(workload[id]);
  for (std::uint64_t id : todo) {
    if (seen.size() >= ahead) break;
    if (!moved.count(id) && seen.insert(workload[id]).second) {
      head.push_back(id);
      moved.insert(id);
    }
  }
  Schedule s;
  s.order = head;
  for (std::uint64_t id : todo)
    if (!moved.count(id)) s.order.push_back(id);
  s.peak_bytes = s.id_order_peak_bytes = estimated_peak_bytes(s.order, costs, memory, workers);

  // The workload order: the rest grouped by the rank at which the head, then the ids, first reach a workload.
  constexpr std::uint32_t kUnranked = ~std::uint32_t{0};
  std::vector<std::uint32_t> rank(memory.workload_bytes.size(), kUnranked);
  std::uint32_t ranked = 0;
  const auto rank_from = [&](const std::vector<std::uint64_t>& ids) {
    for (std::uint64_t id : ids)
      if (rank[workload[id]] == kUnranked) rank[workload[id]] = ranked++;
  };
  rank_from(head);
  rank_from(todo);
  std::vector<std::uint64_t> rest(s.order.begin() + std::ptrdiff_t(head.size()), s.order.end());
  std::stable_sort(rest.begin(), rest.end(),
                   [&](std::uint64_t a, std::uint64_t b) { return rank[workload[a]] < rank[workload[b]]; });
  // The groups taken `workers` at a time, one point of each in turn (a group that ends gives its turn to the
  // next), so that each worker is mostly on a workload of its own: a worker that took a point of a workload
  // another worker is still preparing would wait for it.
  std::vector<std::uint64_t> grouped = head;
  grouped.reserve(s.order.size());
  std::vector<std::pair<std::size_t, std::size_t>> turns;  // [begin, end) of `rest` per group in turn
  std::size_t next_group = 0;
  const auto take_group = [&]() -> bool {
    if (next_group >= rest.size()) return false;
    std::size_t end = next_group + 1;
    while (end < rest.size() && workload[rest[end]] == workload[rest[next_group]]) ++end;
    turns.emplace_back(next_group, end);
    next_group = end;
    return true;
  };
  while (turns.size() < std::max<std::size_t>(1, workers) && take_group()) {
  }
  while (!turns.empty()) {
    for (std::size_t t = 0; t < turns.size();) {
      grouped.push_back(rest[turns[t].first++]);
      if (turns[t].first < turns[t].second) {
        ++t;
      } else if (next_group < rest.size()) {
        take_group();
        turns[t] = turns.back();  // the next group takes this turn
        turns.pop_back();
        ++t;
      } else {
        turns.erase(turns.begin() + std::ptrdiff_t(t));
      }
    }
  }
  if (grouped == s.order) return s;
  const double peak = estimated_peak_bytes(grouped, costs, memory, workers);
  if (peak <= 0.75 * s.id_order_peak_bytes) {
    s.order = std::move(grouped);
    s.by_workload = true;
    s.peak_bytes = peak;
  }
  return s;
}

}  // namespace eyesim::sweep

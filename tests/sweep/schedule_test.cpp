// schedule_points: id order, but for the costliest few and the first point of the first workloads.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sweep/schedule.h"

namespace eyesim::sweep {

TEST_SUITE("fast") {
  TEST_CASE("schedule_points keeps id order but for at most 2 x workers costliest points and workload firsts") {
    // 40 points of 4 workloads (seeds 1-4, the slowest axis: ids 0-9 seed 1, 10-19 seed 2, ...), the
    // costliest at the highest ids, as a sweep whose last axis is the array size. Sorting every point by
    // cost (the old schedule) ran ids 39, 38, ... first, and the writer held their results until id 0 came.
    std::vector<DesignPoint> points(40);
    std::vector<double> costs(40);
    std::vector<std::uint64_t> todo;
    for (std::uint64_t i = 0; i < 40; ++i) {
      points[i].id = i;
      points[i].network = "sparse_mobilenet";
      points[i].seed = 1 + i / 10;
      costs[i] = double(i % 10);  // ids 9, 19, 29, 39 the costliest
      todo.push_back(i);
    }
    const PointMemory memory = estimated_memory(points);
    const auto order = schedule_points(todo, costs, memory, 1).order;  // 1 worker: 2 ahead of each kind
    REQUIRE(order.size() == 40);
    // The 2 costliest (cost 9; ties to the lower id): 9 (seed 1) and 19 (seed 2). Two workloads are then
    // started, as many as may be moved, so no first point moves; the rest follow in id order.
    CHECK(order[0] == 9);
    CHECK(order[1] == 19);
    for (std::size_t i = 3; i < order.size(); ++i) CHECK(order[i] > order[i - 1]);
    // 2 workers: the 4 costliest, one per seed, and again nothing else moves.
    const auto two = schedule_points(todo, costs, memory, 2).order;
    CHECK(std::vector<std::uint64_t>(two.begin(), two.begin() + 4) == std::vector<std::uint64_t>{9, 19, 29, 39});
    for (std::size_t i = 5; i < two.size(); ++i) CHECK(two[i] > two[i - 1]);
    // One costly point (39, seed 4) and equal costs elsewhere: the 4 moved for cost are 39, 0, 1, 2 (seeds 4
    // and 1), then the first points of the next two workloads, 10 (seed 2) and 20 (seed 3), then id order.
    std::vector<double> flat(40, 1.0);
    flat[39] = 2.0;
    const auto firsts = schedule_points(todo, flat, memory, 2).order;
    CHECK(std::vector<std::uint64_t>(firsts.begin(), firsts.begin() + 6) == std::vector<std::uint64_t>{39, 0, 1, 2, 10, 20});
    CHECK(firsts[6] == 3);
    for (std::size_t i = 7; i < firsts.size(); ++i) CHECK(firsts[i] > firsts[i - 1]);
  }
}

}  // namespace eyesim::sweep

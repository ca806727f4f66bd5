// estimated_memory (a sweep's workload data and results, from shapes) and estimated_peak_bytes (what an
// order of the points holds at once), and the schedule's choice between id order and workload order.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sweep/point_memory.h"
#include "sweep/schedule.h"
#include "sweep/workload_key.h"
#include "test_point.h"
#include "workloads/network.h"

namespace eyesim::sweep {
namespace {

using testing::test_point;


/// `n` points of `workloads` workloads of one data size and one result size each, point i of workload i % w.
PointMemory synthetic(std::size_t n, std::size_t workloads, double data, double result) {
  PointMemory m;
  for (std::size_t i = 0; i < n; ++i) {
    m.workload.push_back(static_cast<std::uint32_t>(i % workloads));
    m.result_bytes.push_back(result);
  }
  m.workload_bytes.assign(workloads, data);
  return m;
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("point_list_bytes: each point's size, and the names it keeps on the heap") {
    std::vector<DesignPoint> points;
    points.reserve(4);
    for (std::uint64_t i = 0; i < 4; ++i) points.push_back(testing::test_point("eyeriss_v2", "alexnet", 1, 1.0, i));
    const double base = point_list_bytes(points);
    CHECK(base == double(4 * sizeof(DesignPoint)));  // short names stay inside the strings
    points[1].network = std::string(100, 'n');
    points[2].invalid = {std::string(40, 'x')};
    const double more = point_list_bytes(points);
    CHECK(more >= base + 101 + sizeof(std::string) + 41);
    CHECK(more <= base + 2 * (101 + sizeof(std::string) + 41));
  }

  TEST_CASE("estimated_memory: a workload's data from its layers' operands and index, a result from its array") {
    const auto m = estimated_memory({test_point("eyeriss_v2", "alexnet"), test_point("eyeriss_v2_16384", "alexnet"),
                                     test_point("eyeriss_v2", "alexnet", 2), test_point("eyeriss_v2", "sparse_alexnet"),
                                     test_point("eyeriss_v2", "sparse_alexnet", 1, 0.5),
                                     test_point("eyeriss_v2", "sparse_mobilenet")});
    // One workload per (network, seed, batch, density scales): points 0 and 1 share theirs.
    CHECK(m.workload == std::vector<std::uint32_t>{0, 0, 1, 2, 3, 4});
    REQUIRE(m.workload_bytes.size() == 5);
    // AlexNet's dense weights are one byte each, its ReLU-sparse iacts one byte each plus their index.
    const workloads::Network alexnet = *workloads::builtin_network("alexnet");
    double values = 0;
    for (const auto& l : alexnet.layers) values += double(l.shape.iact_count() + l.shape.weight_count());
    CHECK(m.workload_bytes[0] > values);
    CHECK(m.workload_bytes[0] < 1.1 * values);
    CHECK(m.workload_bytes[1] == m.workload_bytes[0]);  // another seed: the same size
    // Pruned weights carry their index (and count tables): more bytes, fewer at a lower density.
    CHECK(m.workload_bytes[2] > 1.2 * m.workload_bytes[0]);
    CHECK(m.workload_bytes[3] < m.workload_bytes[2]);
    CHECK(m.workload_bytes[3] > m.workload_bytes[0]);
    CHECK(m.workload_bytes[4] * 10 < m.workload_bytes[0]);  // sparse MobileNet 0.5/128 is small
    // A result's traces grow with the PEs: 16384 PEs against 192.
    CHECK(m.result_bytes[1] > 50 * m.result_bytes[0]);
    CHECK(m.result_bytes[1] < 16384.0 / 192 * m.result_bytes[0]);
    CHECK(m.result_bytes[2] == m.result_bytes[0]);
  }

  TEST_CASE("estimated_memory: points with an invalid architecture hold no data (they are never simulated)") {
    std::vector<DesignPoint> points{test_point("eyeriss_v2", "alexnet"), test_point("eyeriss_v2", "alexnet"),
                                    test_point("eyeriss_v2", "vgg16"), test_point("eyeriss_v2", "alexnet")};
    points[1].invalid = {"array.pe_rows must be in [1, 64] (got 0)"};
    points[2].invalid = {"clock_mhz must be in [1, 10000] (got 0)"};
    const PointMemory m = estimated_memory(points);
    CHECK(m.workload[1] == m.workload[2]);  // one workload of no data for both
    CHECK(m.workload[0] == m.workload[3]);
    CHECK(m.workload_bytes[m.workload[1]] == 0);
    CHECK(m.workload_bytes[m.workload[0]] > 5e7);
    CHECK(m.result_bytes[1] < m.result_bytes[0] / 10);  // a failure row, no layers or traces
  }

  TEST_CASE("estimated_peak_bytes: data from a workload's first start to its last end, results until written in id order") {
    // Points 0-3 of workloads 0, 1, 0, 1 (100 bytes of data each, 1 byte of result), one worker.
    const PointMemory m = synthetic(4, 2, 100, 1);
    const std::vector<double> costs(4, 1.0);
    // Id order: both workloads held from point 1 on, point 1's result with them.
    CHECK(estimated_peak_bytes({0, 1, 2, 3}, costs, m, 1) == 201);
    // Workload order: workload 0 is released before workload 1 starts; point 2's result waits for point 1.
    CHECK(estimated_peak_bytes({0, 2, 1, 3}, costs, m, 1) == 102);
    // Reverse order, no data: every result is held until point 0 is written.
    const PointMemory results = synthetic(4, 1, 0, 10);
    CHECK(estimated_peak_bytes({3, 2, 1, 0}, costs, results, 1) == 40);
    CHECK(estimated_peak_bytes({0, 1, 2, 3}, costs, results, 1) == 10);
    // Two workers: points 0 and 1 run together, so both workloads' data are held at once in either order.
    CHECK(estimated_peak_bytes({0, 2, 1, 3}, costs, m, 2) >= 200);
  }

  TEST_CASE("the schedule takes workloads a few at a time when their data outweigh the results held for the writer") {
    // 48 points: 3 arrays x 16 AlexNet workloads (2 networks x 2 weight densities x 4 seeds), the workload
    // the fastest axis, so id order holds all 16 workloads' data (about 100 MB each) from the start.
    std::vector<DesignPoint> points;
    for (const char* preset : {"eyeriss_v2", "eyeriss_v2_256", "eyeriss_v2_1024"})
      for (const char* net : {"alexnet", "sparse_alexnet"})
        for (double scale : {0.5, 1.0})
          for (std::uint64_t seed = 1; seed <= 4; ++seed) points.push_back(test_point(preset, net, seed, scale, points.size()));
    std::vector<std::uint64_t> todo;
    for (const DesignPoint& p : points) todo.push_back(p.id);
    const std::vector<double> costs(points.size(), 1.0);
    const PointMemory memory = estimated_memory(points);
    for (std::size_t workers : {1, 2}) {
      CAPTURE(workers);
      const Schedule s = schedule_points(todo, costs, memory, workers);
      CHECK(s.by_workload);
      CHECK(s.peak_bytes <= 0.75 * s.id_order_peak_bytes);
      CHECK(s.peak_bytes == estimated_peak_bytes(s.order, costs, memory, workers));
      CHECK(s.id_order_peak_bytes > 1.2e9);
      std::vector<std::uint64_t> sorted = s.order;
      std::sort(sorted.begin(), sorted.end());
      CHECK(sorted == todo);  // every point once
      // After the head (2 x workers points), `workers` workloads at a time, each in ascending ids, and a
      // workload once left is never taken again.
      const std::size_t head = 2 * workers;
      std::map<std::uint32_t, std::uint64_t> last_id;
      std::set<std::uint32_t> finished, open;
      for (std::size_t i = head; i < s.order.size(); ++i) {
        const std::uint64_t id = s.order[i];
        const std::uint32_t w = memory.workload[id];
        CHECK_FALSE(finished.count(w));
        if (last_id.count(w)) CHECK(last_id[w] < id);
        last_id[w] = id;
        open.insert(w);
        // A workload is finished once all its points are placed.
        std::size_t placed = 0, total = 0;
        for (std::size_t j = 0; j < s.order.size(); ++j)
          if (memory.workload[s.order[j]] == w) {
            ++total;
            placed += j <= i;
          }
        if (placed == total) {
          finished.insert(w);
          open.erase(w);
        }
        CHECK(open.size() <= workers);
      }
    }
  }

  TEST_CASE("the schedule keeps id order when the results it would hold outweigh the data it would free") {
    // 5 seeds of sparse MobileNet (a few MB of data each) the fastest axis, on arrays up to 16384 PEs (a
    // 16384-PE result is several MB of traces): grouping would hold many results for little data.
    std::vector<DesignPoint> points;
    for (const char* preset : {"eyeriss_v2", "eyeriss_v2_1024", "eyeriss_v2_16384"})
      for (int repeat = 0; repeat < 4; ++repeat)
        for (std::uint64_t seed = 1; seed <= 5; ++seed) points.push_back(test_point(preset, "sparse_mobilenet", seed, 1.0, points.size()));
    std::vector<std::uint64_t> todo;
    for (const DesignPoint& p : points) todo.push_back(p.id);
    const std::vector<double> costs(points.size(), 1.0);
    const Schedule s = schedule_points(todo, costs, estimated_memory(points), 2);
    CHECK_FALSE(s.by_workload);
    CHECK(s.peak_bytes == s.id_order_peak_bytes);
    for (std::size_t i = 5; i < s.order.size(); ++i) CHECK(s.order[i] > s.order[i - 1]);
  }
}

}  // namespace eyesim::sweep

// WorkloadStore: each workload prepared once and shared, released by its last point, and visible as being
// prepared while it is (so that a worker can take another point instead of waiting).
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sweep/workload_store.h"
#include "test_point.h"

namespace eyesim::sweep {
namespace {

DesignPoint point(const std::string& network, std::uint64_t seed) { return testing::test_point("eyeriss_v2", network, seed); }

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("a workload is prepared once for all its points, and released by the last of them") {
    const std::vector<DesignPoint> points{point("sparse_mobilenet", 1), point("sparse_mobilenet", 1),
                                          point("sparse_mobilenet", 2)};
    WorkloadStore store(points, {0, 1, 2});
    const WorkloadKey one = key_of(points[0]), two = key_of(points[2]);
    CHECK_FALSE(store.being_prepared(one));
    std::weak_ptr<const workloads::NetworkData> kept;
    {
      // Two workers asking at once get the same data.
      WorkloadStore::Prepared a, b;
      std::thread t([&] { a = store.get(one); });
      b = store.get(one);
      t.join();
      REQUIRE(a.data != nullptr);
      CHECK(a.data == b.data);
      CHECK(a.error.empty());
      CHECK(store.get(two).data != a.data);  // another seed: another workload
      kept = a.data;
    }
    CHECK_FALSE(store.being_prepared(one));
    store.point_done(one);
    CHECK_FALSE(kept.expired());  // one point of it left
    CHECK(store.get(one).data == kept.lock());
    store.point_done(one);
    CHECK(kept.expired());
  }

  TEST_CASE("a network that cannot be prepared gives every point of it the error, naming it") {
    const std::vector<DesignPoint> points{point("/nonexistent/net.toml", 1)};
    WorkloadStore store(points, {0});
    const WorkloadStore::Prepared p = store.get(key_of(points[0]));
    CHECK(p.data == nullptr);
    CHECK(p.error.find("/nonexistent/net.toml") != std::string::npos);
  }

  TEST_CASE("while one worker prepares a workload, another sees it being prepared instead of waiting") {
    // AlexNet takes a few hundred milliseconds to generate; being_prepared never blocks meanwhile.
    const std::vector<DesignPoint> points{point("alexnet", 1)};
    WorkloadStore store(points, {0});
    const WorkloadKey k = key_of(points[0]);
    std::atomic<bool> done{false};
    std::thread worker([&] {
      store.get(k);
      done = true;
    });
    bool seen = false;
    while (!done) seen = store.being_prepared(k) || seen;
    worker.join();
    CHECK(seen);
    CHECK_FALSE(store.being_prepared(k));
  }
}

}  // namespace eyesim::sweep

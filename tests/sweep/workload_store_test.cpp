// WorkloadStore: each workload prepared once and shared, released by its last point, and visible as being
// prepared while it is (so that a worker can take another point instead of waiting).
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sweep/network_file.h"
#include "sweep/workload_store.h"
#include "workloads/network.h"
#include "test_point.h"

namespace eyesim::sweep {
namespace {

DesignPoint point(const std::string& network, std::uint64_t seed) { return testing::test_point("eyeriss_v2", network, seed); }

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("a workload is prepared once for all its points, and released by the last of them") {
    const std::vector<DesignPoint> points{point("sparse_mobilenet", 1), point("sparse_mobilenet", 1),
                                          point("sparse_mobilenet", 2)};
    WorkloadStore store(points, {0, 1, 2}, {});
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
    WorkloadStore store(points, {0}, {});
    const WorkloadStore::Prepared p = store.get(key_of(points[0]));
    CHECK(p.data == nullptr);
    CHECK(p.error.find("/nonexistent/net.toml") != std::string::npos);
  }

  TEST_CASE("while one worker prepares a workload, another sees it being prepared instead of waiting") {
    // AlexNet takes a few hundred milliseconds to generate; being_prepared never blocks meanwhile.
    const std::vector<DesignPoint> points{point("alexnet", 1)};
    WorkloadStore store(points, {0}, {});
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

  TEST_CASE("a network file changed after the spec was read fails its points, named as the spec writes it") {
    // Edited while a sweep ran, it gave the later points the new network in a file that recorded the old
    // one's hash (found by helper-50).
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "eyesim_workload_store_test" / "nets";
    std::filesystem::create_directories(dir);
    const std::filesystem::path file = dir / "one.toml";
    workloads::Network one = *workloads::builtin_network("mobilenet");
    one.layers.resize(1);
    std::ofstream(file) << network_to_toml(one);
    DesignPoint p = point("nets/one.toml", 1);  // the identity, as a spec beside nets/ writes it
    p.network_file = file.string();             // resolved against the spec's directory
    const std::map<std::string, std::uint64_t> read_then{{p.network_file, network_file_hash(file)}};
    {
      WorkloadStore store({p}, {0}, read_then);
      CHECK(store.get(key_of(p)).data != nullptr);
    }
    std::ofstream(file, std::ios::app) << "# edited\n";
    {
      WorkloadStore store({p}, {0}, read_then);
      const WorkloadStore::Prepared prepared = store.get(key_of(p));
      CHECK(prepared.data == nullptr);
      CHECK(prepared.error.starts_with("the network file 'nets/one.toml', or a mask file it names, changed after the "
                                       "sweep started"));
    }
    // A file that does not parse: its error names it as the spec does, whatever directory the sweep ran
    // from (it named the resolved path, so shards run from two directories did not merge byte for byte).
    std::ofstream(file) << "[[layer]\n";
    WorkloadStore store({p}, {0}, {});
    const std::string error = store.get(key_of(p)).error;
    CHECK(error.starts_with("nets/one.toml:1:"));
    CHECK(error.find(dir.string()) == std::string::npos);
  }
}

}  // namespace eyesim::sweep

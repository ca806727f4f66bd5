// WorkloadStore: see workload_store.h.
#include "sweep/workload_store.h"

#include "sweep/network_file.h"
#include "sweep/result_tables.h"

namespace eyesim::sweep {

WorkloadStore::WorkloadStore(const std::vector<DesignPoint>& points, const std::vector<std::uint64_t>& todo) {
  for (std::uint64_t id : todo) ++slots_[key_of(points[id])].points_left;
}

bool WorkloadStore::being_prepared(const WorkloadKey& k) {
  Slot& slot = slots_.at(k);
  std::lock_guard lock(slot.mutex);
  return slot.state == Slot::State::kPreparing;
}

WorkloadStore::Prepared WorkloadStore::get(const WorkloadKey& k) {
  Slot& slot = slots_.at(k);
  std::unique_lock lock(slot.mutex);
  if (slot.state == Slot::State::kPreparing) slot.ready.wait(lock, [&] { return slot.state == Slot::State::kReady; });
  if (slot.state == Slot::State::kReady) return slot.prepared;  // (a copy, made under the lock)
  slot.state = Slot::State::kPreparing;
  lock.unlock();  // other workloads' points, and this one's being_prepared, go on meanwhile
  // Published however the preparation ends, even by an exception that escapes it (a std::bad_alloc while
  // copying a message): the workers waiting for this workload must not wait for ever.
  struct Publish {
    Slot& slot;
    Prepared result{nullptr, "its data could not be prepared"};
    ~Publish() {
      {
        std::lock_guard guard(slot.mutex);
        slot.prepared = std::move(result);
        slot.state = Slot::State::kReady;
      }
      slot.ready.notify_all();
    }
  };
  {
    Publish publish{slot};
    try {
      workloads::Network net = scaled_network(k.network, k.iact_scale, k.weight_scale);
      check_storable(net, k.network);  // a layer name the file cannot hold: fail its points unsimulated
      publish.result.data = workloads::prepare_network(net, k.seed, k.batch);
      publish.result.error.clear();
    } catch (const std::exception& e) {
      publish.result.error = e.what();
    }
  }
  lock.lock();
  return slot.prepared;  // (a copy, made under the lock)
}

void WorkloadStore::point_done(const WorkloadKey& k) {
  Slot& slot = slots_.at(k);
  std::lock_guard lock(slot.mutex);
  if (--slot.points_left == 0) slot.prepared.data.reset();
}

}  // namespace eyesim::sweep

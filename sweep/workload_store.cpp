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
  if (slot.state == Slot::State::kReady) return slot.prepared;
  slot.state = Slot::State::kPreparing;
  lock.unlock();  // other workloads' points, and this one's being_prepared, go on meanwhile
  Prepared p;
  try {
    workloads::Network net = scaled_network(k.network, k.iact_scale, k.weight_scale);
    check_storable(net, k.network);  // a layer name the file cannot hold: fail its points unsimulated
    p.data = workloads::prepare_network(net, k.seed, k.batch);
  } catch (const std::exception& e) {
    p.error = e.what();
  }
  lock.lock();
  slot.prepared = std::move(p);
  slot.state = Slot::State::kReady;
  lock.unlock();
  slot.ready.notify_all();
  return slot.prepared;
}

void WorkloadStore::point_done(const WorkloadKey& k) {
  Slot& slot = slots_.at(k);
  std::lock_guard lock(slot.mutex);
  if (--slot.points_left == 0) slot.prepared.data.reset();
}

}  // namespace eyesim::sweep

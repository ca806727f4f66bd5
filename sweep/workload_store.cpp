// WorkloadStore: see workload_store.h.
#include "sweep/workload_store.h"

#include <filesystem>
#include <string_view>

#include <fmt/format.h>

#include "sweep/network_file.h"
#include "sweep/result_tables.h"

namespace eyesim::sweep {

namespace {

/// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  if (from.empty() || from == to) return text;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace

WorkloadStore::WorkloadStore(const std::vector<DesignPoint>& points, const std::vector<std::uint64_t>& todo,
                             const std::map<std::string, std::uint64_t>& file_hashes)
    : file_hashes_(file_hashes) {
  for (std::uint64_t id : todo) {
    ++slots_[key_of(points[id])].points_left;
    if (!points[id].network_file.empty()) identity_.emplace(points[id].network_file, points[id].network);
  }
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
      // Read after the spec was: the same bytes, or the points would mix two versions of the network.
      if (const auto h = file_hashes_.find(k.network); h != file_hashes_.end() && network_file_hash(k.network) != h->second) {
        publish.result.data.reset();
        publish.result.error = fmt::format(
            "the network file '{}', or a mask file it names, changed after the sweep started: its points fail rather "
            "than mix two versions of the network in one result file (rerun the sweep)",
            k.network);
      }
    } catch (const std::exception& e) {
      publish.result.error = e.what();
    }
    if (const auto id = identity_.find(k.network); id != identity_.end() && !publish.result.error.empty()) {
      // The file, then its directory (its masks' paths start with it), as the spec writes them.
      const std::filesystem::path file(k.network), identity(id->second);
      std::string& error = publish.result.error;
      error = replaced(std::move(error), k.network, id->second);
      if (file.has_parent_path() && identity.parent_path() != file.parent_path())
        error = replaced(std::move(error), (file.parent_path() / "").string(),
                         identity.has_parent_path() ? (identity.parent_path() / "").string() : std::string());
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

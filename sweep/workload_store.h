// WorkloadStore: the prepared data of a sweep's workloads (network, seed, batch, density scales), each
// prepared once, by the first worker that needs it, shared read-only by its points and released by the last
// of them to finish, so that a sweep's memory follows the workloads still in use. A worker can ask whether
// another worker is preparing a workload, and take another point instead of waiting for it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sweep/design_point.h"
#include "sweep/workload_key.h"
#include "workloads/layer_data.h"

namespace eyesim::sweep {

class WorkloadStore {
 public:
  /// What preparing a workload gave: its data, or why there is none.
  struct Prepared {
    std::shared_ptr<const workloads::NetworkData> data;
    std::string error;
  };

  /// The workloads of `points[id]` for every id of `todo`, each with the number of those points.
  /// `file_hashes`: network_file_hash of each network file when the spec was read (SweepSpec); a workload of
  /// a file whose hash has changed since fails.
  WorkloadStore(const std::vector<DesignPoint>& points, const std::vector<std::uint64_t>& todo,
                const std::map<std::string, std::uint64_t>& file_hashes);

  /// Whether another worker has started preparing `k` and not finished.
  bool being_prepared(const WorkloadKey& k);
  /// The workload's data: prepared by this call if no worker has started it, waited for if one has. A
  /// network that cannot be read, scaled, stored or generated gives its error (every point of it fails), a
  /// network file changed since the spec was read too. An error names a network file, and the directory of
  /// its masks, as the spec writes it, not as resolved: it is stored in the result file, which must not
  /// depend on the directory the sweep ran from.
  Prepared get(const WorkloadKey& k);
  /// One point of `k` finished: the last one releases the data.
  void point_done(const WorkloadKey& k);

 private:
  struct Slot {
    std::mutex mutex;
    std::condition_variable ready;
    enum class State { kUnprepared, kPreparing, kReady } state = State::kUnprepared;
    Prepared prepared;
    std::size_t points_left = 0;
  };
  std::map<WorkloadKey, Slot> slots_;  ///< built by the constructor, never modified after (only its slots)
  const std::map<std::string, std::uint64_t> file_hashes_;
  std::map<std::string, std::string> identity_;  ///< network file -> its path as the spec writes it
};

}  // namespace eyesim::sweep

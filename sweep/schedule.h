// schedule_points: the order a sweep's workers take its points in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sweep/point_memory.h"

namespace eyesim::sweep {

/// How schedule_points ordered the points, and what each order was estimated to hold at its peak.
struct Schedule {
  std::vector<std::uint64_t> order;
  bool by_workload = false;       ///< the workload order was taken (else id order)
  double peak_bytes = 0;          ///< estimated_peak_bytes of `order`
  double id_order_peak_bytes = 0;  ///< ... and of the id order
};

/// `todo` (point ids, ascending) in the order the workers should take them. Two things are held while a
/// sweep runs: each workload's prepared data, from the first of its points to start until the last to
/// finish, and each result, until the writer (which appends rows in point order: ResultWriter's reorder
/// buffer) has written every earlier point. Two orders, with the same head:
/// - head: at most 2 x `workers` of the costliest points (by `costs`, indexed by id; ties to the lower id),
///   longest first, so that the sweep does not end waiting on a long point started last; then the lowest-id
///   point of each further workload (WorkloadKey), in id order, until 2 x `workers` workloads are in the
///   head, so that the workers start by preparing different workloads' data instead of waiting for one's;
/// - id order: the other points in ascending id. It holds few results (1000 sparse MobileNet points with
///   their largest arrays first peaked at 165 MB instead of 58), but every workload whose points are
///   spread over the ids keeps its data until its last one (a spec whose fastest axis is the workload);
/// - workload order: the other points grouped by workload (in the order the head and then the ids first
///   reach each workload), ascending ids within a group, taken `workers` groups at a time, one point of
///   each in turn: about `workers` workloads' data at a time (with the head's), but the writer holds the
///   results of every later group that finishes before an earlier id.
/// The workload order is taken when its estimated peak (estimated_peak_bytes, from `memory`) is at most 3/4
/// of the id order's: the estimates are rough, and the id order is the one measured on most sweeps.
Schedule schedule_points(const std::vector<std::uint64_t>& todo, const std::vector<double>& costs,
                         const PointMemory& memory, std::size_t workers);

}  // namespace eyesim::sweep

// schedule_points: the order a sweep's workers take its points in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sweep/design_point.h"

namespace eyesim::sweep {

/// `todo` (point ids, ascending) in the order the workers should take them: ids ascending, because the
/// writer appends rows in point order and holds every result that arrives before an earlier one
/// (ResultWriter's reorder buffer), so a schedule far from id order holds many results with their traces
/// (1000 sparse MobileNet points with their largest arrays first peaked at 165 MB instead of 58). Two
/// exceptions move at most 2 x `workers` points each ahead, in this order:
/// - the costliest (by `costs`, indexed by id; ties to the lower id): longest first, so that the sweep
///   does not end waiting on a long point started last (every point left is no costlier than these);
/// - the lowest-id point of each of the first workloads (WorkloadKey) not yet among them, so that the
///   workers start by preparing different networks' data instead of waiting for one network's.
std::vector<std::uint64_t> schedule_points(const std::vector<std::uint64_t>& todo, const std::vector<double>& costs,
                                           const std::vector<DesignPoint>& points, std::size_t workers);

}  // namespace eyesim::sweep

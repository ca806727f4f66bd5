// estimated_memory and estimated_peak_bytes: what a sweep holds in memory while it runs, before any point
// is simulated, so that the schedule (sweep/schedule.h) can choose the order that holds less and the dry
// run can say how much that is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sweep/design_point.h"

namespace eyesim::sweep {

/// Per point (indexed by id): its workload (an index: points with the same WorkloadKey share one), whose
/// prepared data is held from the first of its points to start until the last to finish, and the bytes of
/// its result, held from its end until the writer, which appends in id order, has written every earlier
/// point. Per workload: the bytes of its data.
struct PointMemory {
  std::vector<std::uint32_t> workload;
  std::vector<double> result_bytes;
  std::vector<double> workload_bytes;
};

/// Estimates from the networks' shapes and densities and the arrays' sizes, without generating anything.
/// Data: per layer, one byte per input activation and weight, and for a sparse operand its non-zero index
/// (2 bytes per non-zero position, a weight's value again, 4 per row or column) and, for weights, about
/// two weight-tile count tables (workloads/weight_tile_counts.h). A result: its rows and its traces (per
/// layer, three 64-bit counters per PE and two per NoC port, about 0.75 ports per PE on the presets).
/// A network file is read once per path; one that cannot be read counts as empty (its points fail). The
/// points with an invalid architecture share one workload of no data (they are never simulated).
PointMemory estimated_memory(const std::vector<DesignPoint>& points);

/// The bytes the list of points itself takes while the sweep runs: each point's architecture and names
/// (about 0.45 kB a point, so a sample of millions of points holds gigabytes before anything is simulated).
double point_list_bytes(const std::vector<DesignPoint>& points);

/// The most bytes of data and results held at once when `workers` take the points of `order` (ids) one
/// after another, each running costs[id] (estimated_costs's relative units: only the order of events
/// matters) and the writer writing them in ascending id order.
double estimated_peak_bytes(const std::vector<std::uint64_t>& order, const std::vector<double>& costs,
                            const PointMemory& memory, std::size_t workers);

}  // namespace eyesim::sweep

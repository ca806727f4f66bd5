// PeCost: the exact cycle count of one PE work item (Eyeriss v2 §IV-A pipeline), from the non-zero
// index of the layer, never from a walk over dense MACs.
#pragma once

#include <cstdint>
#include <memory>
#include <memory_resource>
#include <vector>

#include "hw/arch_spec.h"
#include "workloads/weight_tile_counts.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {

using workloads::WeightTileCounts;

/// One work item: the weight tile (g, m-range, c-range, filter row r) against input row h = e*U + r - pad
/// of image n, for output columns [f_begin, f_end).
struct WorkItem {
  std::uint32_t g = 0, n = 0;
  std::uint32_t m_begin = 0, m_end = 0;
  std::uint32_t c_begin = 0, c_end = 0;
  std::uint32_t r = 0, e = 0;
  std::uint32_t f_begin = 0, f_end = 0;
};

/// What a work item costs and does.
struct WorkItemCost {
  std::uint64_t cycles = 0;          ///< pipeline fill + MAC cycles
  std::uint64_t macs_effectual = 0;  ///< non-zero x non-zero products
  std::uint64_t mac_slots = 0;       ///< MAC slots issued (cycles x simd lanes spent)
  std::uint64_t nonzero_iacts = 0;   ///< iacts read (sparse: every CSC entry) or all iact slots (dense)
  std::uint64_t zero_iacts_skipped = 0;
  std::uint64_t weight_words = 0;    ///< weight data SPad words read (dense PE: only for non-zero iacts)
  std::uint64_t iact_bits = 0;       ///< payload of the input row segment on the NoC
  /// Of `cycles`, those the front end spends visiting iact segments beyond the MAC cycles (sparse PE with
  /// pe.iact_segment_cycle): the weight fetch and the MACs idle in them (data-gated, like a zero iact).
  std::uint64_t segment_cycles = 0;
  bool empty = false;                ///< the input row is padding: nothing to do
};

/// One weight column (c, s) of a tile: what a non-zero iact meeting it costs.
struct WeightColumnCost {
  std::uint32_t cycles = 0;  ///< MAC cycles (its words; a bubble for an empty column if the PE has one)
  std::uint32_t nnz = 0;     ///< non-zero weights: effectual MACs
  std::uint32_t words = 0;   ///< weight SPad words read: ceil(CSC entries / simd) (dense PE: ceil(nnz / simd))
};

/// The same summed over the columns of one class s = (w + pad) mod U of one channel (the sums of at most
/// ceil(S / U) columns fit the column's fields).
using WeightClassCost = WeightColumnCost;

/// Per weight tile: the cycles a non-zero iact costs at each column (c, s), and the tile's NoC size.
/// The class sums serve iacts in the interior of a work item's window, which meet every filter
/// column s of their class s = (w + pad) mod U: one lookup instead of a walk over s.
struct WeightTileCost {
  WeightTileCost() = default;
  /// Storage from `arena` (the chip's per-layer arena: a layer holds hundreds of tiles at once).
  explicit WeightTileCost(std::pmr::memory_resource* arena) : columns(arena), classes(arena) {}
  std::pmr::vector<WeightColumnCost> columns;  ///< [c - c_begin][s]
  /// [c - c_begin][(w + pad) mod U]; left empty for a 1 x 1 filter at stride 1 (pointwise, FC layers),
  /// whose classes are its columns: read them through class_costs().
  std::pmr::vector<WeightClassCost> classes;
  std::uint64_t nnz = 0;
  /// CSC entries (a sparse PE's (count, value) pairs): the non-zeros and the explicit zero entries of runs
  /// of more than 15 zeros; nnz on a dense PE.
  std::uint64_t entries = 0;
  std::uint64_t words = 0;  ///< weight data SPad words (sum of ceil(entries / simd) per column)
  std::uint64_t bits = 0;   ///< payload on the NoC
  const WeightClassCost* class_costs() const { return classes.empty() ? columns.data() : classes.data(); }
};

/// The non-zeros of one work item's input window (rows of channels [c_begin, c_end) at h, columns
/// the item's output range reads), classified once and shared by the k_m PEs the row is multicast
/// to: an interior iact meets every filter column of its class, so it is counted per (c, class);
/// only the few iacts at the window's edges are kept one by one.
struct IactWindow {
  bool empty = false;                  ///< the input row is padding
  std::uint64_t nnz = 0;               ///< non-zero iacts in the window (all of them on dense data)
  /// A sparse PE's CSC segments are the c0 channels of one input column: a run of more than 15 zero
  /// channels before a non-zero takes a zero-valued entry per 16 zeros (workloads/csc.h; only when c0 > 16).
  std::uint64_t zero_entries = 0;
  std::uint64_t span = 0;              ///< window columns (w_hi - w_lo)
  std::uint32_t c_count = 0;
  std::vector<std::uint32_t> interior; ///< [c - c_begin][(w + pad) mod U]: interior non-zeros
  /// The iacts at the edges, expanded once per window into the weight columns each meets: per edge iact
  /// (c, w), the column (c - c_begin) * S + s of every filter column s whose output column
  /// f = (w + pad - s) / U is in the item's range. (The k_m PEs that share the window, and the lane's
  /// later steps that reuse it, then only sum those columns of their tiles.)
  std::vector<std::uint32_t> edge_columns;
  /// The iact segments (CSC segments of C0 x U iacts) the output columns' windows visit: output column f
  /// visits segments f + t, t < ceil(S / U), each for its filter columns s = t*U + u < S, unless all their
  /// input columns w = f*U + s - pad are padding. Counted only for pe.iact_segment_cycle on a sparse PE.
  std::uint64_t segment_visits = 0;
  /// Scratch of zero_entries: per window column, the last non-zero channel seen (-1: none yet).
  std::vector<std::int32_t> last_channel;
};

/// Computes work-item costs for one layer on one PE configuration. Holds scratch buffers: one per thread.
class PeCostModel {
 public:
  /// `m0` > 0: the mapping's tile height; tiles of that height are read from a WeightTileCounts table.
  PeCostModel(const ArchSpec& arch, const workloads::LayerData& layer, std::uint32_t m0 = 0);
  /// With the table the mapper already built (Mapping::weight_counts; may be null).
  PeCostModel(const ArchSpec& arch, const workloads::LayerData& layer, std::shared_ptr<const WeightTileCounts> counts);

  /// Fills `out` for the tile (g, [m_begin, m_end), [c_begin, c_end), r).
  void weight_tile(std::uint32_t g, std::uint32_t m_begin, std::uint32_t m_end, std::uint32_t c_begin,
                   std::uint32_t c_end, std::uint32_t r, WeightTileCost& out) const;

  /// Fills `out` with the input window of `item` (its m range does not matter). Reuses `out`'s storage.
  void iact_window(const WorkItem& item, IactWindow& out) const;

  /// The cost of `item` with `tile` (the tile of the same g, m, c, r) loaded and `window` its input,
  /// written into `out` (the chip's per-step scratch: no copy of the result).
  void work_item(const WorkItem& item, const IactWindow& window, const WeightTileCost& tile, WorkItemCost& out) const;
  WorkItemCost work_item(const WorkItem& item, const IactWindow& window, const WeightTileCost& tile) const {
    WorkItemCost cost;
    work_item(item, window, tile, cost);
    return cost;
  }

  /// The same, building the window (allocates: for tests and one-off queries).
  WorkItemCost work_item(const WorkItem& item, const WeightTileCost& tile) const;

 private:
  const ArchSpec& arch_;
  const workloads::LayerData& layer_;
  const workloads::LayerShape& shape_;
  bool sparse_;
  std::shared_ptr<const WeightTileCounts> counts_;  ///< null: no table
  std::vector<std::uint32_t> class_of_w_;           ///< (w + pad) mod U per input column (no division per iact)
  bool segment_cycle_;                              ///< sparse PE with pe.iact_segment_cycle
  std::vector<std::uint64_t> segment_visits_before_;  ///< [f]: segment visits of output columns [0, f)
  int simd_shift_;  ///< log2(simd width) when it is a power of two (ceil(n / simd) by a shift), else -1
};

// Inline: the chip calls it for every PE of every lane step, and the call and the zeroed record
// cost as much as the arithmetic.
inline void PeCostModel::work_item(const WorkItem& it, const IactWindow& window, const WeightTileCost& tile,
                            WorkItemCost& cost) const {
  if (window.empty) {
    cost = WorkItemCost{.empty = true};
    return;
  }
  const std::uint32_t S = shape_.s, U = shape_.u;
  std::uint64_t cycles = 0, macs = 0, words = 0;
  const std::size_t classes = std::size_t{window.c_count} * U;
  const WeightClassCost* const class_costs = tile.class_costs();
  for (std::size_t k = 0; k < classes; ++k) {
    const std::uint64_t count = window.interior[k];
    const WeightClassCost& cls = class_costs[k];
    cycles += count * cls.cycles;
    macs += count * cls.nnz;
    words += count * cls.words;
  }
  const WeightColumnCost* const columns = tile.columns.data();
  for (const std::uint32_t k : window.edge_columns) {
    cycles += columns[k].cycles;
    macs += columns[k].nnz;
    words += columns[k].words;
  }
  const std::uint64_t edge_columns = window.edge_columns.size();
  // Every field of `cost` is written below, in both branches, instead of zeroing the record first (the
  // caller reuses it): a field added to WorkItemCost must be written here too.
  cost.empty = false;
  cost.segment_cycles = 0;
  cost.macs_effectual = macs;
  const std::uint32_t simd = arch_.pe.simd_width;
  const std::uint64_t window_values = std::uint64_t{window.c_count} * window.span;
  std::uint64_t mac_cycles = 0;
  if (sparse_) {
    mac_cycles = cycles;
    cost.weight_words = words;
    // The iact data SPad reads: every CSC entry, a zero entry of a long run included (read and passed over:
    // it costs no MAC cycle, docs/model.md §3).
    cost.nonzero_iacts = window.nnz + window.zero_entries;
    cost.zero_iacts_skipped = window_values - window.nnz;
    cost.mac_slots = mac_cycles * simd;
    // CSC on the NoC: one 12-bit pair per non-zero plus one address per (column position) segment.
    cost.iact_bits = (window.nnz + window.zero_entries) * arch_.pe.iact_data_bits + window.span * arch_.pe.iact_addr_bits;
  } else {
    // Dense PE: every (iact, weight) slot of every output column, zero or not, padding included.
    // Effectual MACs still come from the data (for energy: gated vs. active slots).
    const std::uint64_t slots_per_f = std::uint64_t{window.c_count} * S;
    const std::uint64_t height = it.m_end - it.m_begin;
    const std::uint64_t words_per_slot = (height + simd - 1) / simd;
    mac_cycles = (it.f_end - it.f_begin) * slots_per_f * words_per_slot;
    // Data gating (V1 §V): a zero iact (or padding) skips the filter SPad read; the cycle is still spent.
    // Slots with a non-zero iact: an interior iact meets every filter column of its class, an edge iact
    // the columns counted above.
    std::uint64_t nonzero_slots = edge_columns;
    for (std::size_t k = 0; k < classes; ++k) {
      const std::uint32_t cls = static_cast<std::uint32_t>(k % U);
      if (cls < S) nonzero_slots += window.interior[k] * ((S - cls + U - 1) / U);
    }
    cost.weight_words = nonzero_slots * words_per_slot;
    cost.nonzero_iacts = (it.f_end - it.f_begin) * slots_per_f;
    cost.zero_iacts_skipped = 0;
    cost.mac_slots = mac_cycles * simd;
    cost.iact_bits = window_values * arch_.precision.iact_bits;
  }
  if (segment_cycle_ && window.segment_visits > mac_cycles) {
    // The front end reads one segment address per cycle, ahead of the weight fetch and the MACs (an empty
    // segment, like an iact on an empty column, is dropped while they work on earlier iacts): the item
    // takes at least one cycle per segment visit.
    cost.segment_cycles = window.segment_visits - mac_cycles;
    mac_cycles = window.segment_visits;
  }
  cost.cycles = mac_cycles + (arch_.pe.pipeline_stages - 1);
}

}  // namespace eyesim::hw

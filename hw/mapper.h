// Mapper: chooses the RS+ tiling (m0, c0, f0) and the spatial factors of a layer on an architecture.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hw/arch_spec.h"
#include "hw/cluster_occupancy.h"
#include "hw/glb_plan.h"
#include "hw/layer_mapping.h"
#include "hw/psum_chains.h"
#include "workloads/weight_tile_counts.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {

using workloads::WeightTileCounts;

/// A mapping with the derived loop bounds the chip needs.
struct Mapping {
  LayerMapping factors;  ///< what is reported (m0, c0, f0, spatial factors, NoC modes)
  std::uint32_t m_tiles = 1;   ///< ceil(M / m0)
  std::uint32_t c_tiles = 1;   ///< ceil(C / c0)
  std::uint32_t f_tiles = 1;   ///< ceil(F / f0)
  std::uint32_t partials = 1;  ///< c_tiles x R: partial sums per output, reduced over (c-tile, r)
  std::uint32_t k_red = 1;     ///< partials reduced spatially along a psum chain (hw/psum_chains.h)
  std::uint32_t k_m = 1;       ///< m-tiles in parallel (PEs sharing iacts)
  std::uint32_t k_g = 1;       ///< groups in parallel
  std::uint32_t k_pos = 1;     ///< output positions (n, e, f-tile) in parallel (PEs sharing weights)
  std::uint32_t positions = 1; ///< N x E x f_tiles
  double estimated_cycles = 0;
  GlbPlan glb;                 ///< bank split and GLB-level blocking of the positions (hw/glb_plan.h)
  /// Non-zeros per (weight column, m-tile of m0) when the weights are sparse: built for the fit check,
  /// shared with the chip's PE cost model (null for dense weights).
  std::shared_ptr<const WeightTileCounts> weight_counts;
  std::uint32_t active_pes() const { return k_red * k_m * k_g * k_pos; }
};

struct MappingOverride;
class IactTreeLoads;

/// A short list of factor values in a fixed array: the mapper builds them in its inner loops, so they
/// allocate nothing.
class FactorList {
 public:
  static constexpr std::size_t kCapacity = 96;  ///< factor_candidates holds at most 82 values
  const std::uint32_t* begin() const { return values_.data(); }
  const std::uint32_t* end() const { return values_.data() + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::uint32_t front() const { return values_[0]; }
  std::uint32_t operator[](std::size_t i) const { return values_[i]; }
  void push_back(std::uint32_t v) { values_[size_++] = v; }  // (callers stay within kCapacity)
  /// Replaces the values with [first, last) (at most kCapacity): one block copy.
  void assign(const std::uint32_t* first, const std::uint32_t* last) {
    size_ = static_cast<std::uint32_t>(last - first);
    std::copy(first, last, values_.begin());
  }

 private:
  std::array<std::uint32_t, kCapacity> values_;
  std::uint32_t size_ = 0;
};

/// 1, 2, 3, 4, 6, 9, 13, 19, ... (x 3/2) up to `limit`, the powers of two and `limit` itself, ascending:
/// the values the mapper tries for every tiling and spatial factor (the f-tile count up to min(F, 64)).
/// `limit` < 2^31.
FactorList factor_candidates(std::uint32_t limit);

/// The fraction of a lane group's input rows that need a multicast of their own at one lane step: lanes
/// of a group at the same step that need the same input row segment (n, c-tile, h = e*U + r, f-tile)
/// share one (row-stationary sharing, docs/model.md §4). Counted at the first step of the first pass:
/// its `lanes` lanes hold positions 0 .. lanes-1 (f-tiles fastest, then output rows, then images), its
/// `k_red` reduction slots partials 0 .. k_red-1 (filter rows fastest, capped at `partials`). For e
/// consecutive output rows and r consecutive filter rows the rows e*U + r number (e-1)*U + r when U <= r
/// (they overlap) and e*r otherwise. Padding rows count as rows. In (0, 1].
double distinct_row_fraction(const workloads::LayerShape& layer, std::uint32_t f_tiles, std::uint32_t lanes,
                             std::uint32_t k_red, std::uint32_t partials);

/// The mapper's candidate tables, kept by a caller that maps one layer after another (simulate_network:
/// one per network run, per thread) so that they are allocated once, not per layer. map_layer fills
/// each before it reads it; nothing of one layer reaches the next.
struct MapperScratch {
  /// An output-column tile width f0 (tile counts giving the same f0 are one option).
  struct FTile {
    std::uint32_t f0, f_tiles, positions;
  };
  /// One work item of a tiling (an average over the layer's data): what a lane step costs.
  struct Step {
    double cycles, iact_bits, psum_bits;
    double items;  ///< work items of the layer
  };
  /// An (m0, c0) pair with an exact lower bound on its estimates.
  struct Pair {
    std::uint32_t m0, c0;
    double bound;
  };
  std::vector<FTile> f_options;
  std::vector<Pair> pairs;
  std::vector<Step> pair_steps;  ///< [pair][f option]
  std::vector<std::uint32_t> order;  ///< pairs, cheapest bound first
  std::vector<std::uint32_t> tile_words;  ///< the weight fit check's words per m-tile
  /// map_layer_candidates: the best mapping of each spatial layout within the window so far, and
  /// whether each pair's weight tiles fit (-1 not checked yet, 0 no, 1 yes).
  struct Collected {
    Mapping m;
    double path, dram_bytes;
    std::uint64_t seq;  ///< visit order: the last tie-breaker
  };
  std::vector<Collected> collected;
  std::vector<std::int8_t> pair_fits;
  /// The clusters a mapping's chains occupy (kept across layers: it depends only on the array).
  ClusterOccupancy occupancy;
};

/// Throws MappingError (hw/simulate.h) when no tiling fits the SPads (or none matches `forced`).
/// `trees`: the iact tree loads of `arch` (the same object), kept across the layers of a network so that
/// each is routed once; null: built here for this layer. `scratch`: the candidate tables, kept across
/// the layers of a network; null: made here.
Mapping map_layer(const ArchSpec& arch, const workloads::LayerData& layer, const MappingOverride* forced = nullptr,
                  IactTreeLoads* trees = nullptr, MapperScratch* scratch = nullptr);

/// The candidates of a mapping search by simulation (RunOptions::mapper, docs/model.md §2): `out` is
/// cleared, then holds map_layer's own pick first and, after it, the best-estimate mapping of every other
/// spatial layout (spatial_red, spatial_m, spatial_g; over the factor values the search enumerates, which a
/// forced layout may leave) whose estimate is at most (1 + `window`) x the
/// pick's and whose weight tiles fit, best estimate first (ties as map_layer breaks them, then search
/// order): at most `max_count` mappings in all (>= 1). Each equals what map_layer returns when all its
/// factors (m0, c0, f0, spatial_red/m/g/pos) are forced. The pick is map_layer's exact result, and the
/// rest costs one more pass of its search with the pruning relaxed to the window. `trees`, `scratch`:
/// as for map_layer. Throws MappingError as map_layer does.
void map_layer_candidates(const ArchSpec& arch, const workloads::LayerData& layer, double window,
                          std::uint32_t max_count, std::vector<Mapping>& out, IactTreeLoads* trees = nullptr,
                          MapperScratch* scratch = nullptr);

/// The override of `options` that applies to `layer_name` (nullptr if none): the first entry naming the
/// layer or naming none. sweep::parse_mapping_toml refuses files in which a later entry would be shadowed.
const MappingOverride* find_override(const std::vector<MappingOverride>& overrides, const std::string& layer_name);

/// "m0=32 c0=16 f0=8 | red3 m4 g1 pos16" for tables.
std::string describe(const Mapping& m);

}  // namespace eyesim::hw

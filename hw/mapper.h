// Mapper: chooses the RS+ tiling (m0, c0, f0) and the spatial factors of a layer on an architecture.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hw/arch_spec.h"
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

/// 1, 2, 3, 4, 6, 8, 12, 16, ... up to `limit`, the powers of two and `limit` itself: the values the
/// mapper tries for every tiling and spatial factor (the f-tile count up to min(F, 64)).
std::vector<std::uint32_t> factor_candidates(std::uint32_t limit);

/// Throws MappingError (hw/simulate.h) when no tiling fits the SPads (or none matches `forced`).
/// `trees`: the iact tree loads of `arch` (the same object), kept across the layers of a network so that
/// each is routed once; null: built here for this layer.
Mapping map_layer(const ArchSpec& arch, const workloads::LayerData& layer, const MappingOverride* forced = nullptr,
                  IactTreeLoads* trees = nullptr);

/// The override of `options` that applies to `layer_name` (nullptr if none).
const MappingOverride* find_override(const std::vector<MappingOverride>& overrides, const std::string& layer_name);

/// "m0=32 c0=16 f0=8 | red3 m4 g1 pos16" for tables.
std::string describe(const Mapping& m);

}  // namespace eyesim::hw

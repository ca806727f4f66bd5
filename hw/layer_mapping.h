// LayerMapping: how the mapper tiled one layer onto the chip (the RS+ factors and NoC modes chosen).
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

#include "hw/noc_mode.h"

namespace eyesim::hw {

struct LayerMapping {
  std::uint32_t m0 = 1;  ///< output channels per PE (weight-matrix height, <= psum SPad entries)
  std::uint32_t c0 = 1;  ///< input channels per PE
  std::uint32_t f0 = 1;  ///< output columns per PE work item
  // What runs side by side, exactly: the `--mapping` keys of the same names force it back.
  std::uint32_t spatial_red = 1;  ///< PEs of a psum chain: partial sums (c-tile x filter row) reduced spatially
  std::uint32_t spatial_m = 1;    ///< m-tiles side by side (they share iacts)
  std::uint32_t spatial_g = 1;    ///< groups side by side
  std::uint32_t spatial_pos = 1;  ///< lanes of output positions (n, e, f-tile) side by side (they share weights)
  // The same as parallel-for factors of the RS+ loop nest. A chain's partials run filter rows fastest and
  // the positions are dealt to the lanes in (n, e, f-tile) order, so these are exact when spatial_red is
  // a multiple or divisor of R and spatial_pos a product of whole n, e and f-tile extents; otherwise they
  // are the nearest factorization (spatial_c x spatial_r != spatial_red, or spatial_n x e x f !=
  // spatial_pos): e.g. a chain of 4 on 3-row filters covers the rows of one c-tile and one row of the next.
  std::uint32_t spatial_n = 1;
  std::uint32_t spatial_c = 1;
  std::uint32_t spatial_e = 1;
  std::uint32_t spatial_f = 1;
  std::uint32_t spatial_r = 1;
  std::uint32_t passes = 1;     ///< weight-tile loads per PE (temporal)
  NocMode iact_mode = NocMode::kUnicast;
  NocMode weight_mode = NocMode::kUnicast;
  NocMode psum_mode = NocMode::kUnicast;
};

template <class S, class F>
  requires std::same_as<std::remove_const_t<S>, LayerMapping>
constexpr void for_each_field(S& s, F&& f) {
  f("map_m0", s.m0);
  f("map_c0", s.c0);
  f("map_f0", s.f0);
  f("map_spatial_red", s.spatial_red);
  f("map_spatial_m", s.spatial_m);
  f("map_spatial_g", s.spatial_g);
  f("map_spatial_pos", s.spatial_pos);
  f("map_spatial_n", s.spatial_n);
  f("map_spatial_c", s.spatial_c);
  f("map_spatial_e", s.spatial_e);
  f("map_spatial_f", s.spatial_f);
  f("map_spatial_r", s.spatial_r);
  f("map_passes", s.passes);
  f("noc_iact_mode", s.iact_mode);
  f("noc_weight_mode", s.weight_mode);
  f("noc_psum_mode", s.psum_mode);
}

}  // namespace eyesim::hw

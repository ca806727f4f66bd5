// Mapper: the pruned search (pairs by lower bound, pruning against the best fitting pair) must choose
// what an exhaustive search over the same candidates chooses.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <limits>
#include <string>

#include "hw/mapper.h"
#include "hw/presets.h"
#include "hw/simulate.h"
#include "core/rng.h"
#include "hand_layer.h"
#include "one_layer.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {
namespace {

std::uint32_t ceil_div(std::uint32_t a, std::uint32_t b) { return (a + b - 1) / b; }

struct Exhaustive {
  double best_estimate = std::numeric_limits<double>::infinity();
  std::uint64_t fitting = 0;  ///< forced mappings that fit
};

/// Forces every combination of the mapper's own candidate values (k_pos left to the mapper, which
/// derives it from the others) and keeps the least estimate among those that fit.
Exhaustive exhaustive(const ArchSpec& arch, const workloads::LayerData& layer) {
  const auto& l = layer.shape();
  Exhaustive out;
  for (std::uint32_t m0 : factor_candidates(std::min(l.m, arch.pe.psum_entries)))
    for (std::uint32_t c0 : factor_candidates(l.c))
      for (std::uint32_t f_tiles : factor_candidates(std::min<std::uint32_t>(l.f(), 64))) {
        const std::uint32_t f0 = ceil_div(l.f(), f_tiles);
        const std::uint32_t partials = ceil_div(l.c, c0) * l.r;
        for (std::uint32_t red : factor_candidates(std::min(partials, max_chain_length(arch)))) {
          const std::uint32_t chains = chains_for(arch, red, partials);
          if (chains == 0) continue;
          for (std::uint32_t km : factor_candidates(std::min(ceil_div(l.m, m0), chains)))
            for (std::uint32_t kg : factor_candidates(std::max(1u, std::min(l.g, chains / km)))) {
              const MappingOverride forced{.layer = "", .m0 = m0, .c0 = c0, .f0 = f0, .spatial_red = red,
                                           .spatial_m = km, .spatial_g = kg, .spatial_pos = 0};
              try {
                const Mapping m = map_layer(arch, layer, &forced);
                out.best_estimate = std::min(out.best_estimate, m.estimated_cycles);
                ++out.fitting;
              } catch (const MappingError&) {
                // does not fit the SPads or the array
              }
            }
        }
      }
  return out;
}

/// The most weight SPad words any tile of an m0 x c0 tiling needs (CSC: ceil(nnz / simd) per column).
std::uint64_t worst_tile_words(const ArchSpec& arch, const workloads::LayerData& layer, std::uint32_t m0, std::uint32_t c0) {
  const auto& l = layer.shape();
  const std::uint32_t simd = arch.pe.simd_width;
  std::uint64_t worst = 0;
  for (std::uint32_t g = 0; g < l.g; ++g)
    for (std::uint32_t mb = 0; mb < l.m; mb += m0)
      for (std::uint32_t cb = 0; cb < l.c; cb += c0)
        for (std::uint32_t r = 0; r < l.r; ++r) {
          std::uint64_t words = 0;
          for (std::uint32_t c = cb; c < std::min(l.c, cb + c0); ++c)
            for (std::uint32_t s = 0; s < l.s; ++s)
              words += (layer.index.weight_nnz(layer.index.weight_column(g, c, r, s), mb, std::min(l.m, mb + m0)) + simd - 1) / simd;
          worst = std::max(worst, words);
        }
  return worst;
}
std::uint64_t worst_tile_words(const ArchSpec& arch, const workloads::LayerData& layer, const Mapping& m) {
  return worst_tile_words(arch, layer, m.factors.m0, m.factors.c0);
}

void check_against_exhaustive(const ArchSpec& arch, const workloads::LayerShape& shape, double iact_density,
                              double weight_density) {
  const auto data = workloads::prepare_network(testing::one_layer(shape, iact_density, weight_density), 1);
  const auto& layer = data->layers[0];
  const Mapping chosen = map_layer(arch, layer);
  const Exhaustive all = exhaustive(arch, layer);
  INFO(shape.name, " on ", arch.name, ": chose ", describe(chosen));
  REQUIRE(all.fitting > 0);
  CHECK(chosen.estimated_cycles == all.best_estimate);
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("factor_candidates: a prefix of its table and the limit, as the list it was built as") {
    // The list as the mapper first built it: the x 3/2 sequence and the powers of two up to the limit,
    // the limit, sorted and unique.
    const auto built = [](std::uint32_t limit) {
      std::vector<std::uint32_t> out;
      for (std::uint32_t v = 1; v <= limit; v = v < 4 ? v + 1 : v * 3 / 2 + (v * 3 / 2 == v)) out.push_back(v);
      for (std::uint32_t p = 1; p <= limit; p *= 2) out.push_back(p);
      out.push_back(limit);
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      return out;
    };
    std::vector<std::uint32_t> limits;
    for (std::uint32_t v = 0; v <= 5000; ++v) limits.push_back(v);
    for (std::uint32_t p = 8192; p < (1u << 30); p *= 2) limits.insert(limits.end(), {p - 1, p, p + 1, p + p / 3});
    for (const std::uint32_t limit : limits) {
      INFO(limit);
      const FactorList got = factor_candidates(limit);
      CHECK(std::vector<std::uint32_t>(got.begin(), got.end()) == built(limit));
    }
  }

  TEST_CASE("the mapper's pruned search finds the least estimate of an exhaustive search over its candidates") {
    ArchSpec small_spad = *preset("eyeriss_v2");
    small_spad.pe.weight_data_entries = 24;  // large sparse tiles do not fit: the fit check decides
    check_against_exhaustive(small_spad,
                             {.name = "conv3x3", .kind = workloads::LayerKind::kConv, .c = 16, .m = 24, .h = 14, .w = 14,
                              .r = 3, .s = 3, .pad = 1},
                             0.5, 0.4);
    check_against_exhaustive(*preset("eyeriss_v2"),
                             {.name = "depthwise", .kind = workloads::LayerKind::kDepthwise, .g = 32, .c = 1, .m = 1,
                              .h = 16, .w = 16, .r = 3, .s = 3, .u = 2, .pad = 1},
                             0.6, 1.0);
    check_against_exhaustive(*preset("eyeriss_v1_scaled"),
                             {.name = "pointwise", .kind = workloads::LayerKind::kPointwise, .c = 64, .m = 48, .h = 7,
                              .w = 7},
                             0.7, 1.0);
  }

  TEST_CASE("the weight fit check (from the weight-tile count table) accepts a tiling iff every tile fits") {
    // Sparse weights, but the last output channels dense: with small m0 only the last tiles overflow,
    // with large m0 the first ones do.
    const workloads::LayerShape conv{.name = "conv3x3", .kind = workloads::LayerKind::kConv, .c = 16, .m = 48, .h = 8,
                                     .w = 8, .r = 3, .s = 3, .pad = 1};
    testing::HandLayer hand(conv);
    Rng rng(3);
    for (auto& v : hand.data.iacts.values()) v = rng.uniform() < 0.5 ? 1 : 0;
    for (std::uint32_t m = 0; m < conv.m; ++m)
      for (std::uint32_t i = 0; i < conv.c * conv.r * conv.s; ++i)
        hand.data.weights.data()[std::size_t{m} * conv.c * conv.r * conv.s + i] = (m >= 44 || rng.uniform() < 0.25) ? 3 : 0;
    hand.finish();
    ArchSpec arch = *preset("eyeriss_v2");
    arch.pe.weight_data_entries = 24;
    std::uint32_t accepted = 0, rejected = 0;
    for (std::uint32_t m0 : factor_candidates(std::min(conv.m, arch.pe.psum_entries)))
      for (std::uint32_t c0 : factor_candidates(conv.c)) {
        if (std::uint64_t{c0} * conv.s > arch.pe.weight_addr_entries) continue;
        const MappingOverride forced{.layer = "", .m0 = m0, .c0 = c0, .f0 = 0, .spatial_red = 1, .spatial_m = 1,
                                     .spatial_g = 1, .spatial_pos = 0};
        bool fits = true;
        try {
          map_layer(arch, hand.data, &forced);
        } catch (const MappingError&) {
          fits = false;
        }
        INFO("m0 ", m0, " c0 ", c0);
        CHECK(fits == (worst_tile_words(arch, hand.data, m0, c0) <= arch.pe.weight_data_entries));
        ++(fits ? accepted : rejected);
      }
    CHECK(accepted > 0);
    CHECK(rejected > 0);
  }

  TEST_CASE("on a mesh of several cluster rows the mapper offers and chooses psum chains longer than a cluster's column") {
    const ArchSpec v2 = *preset("eyeriss_v2");  // 8 x 2 clusters of 3-row PE columns
    const workloads::LayerShape pw{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 128, .m = 128, .h = 16,
                                   .w = 16};
    const auto data = workloads::prepare_network(testing::one_layer(pw, 0.5, 0.5), 1);
    const auto& layer = data->layers[0];
    const Mapping chosen = map_layer(v2, layer);
    INFO("chose ", describe(chosen));
    CHECK(chosen.k_red > v2.array.pe_rows);
    CHECK(chosen.k_red >= chosen.partials);  // it completes its outputs (hw/psum_chains.h)
    // Forced: a chain of 8 over 8 partials (c0 = 16) fits; over 16 partials (c0 = 8) its psums would have
    // to come back to its first cluster, so it does not.
    MappingOverride forced{.layer = "", .m0 = 8, .c0 = 16, .f0 = 0, .spatial_red = 8, .spatial_m = 1, .spatial_g = 1,
                           .spatial_pos = 0};
    CHECK(map_layer(v2, layer, &forced).k_red == 8);
    forced.c0 = 8;
    CHECK_THROWS_AS(map_layer(v2, layer, &forced), MappingError);
    forced.spatial_red = 3;  // in one cluster: fine
    CHECK(map_layer(v2, layer, &forced).k_red == 3);
  }

  TEST_CASE("the mapper's choice fits the weight SPad by its real compressed size, not by a dense bound") {
    const workloads::LayerShape conv{.name = "conv3x3", .kind = workloads::LayerKind::kConv, .c = 32, .m = 64, .h = 14,
                                     .w = 14, .r = 3, .s = 3, .pad = 1};
    const auto data = workloads::prepare_network(testing::one_layer(conv, 0.5, 0.4), 1);
    const auto& layer = data->layers[0];
    const ArchSpec v2 = *preset("eyeriss_v2");
    ArchSpec small_spad = v2;
    small_spad.pe.weight_data_entries = 24;
    const Mapping roomy = map_layer(v2, layer);
    const Mapping tight = map_layer(small_spad, layer);
    INFO("v2: ", describe(roomy), ", 24-word SPad: ", describe(tight));
    REQUIRE(worst_tile_words(small_spad, layer, roomy) > 24);  // the case needs the check
    CHECK(worst_tile_words(small_spad, layer, tight) <= 24);
    // Sparse tiles larger than a dense bound allows: the check counts the non-zeros.
    CHECK(std::uint64_t{tight.factors.c0} * conv.s * ((tight.factors.m0 + 1) / 2) > 24);
  }

  TEST_CASE("a mapping of pruned weights carries their weight-count table on a dense PE as on a sparse one") {
    // The chip counts a tile's non-zeros from the table on either PE kind (a dense PE gates the zero
    // weights it walks); without it, it searches every weight column of every tile.
    const workloads::LayerShape conv{.name = "conv3x3", .kind = workloads::LayerKind::kConv, .c = 32, .m = 64, .h = 14,
                                     .w = 14, .r = 3, .s = 3, .pad = 1};
    const auto pruned = workloads::prepare_network(testing::one_layer(conv, 0.5, 0.4), 1);
    const auto dense = workloads::prepare_network(testing::one_layer(conv, 0.5, 1.0), 1);
    for (const char* name : {"eyeriss_v2", "eyeriss_v1_5", "eyeriss_v1_scaled"}) {
      CAPTURE(name);
      const ArchSpec arch = *preset(name);
      const Mapping m = map_layer(arch, pruned->layers[0]);
      REQUIRE(m.weight_counts != nullptr);
      CHECK(m.weight_counts->m0() == m.factors.m0);
      CHECK(map_layer(arch, dense->layers[0]).weight_counts == nullptr);  // dense weights need no counts
    }
  }

  TEST_CASE("distinct_row_fraction counts the input rows a lane group's step multicasts, as an enumeration does") {
    // The rows (n, c-tile, h = e*U + r, f-tile) of the first step of the first pass: lanes hold positions
    // 0 .. lanes-1 (f-tiles fastest, then output rows, then images), slots partials 0 .. k_red-1 (filter
    // rows fastest).
    const auto enumerated = [](const workloads::LayerShape& l, std::uint32_t f_tiles, std::uint32_t lanes,
                               std::uint32_t k_red, std::uint32_t partials) {
      std::vector<std::array<std::uint32_t, 4>> rows;
      const std::uint32_t slots = std::min(k_red, partials);
      for (std::uint32_t p = 0; p < lanes; ++p)
        for (std::uint32_t kk = 0; kk < slots; ++kk) {
          const std::uint32_t ft = p % f_tiles, q = p / f_tiles, e = q % l.e(), n = q / l.e();
          rows.push_back({n, kk / l.r, e * l.u + kk % l.r, ft});
        }
      std::sort(rows.begin(), rows.end());
      const auto distinct = std::unique(rows.begin(), rows.end()) - rows.begin();
      return double(distinct) / double(rows.size());
    };
    std::uint32_t shared = 0, checked = 0;
    for (std::uint32_t r : {1u, 2u, 3u, 5u, 11u})
      for (std::uint32_t u : {1u, 2u, 4u})
        for (std::uint32_t h : {r + 2, r + 9, r + 30}) {
          const workloads::LayerShape l{.name = "l", .kind = workloads::LayerKind::kConv, .c = 8, .m = 8, .h = h,
                                        .w = h, .r = r, .s = r, .u = u};
          for (std::uint32_t f_tiles : {1u, 2u, 3u})
            for (std::uint32_t lanes : {1u, 2u, 5u, 13u, 40u, 97u})
              for (std::uint32_t k_red : {1u, 2u, 3u, 4u, 7u, 12u})
                for (std::uint32_t partials : {1u, 3u, 24u}) {
                  INFO("R ", r, " U ", u, " H ", h, " f-tiles ", f_tiles, " lanes ", lanes, " k_red ", k_red, " partials ", partials);
                  const double got = distinct_row_fraction(l, f_tiles, lanes, k_red, partials);
                  CHECK(got == doctest::Approx(enumerated(l, f_tiles, lanes, k_red, partials)));
                  shared += got < 1.0;
                  ++checked;
                }
        }
    CHECK(shared > checked / 8);  // enough of the cases share rows to mean something
  }

  TEST_CASE("on V1's flat NoC a depthwise layer is mapped onto the (r, e) diagonal and runs at its ifmap bus bound") {
    // Every candidate that streams the input over the 16-bit ifmap bus has the same bus load unless the
    // estimate sees the rows that lanes share; without it the mapper took 8 PEs and ran 5.5x the bound.
    const ArchSpec v1 = *preset("eyeriss_v1_scaled");
    const workloads::LayerShape dw{.name = "dw", .kind = workloads::LayerKind::kDepthwise, .g = 256, .c = 1, .m = 1,
                                   .h = 8, .w = 8, .r = 3, .s = 3, .pad = 1};
    const auto data = workloads::prepare_network(testing::one_layer(dw, 1.0, 1.0), 1);
    const Mapping chosen = map_layer(v1, data->layers[0]);
    INFO(describe(chosen));
    CHECK(chosen.k_red == 3);  // the filter rows up the column
    CHECK(chosen.k_pos > 1);   // output rows side by side: they share input rows
    const double bus_bound = double(dw.g) * dw.h * dw.w * 8 / v1.noc.iact_port_bits;  // each input once
    CHECK(simulate_layer(v1, data->layers[0]).stats.cycles < 1.2 * bus_bound);
  }

  TEST_CASE("a filter row wider than the PE's window is an error naming the parameters that bound it") {
    // It said only "does not fit the PE's 1-entry window": nothing named the architecture file's key.
    ArchSpec a = *preset("eyeriss_v2");
    a.pe.iact_data_entries = 1;
    a.pe.weight_addr_entries = 2;
    const auto data = workloads::prepare_network(
        testing::one_layer(workloads::LayerShape{.name = "conv", .c = 4, .m = 4, .h = 8, .w = 8, .r = 3, .s = 3}, 0.5, 0.5),
        1);
    CHECK_THROWS_WITH_AS(map_layer(a, data->layers[0]),
                         doctest::Contains("layer conv: a filter row of 3 columns does not fit the PE's 2-entry window "
                                           "(max(pe.iact_data_entries = 1, pe.weight_addr_entries = 2))"),
                         MappingError);
    a.pe.kind = PeKind::kDense;
    CHECK_THROWS_WITH_AS(map_layer(a, data->layers[0]), doctest::Contains("1-entry window (pe.iact_data_entries = 1)"),
                         MappingError);
    // A forced c0 above C is named as such: it was reported as a window overflow (2 x 4 <= 16; helper-58).
    const MappingOverride too_deep{.layer = "", .m0 = 0, .c0 = 5, .f0 = 0, .spatial_red = 0, .spatial_m = 0,
                                   .spatial_g = 0, .spatial_pos = 0};
    CHECK_THROWS_WITH_AS(map_layer(*preset("eyeriss_v2"), data->layers[0], &too_deep),
                         doctest::Contains("layer conv: forced c0=5 exceeds the layer's C=4 input channels"), MappingError);
  }

  TEST_CASE("a weight tile that fits no SPad is an error naming the parameter that refuses it") {
    // It blamed "the 96-word weight SPad" whatever refused the tile, also when the address SPad did.
    const auto data = workloads::prepare_network(
        testing::one_layer(workloads::LayerShape{.name = "conv", .c = 4, .m = 4, .h = 8, .w = 8, .r = 3, .s = 3}, 0.5, 0.5),
        1);
    const auto& layer = data->layers[0];
    ArchSpec a = *preset("eyeriss_v2");
    a.pe.weight_addr_entries = 1;  // the window is still 16 (pe.iact_data_entries)
    CHECK_THROWS_WITH_AS(map_layer(a, layer),
                         doctest::Contains("layer conv: no tiling fits the PE: the smallest weight tile, 1x1x3 (m0 x c0 x S), "
                                           "does not fit: its 3 weight columns (c0 x S, one address each) exceed "
                                           "pe.weight_addr_entries = 1"),
                         MappingError);
    a = *preset("eyeriss_v2");
    a.pe.weight_data_entries = 1;
    CHECK_THROWS_WITH_AS(map_layer(a, layer), doctest::Contains("than pe.weight_data_entries = 1"), MappingError);
    a = *preset("eyeriss_v1_5");
    a.pe.weight_data_entries = 2;
    CHECK_THROWS_WITH_AS(map_layer(a, layer),
                         doctest::Contains("its 3 weights exceed pe.weight_data_entries = 2 (1 per entry: "
                                           "pe.weight_data_bits = 8 / precision.weight_bits = 8)"),
                         MappingError);
    // A forced mapping: its own tile, or else its spatial factors.
    a = *preset("eyeriss_v1_5");
    a.pe.weight_data_entries = 12;
    const MappingOverride big_tile{.layer = "", .m0 = 4, .c0 = 4, .f0 = 0, .spatial_red = 0, .spatial_m = 0,
                                   .spatial_g = 0, .spatial_pos = 0};
    CHECK_THROWS_WITH_AS(map_layer(a, layer, &big_tile),
                         doctest::Contains("its 4x4x3 weight tile (m0 x c0 x S) does not fit: its 48 weights exceed "
                                           "pe.weight_data_entries = 12"),
                         MappingError);
    // More than the layer has of a dimension says so; within them, more than the PEs hold.
    const MappingOverride too_wide{.layer = "", .m0 = 1, .c0 = 1, .f0 = 0, .spatial_red = 3, .spatial_m = 64,
                                   .spatial_g = 0, .spatial_pos = 0};
    CHECK_THROWS_WITH_AS(map_layer(*preset("eyeriss_v2"), layer, &too_wide),
                         doctest::Contains("spatial_m=64 exceeds the layer's 4 m-tiles (M=4 in tiles of m0=1)"),
                         MappingError);
    const MappingOverride too_many{.layer = "", .m0 = 1, .c0 = 1, .f0 = 1, .spatial_red = 3, .spatial_m = 4,
                                   .spatial_g = 0, .spatial_pos = 36};  // 3 x 4 x 36 = 432 PEs
    CHECK_THROWS_WITH_AS(map_layer(*preset("eyeriss_v2"), layer, &too_many),
                         doctest::Contains("its spatial factors need more PEs, or longer psum chains, than the 192 PEs hold"),
                         MappingError);
  }

  TEST_CASE("routers and GLB banks with no PE row or column behind them change neither the estimate nor the pick") {
    // A PE's iact and weight routers (and iact bank) are its row's modulo their count, its psum router and
    // bank its column's: on 3 x 4 PEs a 4th iact router or 5th psum router carries nothing. The estimate
    // counted them, and noc.weight_routers = 12 made sparse AlexNet CONV3 13 % slower (helper-53).
    const ArchSpec v2 = *preset("eyeriss_v2");
    const auto data = workloads::prepare_network(testing::pick("sparse_alexnet", {"CONV3", "FC8"}), 1);
    for (const auto& layer : data->layers) {
      const Mapping base = map_layer(v2, layer);
      for (int variant = 0; variant < 5; ++variant) {
        ArchSpec more = v2;
        if (variant == 0) more.noc.weight_routers = 12;
        if (variant == 1) more.noc.iact_routers = 6;
        if (variant == 2) more.noc.psum_routers = 8;
        if (variant == 3) more.noc.weight_routers = more.noc.iact_routers = more.noc.psum_routers = 16;
        if (variant == 4) {  // the same banks, more of them, each with a quarter of the capacity
          more.glb.psum_banks *= 4;
          more.glb.psum_bank_bytes /= 4;
          more.glb.iact_banks *= 4;
          more.glb.iact_bank_bytes /= 4;
        }
        const Mapping m = map_layer(more, layer);
        INFO(layer.shape().name, ", variant ", variant, ": ", describe(m), " against ", describe(base));
        CHECK(describe(m) == describe(base));
        CHECK(m.estimated_cycles == doctest::Approx(base.estimated_cycles).epsilon(1e-12));
      }
    }
  }

  TEST_CASE("a mapping on part of the array is estimated with the routers of the clusters it occupies") {
    // With 16 PE columns per cluster the chains of 128 lanes fill 8 of the 16 clusters, whose weight
    // routers alone load their tiles; the estimate counted every cluster's, picked that mapping for
    // sparse AlexNet FC6 and ran 1.6x the 192-PE chip's cycles on 4x its PEs (helper-53).
    const ArchSpec v2 = *preset("eyeriss_v2");
    ArchSpec wide = v2;
    wide.array.pe_cols = 16;
    const auto data = workloads::prepare_network(testing::pick("sparse_alexnet", {"FC6"}), 1);
    const auto& fc6 = data->layers[0];
    const Mapping m = map_layer(wide, fc6);
    INFO(describe(m));
    CHECK(m.active_pes() > wide.pes() * 3 / 4);
    CHECK(double(simulate_layer(wide, fc6).stats.cycles) < 1.05 * double(simulate_layer(v2, fc6).stats.cycles));
  }

  TEST_CASE("when DRAM bounds every candidate the mapper takes the shortest lane path, not the first candidate") {
    ArchSpec v2 = *preset("eyeriss_v2");
    v2.dram.bandwidth_gbps = 1.0;
    // Before: the first of the tied candidates, 3.8x / 2.0x / 1.5x the estimate (m0 = 1 or 4, c0 = 1 or 2).
    for (const workloads::LayerShape& shape :
         {workloads::LayerShape{.name = "fc", .kind = workloads::LayerKind::kFullyConnected, .c = 1024, .m = 256, .h = 1, .w = 1},
          workloads::LayerShape{.name = "conv", .kind = workloads::LayerKind::kConv, .c = 64, .m = 64, .h = 14, .w = 14,
                                .r = 3, .s = 3, .pad = 1},
          workloads::LayerShape{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 128, .m = 128, .h = 14, .w = 14}}) {
      const auto data = workloads::prepare_network(testing::one_layer(shape, 0.5, 0.4), 1);
      const Mapping chosen = map_layer(v2, data->layers[0]);
      INFO(shape.name, ": ", describe(chosen), ", estimated ", chosen.estimated_cycles);
      CHECK(double(simulate_layer(v2, data->layers[0]).stats.cycles) < 1.4 * chosen.estimated_cycles);
    }
  }

  TEST_CASE("the reported mapping names the chain length and lanes it runs, and forced back it is the same mapping") {
    // 3-row filters on 4-row PE columns: chains of 4 cover the rows of one c-tile and one row of the next,
    // which no c x r factorization says. 16 lanes over 13 output rows x 2 column tiles take, at one step,
    // both column tiles of 8 rows: f 2 x e 8.
    const workloads::LayerShape conv{.name = "conv3x3", .kind = workloads::LayerKind::kConv, .c = 64, .m = 32, .h = 15,
                                     .w = 15, .r = 3, .s = 3};
    const auto data = workloads::prepare_network(testing::one_layer(conv, 0.5, 1.0), 1);
    const auto& layer = data->layers[0];
    ArchSpec arch = *preset("eyeriss_v2_256");
    arch.pe.kind = PeKind::kDense;
    arch.pe.simd_width = 1;
    const auto same_mapping = [&](const Mapping& m) {
      const LayerMapping& f = m.factors;
      INFO(describe(m));
      CHECK(f.spatial_red == m.k_red);
      CHECK(f.spatial_pos == m.k_pos);
      CHECK(std::uint64_t{f.spatial_red} * f.spatial_m * f.spatial_g * f.spatial_pos == m.active_pes());
      const MappingOverride back{.layer = "", .m0 = f.m0, .c0 = f.c0, .f0 = f.f0, .spatial_red = f.spatial_red,
                                 .spatial_m = f.spatial_m, .spatial_g = f.spatial_g, .spatial_pos = f.spatial_pos};
      const Mapping again = map_layer(arch, layer, &back);
      CHECK(describe(again) == describe(m));
      CHECK(again.factors.passes == f.passes);
      CHECK(again.estimated_cycles == m.estimated_cycles);
      return f;
    };
    const MappingOverride odd{.layer = "", .m0 = 2, .c0 = 4, .f0 = 7, .spatial_red = 4, .spatial_m = 2, .spatial_g = 1,
                              .spatial_pos = 16};
    const LayerMapping forced = same_mapping(map_layer(arch, layer, &odd));
    CHECK(forced.spatial_red == 4);
    CHECK(forced.spatial_c * forced.spatial_r != 4);
    CHECK(forced.spatial_pos == 16);
    CHECK(forced.spatial_f == 2);
    CHECK(forced.spatial_e == 8);
    CHECK(forced.spatial_n == 1);
    same_mapping(map_layer(arch, layer));
  }

  TEST_CASE("the reported n x e x f factors follow the lanes' positions: column tiles, then rows, then images") {
    // A pointwise layer of h x h outputs at `batch`, mapped with one column tile (f0 = h) and `lanes` lanes.
    const auto factors = [](std::uint32_t h, std::uint32_t batch, std::uint32_t lanes) {
      const workloads::LayerShape pw{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 64, .m = 64, .h = h, .w = h};
      const auto data = workloads::prepare_network(testing::one_layer(pw, 0.5, 0.5), 1, batch);
      const MappingOverride forced{.layer = "", .m0 = 0, .c0 = 0, .f0 = h, .spatial_red = 0, .spatial_m = 0,
                                   .spatial_g = 0, .spatial_pos = lanes};
      const Mapping m = map_layer(*preset("eyeriss_v2"), data->layers[0], &forced);
      INFO(describe(m));
      CHECK(m.factors.spatial_pos == lanes);
      CHECK(m.factors.spatial_f == 1);
      return std::array{m.factors.spatial_n, m.factors.spatial_e};
    };
    // At batch 3, 4 lanes on 4 rows take the 4 rows of one image (positions are dealt f-tile fastest, then e,
    // then n); reported as n=3 e=1 before (helper-55).
    CHECK(factors(4, 3, 4) == std::array{1u, 4u});
    // 8 lanes on 3 rows reach 3 images (rounded up, the images the lanes touch; helper-59).
    CHECK(factors(3, 4, 8) == std::array{3u, 3u});
  }
}

}  // namespace eyesim::hw

// Weight-tile count tables: exact counts, cached per (index, m0), shared across copies and threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "workloads/csc.h"
#include "workloads/layer_data.h"
#include "workloads/weight_tile_counts.h"

namespace eyesim::workloads {
namespace {

Network pointwise(double weight_density) {
  Network n{"pw", {}};
  LayerSpec l;
  l.shape = LayerShape{.name = "pw", .kind = LayerKind::kPointwise, .c = 24, .m = 100, .h = 4, .w = 4};
  l.iacts.density = 0.5;
  l.weights.density = weight_density;
  n.layers.push_back(l);
  return n;
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("a tile count table holds the non-zeros of every column in every m-tile") {
    // Sparse (many empty tiles), medium and nearly dense (full tiles) weights; tile heights that do and
    // do not divide M = 100.
    for (const double density : {0.03, 0.4, 0.97}) {
      CAPTURE(density);
      const auto data = prepare_network(pointwise(density), 5);
      const NonZeroIndex& index = data->layers[0].index;
      REQUIRE_FALSE(index.weights_dense());
      for (std::uint32_t m0 : {1u, 2u, 3u, 7u, 16u, 32u, 99u, 100u, 1000u}) {
        CAPTURE(m0);
        const WeightTileCounts t(index, m0);
        for (std::uint32_t column = 0; column < index.weight_columns(); ++column)
          for (std::uint32_t tile = 0; tile < t.m_tiles(); ++tile)
            CHECK(t.nnz(column, tile) == index.weight_nnz(column, tile * m0, std::min(100u, (tile + 1) * m0)));
      }
    }
  }

  TEST_CASE("CSC entries per column and m-tile: the non-zeros and the zero entries of runs of more than 15 zeros") {
    // What encode_csc writes for the column's values in the tile, counted three ways: from the dense
    // values, by the index's walk over one tile, and by the table (which keeps its own entries only for
    // tiles of more than 16 channels, where runs can outgrow the 4-bit count).
    for (const double density : {0.02, 0.1, 0.5}) {
      CAPTURE(density);
      const auto data = prepare_network(pointwise(density), 5);
      const LayerData& layer = data->layers[0];
      const NonZeroIndex& index = layer.index;
      REQUIRE_FALSE(index.weights_dense());
      std::uint64_t zero_entries = 0;
      for (std::uint32_t m0 : {7u, 16u, 17u, 32u, 64u, 100u}) {
        CAPTURE(m0);
        const WeightTileCounts t(index, m0);
        for (std::uint32_t c = 0; c < 24; ++c)
          for (std::uint32_t tile = 0; tile < t.m_tiles(); ++tile) {
            const std::uint32_t m_begin = tile * m0, m_end = std::min(100u, (tile + 1) * m0);
            std::vector<std::int8_t> values;  // weights [G][M][C][R][S]: column c over channels m
            for (std::uint32_t m = m_begin; m < m_end; ++m) values.push_back(layer.weights.at({0, m, c, 0, 0}));
            const std::size_t encoded = csc_entry_count(values);
            const std::uint32_t column = index.weight_column(0, c, 0, 0);
            CHECK(index.weight_csc_entries(column, m_begin, m_end) == encoded);
            CHECK(t.entries(index, column, tile) == encoded);
            zero_entries += encoded - t.nnz(column, tile);
            if (m0 <= 16) CHECK(t.entries(index, column, tile) == t.nnz(column, tile));
          }
      }
      if (density < 0.5) CHECK(zero_entries > 0);  // the sparse cases do have runs of more than 15 zeros
    }
  }

  TEST_CASE("the non-zero index lists every non-zero weight of a column, ascending in m, with its value") {
    // Sparse to nearly dense weights, and whole columns empty (input-channel pattern); 135 columns per
    // group, so each row is walked as two 64-weight masks and 7 weights one at a time.
    for (const auto& [density, pattern] :
         {std::pair{0.3, SparsityPattern::kUniform}, std::pair{0.05, SparsityPattern::kUniform},
          std::pair{0.97, SparsityPattern::kUniform}, std::pair{0.5, SparsityPattern::kInputChannels}}) {
      CAPTURE(density);
      Network net = pointwise(density);
      net.layers[0].weights.pattern = pattern;
      net.layers[0].shape = LayerShape{.name = "conv", .kind = LayerKind::kConv, .g = 2, .c = 15, .m = 37, .h = 9, .w = 9, .r = 3, .s = 3};
      const auto data = prepare_network(net, 9);
      const LayerData& layer = data->layers[0];
      const LayerShape& l = layer.shape();
      const NonZeroIndex& index = layer.index;
      REQUIRE_FALSE(index.weights_dense());
      std::size_t listed = 0;
      for (std::uint32_t g = 0; g < l.g; ++g)
        for (std::uint32_t c = 0; c < l.c; ++c)
          for (std::uint32_t r = 0; r < l.r; ++r)
            for (std::uint32_t s = 0; s < l.s; ++s) {
              const auto ms = index.weight_ms(index.weight_column(g, c, r, s));
              const auto values = index.weight_values(index.weight_column(g, c, r, s));
              REQUIRE(ms.size() == values.size());
              std::size_t i = 0;
              for (std::uint32_t m = 0; m < l.m; ++m) {
                const std::int8_t v = layer.weights.data()[(((std::size_t{g} * l.m + m) * l.c + c) * l.r + r) * l.s + s];
                if (v == 0) continue;
                REQUIRE(i < ms.size());
                CHECK(ms[i] == m);
                CHECK(values[i] == v);
                ++i;
              }
              CHECK(i == ms.size());
              listed += i;
              for (std::uint32_t m = 0; m <= l.m; ++m)
                CHECK(index.weight_position(index.weight_column(g, c, r, s), m) ==
                      static_cast<std::size_t>(std::lower_bound(ms.begin(), ms.end(), m) - ms.begin()));
            }
      CHECK(listed == layer.weight_nnz);
    }
  }

  TEST_CASE("tables are built once per m0 and shared by copies of the index and by threads") {
    const auto data = prepare_network(pointwise(0.4), 5);
    const NonZeroIndex& index = data->layers[0].index;
    const auto a = index.weight_tile_counts(16);
    CHECK(index.weight_tile_counts(16) == a);           // the same table, not a new one
    CHECK(index.weight_tile_counts(8) != a);            // another m0, another table
    const NonZeroIndex copy = index;
    CHECK(copy.weight_tile_counts(16) == a);            // copies share the cache
    const auto rebuilt = NonZeroIndex(data->layers[0].shape(), data->layers[0].iacts, data->layers[0].weights);
    CHECK(rebuilt.weight_tile_counts(16) != a);         // a new index (new data) has its own
    // Concurrent first uses of a new m0 agree and end up with one cached table.
    std::vector<std::shared_ptr<const WeightTileCounts>> got(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < got.size(); ++i) threads.emplace_back([&, i] { got[i] = index.weight_tile_counts(12); });
    for (auto& t : threads) t.join();
    const auto cached = index.weight_tile_counts(12);
    for (const auto& t : got) {
      for (std::uint32_t column = 0; column < index.weight_columns(); ++column)
        for (std::uint32_t tile = 0; tile < t->m_tiles(); ++tile) CHECK(t->nnz(column, tile) == cached->nnz(column, tile));
    }
  }
}

}  // namespace eyesim::workloads

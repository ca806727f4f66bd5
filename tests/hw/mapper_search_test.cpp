// Mapping search by simulation (RunOptions::mapper): the candidates, the choice, its equality with a
// forced run, determinism, and that the default (estimate) path is what it was.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "hw/mapper.h"
#include "hw/presets.h"
#include "hw/simulate.h"
#include "workloads/layer_data.h"
#include "one_layer.h"
#include "workloads/network.h"

namespace eyesim::hw {
namespace {

using testing::pick;

/// The scalability setup of V2 section III-D at 1024 PEs (tools/validation/published.toml group 6):
/// 1 MAC per PE, no sparsity, unlimited DRAM bandwidth.
ArchSpec v2_1024_dense() {
  ArchSpec a = *preset("eyeriss_v2_1024");
  a.pe.simd_width = 1;
  a.pe.kind = PeKind::kDense;
  a.dram.bandwidth_gbps = 0.0;
  return a;
}

RunOptions searched(std::uint32_t candidates = 8, double window = 0.05) {
  RunOptions o;
  o.collect_traces = false;
  o.mapper = {.mode = MapperMode::kSimulate, .window = window, .max_candidates = candidates};
  return o;
}

/// The override that forces every factor of `m` back (what `--mapping` would hold).
MappingOverride forced(const LayerMapping& m, std::string layer = "") {
  return {.layer = std::move(layer), .m0 = m.m0, .c0 = m.c0, .f0 = m.f0, .spatial_red = m.spatial_red,
          .spatial_m = m.spatial_m, .spatial_g = m.spatial_g, .spatial_pos = m.spatial_pos};
}

/// Every counter equal (for_each_field), the mapping too.
void check_same(const LayerResult& a, const LayerResult& b) {
  INFO(a.layer_name);
  std::vector<double> x, y;
  for_each_field(a.stats, [&](const char*, const auto& v) { x.push_back(static_cast<double>(v)); });
  for_each_field(b.stats, [&](const char*, const auto& v) { y.push_back(static_cast<double>(v)); });
  CHECK(x == y);
  std::vector<std::uint64_t> mx, my;
  for_each_field(a.mapping, [&](const char*, const auto& v) { mx.push_back(static_cast<std::uint64_t>(v)); });
  for_each_field(b.mapping, [&](const char*, const auto& v) { my.push_back(static_cast<std::uint64_t>(v)); });
  CHECK(mx == my);
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("map_layer_candidates: the estimate's pick first, then distinct layouts within the window, each its forced mapping") {
    const ArchSpec arch = v2_1024_dense();
    const auto data = workloads::prepare_network(pick("alexnet", {"CONV5", "FC8"}), 1);
    for (const auto& layer : data->layers) {
      INFO(layer.shape().name);
      const Mapping best = map_layer(arch, layer);
      std::vector<Mapping> c;
      map_layer_candidates(arch, layer, 0.05, 8, c);
      REQUIRE(!c.empty());
      CHECK(c.size() <= 8);
      CHECK(describe(c.front()) == describe(best));
      CHECK(c.front().estimated_cycles == best.estimated_cycles);
      for (std::size_t i = 0; i < c.size(); ++i) {
        CHECK(c[i].estimated_cycles <= best.estimated_cycles * 1.05);
        if (i > 0) CHECK(c[i - 1].estimated_cycles <= c[i].estimated_cycles);
        for (std::size_t j = 0; j < i; ++j)
          CHECK(!(c[i].k_red == c[j].k_red && c[i].k_m == c[j].k_m && c[i].k_g == c[j].k_g));
        const MappingOverride o = forced(c[i].factors);
        const Mapping again = map_layer(arch, layer, &o);
        CHECK(describe(again) == describe(c[i]));
        CHECK(again.estimated_cycles == c[i].estimated_cycles);
      }
      std::vector<Mapping> one;
      map_layer_candidates(arch, layer, 0.05, 1, one);
      REQUIRE(one.size() == 1);
      CHECK(describe(one.front()) == describe(best));
      std::vector<Mapping> none_wider;
      map_layer_candidates(arch, layer, 0.0, 64, none_wider);
      for (const Mapping& m : none_wider) CHECK(m.estimated_cycles == best.estimated_cycles);
    }
  }

  TEST_CASE("simulate beats the estimate's pick on AlexNet CONV5 at 1024 PEs, and equals a forced run of the mapping it reports") {
    const ArchSpec arch = v2_1024_dense();
    const auto data = workloads::prepare_network(pick("alexnet", {"CONV5"}), 1);
    RunOptions plain;
    plain.collect_traces = false;
    const NetworkResult estimate = simulate_network(arch, *data, plain);
    const NetworkResult search = simulate_network(arch, *data, searched());
    REQUIRE(search.layers.size() == 1);
    const LayerResult& l = search.layers.front();
    CHECK(l.stats.cycles < estimate.layers.front().stats.cycles);  // 93.2 k against 105.7 k (docs/validation.md)
    CHECK(l.estimate_pick_cycles == estimate.layers.front().stats.cycles);
    CHECK(l.mapper_candidates > 1);
    CHECK(l.mapper_candidates <= 8);
    // The same mapping forced, with the caller's options: the same result, to the last counter.
    RunOptions force = plain;
    force.forced_mappings = {forced(l.mapping)};
    check_same(l, simulate_network(arch, *data, force).layers.front());
    // With traces and verification asked for, the chosen mapping runs again with them: same counters.
    RunOptions full = searched();
    full.collect_traces = true;
    full.verify = true;
    const LayerResult traced = simulate_network(arch, *data, full).layers.front();
    check_same(l, traced);
    CHECK(traced.verified);
    CHECK(!traced.traces.pe_busy_cycles.empty());
    RunOptions forced_traced = force;
    forced_traced.collect_traces = true;
    CHECK(traced.traces.pe_busy_cycles == simulate_network(arch, *data, forced_traced).layers.front().traces.pe_busy_cycles);
    // A layer with a forced mapping is not searched.
    RunOptions forced_search = searched();
    forced_search.forced_mappings = {forced(estimate.layers.front().mapping)};
    const LayerResult kept = simulate_network(arch, *data, forced_search).layers.front();
    CHECK(kept.mapper_candidates == 0);
    check_same(kept, estimate.layers.front());
  }

  TEST_CASE("simulate never takes more cycles than estimate, layer by layer, on several presets") {
    struct Run {
      const char* arch;
      const char* net;
      std::initializer_list<const char*> layers;
    };
    for (const Run& r : {Run{"eyeriss_v2", "sparse_mobilenet", {"L01", "L02", "L07", "L14", "L27", "L28"}},
                         Run{"eyeriss_v1_scaled", "mobilenet_1_0_224", {"L02", "L03", "L26"}},
                         Run{"eyeriss_v1_5", "sparse_alexnet", {"CONV4", "FC8"}}}) {
      INFO(r.arch << " " << r.net);
      const ArchSpec arch = *preset(r.arch);
      const auto data = workloads::prepare_network(pick(r.net, r.layers), 3);
      REQUIRE(data->layers.size() == r.layers.size());
      RunOptions plain;
      plain.collect_traces = false;
      const NetworkResult e = simulate_network(arch, *data, plain);
      const NetworkResult s = simulate_network(arch, *data, searched(4, 0.1));
      for (std::size_t i = 0; i < e.layers.size(); ++i) {
        INFO(e.layers[i].layer_name);
        CHECK(s.layers[i].stats.cycles <= e.layers[i].stats.cycles);
        CHECK(s.layers[i].estimate_pick_cycles == e.layers[i].stats.cycles);
      }
      CHECK(s.totals.cycles <= e.totals.cycles);
    }
  }

  TEST_CASE("simulate is deterministic: repeated runs and two threads at once give the same result") {
    const ArchSpec arch = *preset("eyeriss_v2");
    const auto data = workloads::prepare_network(pick("sparse_mobilenet", {"L02", "L07", "L27"}), 2);
    const NetworkResult a = simulate_network(arch, *data, searched());
    NetworkResult b, c;
    std::thread t1([&] { b = simulate_network(arch, *data, searched()); });
    std::thread t2([&] { c = simulate_network(arch, *data, searched()); });
    t1.join();
    t2.join();
    for (const NetworkResult* other : {&b, &c}) {
      REQUIRE(other->layers.size() == a.layers.size());
      for (std::size_t i = 0; i < a.layers.size(); ++i) {
        check_same(other->layers[i], a.layers[i]);
        CHECK(other->layers[i].mapper_candidates == a.layers[i].mapper_candidates);
      }
    }
    // simulate_layer searches the same way.
    const LayerResult one = simulate_layer(arch, data->layers[0], searched());
    CHECK(one.mapper_candidates == a.layers[0].mapper_candidates);
    CHECK(one.estimate_pick_cycles == a.layers[0].estimate_pick_cycles);
  }

  TEST_CASE("estimate is the default, ignores the window and candidate count, and searches nothing") {
    const ArchSpec arch = v2_1024_dense();
    const auto data = workloads::prepare_network(pick("alexnet", {"CONV5"}), 1);
    const NetworkResult a = simulate_network(arch, *data);
    RunOptions o;
    o.mapper = {.mode = MapperMode::kEstimate, .window = 0.5, .max_candidates = 64};
    const NetworkResult b = simulate_network(arch, *data, o);
    check_same(a.layers.front(), b.layers.front());
    CHECK(a.layers.front().mapper_candidates == 0);
    CHECK(a.layers.front().stats.cycles == 105695);  // the estimate's pick (docs/validation.md: 105.7 k)
    CHECK(RunOptions{}.mapper.mode == MapperMode::kEstimate);
  }

  TEST_CASE("an invalid mapper search is refused with the value named") {
    const ArchSpec arch = *preset("eyeriss_v2");
    const auto data = workloads::prepare_network(pick("sparse_mobilenet", {"L02"}), 1);
    for (const auto& [bad, named] :
         {std::pair{MapperSearch{.mode = MapperMode::kSimulate, .window = -0.1, .max_candidates = 8},
                    "mapper.window must be in [0, 1] (got -0.1);"},
          std::pair{MapperSearch{.mode = MapperMode::kSimulate, .window = 0.05, .max_candidates = 0},
                    "mapper.candidates must be in [1, 64] (got 0);"},
          std::pair{MapperSearch{.mode = MapperMode::kSimulate, .window = 0.05, .max_candidates = 65},
                    "mapper.candidates must be in [1, 64] (got 65);"},
          std::pair{MapperSearch{.mode = MapperMode::kSimulate, .window = 1.5, .max_candidates = 8},
                    "mapper.window must be in [0, 1] (got 1.5);"}}) {
      RunOptions o;
      o.mapper = bad;
      CHECK(validate(bad).size() == 1);
      CHECK_THROWS_WITH_AS(simulate_network(arch, *data, o), doctest::Contains(named), std::invalid_argument);
    }
    CHECK(validate(MapperSearch{}).empty());
    // describe() is a result file's provenance and goes into its spec hash: the window as given, to the
    // last digit, and -0 (which validates) as 0.
    CHECK(describe(MapperSearch{}) == "estimate");
    CHECK(describe(MapperSearch{.mode = MapperMode::kSimulate}) == "simulate (window 0.05, up to 8 candidates)");
    CHECK(describe(MapperSearch{.mode = MapperMode::kSimulate, .window = 0.1234567, .max_candidates = 3}) ==
          "simulate (window 0.1234567, up to 3 candidates)");
    CHECK(describe(MapperSearch{.mode = MapperMode::kSimulate, .window = 0.1234568, .max_candidates = 3}) !=
          describe(MapperSearch{.mode = MapperMode::kSimulate, .window = 0.1234567, .max_candidates = 3}));
    const MapperSearch negative_zero{.mode = MapperMode::kSimulate, .window = -0.0, .max_candidates = 8};
    CHECK(validate(negative_zero).empty());
    CHECK(describe(negative_zero) == "simulate (window 0, up to 8 candidates)");
    CHECK(parse_mapper_mode("simulate") == MapperMode::kSimulate);
    CHECK(!parse_mapper_mode("exhaustive"));
  }
}

}  // namespace eyesim::hw

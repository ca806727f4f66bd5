// Whole-layer simulation: functional verification on every chip kind, properties, determinism.
#include <doctest/doctest.h>

#include <algorithm>
#include <string_view>
#include <thread>
#include <vector>

#include "hw/chip.h"
#include "hw/dram.h"
#include "hw/mapper.h"
#include "hw/presets.h"
#include "hw/simulate.h"
#include "one_layer.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {
namespace {

using testing::pick;

void verify_all(const ArchSpec& arch, const workloads::Network& net) {
  const auto data = workloads::prepare_network(net, 1);
  for (const auto& layer : data->layers) {
    INFO(arch.name << " " << layer.shape().name);
    LayerResult r;
    CHECK_NOTHROW(r = simulate_layer(arch, layer, RunOptions{.verify = true, .collect_traces = true, .forced_mappings = {}}));
    CHECK(r.verified);
    CHECK(r.stats.cycles > 0);
    CHECK(r.stats.macs_effectual <= r.stats.macs_nominal);
  }
}

const workloads::LayerShape kPointwise{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 64, .m = 64, .h = 8, .w = 8};

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("functional mode: every layer of sparse MobileNet on eyeriss_v2 equals the reference") {
    verify_all(*preset("eyeriss_v2"), pick("sparse_mobilenet", {}));
  }

  TEST_CASE("an error simulating a layer of a network names the layer") {
    // A DRAM too slow to simulate said so without saying which layer (found by helper-49).
    ArchSpec arch = *preset("eyeriss_v2");
    arch.dram.bandwidth_gbps = 1e-9;
    const auto data = workloads::prepare_network(pick("sparse_mobilenet", {"L01", "L02"}), 1);
    CHECK_THROWS_WITH_AS(simulate_network(arch, *data),
                         doctest::Contains("layer L01: the layer's DRAM transfers would last past cycle"),
                         std::runtime_error);
  }

  TEST_CASE("padding wider than the filter: output tiles wholly in the padding read nothing") {
    // A 1 x 1 filter with 2 columns of padding: tiles of one output column at either edge meet only padding.
    // Their windows' bounds crossed (w_hi < w_lo) and counted the row's every non-zero again, on both PE kinds
    // (found by helper-51: 64 effectual MACs of 32).
    const workloads::LayerShape shape{.name = "pad", .c = 1, .m = 1, .h = 8, .w = 8, .r = 1, .s = 1, .pad = 2};
    const auto data = workloads::prepare_network(testing::one_layer(shape, 0.5, 1.0), 1);
    const workloads::LayerData& layer = data->layers[0];
    for (const char* arch : {"eyeriss_v2", "eyeriss_v1_scaled"})
      for (const std::uint32_t f0 : {1u, 12u}) {
        INFO(arch << ", f0 " << f0);
        const MappingOverride tiles{.layer = "", .m0 = 0, .c0 = 0, .f0 = f0, .spatial_red = 0, .spatial_m = 0,
                                    .spatial_g = 0, .spatial_pos = 0};
        const LayerResult r = simulate_layer(*preset(arch), layer,
                                             RunOptions{.verify = true, .collect_traces = false, .forced_mappings = {tiles}});
        CHECK(r.verified);
        CHECK(r.stats.macs_effectual == layer.iact_nnz);  // each input meets the one weight once
        CHECK(r.stats.zero_iacts_skipped <= shape.iact_count());
      }
  }

  TEST_CASE("functional mode: stride-1 filter rows along m and along f, at the edges of short output row tiles") {
    // 5 filter columns with padding 2 on 11 columns, in output row tiles of 2, 3 and 11 columns: a tile's
    // first and last columns meet only some taps of an input. Dense weights, sparse ones summed along m over
    // whole reversed filter rows, and very sparse ones walked as lists.
    const workloads::LayerShape shape{.name = "s1", .c = 5, .m = 12, .h = 6, .w = 11, .r = 3, .s = 5, .pad = 2};
    for (const double weight_density : {1.0, 0.5, 0.05})
      for (const std::uint32_t f0 : {2u, 3u, 11u}) {
        INFO("weight density " << weight_density << ", f0 " << f0);
        const auto data = workloads::prepare_network(testing::one_layer(shape, 0.6, weight_density), 1);
        const MappingOverride tiles{.layer = "", .m0 = 6, .c0 = 2, .f0 = f0, .spatial_red = 0, .spatial_m = 0,
                                    .spatial_g = 0, .spatial_pos = 0};
        LayerResult r;
        CHECK_NOTHROW(r = simulate_layer(*preset("eyeriss_v2"), data->layers[0],
                                         RunOptions{.verify = true, .collect_traces = false, .forced_mappings = {tiles}}));
        CHECK(r.verified);
      }
  }

  TEST_CASE("functional mode: layers of MobileNet on v1 scaled / v1.5 / a 1x1 chip and v2 at 1024 PEs") {
    const auto layers = pick("mobilenet", {"L01", "L02", "L07", "L14", "L27", "L28"});
    verify_all(*preset("eyeriss_v1_scaled"), layers);
    verify_all(*preset("eyeriss_v1_5"), layers);
    verify_all(*preset("eyeriss_v2_1024"), layers);
    ArchSpec tiny = *preset("eyeriss_v2");
    tiny.array = ArraySpec{.cluster_rows = 1, .cluster_cols = 1, .pe_rows = 1, .pe_cols = 1};
    tiny.noc.iact_routers = tiny.noc.weight_routers = tiny.noc.psum_routers = 1;
    verify_all(tiny, pick("mobilenet", {"L02", "L13", "L28"}));
  }

  TEST_CASE("functional mode: narrow psum accumulators wrap as the reference does, on both loop orders") {
    // 12-bit psums overflow on every layer: the work items' sums modulo 2^32, wrapped once, must equal
    // the reference wrapped to 12 bits, for dense weights (summed along f) and sparse ones (along m).
    ArchSpec narrow = *preset("eyeriss_v2");
    narrow.precision.psum_bits = 12;
    verify_all(narrow, pick("mobilenet", {"L03", "L14", "L27"}));
    verify_all(narrow, pick("sparse_mobilenet", {"L03", "L14", "L27"}));
  }

  TEST_CASE("functional mode: sparse weights at strides 1, 2 and 4, FC, dense and sparse iacts, wrap as the reference does") {
    // Each work item takes the cheaper of compute_values' loop orders by its non-zeros: along f (the row
    // split by stride phase) or along m (the tile dense or its non-zeros): these layers and densities
    // take each of them; 12-bit psums overflow.
    ArchSpec narrow = *preset("eyeriss_v2");
    narrow.precision.psum_bits = 12;
    using workloads::LayerKind;
    const workloads::LayerShape shapes[] = {
        {.name = "s4", .kind = LayerKind::kConv, .c = 3, .m = 16, .h = 39, .w = 39, .r = 11, .s = 11, .u = 4},
        {.name = "s2", .kind = LayerKind::kConv, .c = 8, .m = 20, .h = 15, .w = 15, .r = 3, .s = 3, .u = 2, .pad = 1},
        {.name = "s1", .kind = LayerKind::kConv, .c = 12, .m = 24, .h = 13, .w = 13, .r = 5, .s = 5, .u = 1, .pad = 2},
        {.name = "fc", .kind = LayerKind::kFullyConnected, .c = 96, .m = 40},
        {.name = "conv_fc", .kind = LayerKind::kConv, .c = 32, .m = 40, .h = 3, .w = 3, .r = 3, .s = 3},
    };
    for (const auto& shape : shapes)
      for (const auto& [iacts, weights] : {std::pair{1.0, 0.4}, std::pair{0.3, 0.7}, std::pair{0.6, 0.1}, std::pair{0.05, 0.9}}) {
        INFO(shape.name << " iacts " << iacts << " weights " << weights);
        verify_all(narrow, testing::one_layer(shape, iacts, weights));
      }
  }

  TEST_CASE("lower density never increases a layer's cycles on a sparse PE") {
    const ArchSpec arch = *preset("eyeriss_v2");
    std::uint64_t previous = ~0ULL;
    for (double d : {1.0, 0.8, 0.6, 0.4, 0.2, 0.05}) {
      const auto data = workloads::prepare_network(testing::one_layer(kPointwise, d, d), 4);
      const auto r = simulate_layer(arch, data->layers[0]);
      INFO("density " << d);
      CHECK(r.stats.cycles <= previous);
      previous = r.stats.cycles;
    }
  }

  TEST_CASE("a dense PE's cycles do not depend on density") {
    const ArchSpec arch = *preset("eyeriss_v1_5");
    std::uint64_t cycles = 0;
    for (double d : {1.0, 0.5, 0.1}) {
      const auto data = workloads::prepare_network(testing::one_layer(kPointwise, d, d), 4);
      const auto r = simulate_layer(arch, data->layers[0]);
      if (cycles == 0) cycles = r.stats.cycles;
      CHECK(r.stats.cycles == cycles);
    }
  }

  TEST_CASE("the same inputs give bit-identical results / also on two threads at once") {
    const ArchSpec arch = *preset("eyeriss_v2");
    const auto data = workloads::prepare_network(pick("sparse_mobilenet", {"L07", "L20", "L27"}), 2);
    const auto a = simulate_network(arch, *data);
    NetworkResult b, c;
    std::thread t1([&] { b = simulate_network(arch, *data); });
    std::thread t2([&] { c = simulate_network(arch, *data); });
    t1.join();
    t2.join();
    for (const NetworkResult* other : {&b, &c}) {
      REQUIRE(other->layers.size() == a.layers.size());
      for (std::size_t i = 0; i < a.layers.size(); ++i) {
        CHECK(other->layers[i].stats.cycles == a.layers[i].stats.cycles);
        CHECK(other->layers[i].stats.energy_chip_pj == a.layers[i].stats.energy_chip_pj);
        CHECK(other->layers[i].traces.pe_busy_cycles == a.layers[i].traces.pe_busy_cycles);
      }
    }
  }

  TEST_CASE("a chip workspace carries nothing from one layer to the next / each layer equals it on a fresh workspace") {
    // simulate_network runs a network's layers on one Chip::Workspace; shapes and mappings that differ
    // in every table it lends (lanes, rows, routes, windows per lane, groups and their tiles, the NoC's
    // ports and planned routes, DRAM windows, traces), in both orders, alternating a mesh and a flat NoC,
    // with and without traces, the second time in functional mode (the decoded tiles).
    const ArchSpec archs[] = {*preset("eyeriss_v2"), *preset("eyeriss_v1_5")};
    const auto data = workloads::prepare_network(pick("sparse_mobilenet", {"L01", "L14", "L03", "L28", "L02", "L27"}), 1);
    Chip::Workspace shared;
    std::vector<std::size_t> order(data->layers.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (int pass = 0; pass < 2; ++pass, std::reverse(order.begin(), order.end())) {
      for (std::size_t i : order) {
        const ArchSpec& arch = archs[(i + pass) % 2];
        const workloads::LayerData& layer = data->layers[i];
        INFO(layer.shape().name << " on " << arch.name << " pass " << pass);
        const Mapping mapping = map_layer(arch, layer);
        const RunOptions options{.verify = pass == 1, .collect_traces = i % 3 != 1, .forced_mappings = {}};
        const LayerResult a = Chip(arch, layer, mapping, options, shared).run();
        Chip::Workspace fresh;
        const LayerResult b = Chip(arch, layer, mapping, options, fresh).run();
        CHECK(a.verified == options.verify);
        for_each_field(a.stats, [&](const char* name, const auto& value) {
          INFO(name);
          bool same = false;
          for_each_field(b.stats, [&](const char* other, const auto& v) {
            if (std::string_view(other) == name) same = v == value;
          });
          CHECK(same);
        });
        CHECK(a.traces.pe_busy_cycles == b.traces.pe_busy_cycles);
        CHECK(a.traces.pe_stall_cycles == b.traces.pe_stall_cycles);
        CHECK(a.traces.port_busy_cycles == b.traces.port_busy_cycles);
      }
    }
  }

  TEST_CASE("a chip workspace's kept wirings: a layer wired as an earlier one, or differently, equals it on a fresh workspace") {
    // The workspace keeps the wiring (lane tables, planned routes) of the last two layers wired differently
    // and reuses one for a layer with the same spatial factors and GLB banks on the same architecture. In
    // this sequence layers alternate two wirings (hits), differ in one spatial factor (k_g), in the
    // architecture only (the same forced factors on the same clusters in a 4 x 4 mesh, whose routes differ)
    // and evict each other; a stale wiring would send the multicasts on other routes, from other banks and ports.
    const ArchSpec v2 = *preset("eyeriss_v2");
    ArchSpec square = v2;
    square.name = "eyeriss_v2 on a 4 x 4 mesh";
    square.array.cluster_rows = 4;
    square.array.cluster_cols = 4;
    REQUIRE(validate(square).empty());
    const auto data = workloads::prepare_network(pick("sparse_mobilenet", {"L14", "L15", "L16", "L17", "L02"}), 1);
    const auto& l14 = data->layers[0];
    const auto& l15 = data->layers[1];
    const auto& l16 = data->layers[2];
    const auto& l17 = data->layers[3];
    const auto& l02 = data->layers[4];
    const Mapping dw = map_layer(v2, l14);
    const MappingOverride dw_factors{.layer = "", .m0 = dw.factors.m0, .c0 = dw.factors.c0, .f0 = dw.factors.f0,
                                     .spatial_red = dw.k_red, .spatial_m = dw.k_m, .spatial_g = dw.k_g, .spatial_pos = dw.k_pos};
    MappingOverride half_groups = dw_factors;
    half_groups.spatial_g = dw.k_g / 2;
    struct Step {
      const ArchSpec* arch;
      const workloads::LayerData* layer;
      const MappingOverride* forced;
    };
    const Mapping pw = map_layer(v2, l15);
    const MappingOverride pw_factors{.layer = "", .m0 = pw.factors.m0, .c0 = pw.factors.c0, .f0 = pw.factors.f0,
                                     .spatial_red = pw.k_red, .spatial_m = pw.k_m, .spatial_g = pw.k_g, .spatial_pos = pw.k_pos};
    REQUIRE(pw.k_m > 1);  // its iact multicasts reach several clusters: their routes depend on the mesh
    const Step steps[] = {{&v2, &l14, nullptr},     {&v2, &l15, nullptr},         {&v2, &l16, nullptr},
                          {&v2, &l17, nullptr},     {&v2, &l14, &half_groups},     {&v2, &l16, nullptr},
                          {&v2, &l15, nullptr},     {&square, &l15, &pw_factors},  {&v2, &l17, &pw_factors},
                          {&v2, &l02, nullptr},     {&square, &l16, &dw_factors},  {&v2, &l14, &dw_factors}};
    Chip::Workspace shared;
    int index = 0;
    for (const Step& step : steps) {
      INFO("step " << index++ << ": " << step.layer->shape().name << " on " << step.arch->name);
      const Mapping mapping = map_layer(*step.arch, *step.layer, step.forced);
      const RunOptions options{.verify = false, .collect_traces = true, .forced_mappings = {}};
      const LayerResult a = Chip(*step.arch, *step.layer, mapping, options, shared).run();
      Chip::Workspace fresh;
      const LayerResult b = Chip(*step.arch, *step.layer, mapping, options, fresh).run();
      CHECK(a.stats.cycles == b.stats.cycles);
      CHECK(a.stats.energy_chip_pj == b.stats.energy_chip_pj);
      CHECK(a.stats.noc_iact_bits == b.stats.noc_iact_bits);
      CHECK(a.stats.noc_weight_bits == b.stats.noc_weight_bits);
      CHECK(a.stats.noc_psum_bits == b.stats.noc_psum_bits);
      CHECK(a.traces.pe_busy_cycles == b.traces.pe_busy_cycles);
      CHECK(a.traces.port_busy_cycles == b.traces.port_busy_cycles);
      CHECK(a.traces.port_bits == b.traces.port_bits);
    }
  }

  TEST_CASE("depthwise layers broadcast nothing to iacts and map channel groups across PEs") {
    const ArchSpec arch = *preset("eyeriss_v2");
    const auto data = workloads::prepare_network(pick("mobilenet", {"L14"}), 1);
    const auto r = simulate_layer(arch, data->layers[0]);
    CHECK(r.mapping.m0 == 1);
    CHECK(r.mapping.iact_mode == NocMode::kUnicast);  // no iact reuse across output channels
    CHECK(r.stats.active_pes > 1);
  }

  TEST_CASE("each weight tile is one multicast, and only the mapped PEs compute") {
    const ArchSpec arch = *preset("eyeriss_v2");
    const auto data = workloads::prepare_network(pick("sparse_mobilenet", {"L14", "L15", "L28"}), 1);
    for (const auto& layer : data->layers) {
      const auto& l = layer.shape();
      const auto r = simulate_layer(arch, layer);
      INFO(l.name);
      const std::uint64_t tiles = std::uint64_t{l.g} * ((l.m + r.mapping.m0 - 1) / r.mapping.m0) *
                                  ((l.c + r.mapping.c0 - 1) / r.mapping.c0) * l.r;
      CHECK(r.stats.noc_weight_transfers == tiles);
      std::uint64_t macs = 0;
      std::uint32_t working = 0;
      for (auto m : r.traces.pe_macs) {
        macs += m;
        working += m > 0;
      }
      CHECK(macs == r.stats.macs_effectual);
      CHECK(working <= r.stats.active_pes);
      CHECK(working > 0);
    }
  }

  TEST_CASE("the mapper's choice is not slower than a naive forced mapping") {
    const auto data = workloads::prepare_network(pick("mobilenet", {"L07", "L27"}), 1);
    for (const char* name : {"eyeriss_v2", "eyeriss_v1_scaled", "eyeriss_v1_5"}) {
      const ArchSpec arch = *preset(name);
      for (const auto& layer : data->layers) {
        INFO(name << " " << layer.shape().name);
        const auto chosen = simulate_layer(arch, layer);
        RunOptions naive;
        naive.forced_mappings.push_back(MappingOverride{.layer = "", .m0 = 1, .c0 = 1, .f0 = 0, .spatial_red = 1,
                                                        .spatial_m = 0, .spatial_g = 0, .spatial_pos = 0});
        const auto forced = simulate_layer(arch, layer, naive);
        CHECK(forced.mapping.m0 == 1);
        CHECK(chosen.stats.cycles <= forced.stats.cycles);
      }
    }
  }

  TEST_CASE("a psum chain continues into the cluster below, and its psums pay the mesh link's hops") {
    // Chains of 4 PEs on eyeriss_v2's 3-row cluster columns: each runs down one PE column across one
    // cluster boundary (top PE -> psum router -> the router below -> its bottom PE: 3 hops for the 1 of a
    // PE-to-PE link). Every output is sent once (4 partials: one pass), from its chain's exit: 1 hop to the
    // router, 3 chain links, 2 more for the crossing.
    const auto data = workloads::prepare_network(testing::one_layer(kPointwise, 1.0, 1.0), 1);
    const auto& layer = data->layers[0];
    const ArchSpec v2 = *preset("eyeriss_v2");
    RunOptions options{.verify = true, .collect_traces = true, .forced_mappings = {}};
    options.forced_mappings.push_back(MappingOverride{.layer = "", .m0 = 8, .c0 = 16, .f0 = 0, .spatial_red = 4,
                                                      .spatial_m = 0, .spatial_g = 0, .spatial_pos = 0});
    const LayerResult r = simulate_layer(v2, layer, options);
    CHECK(r.verified);
    const std::uint64_t psum_bits = kPointwise.oact_count() * v2.precision.psum_bits;
    CHECK(r.stats.noc_psum_bits == psum_bits * (1 + 3 + 2));
    CHECK(r.stats.glb_psum_reads == 0);  // no read-modify-write: the chain completes its outputs
    // Every active PE is a distinct PE of the array and works.
    std::uint32_t working = 0;
    for (const std::uint64_t busy : r.traces.pe_busy_cycles) working += busy > 0;
    CHECK(working == r.stats.active_pes);
    CHECK(r.stats.active_pes % 4 == 0);
    // Chains of 3 stay in one cluster (4 partials: two passes, psums back to the GLB): 1 + 2 hops per send.
    options.forced_mappings[0].spatial_red = 3;
    const LayerResult in_cluster = simulate_layer(v2, layer, options);
    CHECK(in_cluster.verified);
    CHECK(in_cluster.stats.noc_psum_bits == 2 * psum_bits * (1 + 2));
  }

  TEST_CASE("a flat bus makes iact-hungry layers slower than the hierarchical mesh") {
    const auto data = workloads::prepare_network(pick("mobilenet", {"L02", "L14"}), 1);
    const auto flat = simulate_network(*preset("eyeriss_v1_scaled"), *data);
    const auto mesh = simulate_network(*preset("eyeriss_v1_5"), *data);
    CHECK(flat.totals.cycles > mesh.totals.cycles);
    CHECK(flat.totals.stall_iact_cycles > mesh.totals.stall_iact_cycles);
  }

  TEST_CASE("row-stationary sharing: lanes at the same step get a shared input row from one multicast") {
    // 3x3 filters, stride 1, 12 output rows side by side (one lane each), the 3 filter rows up each
    // PE column: lane e needs input rows e, e+1, e+2, so the 14 input rows are sent once each, not 36 times.
    const auto data = workloads::prepare_network(testing::one_layer(testing::rs_conv_shape(), 1.0, 1.0), 1);
    const MappingOverride rs = testing::rs_conv_mapping();
    const LayerResult r = simulate_layer(*preset("eyeriss_v1_jssc"), data->layers[0],
                                         RunOptions{.verify = true, .collect_traces = false, .forced_mappings = {rs}});
    CHECK(r.verified);
    CHECK(r.stats.active_pes == 36);
    CHECK(r.stats.noc_iact_transfers == 14);
  }

  TEST_CASE("a row shared along the row-stationary diagonal costs its lane the last hops of a multicast, not one per PE") {
    // 16 filters over 4 psum chains (k_m = 4): a lane's row goes to 4 PEs, on the mesh in one cluster (one
    // local hop: the cluster's iact router drives its PEs), on the flat NoC in 4 PE rows (4 X-buses, and
    // the Y-bus). With 4 lanes side by side, 3x3 filters and stride 1, neighbouring lanes share rows; the
    // lane that gets a shared row pays what its own multicast's destinations would, so sharing never costs
    // more NoC energy than one multicast per lane.
    const workloads::LayerShape conv{.name = "conv", .kind = workloads::LayerKind::kConv, .c = 4, .m = 16, .h = 16,
                                     .w = 16, .r = 3, .s = 3, .pad = 1};
    const auto data = workloads::prepare_network(testing::one_layer(conv, 1.0, 1.0), 1);
    const auto run = [&](const char* arch, std::uint32_t lanes) {
      const MappingOverride m{.layer = "", .m0 = 4, .c0 = 4, .f0 = 16, .spatial_red = 3, .spatial_m = 4,
                              .spatial_g = 1, .spatial_pos = lanes};
      return simulate_layer(*preset(arch), data->layers[0],
                            RunOptions{.verify = false, .collect_traces = false, .forced_mappings = {m}})
          .stats;
    };
    const LayerStats mesh_one = run("eyeriss_v1_5", 1), mesh_shared = run("eyeriss_v1_5", 4);
    REQUIRE(mesh_shared.noc_iact_transfers < mesh_one.noc_iact_transfers);  // rows were shared
    CHECK(mesh_shared.noc_iact_bits == mesh_one.noc_iact_bits);  // a multicast holds no link here: one hop each
    const LayerStats flat_one = run("eyeriss_v1_scaled", 1), flat_shared = run("eyeriss_v1_scaled", 4);
    REQUIRE(flat_shared.noc_iact_transfers < flat_one.noc_iact_transfers);
    CHECK(flat_shared.noc_iact_bits < flat_one.noc_iact_bits);  // a shared row does not drive the Y-bus again
  }

  TEST_CASE("V1's lanes start on the first words of their rows and drain psums while they compute") {
    // The row-stationary layer above on the JSSC chip: 12 lanes of 3 PEs, one step each, 4 x 3 x 12 x 16
    // = 2304 MAC cycles per PE. Its 14 input rows (56 cycles each on the 16-bit ifmap bus) interleave
    // word by word on the tagged bus, so no lane waits for the rows sent before its own; each lane's
    // 16 x 12 psums (48 cycles on the 64-bit bus) leave pixel by pixel during the item (the psum SPad
    // holds one pixel's 16), so the 12 lanes' 576 bus cycles hide under their compute.
    const auto data = workloads::prepare_network(testing::one_layer(testing::rs_conv_shape(), 1.0, 1.0), 1);
    const MappingOverride rs = testing::rs_conv_mapping();
    ArchSpec arch = *preset("eyeriss_v1_jssc");
    arch.dram.bandwidth_gbps = 0;  // the NoC alone: no 60 MHz link
    const LayerResult r = simulate_layer(arch, data->layers[0],
                                         RunOptions{.verify = false, .collect_traces = false, .forced_mappings = {rs}});
    const std::uint64_t weight_load = 3 * (16 * 4 * 3 * 16 / 64);  // 3 tiles of 192 weights on the 64-bit bus
    const std::uint64_t compute = 4 * 3 * 12 * 16;
    CHECK(r.stats.stall_psum_cycles == 0);
    // Per PE about the DRAM latency and the GLB read of its first rows, not a wait for the rows queued
    // before its own (lane 11's first new row would follow 13 others: 728 cycles).
    CHECK(r.stats.stall_iact_cycles < 36 * 150);
    CHECK(r.stats.cycles < weight_load + compute + 300);
  }

  TEST_CASE("issue 5: the JSSC chip run-length codes the output maps it writes with the zeros the next layer reads") {
    // A: 16 channels of 12 x 12. B reads them pooled to 6 x 6 with 25 % non-zeros; FC reads them pooled and
    // flattened; D reads 8 channels, i.e. something else.
    const workloads::LayerShape a{.name = "A", .kind = workloads::LayerKind::kConv, .c = 4, .m = 16, .h = 14, .w = 14,
                                  .r = 3, .s = 3};
    workloads::LayerShape b{.name = "B", .kind = workloads::LayerKind::kConv, .c = 16, .m = 8, .h = 6, .w = 6,
                            .r = 3, .s = 3, .pad = 1};
    const workloads::LayerShape fc{.name = "FC", .kind = workloads::LayerKind::kFullyConnected, .c = 16 * 36, .m = 10};
    const workloads::LayerShape d{.name = "D", .kind = workloads::LayerKind::kConv, .c = 8, .m = 8, .h = 12, .w = 12};
    auto two = [&](const workloads::LayerShape& next, double density) {
      workloads::Network n = testing::one_layer(a, 1.0, 1.0);
      n.layers.push_back(testing::one_layer(next, density, 1.0).layers[0]);
      return workloads::prepare_network(n, 1);
    };
    const auto pooled = two(b, 0.25);
    CHECK(written_oact_density(*pooled, 0) == doctest::Approx(0.25));
    CHECK_FALSE(written_oact_density(*pooled, 1));  // the last layer
    CHECK(written_oact_density(*two(fc, 0.5), 0) == doctest::Approx(0.5));
    CHECK_FALSE(written_oact_density(*two(d, 0.25), 0));

    const std::uint64_t raw = 16 * 12 * 12 * 2;  // 16-bit outputs
    const ArchSpec jssc = *preset("eyeriss_v1_jssc");
    // A on its row-stationary mapping: each step writes 16 channels x 12 columns, so coding pays (a
    // write of a few values is coded on its own and costs about its raw size).
    const MappingOverride rs = testing::rs_conv_mapping("A");
    const RunOptions on_rs{.verify = false, .collect_traces = false, .forced_mappings = {rs}, .max_layers = 0};
    const auto coded = simulate_network(jssc, *pooled, on_rs);
    const std::uint64_t written = coded.layers[0].stats.dram_oact_write_bytes;
    CHECK(written < raw * 4 / 10);  // 25 % non-zeros: one 21-bit pair each, three pairs per 64-bit word
    CHECK(written >= rlc_bytes(raw / 2, raw / 8));
    CHECK(coded.layers[1].stats.dram_oact_write_bytes == 8 * 6 * 6 * 2);
    // Simulating A alone (the next layer prepared, not simulated) writes the same; without the next layer,
    // or without the codec, the output is raw.
    const auto first = simulate_network(jssc, *pooled, RunOptions{.verify = false, .collect_traces = false,
                                                                  .forced_mappings = {rs}, .max_layers = 1});
    REQUIRE(first.layers.size() == 1);
    CHECK(first.layers[0].stats.dram_oact_write_bytes == written);
    CHECK(simulate_layer(jssc, pooled->layers[0], on_rs).stats.dram_oact_write_bytes == raw);
    ArchSpec plain = jssc;
    plain.dram.fmap_rlc = false;
    CHECK(simulate_network(plain, *pooled, on_rs).layers[0].stats.dram_oact_write_bytes == raw);
    CHECK(simulate_network(jssc, *two(d, 0.25), on_rs).layers[0].stats.dram_oact_write_bytes == raw);
  }

  TEST_CASE("limited DRAM bandwidth never speeds a network up") {
    ArchSpec arch = *preset("eyeriss_v2");
    const auto data = workloads::prepare_network(pick("sparse_mobilenet", {"L01", "L07", "L28"}), 1);
    const auto unlimited = simulate_network(arch, *data);
    arch.dram.bandwidth_gbps = 0.5;
    const auto limited = simulate_network(arch, *data);
    CHECK(limited.totals.cycles > unlimited.totals.cycles);
  }

  TEST_CASE("a DRAM-bound layer takes as long at twice the clock: output writes do not take the bandwidth of earlier reads") {
    // MobileNet L03 on 256 PEs at 6.4 GB/s: DRAM-bound, 2 steps per lane. At 400 MHz the channel moves 16
    // bytes a cycle instead of 32, so the layer takes about twice the cycles, the same time. When each
    // step's output write was booked as the step started, for the cycle its psums would leave, the writes
    // of every lane's first step held the windows ahead of the rows the lanes asked for meanwhile: 19 %
    // longer at 400 MHz (16218 cycles against 6834 at 200 MHz).
    ArchSpec arch = *preset("eyeriss_v2_256");
    arch.dram.bandwidth_gbps = 6.4;
    const auto data = workloads::prepare_network(pick("mobilenet", {}), 1);  // L03's data: as in the network
    const auto l03 = [&] {
      for (const auto& layer : simulate_network(arch, *data).layers)
        if (layer.layer_name == "L03") return layer.stats.seconds;
      FAIL("no layer L03");
      return 0.0;
    };
    const double at_200 = l03();
    arch.clock_mhz = 400;
    const double at_400 = l03();
    CHECK(at_400 <= at_200 * 1.05);  // 0.992 now
    CHECK(at_400 >= at_200 * 0.9);  // still DRAM-bound
  }

  TEST_CASE("a DRAM -> GLB fill occupies the iact bank it writes: fills and reads of one bank add up") {
    // One cluster with one PE row, one iact router and one 8-bit iact bank that holds the whole input:
    // each input row of a 1x1 layer with two filters is written once (prefetched) and read once, and the
    // bank, not the PEs (c0 x f0 cycles per item) or the 24-bit iact port, bounds the layer. Reads and fills
    // share the bank's one port (V2 §II), so the layer takes at least their sum; without the fills it
    // would take about the reads alone.
    ArchSpec arch = *preset("eyeriss_v2");
    arch.array = ArraySpec{.cluster_rows = 1, .cluster_cols = 1, .pe_rows = 1, .pe_cols = 4};
    arch.noc.iact_routers = arch.noc.weight_routers = 1;
    arch.noc.psum_routers = 4;
    arch.glb.iact_banks = 1;
    arch.glb.iact_bank_bytes = 16384;
    arch.glb.bank_width_bits = 8;
    const workloads::LayerShape shape{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 16, .m = 2, .h = 8, .w = 8};
    const auto data = workloads::prepare_network(testing::one_layer(shape, 1.0, 1.0), 1);
    const LayerResult r = simulate_layer(arch, data->layers[0], RunOptions{.verify = true, .collect_traces = false, .forced_mappings = {}});
    CHECK(r.verified);
    const auto& s = r.stats;
    REQUIRE(s.glb_iact_writes > 0);
    CHECK(s.glb_iact_writes <= s.glb_iact_reads);
    CHECK(s.cycles >= s.glb_iact_reads + s.glb_iact_writes);
  }

  TEST_CASE("spilled psums occupy the DRAM channel and the psum bank: a layer takes at least its DRAM bytes") {
    // One cluster whose four 16-byte psum banks hold no block's psums, so every read-modify-write of
    // kPointwise (64 channels: several reduction passes) goes through DRAM. At 0.2 GB/s (1 byte per cycle
    // at 200 MHz) the channel needs a cycle per byte: the spilled psums' reads and write-backs too.
    ArchSpec arch = *preset("eyeriss_v2");
    arch.array.cluster_rows = arch.array.cluster_cols = 1;
    arch.glb.psum_bank_bytes = 16;
    arch.dram.bandwidth_gbps = 0.2;
    const auto data = workloads::prepare_network(testing::one_layer(kPointwise, 1.0, 1.0), 1);
    const LayerResult r = simulate_layer(arch, data->layers[0], RunOptions{.verify = true, .collect_traces = false, .forced_mappings = {}});
    CHECK(r.verified);
    const auto& s = r.stats;
    REQUIRE(s.dram_psum_write_bytes > 0);
    CHECK(s.dram_psum_read_bytes == s.dram_psum_write_bytes);
    const std::uint64_t dram_bytes = s.dram_iact_read_bytes + s.dram_weight_read_bytes + s.dram_psum_read_bytes +
                                     s.dram_psum_write_bytes + s.dram_oact_write_bytes;
    CHECK(s.cycles >= dram_bytes);
  }

  TEST_CASE("functional mode: the timing moves every tile and row segment as the CSC entries it encodes into") {
    // Runs of more than 15 zeros need zero-valued entries: in 32-channel weight tiles (m0 = 32) and in
    // 64-channel row segments (c0 = 64, beyond a V2 PE's 16 weight addresses). The chip checks each
    // encoding's entry count against the timing's: both checks failed when the timing counted the
    // non-zeros alone (helper-61).
    ArchSpec arch = *preset("eyeriss_v2");
    arch.pe.weight_addr_entries = 64;
    arch.pe.iact_data_entries = 64;
    arch.pe.iact_addr_bits = 6;
    const workloads::LayerShape shape{.name = "pw", .kind = workloads::LayerKind::kPointwise, .c = 128, .m = 64, .h = 6, .w = 6};
    const auto data = workloads::prepare_network(testing::one_layer(shape, 0.04, 0.05), 1);
    const LayerResult r = simulate_layer(arch, data->layers[0],
                                         RunOptions{.verify = true, .collect_traces = false,
                                                    .forced_mappings = {{.layer = "", .m0 = 32, .c0 = 64, .f0 = 6}}});
    CHECK(r.verified);
    CHECK(r.mapping.m0 == 32);
    CHECK(r.mapping.c0 == 64);
  }

  TEST_CASE("an invalid architecture is refused with every issue named") {
    ArchSpec arch = *preset("eyeriss_v2");
    arch.array.pe_cols = 0;
    arch.noc.psum_port_bits = 0;
    const auto data = workloads::prepare_network(testing::one_layer(kPointwise, 1, 1), 1);
    CHECK_THROWS_WITH_AS(simulate_layer(arch, data->layers[0]),
                         doctest::Contains("array.pe_cols must be in [1, 64] (got 0); noc.psum_port_bits must be in "
                                           "[1, 4096] (got 0);"),
                         std::invalid_argument);
  }
}

TEST_SUITE("golden") {
  TEST_CASE("functional mode: MobileNet and AlexNet CONV1-5 on eyeriss_v2 equal the reference") {
    verify_all(*preset("eyeriss_v2"), pick("mobilenet", {}));
    verify_all(*preset("eyeriss_v2"), pick("alexnet", {"CONV1", "CONV2", "CONV3", "CONV4", "CONV5"}));
  }
}
}  // namespace eyesim::hw

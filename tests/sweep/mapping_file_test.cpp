// Forced mappings: parsing, and the mapper honouring (or refusing) them.
#include <doctest/doctest.h>

#include "hw/mapper.h"
#include "hw/presets.h"
#include "hw/simulate.h"
#include "sweep/mapping_file.h"
#include "workloads/layer_data.h"

namespace eyesim::sweep {
TEST_SUITE("fast") {
  TEST_CASE("a forced mapping is used for its layer and verified like any other") {
    const auto forced = parse_mapping_toml("[[mapping]]\nlayer = \"L07\"\nm0 = 8\nc0 = 4\nspatial_m = 2\n", "m.toml");
    REQUIRE(forced.size() == 1);
    workloads::Network n = *workloads::builtin_network("sparse_mobilenet");
    std::erase_if(n.layers, [](const auto& l) { return l.shape.name != "L07" && l.shape.name != "L09"; });
    const auto data = workloads::prepare_network(n, 1);
    hw::RunOptions o;
    o.verify = true;
    o.forced_mappings = forced;
    const auto r = hw::simulate_network(*hw::preset("eyeriss_v2"), *data, o);
    CHECK(r.layers[0].mapping.m0 == 8);
    CHECK(r.layers[0].mapping.c0 == 4);
    CHECK(r.layers[0].mapping.spatial_m == 2);
    CHECK(r.layers[0].verified);
    CHECK(r.layers[1].verified);  // L09: not forced
  }

  TEST_CASE("a forced mapping that cannot fit is a clear mapping error") {
    workloads::Network n = *workloads::builtin_network("mobilenet");
    std::erase_if(n.layers, [](const auto& l) { return l.shape.name != "L27"; });
    const auto data = workloads::prepare_network(n, 1);
    hw::RunOptions o;
    o.forced_mappings = parse_mapping_toml("[[mapping]]\nm0 = 32\nc0 = 16\n", "m.toml");  // 512 dense weights > 192
    CHECK_THROWS_WITH_AS(hw::simulate_network(*hw::preset("eyeriss_v2"), *data, o),
                         doctest::Contains("the forced mapping does not fit (m0=32 c0=16; the others left to the mapper)"),
                         hw::MappingError);
    // Spatial factors alone: the message names them under the names the mapping file uses, not as zeros,
    // and the bound a factor exceeds (it blamed the PE count whatever the reason; found by helper-49).
    const auto refused = [&](const char* mapping, const char* why) {
      o.forced_mappings = parse_mapping_toml(mapping, "m.toml");
      CHECK_THROWS_WITH_AS(hw::simulate_network(*hw::preset("eyeriss_v2"), *data, o), doctest::Contains(why),
                           hw::MappingError);
    };
    refused("[[mapping]]\nlayer = \"L27\"\nspatial_m = 1000\n",
            "(spatial_m=1000; the others left to the mapper): spatial_m=1000 exceeds the layer's 512 m-tiles (M=512 in "
            "tiles of m0=1)");
    refused("[[mapping]]\nspatial_g = 2\n", "spatial_g=2 exceeds the layer's 1 group");
    refused("[[mapping]]\nspatial_pos = 1000\n", "spatial_pos=1000 exceeds the layer's 16 output positions (N=1 x E=4 x 4 f-tiles)");
    refused("[[mapping]]\nspatial_m = 64\nspatial_pos = 16\n", "its spatial factors need more PEs, or longer psum chains");
  }

  TEST_CASE("a forced spatial_pos is taken as it is, not as a bound") {
    // spatial_pos = 7 ran pos6 and spatial_pos = 1000 the mapper's own choice, without a word (helper-49).
    workloads::Network n = *workloads::builtin_network("mobilenet");
    std::erase_if(n.layers, [](const auto& l) { return l.shape.name != "L05"; });
    const auto data = workloads::prepare_network(n, 1);
    hw::RunOptions o;
    o.forced_mappings = parse_mapping_toml("[[mapping]]\nspatial_pos = 7\n", "m.toml");
    CHECK(hw::simulate_network(*hw::preset("eyeriss_v1_scaled"), *data, o).layers[0].mapping.spatial_pos == 7);
  }

  TEST_CASE("mapping file errors name the place and the key") {
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nm00 = 3\n", "m.toml"),
                         doctest::Contains("m.toml:2:7: error: unknown mapping key 'm00'"), SpecError);
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nspatial_rde = 3\n", "m.toml"),
                         doctest::Contains("spatial_pos); did you mean 'spatial_red'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nm0 = 0\n", "m.toml"),
                         doctest::Contains("'m0' expects an integer in [1, 65536] (got 0)"), SpecError);
    // A misspelt table, a stray key and an empty layer name were taken without a word (helper-49).
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nlayer = \"L05\"\nm0 = 2\n[[mappings]]\nlayer = \"L07\"\n", "m.toml"),
                         doctest::Contains("m.toml:4:1: error: unknown key 'mappings' (a mapping file holds [[mapping]] "
                                           "tables); did you mean 'mapping'?"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse_mapping_toml("foo = 1\n[[mapping]]\nm0 = 2\n", "m.toml"),
                         doctest::Contains("m.toml:1:7: error: unknown key 'foo'"), SpecError);
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nlayer = \"\"\nm0 = 2\n", "m.toml"),
                         doctest::Contains("m.toml:2:9: error: 'layer' expects a layer name, not \"\""), SpecError);
  }

  // hw::find_override takes the first entry naming the layer or naming none: a later one would silently
  // not apply, so the file is refused, naming both entries' lines.
  TEST_CASE("a mapping file with an entry that could never apply is refused, naming both lines") {
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nlayer = \"L07\"\nm0 = 4\n\n[[mapping]]\nlayer = \"L07\"\nm0 = 8\n",
                                            "m.toml"),
                         doctest::Contains("m.toml:5:1: error: two [[mapping]] entries for layer 'L07' (lines 1 and 5)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nm0 = 4\n[[mapping]]\nc0 = 2\n", "m.toml"),
                         doctest::Contains("m.toml:3:1: error: two [[mapping]] entries without 'layer' (lines 1 and 3)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nm0 = 4\n[[mapping]]\nlayer = \"L01\"\nc0 = 2\n", "m.toml"),
                         doctest::Contains("m.toml:3:1: error: the [[mapping]] entry for layer 'L01' (line 3) would never "
                                           "be used: the entry without 'layer' at line 1 comes first"),
                         SpecError);
    // An entry that forces nothing is a mistake (helper-58).
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nlayer = \"L07\"\n", "m.toml"),
                         doctest::Contains("m.toml:1:1: error: the [[mapping]] entry for layer 'L07' forces nothing"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\n", "m.toml"),
                         doctest::Contains("error: the [[mapping]] entry forces nothing: give at least one of m0"), SpecError);
    // Single layers first, then the rest: every entry applies somewhere.
    const auto ok = parse_mapping_toml("[[mapping]]\nlayer = \"L01\"\nc0 = 2\n[[mapping]]\nlayer = \"L02\"\nc0 = 2\n"
                                       "[[mapping]]\nm0 = 4\n", "m.toml");
    REQUIRE(ok.size() == 3);
    CHECK(hw::find_override(ok, "L01") == &ok[0]);
    CHECK(hw::find_override(ok, "L03") == &ok[2]);
  }

  TEST_CASE("a mapping entry for a layer the network does not have is refused, listing the network's layers") {
    const auto mobilenet = *workloads::builtin_network("sparse_mobilenet");
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nlayer = \"L99\"\nm0 = 4\n", "m.toml", &mobilenet),
                         doctest::Contains("m.toml:2:9: error: the [[mapping]] entry at line 1 names layer 'L99', which is "
                                           "not a layer of network 'sparse_mobilenet' (28 layers: L01, L02, L03, L04, "
                                           "L05, L06, L07, L08, ..., L28)"),
                         SpecError);
    workloads::Network tiny{.name = "tiny", .layers = {mobilenet.layers[0], mobilenet.layers[1]}};
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nlayer = \"L07\"\nm0 = 4\n", "m.toml", &tiny),
                         doctest::Contains("not a layer of network 'tiny' (2 layers: L01, L02)"), SpecError);
    CHECK(parse_mapping_toml("[[mapping]]\nlayer = \"L02\"\nm0 = 4\n", "m.toml", &tiny).size() == 1);
    // Without a network (the file alone) the name cannot be checked.
    CHECK(parse_mapping_toml("[[mapping]]\nlayer = \"L99\"\nm0 = 4\n", "m.toml").size() == 1);
  }
}
}  // namespace eyesim::sweep

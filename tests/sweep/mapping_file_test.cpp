// Forced mappings: parsing, and the mapper honouring (or refusing) them.
#include <doctest/doctest.h>

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
                         doctest::Contains("the forced mapping does not fit"), hw::MappingError);
  }

  TEST_CASE("mapping file errors name the place and the key") {
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nm00 = 3\n", "m.toml"),
                         doctest::Contains("m.toml:2:7: error: unknown mapping key 'm00'"), SpecError);
    CHECK_THROWS_WITH_AS(parse_mapping_toml("[[mapping]]\nm0 = 0\n", "m.toml"),
                         doctest::Contains("'m0' expects an integer in [1, 65536]"), SpecError);
  }
}
}  // namespace eyesim::sweep

// ArchSpec: presets and validation.
#include <doctest/doctest.h>

#include <set>

#include "hw/presets.h"

namespace eyesim::hw {
TEST_SUITE("fast") {
  TEST_CASE("every preset validates and has a description") {
    for (const auto& name : preset_names()) {
      const auto a = preset(name);
      REQUIRE(a.has_value());
      CHECK(a->name == name);
      CHECK(validate(*a).empty());
      CHECK_FALSE(preset_description(name).empty());
    }
    CHECK_FALSE(preset("eyeriss_v9").has_value());
  }

  TEST_CASE("the presets have the papers' PE counts and organisations") {
    CHECK(preset("eyeriss_v2")->pes() == 192);
    CHECK(preset("eyeriss_v2")->clusters() == 16);
    CHECK(preset("eyeriss_v1_scaled")->pes() == 192);
    CHECK(preset("eyeriss_v1_5")->pes() == 192);
    CHECK(preset("eyeriss_v1_jssc")->pes() == 168);
    CHECK(preset("eyeriss_v2_256")->pes() == 256);
    CHECK(preset("eyeriss_v2_1024")->pes() == 1024);
    CHECK(preset("eyeriss_v2_16384")->pes() == 16384);
    CHECK(preset("eyeriss_v1_scaled")->noc.kind == NocKind::kFlatMulticast);
    CHECK(preset("eyeriss_v1_5")->noc.kind == NocKind::kHierarchicalMesh);
    CHECK(preset("eyeriss_v1_5")->pe.kind == PeKind::kDense);
  }

  TEST_CASE("validate reports every problem at once with its path and the value it got") {
    ArchSpec a = *preset("eyeriss_v2");
    a.array.pe_rows = 0;
    a.noc.psum_port_bits = 0;
    a.energy.mac_pj = -1.0;
    a.energy.clock_zero_iact_fraction = 1.5;
    const auto issues = validate(a);
    std::set<std::string> paths;
    for (const auto& i : issues) paths.insert(i.path);
    CHECK(paths.count("array.pe_rows") == 1);
    CHECK(paths.count("noc.psum_port_bits") == 1);
    CHECK(paths.count("energy.mac_pj") == 1);
    CHECK(paths.count("energy.clock_zero_iact_fraction") == 1);
    for (const auto& i : issues) {
      if (i.path == "array.pe_rows") CHECK(i.message == "must be in [1, 64] (got 0)");
    }
  }

  TEST_CASE("every parameter has a unique dotted name in the one field list") {
    ArchSpec a;
    std::set<std::string> names;
    std::size_t count = 0;
    for_each_param(a, [&](std::string_view n, auto&) {
      names.emplace(n);
      ++count;
    });
    CHECK(names.size() == count);
    CHECK(names.count("glb.iact_bank_bytes") == 1);
    CHECK(names.count("dram.bandwidth_gbps") == 1);
  }
}
}  // namespace eyesim::hw

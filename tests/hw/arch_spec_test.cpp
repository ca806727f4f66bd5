// ArchSpec: presets and validation.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <type_traits>

#include <fmt/format.h>

#include "hw/presets.h"

namespace eyesim::hw {
namespace {
/// validate(a) finds exactly one issue: at `path`, worded `message`.
void check_one_issue(const ArchSpec& a, const std::string& path, const std::string& message) {
  const std::vector<ConfigIssue> issues = validate(a);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].path == path);
  CHECK(issues[0].message == message);
}
}  // namespace

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

  TEST_CASE("the scaled v1 is V1 at 8 bits: its SPads and flat buses hold as many values as V1's") {
    // V1 §IV: the ifmap GIN carries one 16-bit value, the filter and psum GINs four (64 b); V2 §V-A scales
    // the design to 8-bit data (20-bit psums, V2 §II): each bus carries V1's values per cycle, at the new
    // widths.
    const ArchSpec jssc = *preset("eyeriss_v1_jssc"), v1 = *preset("eyeriss_v1_scaled");
    const auto values = [](std::uint32_t bus_bits, std::uint32_t value_bits) { return double(bus_bits) / value_bits; };
    CHECK(values(v1.noc.iact_port_bits, v1.precision.iact_bits) ==
          values(jssc.noc.iact_port_bits, jssc.precision.iact_bits));
    CHECK(values(v1.noc.weight_port_bits, v1.precision.weight_bits) ==
          values(jssc.noc.weight_port_bits, jssc.precision.weight_bits));
    CHECK(values(v1.noc.psum_port_bits, v1.precision.psum_bits) ==
          values(jssc.noc.psum_port_bits, jssc.precision.psum_bits));
    CHECK(v1.pe.iact_data_entries == jssc.pe.iact_data_entries);
    CHECK(v1.pe.weight_data_entries == jssc.pe.weight_data_entries);
    CHECK(v1.pe.psum_entries == jssc.pe.psum_entries);
    CHECK(v1.noc.iact_port_bits == 8);
    CHECK(v1.noc.weight_port_bits == 32);
    CHECK(v1.noc.psum_port_bits == 80);
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
    // An iact SPad entry narrower than an iact (it undercounted the input's NoC and SPad bits); on a sparse
    // PE, than an iact and its CSC zero count.
    ArchSpec narrow = *preset("eyeriss_v1_scaled");
    narrow.pe.iact_data_bits = 7;
    REQUIRE(validate(narrow).size() == 1);
    CHECK(validate(narrow)[0].path == "pe.iact_data_bits");
    CHECK(validate(narrow)[0].message == "must hold at least one iact of precision.iact_bits = 8 (got 7)");
    narrow = *preset("eyeriss_v2");
    narrow.pe.iact_data_bits = 11;
    check_one_issue(narrow, "pe.iact_data_bits",
                    "must hold at least one iact of precision.iact_bits = 8 and its 4-bit zero count (CSC): 12 bits (got 11)");
    // A sparse PE's weight word holds simd_width (count, weight) pairs: 16-wide SIMD in 24-bit words had
    // carried a weight in 1.5 bits (helper-61).
    ArchSpec simd = *preset("eyeriss_v2");
    simd.pe.simd_width = 4;
    check_one_issue(simd, "pe.weight_data_bits",
                    "must hold pe.simd_width = 4 weights of precision.weight_bits = 8, each with its 4-bit zero count "
                    "(CSC): 48 bits (got 24)");
    simd.pe.weight_data_bits = 48;
    CHECK(validate(simd).empty());
    // An address counts to the last data entry: 7 bits reach 128 weight words, not 129 (helper-62).
    ArchSpec deep = *preset("eyeriss_v2");
    deep.pe.weight_data_entries = 128;
    CHECK(validate(deep).empty());
    deep.pe.weight_data_entries = 129;
    check_one_issue(deep, "pe.weight_addr_bits", "must address every entry of pe.weight_data_entries = 129: at least 8 bits (got 7)");
    deep = *preset("eyeriss_v2");
    deep.pe.iact_data_entries = 17;  // 4-bit addresses into 16 entries, as V2's
    REQUIRE(validate(deep).size() == 1);
    CHECK(validate(deep)[0].path == "pe.iact_addr_bits");
    simd.pe.kind = PeKind::kDense;  // a dense PE's word holds values: 48 / 8 weights
    simd.pe.weight_data_bits = 8;
    CHECK(validate(simd).empty());
    // Filter banks need a size (0 banks need none: the v2 presets have 0 bytes).
    ArchSpec banks = *preset("eyeriss_v1_jssc");
    banks.glb.weight_bank_bytes = 0;
    REQUIRE(validate(banks).size() == 1);
    CHECK(validate(banks)[0].path == "glb.weight_bank_bytes");
    CHECK(validate(banks)[0].message == "must be in [16, 67108864] (got 0)");
    banks.glb.weight_banks = 0;
    CHECK(validate(banks).empty());
  }

  TEST_CASE("validate rejects NaN and infinity in every floating-point parameter") {
    // Every comparison with NaN is false, so a range check written as "below or above" lets it through
    // (a NaN clock gave "latency nan ms", a NaN DRAM bandwidth was simulated as unlimited).
    const ArchSpec valid = *preset("eyeriss_v2");
    std::size_t doubles = 0;
    for_each_param(valid, [&](std::string_view name, const auto& field) {
      if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, double>) {
        ++doubles;
        for (const double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity()}) {
          ArchSpec a = valid;
          for_each_param(a, [&](std::string_view n, auto& f) {
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(f)>, double>) {
              if (n == name) f = bad;
            }
          });
          const auto issues = validate(a);
          CAPTURE(name);
          CAPTURE(bad);
          REQUIRE(issues.size() == 1);
          CHECK(issues[0].path == name);
          CHECK(issues[0].message.find(fmt::format("(got {})", bad)) != std::string::npos);
        }
      }
    });
    CHECK(doubles == 13);  // clock_mhz, dram.bandwidth_gbps and the 11 energy.* numbers
    ArchSpec a = valid;
    a.clock_mhz = std::numeric_limits<double>::quiet_NaN();
    REQUIRE(validate(a).size() == 1);
    CHECK(validate(a)[0].message == "must be in [1, 10000] (got nan)");
    a = valid;
    a.energy.mac_pj = std::numeric_limits<double>::infinity();
    REQUIRE(validate(a).size() == 1);
    CHECK(validate(a)[0].message == "must be in [0, 1000000] (got inf)");
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

  TEST_CASE("every integer and real parameter has one range of its own, in field-list order") {
    // The one table of ranges (param_ranges) that validate() and a sweep spec's per-value check share.
    const ArchSpec a = *preset("eyeriss_v2");
    std::size_t next = 0;
    for_each_param(a, [&](std::string_view name, const auto& v) {
      using T = std::remove_cvref_t<decltype(v)>;
      CAPTURE(name);
      if constexpr (std::is_same_v<T, std::uint32_t> || std::is_same_v<T, double>) {
        REQUIRE(next < param_ranges().size());
        CHECK(param_ranges()[next++].path == name);
        REQUIRE(param_range(name) != nullptr);
        const ParamRange& r = *param_range(name);
        if (!r.applies || r.applies(a)) CHECK(r.contains(static_cast<double>(v)));  // the preset's value is in range
      } else {
        CHECK(param_range(name) == nullptr);  // booleans and enums
      }
    });
    CHECK(next == param_ranges().size());
    CHECK(param_range("array.bogus") == nullptr);
    CHECK(param_range("array.cluster_rows")->describe() == "must be in [1, 256]");
    // At most 1 uJ an event: 1e308 made every total inf, and JSON no parser reads (found by helper-49).
    CHECK(param_range("energy.mac_pj")->describe() == "must be in [0, 1000000]");
    CHECK_FALSE(param_range("energy.mac_pj")->contains(std::numeric_limits<double>::infinity()));
    CHECK_FALSE(param_range("energy.dram_pj_per_bit")->contains(1e200));
  }

  TEST_CASE("check_own_range judges one parameter alone, as validate() words it") {
    ArchSpec a = *preset("eyeriss_v2");
    a.array.cluster_rows = 1000;
    const auto issue = check_own_range(a, "array.cluster_rows");
    REQUIRE(issue.has_value());
    CHECK(issue->path == "array.cluster_rows");
    CHECK(issue->message == "must be in [1, 256] (got 1000)");
    CHECK(issue->message == validate(a).at(0).message);
    CHECK_FALSE(check_own_range(a, "array.cluster_cols").has_value());  // another parameter: in range
    CHECK_FALSE(check_own_range(a, "pe.kind").has_value());             // no range
    // A range that applies only with another parameter's value is not judged alone: 0 psum banks is
    // invalid on a per-cluster GLB (validate) but the parameter alone does not say so.
    a = *preset("eyeriss_v2");
    a.glb.psum_banks = 0;
    CHECK_FALSE(check_own_range(a, "glb.psum_banks").has_value());
    REQUIRE(validate(a).size() == 1);
    CHECK(validate(a)[0].path == "glb.psum_banks");
    a.glb.shared = true;
    CHECK(validate(a).empty());
    // A constraint between parameters is validate()'s alone.
    a = *preset("eyeriss_v2");
    a.array.cluster_rows = 256;
    a.array.pe_rows = 64;
    CHECK_FALSE(check_own_range(a, "array.cluster_rows").has_value());
    CHECK_FALSE(check_own_range(a, "array.pe_rows").has_value());
    REQUIRE(validate(a).size() == 1);
    CHECK(validate(a)[0].path == "array");
  }

  TEST_CASE("a per-cluster GLB has at most a million banks over every cluster") {
    // 4096 iact and psum banks in each of 65536 clusters are each in range, and took 34 GB to simulate.
    ArchSpec a = *preset("eyeriss_v2");
    a.array.cluster_rows = a.array.cluster_cols = 256;
    a.array.pe_rows = a.array.pe_cols = 1;
    a.glb.iact_banks = a.glb.psum_banks = 4096;
    check_one_issue(a, "glb",
                    "eyesim simulates at most 1048576 GLB banks in all, each a server of its own (got 536870912: 65536 "
                    "clusters x (4096 iact + 4096 psum banks))");
    a.glb.iact_banks = a.glb.psum_banks = 8;  // 65536 x 16: the most there may be
    CHECK(validate(a).empty());
    a.glb.psum_banks = 9;
    CHECK(validate(a).size() == 1);
    a.glb.shared = true;  // one GLB of 8 + 9 banks
    CHECK(validate(a).empty());
  }

  TEST_CASE("a shared GLB has a bank for the input and one for the psums") {
    // With one bank in all, the input and the psums each got a port of it (helper-61).
    ArchSpec a = *preset("eyeriss_v1_jssc");
    REQUIRE(a.glb.shared);
    a.glb.iact_banks = 1;
    a.glb.psum_banks = 0;
    check_one_issue(a, "glb.iact_banks",
                    "must give a shared GLB at least 2 banks with glb.psum_banks: eyesim keeps the input and the psums in "
                    "banks of their own (got 1)");
    a.glb.iact_banks = 2;
    CHECK(validate(a).empty());
  }
}
}  // namespace eyesim::hw

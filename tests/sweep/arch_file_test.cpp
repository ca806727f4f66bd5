// Architecture TOML: round trip through `eyesim show arch`, overrides, and every error kind.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "hw/presets.h"
#include "sweep/arch_file.h"
#include "sweep/arch_override.h"

namespace eyesim::sweep {
TEST_SUITE("fast") {
  TEST_CASE("printing then parsing any preset gives the same architecture") {
    for (const auto& name : hw::preset_names()) {
      const hw::ArchSpec a = *hw::preset(name);
      CHECK(parse_arch_toml(arch_to_toml(a), name) == a);
    }
    // An ordinary name prints as it always has: config_hash() hashes this text, and a point's hash must stay
    // the same across versions.
    CHECK(arch_to_toml(*hw::preset("eyeriss_v2"))
              .starts_with("# eyesim architecture 'eyeriss_v2': every parameter (units in the names; "
                           "docs/calibration.md)\nname = \"eyeriss_v2\"\nclock_mhz = 200.0\n"));
  }

  TEST_CASE("show arch prints a name with quotes, backslashes or control characters as TOML that parses back") {
    // The name went out unescaped: name = "my "fast" chip" is not TOML, so `eyesim show arch F > G` then
    // `--arch G` failed, and so did the /base_arch_toml of a result file.
    for (const std::string& name : {std::string("my \"fast\" chip"), std::string("C:\\chips\\v2"),
                                   std::string("two\nlines\ttab"), std::string("esc\x1b del\x7f"),
                                   std::string("\xe8\x8a\xaf\xe7\x89\x87")}) {
      hw::ArchSpec a = *hw::preset("eyeriss_v2");
      a.name = name;
      const std::string text = arch_to_toml(a);
      CHECK(text.substr(0, text.find('\n')).ends_with("(units in the names; docs/calibration.md)"));  // one line
      hw::ArchSpec back;
      REQUIRE_NOTHROW(back = parse_arch_toml(text, "shown.toml"));
      CHECK(back == a);
    }
    // A NUL is refused where it is written: C and HDF5's fixed-length strings end a name there (helper-58).
    CHECK_THROWS_WITH_AS(parse_arch_toml("preset = \"eyeriss_v2\"\nname = \"a\\u0000b\"\n", "a.toml"),
                         doctest::Contains("a.toml:2:8: error: 'name' must not hold a NUL character"), SpecError);
  }

  TEST_CASE("a directory named like an architecture file is an error, not an empty file (the default preset)") {
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("eyesim_arch_dir_{}.toml", ::getpid());
    std::filesystem::create_directories(dir);
    CHECK_THROWS_WITH_AS(resolve_arch(dir.string()), doctest::Contains("cannot read the architecture file: it is a directory"),
                         SpecError);
    std::filesystem::remove(dir);
  }

  TEST_CASE("a file takes a preset and overrides by table or dotted key") {
    const auto a = parse_arch_toml(
        "preset = \"eyeriss_v1_5\"\nname = \"mine\"\nclock_mhz = 250\n[array]\ncluster_rows = 4\n"
        "[pe]\nkind = \"sparse\"\n[dram]\nbandwidth_gbps = 25.6\n",
        "mine.toml");
    CHECK(a.name == "mine");
    CHECK(a.clock_mhz == 250.0);
    CHECK(a.array.cluster_rows == 4);
    CHECK(a.pe.kind == hw::PeKind::kSparse);
    CHECK(a.dram.bandwidth_gbps == 25.6);
    CHECK(a.noc.kind == hw::NocKind::kHierarchicalMesh);  // from the preset
    const auto b = parse_arch_toml("glb.iact_bank_bytes = 4096\n", "dotted.toml");
    CHECK(b.glb.iact_bank_bytes == 4096);
  }

  TEST_CASE("an integer beyond 2^53 given to a real parameter is that number, not garbage") {
    // toml++ gives no double for such an integer; reading the empty optional set 6.95e-310 GB/s.
    CHECK(parse_arch_toml("[dram]\nbandwidth_gbps = 9007199254740993\n", "a.toml").dram.bandwidth_gbps ==
          9007199254740992.0);
    CHECK(parse_arch_toml("[dram]\nbandwidth_gbps = -9007199254740993\n", "a.toml").dram.bandwidth_gbps ==
          -9007199254740992.0);
  }

  TEST_CASE("architecture file errors name the file / line / column and the key") {
    CHECK_THROWS_WITH_AS(parse_arch_toml("[array]\ncluster_rowz = 3\n", "a.toml"),
                         doctest::Contains("a.toml:2:16: error: unknown architecture parameter 'array.cluster_rowz' "
                                           "(see 'eyesim show arch eyeriss_v2'); did you mean 'array.cluster_rows'?"),
                         SpecError);
    // A parameter outside its table is found by its last part; a preset by its spelling.
    CHECK_THROWS_WITH_AS(parse_arch_toml("iact_port_bits = 48\n", "a.toml"),
                         doctest::Contains("unknown architecture parameter 'iact_port_bits' (see 'eyesim show arch "
                                           "eyeriss_v2'); did you mean 'noc.iact_port_bits'?"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse_arch_toml("preset = \"eyeriss_v15\"\n", "a.toml"),
                         doctest::Contains("did you mean 'eyeriss_v1_5'?"), SpecError);
    CHECK_THROWS_WITH_AS(resolve_arch("eyeriss_2"), doctest::Contains("did you mean 'eyeriss_v2'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse_arch_toml("[array]\ncluster_rows = 2.5\n", "a.toml"),
                         doctest::Contains("a.toml:2:16: error: 'array.cluster_rows' expects a non-negative integer below 2^32 (got 2.5)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse_arch_toml("[pe]\nkind = \"sparse-ish\"\n", "a.toml"),
                         doctest::Contains("'pe.kind' expects one of \"sparse\", \"dense\""), SpecError);
    CHECK_THROWS_WITH_AS(parse_arch_toml("preset = \"eyeriss_v9\"\n", "a.toml"),
                         doctest::Contains("a.toml:1:10: error: unknown preset 'eyeriss_v9'"), SpecError);
    CHECK_THROWS_WITH_AS(parse_arch_toml("clock_mhz = \n", "a.toml"), doctest::Contains("a.toml:1:"), SpecError);
    CHECK_THROWS_WITH_AS(resolve_arch("no_such_chip"), doctest::Contains("not a preset"), SpecError);
    // A quoted dotted key and a table key are one parameter: the first value used to be silently lost.
    CHECK_THROWS_WITH_AS(parse_arch_toml("\"array.cluster_rows\" = 2\n[array]\ncluster_rows = 4\n", "a.toml"),
                         doctest::Contains("a.toml:3:16: error: 'array.cluster_rows' is set twice (also at line 1, column 24)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse_arch_toml("array.cluster_rows = 4\n\"array.cluster_rows\" = 2\n", "a.toml"),
                         doctest::Contains("a.toml:2:24: error: 'array.cluster_rows' is set twice (also at line 1, column 22)"),
                         SpecError);
    // A parameter written as a table, and an empty table of no parameters, silently kept the preset's values
    // (found by helper-49); an empty table of parameters is an empty table.
    CHECK_THROWS_WITH_AS(parse_arch_toml("clock_mhz = {}\n", "a.toml"),
                         doctest::Contains("a.toml:1:13: error: 'clock_mhz' expects a value, not a table"), SpecError);
    CHECK_THROWS_WITH_AS(parse_arch_toml("[array.pe_rows]\n", "a.toml"),
                         doctest::Contains("a.toml:1:1: error: 'array.pe_rows' expects a value, not a table"), SpecError);
    CHECK_THROWS_WITH_AS(parse_arch_toml("[arrray]\n", "a.toml"),
                         doctest::Contains("a.toml:1:1: error: unknown architecture section 'arrray' (see 'eyesim show "
                                           "arch eyeriss_v2'); did you mean 'array'?"),
                         SpecError);
    CHECK(parse_arch_toml("[array]\n", "a.toml") == *hw::preset("eyeriss_v2"));
  }

  TEST_CASE("a text override sets a parameter by its type and names what is wrong") {
    hw::ArchSpec a = *hw::preset("eyeriss_v2");
    CHECK_FALSE(apply_arch_override(a, "pe.simd_width", "1").has_value());
    CHECK(a.pe.simd_width == 1);
    CHECK_FALSE(apply_arch_override(a, "pe.kind", "dense").has_value());
    CHECK(a.pe.kind == hw::PeKind::kDense);
    CHECK_FALSE(apply_arch_override(a, "dram.bandwidth_gbps", "25.6").has_value());
    CHECK(a.dram.bandwidth_gbps == 25.6);
    CHECK(apply_arch_override(a, "pe.simd", "1").value() ==
          "unknown architecture parameter 'pe.simd'; did you mean 'pe.simd_width'?");
    CHECK(apply_arch_override(a, "frequency", "1").value() == "unknown architecture parameter 'frequency'");
    CHECK(apply_arch_override(a, "pe.simd_width", "two").value().find("non-negative integer") != std::string::npos);
  }
}
}  // namespace eyesim::sweep

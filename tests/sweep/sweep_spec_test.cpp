// Sweep specs: expansion counts, stable ids, constraints, and every error kind with its place.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/rng.h"
#include "sweep/expression.h"
#include "sweep/sweep_spec.h"

namespace eyesim::sweep {
namespace {
SweepSpec parse(std::string_view text) { return parse_sweep_spec(text, "s.toml", "."); }
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("a grid is the product of its axes times the networks / first axis slowest") {
    const auto s = parse(
        "networks = [\"mobilenet\", \"alexnet\"]\n"
        "[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [2, 4, 8]\n"
        "[[axis]]\nname = \"arch.dram.bandwidth_gbps\"\nvalues = [0.0, 25.6]\n");
    REQUIRE(s.points.size() == 12);
    for (std::size_t i = 0; i < s.points.size(); ++i) CHECK(s.points[i].id == i);
    CHECK(s.points[0].arch.array.cluster_rows == 2);
    CHECK(s.points[0].network == "mobilenet");
    CHECK(s.points[1].network == "alexnet");
    CHECK(s.points[2].arch.dram.bandwidth_gbps == 25.6);
    CHECK(s.points[4].arch.array.cluster_rows == 4);
    CHECK(s.points[11].arch.array.cluster_rows == 8);
  }

  TEST_CASE("zipped axes vary together and explicit points come after the grid") {
    const auto s = parse(
        "networks = [\"mobilenet\"]\n"
        "[[axis]]\nname = \"arch.noc.iact_port_bits\"\nvalues = [16, 24, 48]\nzip = \"w\"\n"
        "[[axis]]\nname = \"arch.noc.weight_port_bits\"\nvalues = [16, 24, 48]\nzip = \"w\"\n"
        "[[point]]\n\"arch.preset\" = \"eyeriss_v1_scaled\"\nnetwork = \"alexnet\"\n");
    REQUIRE(s.points.size() == 4);
    CHECK(s.points[1].arch.noc.iact_port_bits == 24);
    CHECK(s.points[1].arch.noc.weight_port_bits == 24);
    CHECK(s.points[3].arch.name == "eyeriss_v1_scaled");
    CHECK(s.points[3].network == "alexnet");
  }

  TEST_CASE("random sampling gives N seeded points inside the ranges") {
    const std::string text =
        "networks = [\"mobilenet\"]\n[sample]\ncount = 25\nseed = 3\n"
        "[[sample.axis]]\nname = \"arch.array.cluster_rows\"\nrange = [1, 8]\n"
        "[[sample.axis]]\nname = \"workload.weight_density_scale\"\nrange = [0.5, 1.0]\n"
        "[[sample.axis]]\nname = \"arch.pe.kind\"\nvalues = [\"sparse\", \"dense\"]\n";
    const auto a = parse(text), b = parse(text);
    REQUIRE(a.points.size() == 25);
    for (std::size_t i = 0; i < 25; ++i) {
      CHECK(a.points[i].arch.array.cluster_rows >= 1);
      CHECK(a.points[i].arch.array.cluster_rows <= 8);
      CHECK(a.points[i].weight_density_scale >= 0.5);
      CHECK(a.points[i].weight_density_scale <= 1.0);
      CHECK(a.points[i].arch == b.points[i].arch);
    }
  }

  TEST_CASE("a key of the wrong type or unknown in [sample], [[sample.axis]], [[axis]] zip or name is an error, not ignored") {
    // Each used to be dropped without a word: the sample drawn with seed 1, the zip group ignored (a
    // grid of 6 points instead of the mismatch below), the sweep named "sweep".
    const std::string axis = "[[sample.axis]]\nname = \"arch.array.cluster_rows\"\nrange = [1, 16]\n";
    CHECK_THROWS_WITH_AS(parse("[sample]\ncount = 3\nseed = \"seven\"\n" + axis),
                         doctest::Contains("s.toml:3:8: error: [sample] 'seed' expects a non-negative integer (got 'seven')"),
                         SpecError);
    // The refused value, at its key (found by helper-38: [sample] count pointed at the table, seed and
    // batch showed no value).
    CHECK_THROWS_WITH_AS(parse("[sample]\ncount = 0\n" + axis),
                         doctest::Contains("s.toml:2:9: error: [sample] needs 'count' in [1, "), SpecError);
    CHECK_THROWS_WITH_AS(parse("[sample]\ncount = 0\n" + axis), doctest::Contains("] (got 0)"), SpecError);
    CHECK_THROWS_WITH_AS(parse("seed = -3\n"), doctest::Contains("s.toml:1:8: error: 'seed' expects a non-negative integer (got -3)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("batch = 2000\n"), doctest::Contains("'batch' expects an integer in [1, 1024] (got 2000)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[sample]\ncount = 3\nsed = 7\n" + axis),
                         doctest::Contains("s.toml:3:7: error: unknown key 'sed' in [sample]"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[sample]\ncount = 3\n" + axis + "zip = \"w\"\n"),
                         doctest::Contains("s.toml:6:7: error: unknown key 'zip' in [[sample.axis]]"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [1, 2]\nzip = 3\n"
                               "[[axis]]\nname = \"arch.array.cluster_cols\"\nvalues = [1, 2, 4]\nzip = 3\n"),
                         doctest::Contains("s.toml:4:7: error: axis 'arch.array.cluster_rows': 'zip' expects a string"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("name = 5\n"), doctest::Contains("s.toml:1:8: error: 'name' expects a string"), SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"a\\u0000b\"\n"), doctest::Contains("s.toml:1:8: error: 'name' must not hold a NUL"),
                         SpecError);
    CHECK(parse("[sample]\ncount = 3\nseed = 7\n" + axis).points.size() == 3);
  }

  TEST_CASE("--seed 0 replaces the spec's seed like any other seed") {
    // 0 meant "no override": `eyesim sweep --seed 0` ran with the spec's seed (1), unlike `eyesim run --seed 0`.
    const std::string text = "seed = 5\nnetworks = [\"mobilenet\"]\n";
    CHECK(parse_sweep_spec(text, "s.toml", ".").points.front().seed == 5);
    CHECK(parse_sweep_spec(text, "s.toml", ".", 0).points.front().seed == 0);
    CHECK(parse_sweep_spec(text, "s.toml", ".", 0).seed == 0);
    CHECK(parse_sweep_spec(text, "s.toml", ".", 7).points.front().seed == 7);
    CHECK(default_sweep_spec(0).points.front().seed == 0);
  }

  TEST_CASE("the mapper keys set the sweep's search, are folded into the spec hash, and bad values name the file, key and value") {
    const std::string nets = "networks = [\"mobilenet\"]\n";
    CHECK(parse(nets).mapper == hw::MapperSearch{});
    const SweepSpec s = parse(nets + "mapper = \"simulate\"\nmapper_window = 0.1\nmapper_candidates = 4\n");
    CHECK(s.mapper == hw::MapperSearch{.mode = hw::MapperMode::kSimulate, .window = 0.1, .max_candidates = 4});
    CHECK(parse(nets + "mapper_window = 1\nmapper = \"simulate\"\n").mapper.window == 1.0);  // an integer is a number
    // Searched and unsearched results never share a hash; an explicit "estimate" is only a different text.
    const std::string searched = nets + "mapper = \"simulate\"\n";
    CHECK(parse(searched).spec_hash != derive_seed(hash_name(searched), 1));
    CHECK(parse(searched).spec_hash == mapper_spec_hash(derive_seed(hash_name(searched), 1), parse(searched).mapper));
    const std::string plain = nets + "mapper = \"estimate\"\n";
    CHECK(parse(plain).spec_hash == derive_seed(hash_name(plain), 1));
    const std::pair<std::string, const char*> bad[] = {
        {nets + "mapper = \"exhaustive\"\n",
         "s.toml:2:10: error: 'mapper' expects \"estimate\" or \"simulate\" (got 'exhaustive')"},
        {nets + "mapper = 3\n", "'mapper' expects \"estimate\" or \"simulate\" (got 3)"},
        {searched + "mapper_window = 2.5\n", "s.toml:3:17: error: 'mapper_window' expects a number in [0, 1] (got 2.5)"},
        {searched + "mapper_window = \"wide\"\n", "'mapper_window' expects a number in [0, 1] (got 'wide')"},
        {searched + "mapper_window = nan\n", "'mapper_window' expects a number"},
        {searched + "mapper_candidates = 0\n", "'mapper_candidates' expects an integer in [1, 64] (got 0)"},
        {searched + "mapper_candidates = 2.5\n", "'mapper_candidates' expects an integer in [1, 64] (got 2.5)"},
        {nets + "mapper_candidates = 4\n", "s.toml:2:21: error: 'mapper_candidates' applies only with mapper = \"simulate\""},
        {nets + "mappr = \"simulate\"\n", "unknown key 'mappr'"},
    };
    for (const auto& [text, message] : bad) {
      INFO(text);
      CHECK_THROWS_WITH_AS(parse(text), doctest::Contains(message), SpecError);
    }
  }

  TEST_CASE("sweep --mapper replaces the spec's mapper search as a whole, and the spec hash follows it") {
    const std::string nets = "networks = [\"mobilenet\"]\n";
    const std::string searched = nets + "mapper = \"simulate\"\nmapper_candidates = 4\n";
    const hw::MapperSearch simulate2{.mode = hw::MapperMode::kSimulate, .window = 0.05, .max_candidates = 2};
    const hw::MapperSearch estimate{};
    // Over an unsearched spec: the override's search, hashed as if the spec had named it.
    const SweepSpec a = parse_sweep_spec(nets, "s.toml", ".", std::nullopt, simulate2);
    CHECK(a.mapper == simulate2);
    CHECK(a.spec_hash == mapper_spec_hash(parse(nets).spec_hash, simulate2));
    CHECK(a.spec_hash != parse(nets).spec_hash);
    // Over a searched spec: the keys' window and count do not leak into the override.
    const SweepSpec b = parse_sweep_spec(searched, "s.toml", ".", std::nullopt, estimate);
    CHECK(b.mapper == estimate);
    CHECK(b.spec_hash == derive_seed(hash_name(searched), 1));
    CHECK(parse_sweep_spec(searched, "s.toml", ".", std::nullopt, simulate2).mapper.max_candidates == 2);
    CHECK(default_sweep_spec(std::nullopt, simulate2).mapper == simulate2);
    // The spec's keys are still checked, and an invalid override is refused.
    CHECK_THROWS_AS(parse_sweep_spec(nets + "mapper_candidates = 4\n", "s.toml", ".", std::nullopt, simulate2), SpecError);
    CHECK_THROWS_WITH_AS(parse_sweep_spec(nets, "s.toml", ".", std::nullopt,
                                          hw::MapperSearch{.mode = hw::MapperMode::kSimulate, .window = 2.0}),
                         doctest::Contains("mapper.window must be in [0, 1]"), std::invalid_argument);
  }

  TEST_CASE("the spec hash covers the network and mask files it names, so resume and merge refuse changed ones") {
    // Only the spec text and seed were hashed: a sweep resumed (or a shard merged) after its network file
    // changed mixed points of both versions in one 'complete' file.
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("eyesim_spec_hash_{}", ::getpid());
    std::filesystem::create_directories(dir);
    const auto write = [&](const char* name, const std::string& text) {
      std::ofstream(dir / name) << text;
    };
    const std::string layer = "[[layer]]\nname = \"pw\"\nkind = \"pointwise\"\nc = 2\nm = 2\nh = 2\n";
    write("mask.txt", "1 0 1 1 1 1 1 1\n");
    write("net.toml", "name = \"n\"\n" + layer + "weight_density = 0.5\n");
    const std::string text = "networks = [\"net.toml\"]\n";
    const auto hash = [&] { return parse_sweep_spec(text, "s.toml", dir).spec_hash; };
    const std::uint64_t first = hash();
    CHECK(hash() == first);
    write("net.toml", "name = \"n\"\n" + layer + "weight_density = 0.9\n");
    const std::uint64_t edited = hash();
    CHECK(edited != first);
    write("net.toml", "name = \"n\"\n" + layer + "iact_mask = \"mask.txt\"\n");
    const std::uint64_t masked = hash();
    write("mask.txt", "1 1 1 1 1 1 1 1\n");
    CHECK(hash() != masked);
    // Without network files the hash is the text's and the seed's, as it always was.
    const std::string builtin = "networks = [\"mobilenet\"]\nseed = 3\n";
    CHECK(parse(builtin).spec_hash == derive_seed(hash_name(builtin), 3));
    std::filesystem::remove_all(dir);
  }

  TEST_CASE("an integer beyond 2^53 where a real number is expected is checked as that number") {
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"workload.weight_density_scale\"\nvalues = [9007199254740993]\n"),
                         doctest::Contains("must be in [0, 100] (got 9007199254740992)"), SpecError);
    CHECK_THROWS_WITH_AS(parse("mapper = \"simulate\"\nmapper_window = 9007199254740993\n"),
                         doctest::Contains("'mapper_window' expects a number in [0, "), SpecError);
    // A sample range's end (it went through the same empty optional: a nan end, or a garbage one in range).
    CHECK_THROWS_WITH_AS(parse("[sample]\ncount = 4\n[[sample.axis]]\nname = \"arch.dram.bandwidth_gbps\"\n"
                               "range = [0.5, 9007199254740993]\n"),
                         doctest::Contains("'arch.dram.bandwidth_gbps' must be in [0, 1000000] (got 9007199254740992)"),
                         SpecError);
  }

  TEST_CASE("an integer sample range is drawn from exactly, up to the largest seed") {
    // The ends went through a double: 9223372036854775807 became 2^63, which does not fit an int64 (UB;
    // every drawn seed was 0), and ends past 2^53 lost their last digits.
    const auto seeds = [](std::string_view range) {
      const auto s = parse(fmt::format("[sample]\ncount = 40\n[[sample.axis]]\nname = \"workload.seed\"\nrange = {}\n", range));
      std::set<std::uint64_t> out;
      for (const DesignPoint& p : s.points) out.insert(p.seed);
      return out;
    };
    const auto wide = seeds("[0, 9223372036854775807]");
    CHECK(wide.size() == 40);
    CHECK(*wide.rbegin() > (std::uint64_t{1} << 60));
    const auto narrow = seeds("[9007199254740993, 9007199254740995]");  // 2^53 + 1 .. 2^53 + 3
    CHECK(narrow == std::set<std::uint64_t>{9007199254740993, 9007199254740994, 9007199254740995});
    CHECK_THROWS_WITH_AS(seeds("[9223372036854775807, 9223372036854775806]"), doctest::Contains("low is above high"),
                         SpecError);
  }

  TEST_CASE("where-constraints drop points and ids stay dense") {
    const auto s = parse(
        "networks = [\"mobilenet\"]\nwhere = [\"arch.array.cluster_rows * arch.array.cluster_cols <= 8\"]\n"
        "[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [1, 2, 4, 8]\n"
        "[[axis]]\nname = \"arch.array.cluster_cols\"\nvalues = [1, 2, 4]\n");
    CHECK(s.points.size() == 9);  // (1,1) (1,2) (1,4) (2,1) (2,2) (2,4) (4,1) (4,2) (8,1)
    CHECK(s.dropped_by_where == 3);
    CHECK(s.points.back().id == 8);
    CHECK(s.points.back().arch.array.cluster_rows == 8);
  }

  TEST_CASE("setting_text gives a point's value of a spec name as the spec would write it") {
    const auto s = parse(
        "networks = [\"mobilenet\"]\n"
        "[[axis]]\nname = \"arch.preset\"\nvalues = [\"eyeriss_v1_jssc\"]\n"
        "[[axis]]\nname = \"arch.noc.iact_port_bits\"\nvalues = [48]\n"
        "[[axis]]\nname = \"arch.dram.bandwidth_gbps\"\nvalues = [25.6]\n"
        "[[axis]]\nname = \"arch.pe.empty_column_bubble\"\nvalues = [true]\n"
        "[[axis]]\nname = \"workload.weight_density_scale\"\nvalues = [0.25]\n");
    REQUIRE(s.points.size() == 1);
    const DesignPoint& p = s.points[0];
    CHECK(setting_text(p, "arch.preset") == "eyeriss_v1_jssc");
    CHECK(setting_text(p, "arch.noc.iact_port_bits") == "48");
    CHECK(setting_text(p, "arch.dram.bandwidth_gbps") == "25.6");
    CHECK(setting_text(p, "arch.pe.empty_column_bubble") == "true");
    CHECK(setting_text(p, "arch.pe.kind") == "dense");
    CHECK(setting_text(p, "workload.weight_density_scale") == "0.25");
    CHECK(setting_text(p, "workload.batch") == "1");
    CHECK(setting_text(p, "network") == "mobilenet");
    CHECK(setting_text(p, "arch.bogus").empty());
  }

  TEST_CASE("a point whose architecture is invalid is kept and marked") {
    // Each value is valid alone; together they break a constraint between parameters (an iact SPad entry
    // narrower than an iact, more than 65536 PEs): points a sweep may mean to explore, kept as failed rows.
    const auto s = parse(
        "networks = [\"mobilenet\"]\n"
        "[[axis]]\nname = \"arch.pe.iact_data_bits\"\nvalues = [4, 12]\n"
        "[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [8, 256]\n"
        "[[axis]]\nname = \"arch.array.pe_rows\"\nvalues = [3, 64]\n");
    REQUIRE(s.points.size() == 8);
    REQUIRE(s.points[0].invalid.size() == 1);
    CHECK(s.points[0].invalid[0] == "arch.pe.iact_data_bits must hold at least one iact of precision.iact_bits = 8 and its 4-bit zero count "
                                        "(CSC): 12 bits (got 4)");
    CHECK(s.points[3].invalid.size() == 2);
    CHECK(s.points[4].invalid.empty());
    REQUIRE(s.points[7].invalid.size() == 1);
    CHECK(s.points[7].invalid[0] == "arch.array at most 65536 PEs (got 131072)");
    // A range that applies only with another parameter's value is such a constraint too: 0 psum banks
    // is fine on a shared GLB (the JSSC chip's), not on v2's per-cluster GLB.
    const auto banks = parse(
        "networks = [\"mobilenet\"]\n"
        "[[axis]]\nname = \"arch.preset\"\nvalues = [\"eyeriss_v1_jssc\", \"eyeriss_v2\"]\n"
        "[[axis]]\nname = \"arch.glb.psum_banks\"\nvalues = [0]\n");
    REQUIRE(banks.points.size() == 2);
    CHECK(banks.points[0].invalid.empty());
    REQUIRE(banks.points[1].invalid.size() == 1);
    CHECK(banks.points[1].invalid[0] == "arch.glb.psum_banks must be in [1, 4096] (got 0)");
  }

  TEST_CASE("an architecture value outside its parameter's own range is a spec error where it is written") {
    // It made a sweep of invalid points (and exit 0) where `eyesim run --arch` refuses the same value.
    // Grid values, zipped ones, sampled values and range ends, and the [arch] table: each value is checked
    // against that one parameter's range (hw::param_range), naming the file, place, parameter, value and range.
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [4, 1000]\n"),
                         doctest::Contains("s.toml:3:14: error: 'arch.array.cluster_rows' must be in [1, 256] (got 1000)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.array.pe_rows\"\nvalues = [0, 3]\n"),
                         doctest::Contains("s.toml:3:11: error: 'arch.array.pe_rows' must be in [1, 64] (got 0)"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.noc.iact_port_bits\"\nvalues = [24, 48]\nzip = \"w\"\n"
                               "[[axis]]\nname = \"arch.noc.weight_port_bits\"\nvalues = [24, 8192]\nzip = \"w\"\n"),
                         doctest::Contains("s.toml:7:15: error: 'arch.noc.weight_port_bits' must be in [1, 4096] (got 8192)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[arch]\npreset = \"eyeriss_v2\"\nnoc.iact_port_bits = 0\n"),
                         doctest::Contains("s.toml:3:22: error: 'arch.noc.iact_port_bits' must be in [1, 4096] (got 0)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[arch]\n\"energy.mac_pj\" = -1.0\n"),
                         doctest::Contains("s.toml:2:19: error: 'arch.energy.mac_pj' must be in [0, 1000000] (got -1)"),
                         SpecError);
    // NaN and infinity (they made invalid points; a NaN once made an ok one).
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.clock_mhz\"\nvalues = [200.0, nan]\n"),
                         doctest::Contains("s.toml:3:18: error: 'arch.clock_mhz' must be in [1, 10000] (got nan)"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.dram.bandwidth_gbps\"\nvalues = [0.0, inf]\n"),
                         doctest::Contains("s.toml:3:16: error: 'arch.dram.bandwidth_gbps' must be in [0, 1000000] (got inf)"),
                         SpecError);
    const auto sample = [](std::string_view axis) {
      return parse(fmt::format("networks = [\"mobilenet\"]\n[sample]\ncount = 3\n[[sample.axis]]\n{}\n", axis));
    };
    CHECK_THROWS_WITH_AS(sample("name = \"arch.array.cluster_rows\"\nrange = [1, 1000]"),
                         doctest::Contains("s.toml:6:13: error: 'arch.array.cluster_rows' must be in [1, 256] (got 1000)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(sample("name = \"arch.dram.bandwidth_gbps\"\nrange = [-1.0, 25.6]"),
                         doctest::Contains("s.toml:6:10: error: 'arch.dram.bandwidth_gbps' must be in [0, 1000000] (got -1)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(sample("name = \"arch.pe.simd_width\"\nvalues = [1, 2, 32]"),
                         doctest::Contains("s.toml:6:17: error: 'arch.pe.simd_width' must be in [1, 16] (got 32)"), SpecError);
    // The ends of the ranges are the parameters' own: valid, whether or not `where` keeps their points.
    CHECK(parse("networks = [\"mobilenet\"]\n[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [1, 256]\n")
              .points.size() == 2);
    CHECK(sample("name = \"arch.array.cluster_rows\"\nrange = [1, 256]").points.size() == 3);
    CHECK_THROWS_WITH_AS(parse("where = [\"arch.array.cluster_rows < 100\"]\n"
                               "[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [4, 1000]\n"),
                         doctest::Contains("'arch.array.cluster_rows' must be in [1, 256] (got 1000)"), SpecError);
  }

  TEST_CASE("a sample range is checked at its ends: finite, and valid for its parameter") {
    // A NaN end drew NaN values, and a drawn value out of its parameter's domain was reported at 0:0.
    const auto sample = [](std::string_view name, std::string_view range) {
      return parse(fmt::format("[sample]\ncount = 3\n[[sample.axis]]\nname = \"{}\"\nrange = [{}]\n", name, range));
    };
    CHECK_THROWS_WITH_AS(sample("workload.iact_density_scale", "nan, 1.0"),
                         doctest::Contains("s.toml:5:9: error: 'range' expects finite numbers [low, high] (got [nan, 1])"),
                         SpecError);
    CHECK_THROWS_WITH_AS(sample("arch.clock_mhz", "100.0, inf"), doctest::Contains("s.toml:5:9: error: 'range' expects finite"),
                         SpecError);
    CHECK_THROWS_WITH_AS(sample("workload.iact_density_scale", "50, 200"),
                         doctest::Contains("s.toml:5:14: error: 'workload.iact_density_scale' must be in [0, 100] (got 200)"),
                         SpecError);
    // The parameter named as the spec writes it (helper-52: "'array.cluster_rows' expects ...").
    CHECK_THROWS_WITH_AS(sample("arch.array.cluster_rows", "-1, 4"),
                         doctest::Contains("s.toml:5:10: error: 'arch.array.cluster_rows' expects a non-negative integer"),
                         SpecError);
    // An integer parameter's range needs integer ends; ends in the wrong order are shown.
    CHECK_THROWS_WITH_AS(sample("arch.array.cluster_rows", "1.0, 16"),
                         doctest::Contains("s.toml:5:9: error: 'arch.array.cluster_rows' takes integers: write the ends of "
                                           "its 'range' as integers (got [1.0, 16])"),
                         SpecError);
    CHECK_THROWS_WITH_AS(sample("workload.batch", "1, 4.5"), doctest::Contains("'workload.batch' takes integers"), SpecError);
    CHECK_THROWS_WITH_AS(sample("arch.array.cluster_rows", "16, 1"),
                         doctest::Contains("s.toml:5:9: error: 'range' of 'arch.array.cluster_rows': low is above high (got [16, 1])"),
                         SpecError);
    CHECK(sample("arch.clock_mhz", "100, 200.5").points.size() == 3);
    CHECK_THROWS_WITH_AS(sample("arch.preset", "1, 4"),
                         doctest::Contains("s.toml:5:10: error: 'arch.preset' cannot be a range: give its presets as values"),
                         SpecError);
    CHECK(sample("workload.iact_density_scale", "0.5, 1.0").points.size() == 3);
  }

  TEST_CASE("spec errors name the file / line / column and the key") {
    CHECK_THROWS_WITH_AS(parse("netwerks = []\n"), doctest::Contains("s.toml:1:12: error: unknown key 'netwerks'"), SpecError);
    CHECK_THROWS_WITH_AS(parse("netwerks = []\n"), doctest::Contains("mapper_candidates); did you mean 'networks'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.array.cluster_rowz\"\nvalues = [1]\n"),
                         doctest::Contains("s.toml:2:8: error: unknown parameter 'arch.array.cluster_rowz'"), SpecError);
    // Every unknown name says which known one is probably meant, where one is that close.
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.array.cluster_rowz\"\nvalues = [1]\n"),
                         doctest::Contains("or workload.*); did you mean 'arch.array.cluster_rows'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"iact_port_bits\"\nvalues = [1]\n"),
                         doctest::Contains("did you mean 'arch.noc.iact_port_bits'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"workload.sed\"\nvalues = [1]\n"),
                         doctest::Contains("did you mean 'workload.seed'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[point]]\nnetwrk = \"mobilenet\"\n"), doctest::Contains("did you mean 'network'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[arch]\npreset = \"eyeriss_v2\"\nnoc.iact_port_bit = 48\n"),
                         doctest::Contains("unknown parameter 'arch.noc.iact_port_bit' (see 'eyesim show arch eyeriss_v2'); "
                                           "did you mean 'noc.iact_port_bits'?"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.pe.simd_width\"\nvalue = [1]\n"),
                         doctest::Contains("unknown key 'value' in [[axis]] (expected name, values, zip); did you mean 'values'?"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[sample]\ncont = 2\n"), doctest::Contains("did you mean 'count'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[sample]\ncount = 2\n[[sample.axis]]\nname = \"workload.seed\"\nrnge = [1, 2]\n"),
                         doctest::Contains("did you mean 'range'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("networks = [\"sparse_mobilnet\"]\n"), doctest::Contains("did you mean 'sparse_mobilenet'?"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("arch = \"eyeriss_2\"\n"),
                         doctest::Contains("unknown preset 'eyeriss_2' (the presets: eyeriss_v2, "), SpecError);
    CHECK_THROWS_WITH_AS(parse("arch = \"eyeriss_2\"\n"), doctest::Contains("did you mean 'eyeriss_v2'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.preset\"\nvalues = [\"eyeriss_v15\"]\n"),
                         doctest::Contains("did you mean 'eyeriss_v1_5'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("where = [\"arch.array.pe_rowz > 1\"]\n"),
                         doctest::Contains("unknown name 'arch.array.pe_rowz'; did you mean 'arch.array.pe_rows'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("networks = [\"mobilenet\", \"alexnet\",\n  \"mobilenet\"]\n"),
                         doctest::Contains("s.toml:2:3: error: network 'mobilenet' is listed twice in 'networks' (also at "
                                           "line 1, column 13)"),
                         SpecError);
    // Also where `or` never evaluates it (every point has pe_rows > 0), and at its own entry of `where`.
    CHECK_THROWS_WITH_AS(parse("where = [\"arch.array.pe_rows > 0\",\n  \"arch.array.pe_rows > 0 or arch.array.pe_rowz > 1\"]\n"),
                         doctest::Contains("s.toml:2:3: error: constraint \"arch.array.pe_rows > 0 or arch.array.pe_rowz > 1\": "
                                           "unknown name 'arch.array.pe_rowz'; did you mean 'arch.array.pe_rows'?"),
                         SpecError);
    // An error evaluating a constraint says at which values.
    CHECK_THROWS_WITH_AS(parse("where = [\"arch.array.pe_rows / (arch.array.pe_cols - 4) > 1\"]\n"),
                         doctest::Contains("division by zero (at the point arch.array.pe_rows = 3, arch.array.pe_cols = 4)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = []\n"),
                         doctest::Contains("has no values"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [\"four\"]\n"),
                         doctest::Contains("s.toml:3:11: error: 'arch.array.cluster_rows' expects a non-negative integer below 2^32 (got 'four')"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.preset\"\nvalues = [\"eyeriss_v9\"]\n"),
                         doctest::Contains("s.toml:3:11: error: 'arch.preset' expects a preset name (got 'eyeriss_v9'; the "
                                           "presets: eyeriss_v2, "),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("networks = [\"lenet\"]\n"), doctest::Contains("s.toml:1:13: error: unknown network 'lenet'"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("arch = \"eyeriss_v9\"\n"), doctest::Contains("unknown preset 'eyeriss_v9'"), SpecError);
    CHECK_THROWS_WITH_AS(parse("batch = 0\n"), doctest::Contains("'batch' expects an integer in [1, 1024]"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.noc.iact_port_bits\"\nvalues = [1, 2]\nzip = \"z\"\n"
                               "[[axis]]\nname = \"arch.noc.weight_port_bits\"\nvalues = [1]\nzip = \"z\"\n"),
                         doctest::Contains("zipped axis 'arch.noc.weight_port_bits' has 1 values but its group 'z' has 2"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("where = [\"arch.array.pe_rows <\"]\n"), doctest::Contains("bad constraint"), SpecError);
    CHECK_THROWS_WITH_AS(parse("where = [\"arch.nope > 1\"]\n"), doctest::Contains("unknown name 'arch.nope'"), SpecError);
    CHECK_THROWS_WITH_AS(parse("where = [\"arch.array.pe_rows > 100\"]\n"), doctest::Contains("has no points"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.array.pe_rows\"\nvalues = [1]\n[sample]\ncount = 2\n"),
                         doctest::Contains("not both"), SpecError);
    CHECK_THROWS_WITH_AS(parse("seed = \n"), doctest::Contains("s.toml:1:"), SpecError);
  }

  TEST_CASE("a grid of more points than a sweep may have is a spec error before it is expanded, not bad_alloc") {
    // 11 axes of 60 values: 3.6e19 combinations, more than a 64-bit count holds; 5 of 40: 1e8 points.
    const auto grid = [](int axes, int values, std::string_view networks) {
      static constexpr const char* kNames[] = {
          "arch.glb.iact_bank_bytes", "arch.glb.psum_bank_bytes", "arch.noc.iact_port_bits", "arch.noc.weight_port_bits",
          "arch.noc.psum_port_bits", "arch.pe.psum_entries", "arch.pe.weight_data_entries", "arch.pe.iact_data_entries",
          "arch.clock_mhz", "arch.dram.latency_cycles", "arch.noc.hop_latency_cycles"};
      std::string text = fmt::format("networks = [{}]\n", networks);
      for (int a = 0; a < axes; ++a) {
        text += fmt::format("[[axis]]\nname = \"{}\"\nvalues = [", kNames[a]);
        for (int v = 0; v < values; ++v) text += fmt::format("{}{}", v ? ", " : "", 100 + v);
        text += "]\n";
      }
      return text;
    };
    CHECK_THROWS_WITH_AS(parse(grid(11, 60, "\"mobilenet\"")),
                         doctest::Contains("s.toml:2:1: error: the grid has 60 x 60 x 60 x 60 x 60 x 60 x 60 x 60 x 60 x "
                                           "60 x 60 = 3.63e+19 combinations, more than the 10000000 points"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse(grid(5, 40, "\"mobilenet\"")),
                         doctest::Contains("40 x 40 x 40 x 40 x 40 = 1.02e+08 combinations, more than"), SpecError);
    // The networks multiply the grid: 4 x 10^6 combinations fit, x 3 networks do not.
    CHECK_THROWS_WITH_AS(parse(grid(2, 2000, "\"mobilenet\", \"alexnet\", \"vgg16\"")),
                         doctest::Contains("2000 x 2000 = 4e+06 combinations x 3 networks, more than the 10000000 points"), SpecError);
    CHECK_THROWS_WITH_AS(parse("networks = [\"mobilenet\", \"alexnet\"]\n[sample]\ncount = 6000000\n"
                               "[[sample.axis]]\nname = \"arch.array.cluster_rows\"\nrange = [1, 16]\n"),
                         doctest::Contains("[sample] count = 6000000 x 2 networks is more than the 10000000 points"),
                         SpecError);
  }

  TEST_CASE("a parameter on two axes is an error at the second naming the first, not a lost axis") {
    // The second axis used to replace the first one's values in every point (2 points, both rows = 2).
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [4, 8]\n"
                               "[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [2]\n"),
                         doctest::Contains("s.toml:5:8: error: 'arch.array.cluster_rows' already has an axis at line 2, column 8"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.noc.iact_port_bits\"\nvalues = [16, 24]\nzip = \"w\"\n"
                               "[[axis]]\nname = \"arch.noc.iact_port_bits\"\nvalues = [24, 48]\nzip = \"w\"\n"),
                         doctest::Contains("s.toml:6:8: error: 'arch.noc.iact_port_bits' already has an axis at line 2, column 8"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[[axis]]\nname = \"arch.noc.iact_port_bits\"\nvalues = [16, 24]\n"
                               "[[axis]]\nname = \"arch.noc.iact_port_bits\"\nvalues = [24, 48]\nzip = \"w\"\n"),
                         doctest::Contains("s.toml:5:8: error: 'arch.noc.iact_port_bits' already has an axis"), SpecError);
    CHECK_THROWS_WITH_AS(parse("[sample]\ncount = 2\n[[sample.axis]]\nname = \"workload.seed\"\nrange = [1, 9]\n"
                               "[[sample.axis]]\nname = \"workload.seed\"\nvalues = [3]\n"),
                         doctest::Contains("s.toml:7:8: error: 'workload.seed' already has an axis at line 4, column 8"),
                         SpecError);
    // A quoted dotted key and a dotted key are two TOML keys but one parameter.
    CHECK_THROWS_WITH_AS(parse("[arch]\n\"array.cluster_rows\" = 2\narray.cluster_rows = 4\n"),
                         doctest::Contains("s.toml:3:22: error: 'arch.array.cluster_rows' is set twice (also at line 2, column 24)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("[[point]]\narch.array.cluster_cols = 2\n\"arch.array.cluster_cols\" = 1\n"),
                         doctest::Contains("s.toml:3:29: error: 'arch.array.cluster_cols' is set twice (also at line 2, column 27)"),
                         SpecError);
    // The same parameter in [arch], on an axis and in a [[point]] is not a duplicate: the axis varies
    // the base value and the point is a point of its own.
    const auto s = parse("networks = [\"mobilenet\"]\n[arch]\narray.cluster_rows = 2\n"
                         "[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [4, 8]\n"
                         "[[point]]\n\"arch.array.cluster_rows\" = 1\n");
    REQUIRE(s.points.size() == 3);
    CHECK(s.points[0].arch.array.cluster_rows == 4);
    CHECK(s.points[1].arch.array.cluster_rows == 8);
    CHECK(s.points[2].arch.array.cluster_rows == 1);
  }

  TEST_CASE("the built-in default sweep has about a hundred points over the paper's chips") {
    const auto s = default_sweep_spec();
    CHECK(s.points.size() >= 80);
    CHECK(s.points.size() <= 150);
    bool v1 = false, v15 = false;
    for (const auto& p : s.points) {
      v1 |= p.arch.name == "eyeriss_v1_scaled";
      v15 |= p.arch.name == "eyeriss_v1_5";
      CHECK(p.invalid.empty());
    }
    CHECK(v1);
    CHECK(v15);
  }

  TEST_CASE("constraint expressions: arithmetic / comparisons / logic / strings") {
    const NameLookup names = [](std::string_view n) -> std::optional<ExprValue> {
      if (n == "a") return ExprValue{6.0};
      if (n == "kind") return ExprValue{std::string("dense")};
      return std::nullopt;
    };
    CHECK(Expression("a * 2 + 1 == 13").holds(names));
    CHECK(Expression("a % 4 == 2 and not (a < 3)").holds(names));
    CHECK(Expression("kind == \"dense\" or a > 100").holds(names));
    CHECK_FALSE(Expression("-a > 0").holds(names));
    CHECK_THROWS_AS(Expression("a +"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Expression("b > 1").holds(names), doctest::Contains("unknown name 'b'"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Expression("kind > 1").holds(names), doctest::Contains("needs numbers"), std::invalid_argument);
    CHECK(Expression("kind == \"dense\" or b > 1 and a").names() == std::vector<std::string>{"kind", "b", "a"});
  }

  TEST_CASE("constraint numbers are decimal and finite / arithmetic without a number as its result is an error") {
    // (found by helper-50: "1e999 > 0" failed with a bare "stod", 0x10 was hex, x / 0 was inf and 0 / 0 true)
    const NameLookup names = [](std::string_view n) -> std::optional<ExprValue> {
      if (n == "a") return ExprValue{6.0};
      return std::nullopt;
    };
    CHECK(Expression(".5 < 1").holds(names));
    CHECK(Expression("3. == 3 and 2.5e1 == 25 and 1E-2 < 1").holds(names));
    CHECK_THROWS_WITH_AS(Expression("1e999 > 0"), doctest::Contains("column 1: the number '1e999' is out of range"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(Expression("a > ."), doctest::Contains("column 5: invalid number '.'"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Expression("1e+ > 0"), doctest::Contains("invalid number '1e+'"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Expression("0x10 == 16"), doctest::Contains("column 2: unexpected 'x'"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Expression("a / 0 > 1").holds(names), doctest::Contains("'6 / 0': division by zero"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(Expression("a % (a - a) > 1").holds(names), doctest::Contains("remainder by zero"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(Expression("1e308 * 10 - 1e308 * 10 > 0").holds(names), doctest::Contains("'inf - inf' is not a number"),
                         std::invalid_argument);
  }
}
}  // namespace eyesim::sweep

// The result tables' schema: units, string columns (identities refused when they do not fit, messages
// cut visibly), and which network identity the rows carry.
#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "sweep/hdf5_file.h"
#include "sweep/result_tables.h"
#include "sweep/runner.h"
#include "sweep/spec_error.h"
#include "sweep/sweep_spec.h"

namespace eyesim::sweep {
namespace {

namespace fs = std::filesystem;

/// This process's scratch directory: ctest runs each TEST_CASE as its own process, in parallel.
fs::path test_dir() {
  const fs::path d = fs::temp_directory_path() / fmt::format("eyesim_result_tables_test_{}", ::getpid());
  fs::create_directories(d);
  return d;
}

void write_file(const fs::path& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f != nullptr);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

/// A one-layer-per-name network file (small pointwise layers), declaring the network name `name`.
std::string network_toml(const std::string& name, const std::vector<std::string>& layers, int m = 16) {
  std::string out = fmt::format("name = \"{}\"\n", name);
  for (const auto& l : layers)
    out += fmt::format("[[layer]]\nname = \"{}\"\nkind = \"pointwise\"\nc = 16\nm = {}\nh = 4\n", l, m);
  return out;
}

/// The rows of one table of a result file, one Row each.
std::vector<Row> rows_of(const std::string& path, const char* table, const TableSchema& schema) {
  Hdf5File f(path, Hdf5File::Mode::kReadOnly);
  const auto bytes = f.read_rows(table, schema);
  std::vector<Row> out;
  for (std::size_t i = 0; i * schema.row_bytes() < bytes.size(); ++i) {
    Row r(schema);
    std::copy_n(bytes.begin() + std::ptrdiff_t(i * schema.row_bytes()), schema.row_bytes(), r.bytes().begin());
    out.push_back(std::move(r));
  }
  return out;
}

std::string run(const SweepSpec& spec, const std::string& name) {
  SweepOptions o;
  o.output = (test_dir() / name).string();
  o.jobs = 1;
  o.progress = "never";
  fs::remove(o.output);
  fs::remove(o.output + ".journal");
  std::atomic<int> stop{0};
  run_sweep(spec, o, stop, stderr);
  return o.output;
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("the units attribute names bit-hops for NoC traffic and PE-cycles for counters summed over PEs") {
    const ResultTables t;
    const std::string layers = ResultTables::units_json(t.layers());
    for (const char* data : {"iact", "weight", "psum"}) {
      CAPTURE(data);
      CHECK(layers.find(fmt::format("\"noc_{}_bits\": \"bit-hops\"", data)) != std::string::npos);
    }
    for (const char* c : {"busy_pe_cycles", "zero_iact_pe_cycles", "stall_iact_cycles", "stall_weight_cycles",
                          "stall_psum_cycles", "stall_dram_cycles", "stall_noc_cycles"}) {
      CAPTURE(c);
      CHECK(layers.find(fmt::format("\"{}\": \"PE-cycles\"", c)) != std::string::npos);
    }
    CHECK(layers.find("\"cycles\": \"cycles\"") != std::string::npos);
    CHECK(layers.find("\"dram_iact_read_bytes\": \"bytes\"") != std::string::npos);
    const std::string configs = ResultTables::units_json(t.configs());
    CHECK(configs.find("\"arch.noc.iact_port_bits\": \"bits\"") != std::string::npos);  // a width: bits
    CHECK(configs.find("\"arch.energy.noc_pj_per_bit_hop\": \"pJ/bit-hop\"") != std::string::npos);
    CHECK(configs.find("\"arch.energy.glb_pj_per_bit\": \"pJ/bit\"") != std::string::npos);
    CHECK(configs.find("\"arch.energy.clock_pj_per_pe_cycle\": \"pJ/PE-cycle\"") != std::string::npos);
    CHECK(configs.find("\"arch.dram.latency_cycles\": \"cycles\"") != std::string::npos);
  }

  TEST_CASE("a string column refuses a text longer than its width and cuts a message visibly") {
    TableSchema s;
    s.add("name", ColumnType::kString, 8);
    Row r(s);
    r.set_string(0, "12345678");  // exactly the width: kept whole
    CHECK(r.get_string(0) == "12345678");
    CHECK_THROWS_WITH_AS(r.set_string(0, "123456789"),
                         doctest::Contains("name '123456789' is 9 bytes, longer than the 8 bytes"), std::length_error);
    r.set_string_cut(0, "a long message");
    CHECK(r.get_string(0) == "a lon...");
    r.set_string_cut(0, "short");
    CHECK(r.get_string(0) == "short");
    r.set_string_cut(0, "abcd\xc3\xa9" "fgh");  // never cut inside a UTF-8 character
    CHECK(r.get_string(0) == "abcd...");
  }

  TEST_CASE("layer names past 32 bytes stay distinct and a name past the width fails its point by name") {
    const ResultTables t;
    DesignPoint p;
    p.network = "nets/long_names.toml";
    hw::NetworkResult r;
    r.network = "long_names";
    for (const char* name : {"block1_conv_3x3_expand_projection_layer_a", "block1_conv_3x3_expand_projection_layer_b"}) {
      hw::LayerResult l;
      l.layer_name = name;
      r.layers.push_back(l);
    }
    const PointRecord rec = t.record(p, r, 0);
    const std::size_t name_col = t.layers().index("layer_name");
    std::vector<std::string> names;
    for (std::size_t i = 0; i < 2; ++i) {
      Row row(t.layers());
      std::copy_n(rec.layer_rows.begin() + std::ptrdiff_t(i * t.layers().row_bytes()), t.layers().row_bytes(),
                  row.bytes().begin());
      names.push_back(row.get_string(name_col));
    }
    CHECK(names == std::vector<std::string>{"block1_conv_3x3_expand_projection_layer_a",
                                            "block1_conv_3x3_expand_projection_layer_b"});
    r.layers[1].layer_name = std::string(kNameBytes + 1, 'x');
    CHECK_THROWS_AS(t.record(p, r, 0), std::length_error);

    // A sweep: the points of a network with a layer name the file cannot hold fail, naming the network
    // file, the layer and the limit; the other network's points are simulated.
    const fs::path good = test_dir() / "good.toml", bad = test_dir() / "bad.toml";
    write_file(good, network_toml("good", {"block1_conv_3x3_expand_projection_layer_a",
                                           "block1_conv_3x3_expand_projection_layer_b"}));
    const std::string too_long(kNameBytes + 1, 'y');
    write_file(bad, network_toml("bad", {"ok", too_long}));
    const SweepSpec spec = parse_sweep_spec(fmt::format("networks = [\"{}\", \"{}\"]\n", good.string(), bad.string()),
                                            "names.toml", test_dir());
    const std::string path = run(spec, "names.h5");
    const auto runs = rows_of(path, "runs", t.runs());
    REQUIRE(runs.size() == 2);
    const std::size_t status = t.col_run_status(), message = t.runs().index("message");
    CHECK(runs[0].get<std::uint8_t>(status) == 0);
    CHECK(runs[1].get<std::uint8_t>(status) == 1);
    const std::string why = runs[1].get_string(message);
    CHECK(why.find(bad.string()) != std::string::npos);
    CHECK(why.find(fmt::format("layer name '{}' is {} bytes, longer than the {} bytes", too_long, too_long.size(),
                               kNameBytes)) != std::string::npos);
    std::vector<std::string> stored;
    for (const Row& row : rows_of(path, "layers", t.layers())) stored.push_back(row.get_string(name_col));
    CHECK(stored == names);
  }

  TEST_CASE("/runs.network is the network as the spec names it, as /configs.network, and the declared name is network_name") {
    const ResultTables t;
    DesignPoint p;
    p.network = "nets/a.toml";
    hw::NetworkResult r;
    r.network = "tiny_cnn";  // the name the file declares: another file may declare it too
    const auto row_of = [&](const std::vector<std::byte>& bytes, const TableSchema& schema) {
      Row row(schema);
      std::copy(bytes.begin(), bytes.end(), row.bytes().begin());
      return row;
    };
    const Row ok = row_of(t.record(p, r, 0).run_row, t.runs());
    const Row failed = row_of(t.failed_record(p, "invalid architecture", 0).run_row, t.runs());
    const Row config = row_of(t.config_row(p, 0), t.configs());
    const std::size_t net = t.runs().index("network");
    CHECK(config.get_string(t.configs().index("network")) == "nets/a.toml");
    CHECK(ok.get_string(net) == "nets/a.toml");
    CHECK(failed.get_string(net) == "nets/a.toml");
    CHECK(ok.get_string(t.col_run_network_name()) == "tiny_cnn");
    CHECK(failed.get_string(t.col_run_network_name()).empty());
    CHECK(failed.get_string(t.col_run_message()) == "invalid architecture");
    // A declared name network_name cannot hold fails the network's points before simulating.
    workloads::Network n;
    n.name = std::string(kNameBytes + 1, 'd');
    CHECK_THROWS_WITH_AS(check_storable(n, "nets/a.toml"),
                         doctest::Contains("network 'nets/a.toml': its name 'dddd"), std::length_error);
    n.name.pop_back();
    CHECK_NOTHROW(check_storable(n, "nets/a.toml"));
  }

  TEST_CASE("a failed point's message longer than its column is cut and ends with ...") {
    const ResultTables t;
    DesignPoint p;
    p.network = "mobilenet";
    const PointRecord rec = t.failed_record(p, std::string(2 * kMessageBytes, 'm'), 0);
    Row row(t.runs());
    std::copy(rec.run_row.begin(), rec.run_row.end(), row.bytes().begin());
    const std::string m = row.get_string(t.runs().index("message"));
    CHECK(m.size() == kMessageBytes);
    CHECK(m.ends_with("m..."));
  }

  TEST_CASE("a network path longer than the file stores is refused before simulating, naming it and the limit") {
    const ResultTables t;
    DesignPoint p;
    p.network = std::string(kNetworkBytes, 'n');  // exactly the width: stored whole
    Row row(t.configs());
    const auto bytes = t.config_row(p, 0);
    std::copy(bytes.begin(), bytes.end(), row.bytes().begin());
    CHECK(row.get_string(t.configs().index("network")) == p.network);
    p.network += "n";
    const std::string limit = fmt::format("network '{}' is {} bytes, longer than the {} bytes", p.network,
                                          p.network.size(), kNetworkBytes);
    CHECK_THROWS_WITH_AS(t.config_row(p, 0), doctest::Contains(limit.c_str()), std::length_error);
    p.network = "mobilenet";
    p.arch.name = std::string(kNameBytes + 1, 'a');
    CHECK_THROWS_WITH_AS(t.config_row(p, 0), doctest::Contains("arch.name 'aaaa"), std::length_error);

    // In a spec: refused at the place that names the file, with the limit.
    fs::path dir = test_dir();
    while (dir.string().size() <= kNetworkBytes) dir /= "a_directory_with_a_rather_long_name";
    fs::create_directories(dir);
    write_file(dir / "net.toml", network_toml("deep", {"l1"}));
    const std::string path = (dir / "net.toml").string();
    const std::string refused = fmt::format("deep.toml:1:13: error: network file path '{}' is {} bytes, longer than the {} bytes",
                                            path, path.size(), kNetworkBytes);
    CHECK_THROWS_WITH_AS(parse_sweep_spec(fmt::format("networks = [\"{}\"]\n", path), "deep.toml", test_dir()),
                         doctest::Contains(refused.c_str()), SpecError);
    // A spec built in code (or `eyesim run -o`): the runner refuses it before creating the file.
    SweepSpec spec = parse_sweep_spec("networks = [\"mobilenet\"]\n", "s.toml", ".");
    spec.points[0].network = path;
    CHECK_THROWS_WITH_AS(run(spec, "deep.h5"), doctest::Contains("point #0: network '"), std::runtime_error);
    CHECK_FALSE(fs::exists(test_dir() / "deep.h5.part"));
  }
}

}  // namespace eyesim::sweep

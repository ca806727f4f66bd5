// The sweep runner: thread-count independence, failed points as rows, HDF5 round trip, resume; write_result.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "hw/simulate.h"
#include "sweep/hdf5_file.h"
#include "sweep/journal.h"
#include "sweep/merge.h"
#include "sweep/network_file.h"
#include "sweep/output_lock.h"
#include "sweep/output_path.h"
#include "sweep/result_reader.h"
#include "sweep/result_tables.h"
#include "sweep/result_writer.h"
#include "sweep/point_cost.h"
#include "sweep/point_memory.h"
#include "sweep/runner.h"
#include "sweep/schedule.h"
#include "sweep/shard.h"
#include "sweep/sweep_spec.h"
#include "workloads/layer_data.h"

namespace eyesim::sweep {
namespace {

namespace fs = std::filesystem;

/// This process's scratch directory: ctest runs each TEST_CASE as its own process, in parallel.
fs::path test_dir() { return fs::temp_directory_path() / fmt::format("eyesim_runner_test_{}", ::getpid()); }

/// A small sweep: two layers of MobileNet from a network file, 6 points, 3 of them invalid (an iact SPad
/// entry narrower than an iact: a constraint between two parameters, so a failed point, not a spec error). `head`:
/// top-level keys before the rest (the mapper search, say).
SweepSpec tiny_spec(const std::string& head = "") {
  const fs::path dir = test_dir();
  fs::create_directories(dir);
  const fs::path net = dir / "two_layers.toml";
  std::FILE* f = std::fopen(net.c_str(), "w");
  std::fputs("name = \"two\"\n[[layer]]\nname = \"pw\"\nkind = \"pointwise\"\nc = 32\nm = 32\nh = 8\n"
             "iact_density = 0.6\nweight_density = 0.5\n"
             "[[layer]]\nname = \"dw\"\nkind = \"depthwise\"\nc = 32\nh = 8\niact_density = 0.5\n",
             f);
  std::fclose(f);
  return parse_sweep_spec(head + fmt::format("networks = [\"{}\"]\n"
                                      "[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [1, 2, 4]\n"
                                      "[[axis]]\nname = \"arch.pe.iact_data_bits\"\nvalues = [4, 12]\n",
                                      net.string()),
                          "tiny.toml", dir);
}

struct Tables {
  std::vector<std::byte> configs, layers, runs;
  std::vector<std::vector<std::uint64_t>> traces;
  std::string complete;
};

Tables read_all(const std::string& path) {
  Hdf5File f(path, Hdf5File::Mode::kReadOnly);
  const ResultTables t;
  Tables out{f.read_rows("configs", t.configs()), f.read_rows("layers", t.layers()), f.read_rows("runs", t.runs()), {},
             f.attribute("complete")};
  // wall_ms is the one column that depends on the machine: zero it before comparing.
  const std::uint32_t rb = t.runs().row_bytes();
  const auto& wall = t.runs().columns()[t.col_run_wall_ms()];
  for (std::size_t r = 0; r * rb < out.runs.size(); ++r) std::fill_n(out.runs.begin() + r * rb + wall.offset, 8, std::byte{0});
  for (const char* name : {"pe_busy_cycles", "pe_stall_cycles", "pe_macs", "port_busy_cycles", "port_bits"})
    out.traces.push_back(f.read_u64(std::string("traces/") + name));
  return out;
}

std::string run(const SweepSpec& spec, int jobs, const std::string& name, bool resume = false, int stop_after = -1) {
  SweepOptions o;
  o.output = (test_dir() / name).string();
  o.jobs = jobs;
  o.resume = resume;
  o.progress = "never";
  if (!resume) {
    fs::remove(o.output);
    fs::remove(o.output + ".journal");
  }
  std::atomic<int> stop{stop_after >= 0 ? 2 : 0};
  run_sweep(spec, o, stop, stderr);
  return o.output;
}

/// The first valid point of tiny_spec() as a one-point spec, the spec of `eyesim run -o`.
SweepSpec one_point_spec() {
  SweepSpec spec = tiny_spec();
  const auto valid = std::find_if(spec.points.begin(), spec.points.end(), [](const DesignPoint& p) {
    return p.invalid.empty();
  });
  REQUIRE(valid != spec.points.end());
  DesignPoint p = *valid;
  p.id = 0;
  spec.points = {p};
  return spec;
}

/// The point of a one-point spec, simulated as `eyesim run` does (outside the runner).
hw::NetworkResult simulate(const SweepSpec& spec) {
  const DesignPoint& p = spec.points.front();
  const auto data = workloads::prepare_network(resolve_network(p.network), p.seed, p.batch);
  return hw::simulate_network(p.arch, *data);
}

/// The root attributes and string datasets of a result file, but the times.
std::vector<std::string> header_of(const std::string& path) {
  Hdf5File f(path, Hdf5File::Mode::kReadOnly);
  std::vector<std::string> out;
  for (const char* name : {"schema", "eyesim_version", "command_line", "spec_name", "spec_source", "spec_hash", "seed",
                           "shard", "points_total", "complete"})
    out.push_back(fmt::format("{}={}", name, f.attribute(name)));
  out.push_back(f.read_string_dataset("spec_toml"));
  out.push_back(f.read_string_dataset("base_arch_toml"));
  return out;
}

double wall_ms_of(const std::string& path) {
  Hdf5File f(path, Hdf5File::Mode::kReadOnly);
  const ResultTables t;
  const auto runs = f.read_rows("runs", t.runs());
  REQUIRE(runs.size() == t.runs().row_bytes());
  Row r(t.runs());
  std::copy_n(runs.begin(), r.bytes().size(), r.bytes().begin());
  return r.get<double>(t.col_run_wall_ms());
}

/// Every complete record of a journal, read back one by one as a resumed sweep does.
std::vector<PointRecord> journal_records(const std::string& path) {
  const Journal::Contents c = Journal::scan(path);
  std::ifstream in(path, std::ios::binary);
  std::vector<PointRecord> out;
  for (const Journal::Entry& e : c.entries) out.push_back(Journal::load(in, path, e));
  return out;
}

/// A complete file, and every table and trace of `b` equal to `a`'s.
void check_same_tables(const Tables& a, const Tables& b) {
  CHECK(a.complete == "true");
  CHECK(a.configs == b.configs);
  CHECK(a.layers == b.layers);
  CHECK(a.runs == b.runs);
  CHECK(a.traces == b.traces);
  CHECK_FALSE(a.traces[0].empty());
}

}  // namespace

TEST_SUITE("golden") {
  TEST_CASE("a sweep with 1 and 2 threads writes identical tables and traces") {
    const SweepSpec spec = tiny_spec();
    check_same_tables(read_all(run(spec, 1, "j1.h5")), read_all(run(spec, 2, "j2.h5")));
  }

  TEST_CASE("sweeps taken workload by workload, or with points set aside while their data is prepared, write the same tables on 1 and 2 threads") {
    // 6 seeds (workloads) of a 4M-weight layer, the fastest axis, on 2 small arrays: the schedule groups the
    // points by workload.
    const fs::path dir = test_dir();
    fs::create_directories(dir);
    const fs::path net = dir / "fc.toml";
    std::FILE* f = std::fopen(net.c_str(), "w");
    std::fputs("name = \"fc\"\n[[layer]]\nname = \"fc\"\nkind = \"fc\"\nc = 2048\nm = 2048\n"
               "iact_density = 0.5\nweight_density = 0.5\n",
               f);
    std::fclose(f);
    const SweepSpec spec = parse_sweep_spec(
        fmt::format("networks = [\"{}\"]\n[arch]\narray.cluster_cols = 1\n"
                    "[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [1, 2]\n"
                    "[[axis]]\nname = \"workload.seed\"\nvalues = [1, 2, 3, 4, 5, 6]\n",
                    net.string()),
        "workloads.toml", dir);
    std::vector<std::uint64_t> ids(spec.points.size());
    for (std::uint64_t i = 0; i < ids.size(); ++i) ids[i] = i;
    const std::vector<double> costs = estimated_costs(spec.points);
    REQUIRE(schedule_points(ids, costs, estimated_memory(spec.points), 2).by_workload);
    check_same_tables(read_all(run(spec, 1, "w1.h5")), read_all(run(spec, 2, "w2.h5")));
    // One workload on 8 arrays: while the first worker prepares it, the second sets its points aside (4 to
    // 6 of them in three runs of this test, counted with a print) and comes back to them.
    const SweepSpec one = parse_sweep_spec(
        fmt::format("networks = [\"{}\"]\n[arch]\narray.cluster_cols = 1\n"
                    "[[axis]]\nname = \"arch.array.cluster_rows\"\nvalues = [1, 2, 3, 4, 5, 6, 7, 8]\n",
                    net.string()),
        "one_workload.toml", dir);
    check_same_tables(read_all(run(one, 1, "o1.h5")), read_all(run(one, 2, "o2.h5")));
  }

  TEST_CASE("a failing point becomes a row with its status and message and the sweep goes on") {
    const SweepSpec spec = tiny_spec();
    const std::string path = run(spec, 2, "failing.h5");
    Hdf5File f(path, Hdf5File::Mode::kReadOnly);
    const ResultTables t;
    const auto runs = f.read_rows("runs", t.runs());
    const std::uint32_t rb = t.runs().row_bytes();
    REQUIRE(runs.size() == 6 * rb);
    int failed = 0;
    for (std::size_t i = 0; i < 6; ++i) {
      Row r(t.runs());
      std::copy_n(runs.begin() + i * rb, rb, r.bytes().begin());
      CHECK(r.get<std::uint64_t>(0) == i);  // rows in point order
      if (r.get<std::uint8_t>(t.col_run_status()) == 1) {
        ++failed;
        CHECK(r.get_string(t.col_run_message()).find("arch.pe.iact_data_bits") != std::string::npos);
      }
    }
    CHECK(failed == 3);
    CHECK(f.rows("layers") == 3 * 2);
  }

  TEST_CASE("a stopped sweep leaves a valid partial file and --resume ends identical to an uninterrupted run") {
    const SweepSpec spec = tiny_spec();
    const Tables whole = read_all(run(spec, 2, "whole.h5"));
    const std::string path = run(spec, 2, "resumed.h5", false, 0);  // stopped before any point starts
    CHECK(read_all(path).complete == "false");
    CHECK(fs::exists(path + ".journal"));
    run(spec, 2, "resumed.h5", true);
    const Tables resumed = read_all(path);
    CHECK(resumed.complete == "true");
    CHECK(resumed.layers == whole.layers);
    CHECK(resumed.runs == whole.runs);
    CHECK(resumed.traces == whole.traces);
    CHECK_FALSE(fs::exists(path + ".journal"));
  }

  TEST_CASE("a sweep, a run -o or a merge into a file another process is writing is refused, touching nothing") {
    // The other process is an OutputLock held here: flock locks belong to an open file, so a second
    // open in this process conflicts as another process's would. Its .part and journal must survive.
    const SweepSpec spec = tiny_spec();
    const std::string path = run(spec, 1, "locked.h5", false, 0);  // an interrupted sweep: .h5 + journal
    const std::string journal_before = [&] {
      std::ifstream in(path + ".journal", std::ios::binary);
      return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    {
      std::ofstream(path + ".part") << "the other process's file";
      const OutputLock other(path);
      SweepOptions o;
      o.output = path;
      o.resume = true;
      o.progress = "never";
      std::atomic<int> stop{0};
      const std::string expected = fmt::format("'{}' is being written by another eyesim process (pid {})", path, ::getpid());
      CHECK_THROWS_WITH_AS(run_sweep(spec, o, stop, stderr), doctest::Contains(expected.c_str()), std::runtime_error);
      SweepOptions one;
      one.output = path;
      CHECK_THROWS_WITH_AS(write_result(one_point_spec(), one, hw::NetworkResult{}, 1.0),
                           doctest::Contains("being written by another eyesim process"), std::runtime_error);
      CHECK_THROWS_WITH_AS(merge_results({(test_dir() / "a_part.h5").string()}, path, MergeOptions{}),
                           doctest::Contains("being written by another"), std::runtime_error);
      std::ifstream part(path + ".part");
      std::string line;
      std::getline(part, line);
      CHECK(line == "the other process's file");
      std::ifstream in(path + ".journal", std::ios::binary);
      CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == journal_before);
    }
    CHECK_FALSE(fs::exists(path + ".lock"));  // removed by its holder
    fs::remove(path + ".part");
    run(spec, 1, "locked.h5", true);  // the lock released, the interrupted sweep resumes
    CHECK(read_all(path).complete == "true");
    CHECK_FALSE(fs::exists(path + ".lock"));
  }

  TEST_CASE("an unwritable output path is an error before any simulation") {
    SweepOptions o;
    o.output = "/nonexistent-dir/results.h5";
    o.progress = "never";
    std::atomic<int> stop{0};
    CHECK_THROWS_WITH_AS(run_sweep(tiny_spec(), o, stop, stderr), doctest::Contains("nonexistent-dir"), std::exception);
  }

  TEST_CASE("an output that is a directory is refused before any simulation, leaving no .part or journal") {
    // It used to fail only at the end, renaming OUTPUT.part over the directory, and leave both files behind.
    const SweepSpec spec = tiny_spec();
    SweepOptions o;
    o.output = (test_dir() / "a_directory").string();
    o.progress = "never";
    fs::create_directories(o.output);
    std::atomic<int> stop{0};
    const std::string refusal = "'" + o.output + "' is a directory";
    CHECK_THROWS_WITH_AS(run_sweep(spec, o, stop, stderr), doctest::Contains(refusal.c_str()), OutputPathError);
    CHECK_THROWS_WITH_AS(write_result(one_point_spec(), o, hw::NetworkResult{}, 1.0), doctest::Contains(refusal.c_str()),
                         OutputPathError);
    CHECK_FALSE(fs::exists(o.output + ".part"));
    CHECK_FALSE(fs::exists(o.output + ".journal"));
  }

  TEST_CASE("a searched sweep with 1 and 2 threads writes identical tables, and records its search") {
    const SweepSpec spec = tiny_spec("mapper = \"simulate\"\nmapper_candidates = 4\n");
    const Tables a = read_all(run(spec, 1, "search_j1.h5"));
    check_same_tables(a, read_all(run(spec, 2, "search_j2.h5")));
    Hdf5File f((test_dir() / "search_j1.h5").string(), Hdf5File::Mode::kReadOnly);
    CHECK(f.attribute("mapper") == "simulate (window 0.05, up to 4 candidates)");
    CHECK(f.attribute("spec_hash") == fmt::format("{:016x}", spec.spec_hash));
    const Tables plain = read_all(run(tiny_spec(), 1, "plain_j1.h5"));
    CHECK(plain.configs == a.configs);  // the same points
    Hdf5File g((test_dir() / "plain_j1.h5").string(), Hdf5File::Mode::kReadOnly);
    CHECK(g.attribute("mapper") == "estimate");
  }

  TEST_CASE("resume refuses to continue an unsearched sweep with the searched spec, and the reverse") {
    const SweepSpec plain = tiny_spec();
    const SweepSpec searched = tiny_spec("mapper = \"simulate\"\n");
    CHECK(plain.spec_hash != searched.spec_hash);
    for (const auto& [first, second] : {std::pair{&plain, &searched}, std::pair{&searched, &plain}}) {
      const std::string path = run(*first, 1, "mix.h5", false, 0);  // stopped: the journal is left
      REQUIRE(fs::exists(path + ".journal"));
      SweepOptions o;
      o.output = path;
      o.progress = "never";
      o.resume = true;
      std::atomic<int> stop{0};
      // The refusal says what differs, read from the file the first run left.
      const std::string was = fmt::format("its mapper search was '{}', this run's is '{}'", hw::describe(first->mapper),
                                          hw::describe(second->mapper));
      CHECK_THROWS_WITH_AS(run_sweep(*second, o, stop, stderr), doctest::Contains(was.c_str()), std::runtime_error);
      run_sweep(*first, o, stop, stderr);  // its own spec resumes
      CHECK_FALSE(fs::exists(path + ".journal"));
      // A complete file of the other search is refused too.
      CHECK_THROWS_WITH_AS(run_sweep(*second, o, stop, stderr), doctest::Contains(was.c_str()), std::runtime_error);
    }
  }

  TEST_CASE("resume refuses a journal of another spec or eyesim version, and a fresh run refuses to clobber a journal") {
    const SweepSpec spec = tiny_spec();
    const std::string path = run(spec, 1, "guard.h5", false, 0);
    SweepOptions o;
    o.output = path;
    o.progress = "never";
    std::atomic<int> stop{0};
    CHECK_THROWS_WITH_AS(run_sweep(spec, o, stop, stderr), doctest::Contains("continue it with --resume"),
                         std::runtime_error);
    SweepSpec other = spec;
    other.spec_hash ^= 1;  // as if a network file had changed: the text, seed and search are the same
    o.resume = true;
    CHECK_THROWS_WITH_AS(run_sweep(other, o, stop, stderr),
                         doctest::Contains("different spec, seed or mapper search (or its network files changed): the spec "
                                           "text, seed and mapper search are the same, so the network or mask files it "
                                           "names have changed"),
                         std::runtime_error);
    CHECK_THROWS_WITH_AS(run_sweep(tiny_spec("seed = 7\n"), o, stop, stderr),
                         doctest::Contains("it was run with seed 1, this run's is 7"), std::runtime_error);
    CHECK_THROWS_WITH_AS(run_sweep(tiny_spec("# reworded\n"), o, stop, stderr),
                         doctest::Contains("its spec text differs from line 1: 'networks = "), std::runtime_error);
    SweepSpec unterminated = other;  // the same text but its last newline
    unterminated.text.pop_back();
    CHECK_THROWS_WITH_AS(run_sweep(unterminated, o, stop, stderr),
                         doctest::Contains("its spec text differs only in its line endings or its last newline"),
                         std::runtime_error);
    // An OUTPUT of another run than the journal's (an older file kept beside a newer sweep's journal) explains
    // nothing about the journal: the refusal says no more than it knows (found by helper-37).
    {
      const std::string older = run(tiny_spec("seed = 9\n"), 1, "older.h5");
      fs::copy_file(older, path, fs::copy_options::overwrite_existing);
      bool refused = false;
      try {
        run_sweep(other, o, stop, stderr);
      } catch (const std::runtime_error& e) {
        refused = true;
        CHECK(std::string(e.what()).ends_with("(or its network files changed)"));
      }
      CHECK(refused);
    }
    // Another eyesim version: its rows may be laid out differently and its model differs.
    o.version = "eyesim 0.1.0 (git other)";
    CHECK_THROWS_WITH_AS(run_sweep(spec, o, stop, stderr),
                         doctest::Contains("was written by an unnamed eyesim, this is eyesim 0.1.0 (git other)"),
                         std::runtime_error);
    o.version.clear();  // the version that wrote it (the tests' runs name none): resumes
    run_sweep(spec, o, stop, stderr);
    CHECK_FALSE(fs::exists(path + ".journal"));
  }

  TEST_CASE("resume refuses a journal or a result file of another shard instead of writing them under its own") {
    // `--shard 0/2 -o p.h5` stopped, then `--shard 1/2 -o p.h5 --resume`: the file said shard 1/2 and
    // complete, and held shard 0's finished points in /runs and /layers without their /configs rows.
    const SweepSpec spec = tiny_spec();
    const std::vector<double> costs = estimated_costs(spec.points);
    const auto shard0 = points_of_shard(costs, {0, 2});
    REQUIRE_FALSE(shard0.empty());
    SweepOptions o;
    o.output = (test_dir() / "other_shard.h5").string();
    o.progress = "never";
    o.shard = {0, 2};
    SweepOptions first = o;
    first.output = (test_dir() / "other_shard_first.h5").string();
    std::atomic<int> stop{0};
    run_sweep(spec, first, stop, stderr);  // shard 0/2, complete
    // A journal of `shard` holding shard 0's first point, as a stopped run leaves it.
    const auto journal_of = [&](ShardSpec shard) {
      fs::remove(o.output);
      fs::remove(o.output + ".journal");
      const ResultTables tables;
      ResultReader reader(first.output, tables);
      Journal j(o.output + ".journal", spec.spec_hash, shard, o.version);
      while (auto r = reader.next_record())
        if (r->point_id == shard0.front()) j.append(*r);
    };
    o.resume = true;
    journal_of({0, 2});
    o.shard = {1, 2};
    CHECK_THROWS_WITH_AS(run_sweep(spec, o, stop, stderr),
                         doctest::Contains("was written by shard 0/2, this run is shard 1/2"), std::runtime_error);
    // A job array's task rerun on its own: --shard auto gives 0/1, which owns every point (found by helper-50).
    o.shard = {0, 1};
    CHECK_THROWS_WITH_AS(run_sweep(spec, o, stop, stderr),
                         doctest::Contains("was written by shard 0/2, this run is shard 0/1"), std::runtime_error);
    // A journal whose header is right but whose records are not (no eyesim writes one): still refused.
    journal_of({1, 2});
    o.shard = {1, 2};
    const std::string expected = fmt::format("holds point #{}, which is not one of the", shard0.front());
    CHECK_THROWS_WITH_AS(run_sweep(spec, o, stop, stderr), doctest::Contains(expected.c_str()), std::runtime_error);
    journal_of({0, 2});
    o.shard = {0, 2};  // its own shard resumes
    run_sweep(spec, o, stop, stderr);
    CHECK(read_all(o.output).complete == "true");
    CHECK_FALSE(fs::exists(o.output + ".journal"));
    // A complete file of shard 0/2 is not another shard's "already complete".
    for (const ShardSpec other : {ShardSpec{1, 2}, ShardSpec{0, 1}}) {
      o.shard = other;
      const std::string refused = fmt::format("holds shard 0/2, this run is shard {}/{}", other.index, other.count);
      CHECK_THROWS_WITH_AS(run_sweep(spec, o, stop, stderr), doctest::Contains(refused.c_str()), std::runtime_error);
    }
    o.shard = {0, 2};
    CHECK(run_sweep(spec, o, stop, stderr).resumed == shard0.size());
  }

  TEST_CASE("a resumed journal that holds a point twice gives one row for it, and a torn tail is dropped with a note") {
    const SweepSpec spec = tiny_spec();
    const std::string whole = run(spec, 1, "dup_whole.h5");
    SweepOptions o;
    o.output = (test_dir() / "dup.h5").string();
    o.progress = "never";
    o.resume = true;
    fs::remove(o.output);
    fs::remove(o.output + ".journal");
    {
      // Points 3 and 1 finished (3 twice), the rest not: the journal a stopped run would leave, plus a copy.
      const ResultTables tables;
      ResultReader reader(whole, tables);
      Journal j(o.output + ".journal", spec.spec_hash, o.shard, o.version);
      std::vector<PointRecord> kept;
      while (auto r = reader.next_record())
        if (r->point_id == 1 || r->point_id == 3) kept.push_back(std::move(*r));
      REQUIRE(kept.size() == 2);
      j.append(kept[1]);
      j.append(kept[0]);
      j.append(kept[1]);
    }
    std::ofstream(o.output + ".journal", std::ios::app | std::ios::binary) << "a torn record";
    std::atomic<int> stop{0};
    std::FILE* err = std::tmpfile();
    REQUIRE(err != nullptr);
    const SweepOutcome out = run_sweep(spec, o, stop, err);
    CHECK(out.resumed == 2);
    check_same_tables(read_all(o.output), read_all(whole));
    // The torn tail is dropped, and said so (it was cut without a word; found by helper-50).
    std::rewind(err);
    std::string said(4096, '\0');
    said.resize(std::fread(said.data(), 1, said.size(), err));
    std::fclose(err);
    CHECK(said.find("its last 13 bytes") != std::string::npos);
    CHECK(said.find("after 3 whole records) are not a whole record") != std::string::npos);
  }

  TEST_CASE("without a journal (eyesim run -o) a stopped run leaves none, and an existing journal is still refused") {
    const SweepSpec spec = tiny_spec();
    SweepOptions o;
    o.output = (test_dir() / "no_journal.h5").string();
    o.progress = "never";
    o.journal = false;
    fs::remove(o.output + ".journal");
    std::atomic<int> stop{2};  // stopped before any point starts: a journaled run would keep its journal
    CHECK(run_sweep(spec, o, stop, stderr).interrupted);
    CHECK(fs::exists(o.output));
    CHECK_FALSE(fs::exists(o.output + ".journal"));
    // Another sweep's journal is not this run's to replace.
    const std::string swept = run(spec, 1, "swept.h5", false, 0);
    REQUIRE(fs::exists(swept + ".journal"));
    const auto journal_bytes = fs::file_size(swept + ".journal");
    o.output = swept;
    stop = 0;
    CHECK_THROWS_WITH_AS(run_sweep(spec, o, stop, stderr), doctest::Contains("continue it with --resume"),
                         std::runtime_error);
    CHECK(fs::file_size(swept + ".journal") == journal_bytes);
  }
}

TEST_SUITE("fast") {
  TEST_CASE("/configs is written a chunk at a time: every row of a sweep of several chunks, in point order") {
    // 9,001 points with an invalid architecture (an iact SPad entry narrower than an iact): failed rows,
    // nothing simulated, so the test is quick; the runner builds /configs in chunks of 4096 rows.
    fs::create_directories(test_dir());
    const SweepSpec spec = parse_sweep_spec("networks = [\"sparse_mobilenet\"]\n"
                                            "[arch]\npreset = \"eyeriss_v2\"\npe.iact_data_bits = 4\n"
                                            "[sample]\ncount = 9001\n"
                                            "[[sample.axis]]\nname = \"arch.noc.iact_port_bits\"\nrange = [8, 64]\n",
                                            "chunks.toml", test_dir());
    REQUIRE(spec.points.size() == 9001);
    Hdf5File f(run(spec, 2, "chunks.h5"), Hdf5File::Mode::kReadOnly);
    const ResultTables t;
    const std::vector<std::byte> configs = f.read_rows("configs", t.configs());
    std::vector<std::byte> expected;
    for (const DesignPoint& p : spec.points) {
      const std::vector<std::byte> row = t.config_row(p, config_hash(p));
      expected.insert(expected.end(), row.begin(), row.end());
    }
    CHECK(configs.size() == expected.size());
    CHECK(configs == expected);
    CHECK(f.rows("runs") == 9001);
  }

  TEST_CASE("write_result writes the file run_sweep writes for the same one-point spec, from the result it is given") {
    const SweepSpec spec = one_point_spec();
    const std::string swept = run(spec, 1, "one_point_swept.h5");
    SweepOptions o;
    o.output = (test_dir() / "one_point_written.h5").string();
    fs::remove(o.output);
    fs::remove(o.output + ".part");
    const SweepOutcome outcome = write_result(spec, o, simulate(spec), 12.5);
    CHECK(outcome.points == 1);
    CHECK(outcome.simulated == 1);
    CHECK(fs::exists(o.output));
    CHECK_FALSE(fs::exists(o.output + ".part"));
    CHECK_FALSE(fs::exists(o.output + ".journal"));
    const Tables a = read_all(swept);
    const Tables b = read_all(o.output);
    CHECK(b.complete == "true");
    CHECK(a.configs == b.configs);
    CHECK(a.layers == b.layers);
    CHECK(a.runs == b.runs);  // wall_ms zeroed
    CHECK(a.traces == b.traces);
    CHECK_FALSE(b.traces[0].empty());
    CHECK(header_of(swept) == header_of(o.output));  // start_utc and end_utc left out
    CHECK(wall_ms_of(o.output) == 12.5);
  }

  TEST_CASE("write_result writes the result it is given, not one it simulates again") {
    const SweepSpec spec = one_point_spec();
    hw::NetworkResult r = simulate(spec);
    REQUIRE(r.layers.size() == 2);
    // A forced mapping shows in the mapping columns only if the file is written from this result: a
    // marker value no simulation of the spec's point produces stands for it.
    r.layers[1].mapping.m0 = 12345;
    r.layers[1].stats.cycles = 987654321;
    SweepOptions o;
    o.output = (test_dir() / "given_result.h5").string();
    fs::remove(o.output);
    write_result(spec, o, r, 1.0);
    Hdf5File f(o.output, Hdf5File::Mode::kReadOnly);
    const ResultTables t;
    const auto layers = f.read_rows("layers", t.layers());
    const std::uint32_t rb = t.layers().row_bytes();
    REQUIRE(layers.size() == 2 * rb);
    Row row(t.layers());
    std::copy_n(layers.begin() + rb, rb, row.bytes().begin());
    CHECK(row.get<std::uint32_t>(t.layers().index("map_m0")) == 12345);
    CHECK(row.get<std::uint64_t>(t.layers().index("cycles")) == 987654321);
  }

  TEST_CASE("write_result refuses an existing journal and a name too long before creating any file") {
    SweepSpec spec = one_point_spec();
    SweepOptions o;
    o.output = (test_dir() / "refused.h5").string();
    fs::remove(o.output);
    fs::remove(o.output + ".part");
    const hw::NetworkResult r = simulate(spec);
    {
      std::ofstream journal(o.output + ".journal");
      journal << "EYESIMJ6 finished points";
    }
    const std::string refusal =
        "exists: a sweep into '" + o.output +
        "' was interrupted (or is still running); continue it with --resume or delete the journal";
    CHECK_THROWS_WITH_AS(write_result(spec, o, r, 1.0), doctest::Contains(refusal.c_str()), std::runtime_error);
    fs::remove(o.output + ".journal");
    hw::NetworkResult long_layer = r;
    long_layer.layers[0].layer_name = std::string(kNameBytes + 1, 'x');
    CHECK_THROWS_WITH_AS(write_result(spec, o, long_layer, 1.0),
                         doctest::Contains("point #0: layer_name 'xxx"), std::runtime_error);
    spec.points.front().arch.name = std::string(kNameBytes + 1, 'a');
    CHECK_THROWS_WITH_AS(write_result(spec, o, r, 1.0), doctest::Contains("point #0: arch.name 'aaa"),
                         std::runtime_error);
    CHECK_FALSE(fs::exists(o.output));
    CHECK_FALSE(fs::exists(o.output + ".part"));
  }

  TEST_CASE("an HDF5 table round-trips packed rows with strings and numbers") {
    TableSchema s;
    s.add("id", ColumnType::kU64);
    s.add("name", ColumnType::kString, 8);
    s.add("x", ColumnType::kF64);
    s.add("flag", ColumnType::kU8);
    const std::string path = (fs::temp_directory_path() / "eyesim_table_test.h5").string();
    std::vector<std::byte> rows;
    for (int i = 0; i < 3; ++i) {
      Row r(s);
      r.set<std::uint64_t>(0, 10 + i);
      r.set_string(1, i == 1 ? "a-name-8" : "b");
      r.set<double>(2, 0.5 * i);
      r.set<std::uint8_t>(3, 1);
      rows.insert(rows.end(), r.bytes().begin(), r.bytes().end());
    }
    {
      Hdf5File f(path, Hdf5File::Mode::kCreate);
      f.create_table("t", s, 2);
      f.append_rows("t", s, rows.data(), 2);
      f.append_rows("t", s, rows.data() + 2 * s.row_bytes(), 1);
      f.set_attribute("schema", "x/1");
    }
    Hdf5File f(path, Hdf5File::Mode::kReadOnly);
    CHECK(f.read_rows("t", s) == rows);
    CHECK(f.attribute("schema") == "x/1");
    Row r(s);
    std::copy_n(rows.begin() + s.row_bytes(), s.row_bytes(), r.bytes().begin());
    CHECK(r.get_string(1) == "a-name-8");  // fixed length: a text of the whole width, without a NUL
    CHECK_THROWS_WITH_AS(Hdf5File("/nonexistent-dir/x.h5", Hdf5File::Mode::kReadOnly), doctest::Contains("cannot open"),
                         Hdf5Error);
  }

  TEST_CASE("the writer appends records given out of order in point order, across many chunk boundaries") {
    const ResultTables tables;
    const std::string path = (test_dir() / "writer_chunks.h5").string();
    fs::create_directories(test_dir());
    constexpr std::uint64_t kPoints = 40;
    constexpr std::uint32_t kLayers = 60;  // 2400 layer rows: more than one chunk of the layers table
    std::vector<std::uint64_t> ids(kPoints);
    for (std::uint64_t i = 0; i < kPoints; ++i) ids[i] = i;
    // Expected datasets, in point order; trace values unique per (point, layer, trace, index).
    std::vector<std::vector<std::uint64_t>> expected(ResultWriter::kTraceCount);
    std::vector<std::uint64_t> pe_offsets, port_offsets;
    std::vector<PointRecord> records;
    std::uint64_t pe_total = 0, port_total = 0;
    for (std::uint64_t p = 0; p < kPoints; ++p) {
      PointRecord r;
      r.point_id = p;
      r.run_row.assign(tables.runs().row_bytes(), std::byte{static_cast<unsigned char>(p)});
      r.n_layers = kLayers;
      r.layer_rows.assign(std::size_t{kLayers} * tables.layers().row_bytes(), std::byte{0});
      for (std::uint32_t l = 0; l < kLayers; ++l) {
        const std::uint32_t pe = 50 + (p * 7 + l * 13) % 150, port = 1 + (p + l) % 9;
        r.pe_counts.push_back(pe);
        r.port_counts.push_back(port);
        pe_offsets.push_back(pe_total);
        port_offsets.push_back(port_total);
        pe_total += pe;
        port_total += port;
        for (int k = 0; k < ResultWriter::kTraceCount; ++k)
          for (std::uint32_t i = 0; i < (k < ResultWriter::kPeTraces ? pe : port); ++i) {
            const std::uint64_t v = (p << 40) | (std::uint64_t{l} << 24) | (std::uint64_t(k) << 20) | i;
            r.traces.push_back(v);
            expected[std::size_t(k)].push_back(v);
          }
      }
      records.push_back(std::move(r));
    }
    {
      ResultWriter w(path, ResultFileHeader{}, tables, ids);
      // Out of order: pairs swapped, so the reorder buffer holds one record at a time.
      for (std::uint64_t p = 0; p < kPoints; p += 2) {
        w.add(std::move(records[p + 1]));
        w.add(std::move(records[p]));
      }
      w.finish(true, "2026-11-30T00:00:00Z");
    }
    REQUIRE(expected[0].size() > 10 * 16384);  // many chunks of the per-PE traces
    Hdf5File f(path, Hdf5File::Mode::kReadOnly);
    for (int k = 0; k < ResultWriter::kTraceCount; ++k)
      CHECK(f.read_u64(std::string("traces/") + ResultWriter::kTraces[k]) == expected[std::size_t(k)]);
    const auto runs = f.read_rows("runs", tables.runs());
    REQUIRE(runs.size() == kPoints * tables.runs().row_bytes());
    for (std::uint64_t p = 0; p < kPoints; ++p)
      CHECK(runs[p * tables.runs().row_bytes()] == std::byte{static_cast<unsigned char>(p)});
    const auto layers = f.read_rows("layers", tables.layers());
    const std::uint32_t rb = tables.layers().row_bytes();
    REQUIRE(layers.size() == pe_offsets.size() * rb);
    for (std::size_t r = 0; r < pe_offsets.size(); ++r) {
      std::uint64_t pe = 0, port = 0;
      std::memcpy(&pe, layers.data() + r * rb + tables.layers().columns()[tables.col_trace_pe_offset()].offset, 8);
      std::memcpy(&port, layers.data() + r * rb + tables.layers().columns()[tables.col_trace_port_offset()].offset, 8);
      REQUIRE(pe == pe_offsets[r]);
      REQUIRE(port == port_offsets[r]);
    }
    CHECK(f.attribute("complete") == "true");
  }

  TEST_CASE("stored records are read only when it is their turn, and written in point order with taken ones") {
    const ResultTables tables;
    fs::create_directories(test_dir());
    const auto record = [&](std::uint64_t id) {
      PointRecord r;
      r.point_id = id;
      r.run_row.assign(tables.runs().row_bytes(), std::byte{static_cast<unsigned char>(id)});
      return r;
    };
    const auto run_ids = [&](const std::string& path) {
      Hdf5File f(path, Hdf5File::Mode::kReadOnly);
      const auto runs = f.read_rows("runs", tables.runs());
      std::vector<int> out;
      for (std::size_t i = 0; i < runs.size(); i += tables.runs().row_bytes()) out.push_back(int(runs[i]));
      return out;
    };
    std::vector<std::uint64_t> loaded;  // the `where`s read, in order
    const ResultWriter::RecordLoader load = [&](std::uint64_t where) {
      loaded.push_back(where);
      return record(where / 10);  // where = 10 x id: not the id itself
    };
    const std::string path = (test_dir() / "stored.h5").string();
    {
      ResultWriter w(path, ResultFileHeader{}, tables, {0, 1, 2, 3, 4, 5, 6, 7});
      // Points 0, 1, 4 and 6 finished in an earlier run (stored in the order they finished).
      w.add_stored({{4, 40}, {0, 0}, {6, 60}, {1, 10}}, load);
      CHECK(loaded == std::vector<std::uint64_t>{0, 10});  // the first two are next: written at once
      w.add(record(3));
      CHECK(loaded.size() == 2);  // 2 is missing: 4 waits on disk, 3 in memory
      w.add(record(2));
      CHECK(loaded == std::vector<std::uint64_t>{0, 10, 40});
      w.add(record(7));
      w.finish(false, "2026-11-30T00:00:00Z");  // 5 never came: 6 (stored) and 7 (taken) past the gap, in order
    }
    CHECK(loaded == std::vector<std::uint64_t>{0, 10, 40, 60});
    CHECK(run_ids(path) == std::vector<int>{0, 1, 2, 3, 4, 6, 7});
  }

  TEST_CASE("a journal gives back any 64-bit trace values through its coding, in a fraction of their size") {
    const std::string path = (test_dir() / "coding.journal").string();
    fs::create_directories(test_dir());
    fs::remove(path);
    const std::uint64_t max = ~std::uint64_t{0};
    PointRecord extremes;
    extremes.point_id = 3;
    extremes.traces = {0, max, 1, std::uint64_t{1} << 63, 12345, 12345, 0, max - 1, 127, 128, 16383, 16384, 0};
    PointRecord counters;  // like a layer's: neighbouring PEs' busy cycles a few apart
    counters.point_id = 4;
    for (std::uint64_t i = 0; i < 10000; ++i) counters.traces.push_back(5000 + (i * 37) % 200);
    {
      Journal j(path, 1, {}, "eyesim test");
      j.append(extremes);
      j.append(counters);
    }
    const auto records = journal_records(path);
    REQUIRE(records.size() == 2);
    CHECK(records[0].traces == extremes.traces);
    CHECK(records[1].traces == counters.traces);
    CHECK(fs::file_size(path) < 10000 * 8 / 3);  // at most 2 bytes a counter (raw: 8)
    fs::remove(path);
  }

  TEST_CASE("a journal gives back any run and layer rows through its coding, and real rows in half their size") {
    const std::string path = (test_dir() / "rows.journal").string();
    fs::create_directories(test_dir());
    fs::remove(path);
    const auto bytes = [](std::initializer_list<int> values) {
      std::vector<std::byte> out;
      for (const int v : values) out.push_back(static_cast<std::byte>(v));
      return out;
    };
    std::vector<PointRecord> written(4);
    // Zero runs at the ends, runs longer than one token (127), bytes equal to the row before, 0xff.
    written[0].run_row = bytes({0, 0, 7, 0, 255, 255, 0});
    written[0].run_row.resize(300);
    written[0].n_layers = 3;
    written[0].layer_rows = bytes({1, 0, 0, 255, 1, 0, 0, 255, 0, 9, 0, 254});
    written[1].n_layers = 2;  // rows that do not divide by the layer count: no XOR with the row before
    written[1].layer_rows = bytes({5, 0, 5});
    written[2].ok = false;  // a failed point: a run row, no layer rows
    written[2].run_row = bytes({0});
    // Real rows: a point's run row and layer rows, as the runner records them.
    const SweepSpec one = one_point_spec();
    written[3] = ResultTables().record(one.points.front(), simulate(one), 1.5);
    REQUIRE(written[3].n_layers == 2);
    for (std::size_t i = 0; i < written.size(); ++i) written[i].point_id = i;
    {
      Journal j(path, 1, {}, "eyesim test");
      for (const PointRecord& r : written) j.append(r);
    }
    const auto records = journal_records(path);
    REQUIRE(records.size() == written.size());
    for (std::size_t i = 0; i < written.size(); ++i) {
      CAPTURE(i);
      CHECK(records[i].run_row == written[i].run_row);
      CHECK(records[i].layer_rows == written[i].layer_rows);
      CHECK(records[i].n_layers == written[i].n_layers);
      CHECK(records[i].ok == written[i].ok);
    }
    const std::uintmax_t real_bytes = fs::file_size(path);
    {  // the same real record alone, against its rows' raw size
      fs::remove(path);
      Journal j(path, 1, {}, "eyesim test");
      j.append(written[3]);
    }
    const std::uintmax_t raw = written[3].run_row.size() + written[3].layer_rows.size();
    CHECK(fs::file_size(path) < real_bytes);
    CHECK(fs::file_size(path) - written[3].traces.size() * 3 < raw / 2);  // rows in under half (traces: <= 3 bytes a value)
    fs::remove(path);
  }

  TEST_CASE("a journal record gone after the scan is an error naming the journal and the point") {
    const std::string path = (test_dir() / "gone.journal").string();
    fs::create_directories(test_dir());
    fs::remove(path);
    {
      Journal j(path, 1, {}, "eyesim test");
      for (std::uint64_t i = 0; i < 2; ++i) {
        PointRecord r;
        r.point_id = 10 + i;
        r.traces = {i, i + 7};
        j.append(r);
      }
    }
    const Journal::Contents c = Journal::scan(path);
    REQUIRE(c.entries.size() == 2);
    fs::resize_file(path, c.entries[1].offset + 10);  // the second record cut after the scan
    std::ifstream in(path, std::ios::binary);
    CHECK(Journal::load(in, path, c.entries[0]).traces == std::vector<std::uint64_t>{0, 7});
    CHECK_THROWS_WITH_AS(Journal::load(in, path, c.entries[1]),
                         doctest::Contains("changed while it was resumed: the record of point #11 at byte"),
                         std::runtime_error);
    fs::remove(path);
  }

  TEST_CASE("a journal cut short by a kill keeps every complete record") {
    const std::string path = (fs::temp_directory_path() / "eyesim_journal_test.journal").string();
    fs::remove(path);
    {
      Journal j(path, 42, {}, "eyesim 0.1.0 (git test)");
      for (std::uint64_t i = 0; i < 3; ++i) {
        PointRecord r;
        r.point_id = i;
        r.run_row = std::vector<std::byte>(16, std::byte{static_cast<unsigned char>(i)});
        r.traces = {i, i + 1};
        j.append(r);
      }
    }
    fs::resize_file(path, fs::file_size(path) - 5);  // the last record loses its tail
    const auto c = Journal::scan(path);
    CHECK(c.spec_hash == 42);
    CHECK(c.version == "eyesim 0.1.0 (git test)");
    REQUIRE(c.entries.size() == 2);
    const auto records = journal_records(path);
    CHECK(records[1].point_id == 1);
    CHECK(records[1].run_row == std::vector<std::byte>(16, std::byte{1}));
    CHECK(records[1].traces == std::vector<std::uint64_t>{1, 2});
    fs::remove(path);
  }

  TEST_CASE("records appended on resume after a record torn by a kill are read back by the next resume") {
    // The torn record stayed in front of the new ones, and read() stops at it: every point a resumed
    // sweep finished before it was stopped again was lost (simulated once more by the next --resume).
    const std::string path = (fs::temp_directory_path() / fmt::format("eyesim_journal_torn_{}.journal", ::getpid())).string();
    fs::remove(path);
    const auto record = [](std::uint64_t i) {
      PointRecord r;
      r.point_id = i;
      r.run_row = std::vector<std::byte>(16, std::byte{static_cast<unsigned char>(i)});
      r.traces = {i, i + 1};
      return r;
    };
    {
      Journal j(path, 42, {}, "eyesim 0.1.0 (git test)");
      for (std::uint64_t i = 0; i < 3; ++i) j.append(record(i));
    }
    fs::resize_file(path, fs::file_size(path) - 5);  // a kill while record 2 was written
    const auto torn = Journal::scan(path);
    REQUIRE(torn.entries.size() == 2);
    CHECK(torn.valid_bytes < fs::file_size(path));
    {
      Journal j(path, 42, {}, "eyesim 0.1.0 (git test)", torn.valid_bytes);  // --resume: records 2 and 3 again
      for (std::uint64_t i = 2; i < 4; ++i) j.append(record(i));
    }
    const auto c = Journal::scan(path);
    REQUIRE(c.entries.size() == 4);
    const auto records = journal_records(path);
    for (std::uint64_t i = 0; i < 4; ++i) {
      CHECK(c.entries[i].point_id == i);
      CHECK(records[i].point_id == i);
      CHECK(records[i].traces == std::vector<std::uint64_t>{i, i + 1});
    }
    CHECK(c.valid_bytes == fs::file_size(path));
    fs::remove(path);
  }

  TEST_CASE("a journal record with a garbled byte is dropped, and an old-format journal is refused by name") {
    const std::string path = (fs::temp_directory_path() / "eyesim_journal_garbled_test.journal").string();
    fs::remove(path);
    {
      Journal j(path, 7, {}, "eyesim 0.1.0 (git test)");
      for (std::uint64_t i = 0; i < 2; ++i) {
        PointRecord r;
        r.point_id = i;
        r.run_row = std::vector<std::byte>(13, std::byte{1});  // not a multiple of 8: the checksum's tail
        r.traces = {100 + i, 200 + i};
        j.append(r);
      }
    }
    CHECK(Journal::scan(path).entries.size() == 2);
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(fs::file_size(path)) - 12);  // inside the last record's traces
      f.put('\x55');
    }
    const auto c = Journal::scan(path);
    REQUIRE(c.entries.size() == 1);
    CHECK(journal_records(path)[0].traces == std::vector<std::uint64_t>{100, 200});
    for (const char format : {'1', '2', '3', '4', '5'}) {  // before the word-wise checksum; the version; coded traces; coded rows; the shard
      {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(7);
        f.put(format);
      }
      const std::string expected = std::string("older eyesim (journal format ") + format + ")";
      CHECK_THROWS_WITH(Journal::scan(path), doctest::Contains(expected.c_str()));
    }
    // An empty journal (a sweep killed as it began) and a directory in its place say what they are
    // (the directory read as "basic_filebuf::underflow"; found by helper-38).
    std::ofstream(path, std::ios::trunc).close();
    CHECK_THROWS_WITH(Journal::scan(path), doctest::Contains("is not an eyesim sweep journal (it is empty"));
    fs::remove(path);
    fs::create_directory(path);
    CHECK_THROWS_WITH(Journal::scan(path), doctest::Contains("is a directory, not a sweep journal"));
    fs::remove(path);
  }
}
}  // namespace eyesim::sweep

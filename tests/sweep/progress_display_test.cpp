// ProgressDisplay and layer_progress_line: the progress of `eyesim run` and `eyesim validate` (when a line
// is drawn, how it ends, what it says), without clocks: the tests wait for the display's thread, never for time.
#include <doctest/doctest.h>

#include <cstdio>
#include <future>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "hw/run_progress.h"
#include "sweep/layer_progress.h"
#include "sweep/progress_display.h"
#include "workloads/network.h"

namespace eyesim::sweep {
namespace {

/// What was written to `f` (a tmpfile) so far.
std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
  return text;
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("--progress takes auto, always or never") {
    CHECK(parse_progress_mode("auto") == ProgressMode::kAuto);
    CHECK(parse_progress_mode("always") == ProgressMode::kAlways);
    CHECK(parse_progress_mode("never") == ProgressMode::kNever);
    CHECK_FALSE(parse_progress_mode("sometimes"));
    CHECK_FALSE(parse_progress_mode(""));
  }

  TEST_CASE("progress_policy: auto waits on a terminal and prints plain lines elsewhere, always from the start") {
    using AtEnd = ProgressPolicy::AtEnd;
    const ProgressPolicy tty = progress_policy(ProgressMode::kAuto, true);
    CHECK(tty.redraw);
    CHECK(tty.at_end == AtEnd::kErase);  // the table follows on a clean line
    CHECK_FALSE(tty.is_due(0.0, std::nullopt));
    CHECK_FALSE(tty.is_due(1.9, std::nullopt));  // a short run prints nothing
    CHECK(tty.is_due(2.0, std::nullopt));
    CHECK_FALSE(tty.is_due(2.2, 2.0));
    CHECK(tty.is_due(2.25, 2.0));
    const ProgressPolicy log = progress_policy(ProgressMode::kAuto, false);
    CHECK_FALSE(log.redraw);
    CHECK(log.at_end == AtEnd::kKeepIfShown);  // a log that had lines says how the run ended
    CHECK_FALSE(log.is_due(9.9, std::nullopt));
    CHECK(log.is_due(10.0, std::nullopt));
    CHECK_FALSE(log.is_due(19.9, 10.0));
    CHECK(log.is_due(20.0, 10.0));
    for (const bool terminal : {false, true}) {
      const ProgressPolicy always = progress_policy(ProgressMode::kAlways, terminal);
      CHECK(always.redraw);
      CHECK(always.at_end == AtEnd::kKeep);
      CHECK(always.is_due(0.0, std::nullopt));
      const ProgressPolicy never = progress_policy(ProgressMode::kNever, terminal);
      CHECK_FALSE(never.enabled);
      CHECK_FALSE(never.is_due(1e9, std::nullopt));
    }
  }

  TEST_CASE("ProgressDisplay: always keeps its last line, never and a run that ends before the delay print nothing") {
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    {
      ProgressDisplay d(f, progress_policy(ProgressMode::kAlways, false), "eyesim: run ", [](double) { return "[1/2]"; });
      d.finish();
    }
    const std::string always = contents(f);
    CHECK(always.ends_with("\r[1/2]\x1b[K\n"));
    CHECK(always.find("eyesim: run") == std::string::npos);  // (redrawn lines have no prefix, as the sweep's)
    std::fclose(f);

    for (const ProgressPolicy& quiet : {progress_policy(ProgressMode::kNever, true),
                                        progress_policy(ProgressMode::kAuto, true, 1e9),
                                        progress_policy(ProgressMode::kAuto, false, 2.0, 1e9)}) {
      std::FILE* g = std::tmpfile();
      REQUIRE(g);
      bool called = false;
      ProgressDisplay d(g, quiet, "eyesim: run ", [&](double) { called = true; return std::string("[1/2]"); });
      d.finish();
      CHECK(contents(g).empty());
      CHECK_FALSE(called);
      std::fclose(g);
    }
  }

  TEST_CASE("ProgressDisplay: a line drawn on a terminal is erased at the end, plain lines end with a last one") {
    for (const bool terminal : {true, false}) {
      std::FILE* f = std::tmpfile();
      REQUIRE(f);
      std::promise<void> drawn;
      bool first = true;
      int calls = 0;
      // No delay, no interval: the display's thread draws at its first wake; the test waits for that.
      ProgressPolicy policy = progress_policy(ProgressMode::kAuto, terminal, 0.0, 0.0);
      ProgressDisplay d(f, policy, "eyesim: run ", [&](double) {
        ++calls;
        if (first) first = false, drawn.set_value();
        return fmt::format("[{}/9]", calls);
      });
      drawn.get_future().wait();
      d.finish();
      const std::string text = contents(f);
      INFO(text);
      if (terminal) {
        CHECK(text.starts_with("\r[1/9]\x1b[K"));
        CHECK(text.ends_with("\x1b[K\r\x1b[K"));  // erased: the output that follows starts on a clean line
        CHECK(text.find('\n') == std::string::npos);
      } else {
        CHECK(text.starts_with("eyesim: run [1/9]\n"));
        CHECK(text.ends_with(fmt::format("eyesim: run [{}/9]\n", calls)));  // the last line, at the end
        CHECK(text.find('\r') == std::string::npos);
      }
      std::fclose(f);
    }
  }

  TEST_CASE("layer_progress_line: layers done, the share of MACs, the candidates a search simulated") {
    // Four layers of 1, 2, 3 and 4 MACs.
    hw::RunProgress p(4);
    const std::vector<WatchedRun> run = {{.progress = &p, .layer_macs = {1, 2, 3, 4}}};
    CHECK(layer_progress_line(run, 0.0) == "[0/4 layers]   0.0% of MACs | 0s elapsed");
    p.on_layer_started(0);
    p.on_layer_started(3);
    p.on_layer_done(0);
    CHECK(layer_progress_line(run, 3.4) == "[1/4 layers]  10.0% of MACs | 3s elapsed");
    // A search: layer 3 has 8 candidates, 2 simulated: a quarter of its MACs count.
    p.on_search_started(3, 8);
    p.on_candidate_done(3);
    p.on_candidate_done(3);
    CHECK(layer_progress_line(run, 12.6) == "[1/4 layers]  20.0% of MACs | 2 candidates simulated | 13s elapsed");
    for (int i = 0; i < 6; ++i) p.on_candidate_done(3);
    p.on_layer_done(3);
    p.on_layer_started(1);
    p.on_layer_done(1);
    p.on_layer_started(2);
    p.on_layer_done(2);
    CHECK(layer_progress_line(run, 20) == "[4/4 layers] 100.0% of MACs | 8 candidates simulated | 20s elapsed");

    // Several runs (validate): the simulations whose every layer is done; the MACs of all their layers.
    hw::RunProgress a(1), b(2);
    const std::vector<WatchedRun> runs = {{.progress = &a, .layer_macs = {5}}, {.progress = &b, .layer_macs = {3, 2}}};
    b.on_layer_started(0);
    b.on_layer_done(0);
    CHECK(layer_progress_line(runs, 1) == "[0/2 simulations]  30.0% of MACs | 1s elapsed");
    a.on_layer_started(0);
    a.on_layer_done(0);
    CHECK(layer_progress_line(runs, 2) == "[1/2 simulations]  80.0% of MACs | 2s elapsed");
    // A run's layers weigh their nominal MACs; a run of the first layers only (validate's) weighs those.
    const auto alexnet = workloads::builtin_network("alexnet");
    REQUIRE(alexnet);
    hw::RunProgress first_two(2);
    const WatchedRun w = watched_run(first_two, *alexnet);
    CHECK(w.progress == &first_two);
    CHECK(w.layer_macs == std::vector<double>{double(alexnet->layers[0].shape.macs()), double(alexnet->layers[1].shape.macs())});
    // At batch 4 (validate's JSSC cases) a run weighs 4x against the others (helper-62).
    const WatchedRun w4 = watched_run(first_two, *alexnet, 4);
    CHECK(w4.layer_macs[0] == 4.0 * double(alexnet->layers[0].shape.macs()));
    // Before the simulations: the layers whose data the counting loop has prepared.
    PreparationProgress prepared(12);
    CHECK(prepared.line(0) == "preparing the data [ 0/12 layers] | 0s elapsed");
    std::size_t ran = 0;
    prepared.counting(serial_loop)(5, [&](std::size_t) { ++ran; });
    CHECK(ran == 5);
    CHECK(prepared.line(3.2) == "preparing the data [ 5/12 layers] | 3s elapsed");
    hw::RunProgress lone(1);
    const std::vector<WatchedRun> one = {{.progress = &lone, .layer_macs = {7}}};
    CHECK(layer_progress_line(one, 0) == "[0/1 layer]   0.0% of MACs | 0s elapsed");
  }
}

}  // namespace eyesim::sweep

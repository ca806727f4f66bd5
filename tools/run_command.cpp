// `eyesim run` / `eyesim list`.
#include "tools/run_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <filesystem>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "core/rng.h"
#include "core/text_escape.h"
#include "hw/layer_stats.h"
#include "hw/mapper.h"
#include "hw/presets.h"
#include "sweep/arch_file.h"
#include "sweep/arch_override.h"
#include "sweep/mapping_file.h"
#include "sweep/output_path.h"
#include "sweep/result_tables.h"
#include "sweep/network_file.h"
#include "sweep/runner.h"
#include "hw/simulate.h"
#include "sweep/arena_loop.h"
#include "sweep/layer_progress.h"
#include "sweep/progress_display.h"
#include "workloads/layer_data.h"
#include "workloads/mask.h"
#include "workloads/network.h"

namespace eyesim::tools {
namespace {

std::string short_mapping(const hw::LayerMapping& m) {
  return fmt::format("m0={} c0={} f0={} sp(red{} m{} g{} pos{})", m.m0, m.c0, m.f0, m.spatial_red, m.spatial_m,
                     m.spatial_g, m.spatial_pos);
}

/// Every counter of `s` as a JSON object, in the order of hw::for_each_field (the HDF5 /layers columns).
std::string stats_json(const hw::LayerStats& s) {
  std::string out = "{";
  hw::for_each_field(s, [&](const char* name, const auto& v) {
    if (out.size() > 1) out += ", ";
    if constexpr (std::is_floating_point_v<std::remove_cvref_t<decltype(v)>>) {
      out += fmt::format("\"{}\": {}", name, json_number(v, 17));
    } else {
      out += fmt::format("\"{}\": {}", name, v);
    }
  });
  return out + "}";
}

/// The sweep spec of `eyesim run -o`: this run as its one design point.
sweep::SweepSpec one_point_spec(const RunArgs& args, const hw::ArchSpec& arch, const hw::MapperSearch& mapper) {
  sweep::SweepSpec spec;
  spec.name = "eyesim run";
  spec.source_name = "<command line>";
  spec.text = fmt::format("# {}\n", args.command_line);
  spec.seed = args.seed;
  spec.points.push_back(sweep::DesignPoint{.id = 0, .arch = arch, .network = args.net, .network_file = {},
                                           .seed = args.seed, .batch = args.batch, .iact_density_scale = 1.0,
                                           .weight_density_scale = 1.0, .invalid = {}});
  spec.mapper = mapper;
  spec.spec_hash = sweep::mapper_spec_hash(hash_name(spec.text), mapper);
  return spec;
}

/// {"mode": "simulate", "window": 0.05, "candidates": 8} (or just the mode for estimate).
std::string mapper_json(const hw::MapperSearch& m) {
  if (m.mode == hw::MapperMode::kEstimate) return R"({"mode": "estimate"})";
  // Shortest round trip: 0.05, not 0.050000000000000003 (and -0 as 0).
  return fmt::format(R"({{"mode": "simulate", "window": {}, "candidates": {}}})", m.window + 0.0, m.max_candidates);
}

/// The files this run reads, which -o must not replace: the --arch file (not a preset), the network file and
/// its masks (a built-in's masks too), the --mapping file.
std::vector<sweep::InputFile> input_files(const RunArgs& args, const workloads::Network& net) {
  std::vector<sweep::InputFile> files;
  if (!hw::preset(args.arch)) files.push_back({args.arch, "the --arch file"});
  for (sweep::InputFile& f : sweep::network_input_files(args.net, net)) files.push_back(std::move(f));
  if (!args.mapping.empty()) files.push_back({args.mapping, "the --mapping file"});
  return files;
}

/// An architecture as the command line gave it, for messages: "eyeriss_v2", "eyeriss_v2 with --set pe.simd_width=1".
std::string arch_label(std::string_view arch, const std::vector<std::string>& sets) {
  if (sets.empty()) return std::string(arch);
  return fmt::format("{} with --set {}", arch, fmt::join(sets, ", --set "));
}

double dram_bytes(const hw::LayerStats& s) {
  return static_cast<double>(s.dram_iact_read_bytes + s.dram_weight_read_bytes + s.dram_psum_read_bytes +
                             s.dram_psum_write_bytes + s.dram_oact_write_bytes);
}

/// The per-layer table of `eyesim run` (its header, a row per layer).
void print_layer_table(std::FILE* out, const std::vector<hw::LayerResult>& layers) {
  fmt::print(out, "{:<10} {:<10} {:>12} {:>10} {:>6} {:>10} {:>10}  {}\n", "layer", "kind", "MACs", "cycles", "util",
             "energy uJ", "DRAM kB", "mapping");
  for (const auto& l : layers) {
    fmt::print(out, "{:<10} {:<10} {:>12} {:>10} {:>5.1f}% {:>10.2f} {:>10.1f}  {}\n", terminal_text(l.layer_name),
               workloads::to_string(l.kind), l.stats.macs_nominal, l.stats.cycles, 100.0 * l.stats.mac_utilization,
               l.stats.energy_chip_pj * 1e-6, dram_bytes(l.stats) / 1e3, short_mapping(l.mapping));
  }
}

}  // namespace

int run_command(const RunArgs& args, std::FILE* out, std::FILE* err) {
  if (args.format != "table" && args.format != "csv" && args.format != "json") {
    fmt::print(err, "eyesim: error: --format must be table, csv or json (got '{}')\n", args.format);
    return 2;
  }
  const auto progress_mode = sweep::parse_progress_mode(args.progress);
  if (!progress_mode) {
    fmt::print(err, "eyesim: error: --progress must be auto, always or never (got '{}')\n", args.progress);
    return 2;
  }
  std::optional<hw::ArchSpec> arch;
  std::optional<workloads::Network> net;
  // -o: the file holds the per-PE and per-port traces, as a sweep's does.
  hw::RunOptions options{.verify = args.verify, .collect_traces = !args.output.empty(), .forced_mappings = {}};
  std::string mapper_error;
  const auto mapper = mapper_search(args.mapper, mapper_error);
  if (!mapper) {
    fmt::print(err, "eyesim: error: {}\n", mapper_error);
    return 2;
  }
  options.mapper = *mapper;
  const bool searched = mapper->mode == hw::MapperMode::kSimulate;
  try {
    arch = sweep::resolve_arch(args.arch);
    sweep::apply_arch_sets(*arch, args.sets);
    net = sweep::resolve_network(args.net);
    // With the network: an entry for a layer it does not have is refused, not silently unused.
    if (!args.mapping.empty()) options.forced_mappings = sweep::load_mapping_file(args.mapping, &*net);
  } catch (const sweep::SpecError& e) {
    fmt::print(err, "eyesim: {}\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {  // a --set, or another argument the loaders refuse
    fmt::print(err, "eyesim: error: {}\n", e.what());
    return 2;
  }
  if (const auto issues = hw::validate(*arch); !issues.empty()) {
    for (const auto& i : issues) fmt::print(err, "eyesim: {}: error: {} {}\n", arch_label(args.arch, args.sets), i.path, i.message);
    return 2;
  }
  // -o: the file a sweep writes, with this run as its one design point, written from this run's result
  // (with its forced mappings; simulated once).
  const sweep::SweepSpec spec = one_point_spec(args, *arch, *mapper);
  if (!args.output.empty()) {
    // A path the file cannot be written to (a directory, a missing or read-only directory) or one of this
    // run's inputs is refused before simulating, --force or not: the file is written only after the run.
    try {
      sweep::check_output_path(args.output, input_files(args, *net));
    } catch (const sweep::OutputPathError& e) {
      fmt::print(err, "eyesim: error: {}\n", e.what());
      return 2;
    }
    // OUTPUT.journal is the record of a sweep into OUTPUT that was interrupted or is still running (a
    // running sweep writes OUTPUT.part next to it): the finished points its --resume needs. Writing OUTPUT
    // here would replace that sweep's file, so refuse, like `eyesim sweep` does, before simulating.
    // (A lone OUTPUT.part has no journal to resume from; it is overwritten, as a sweep overwrites it.)
    try {
      sweep::refuse_journal(args.output, "finish that sweep with `eyesim sweep --resume`, delete the journal, or "
                                         "choose another -o");
    } catch (const std::runtime_error& e) {
      fmt::print(err, "eyesim: error: {}\n", e.what());
      return 1;
    }
    // A finished result file (a sweep's, say) is not replaced unless asked, as sweep and merge do.
    if (!args.force && std::filesystem::exists(args.output)) {
      fmt::print(err, "eyesim: error: '{}' exists; choose another -o, or pass --force to overwrite it\n", args.output);
      return 2;
    }
    // Names the result file cannot hold (an arch name, a network path, a layer name) are refused before
    // simulating: they are identities and are never cut.
    try {
      sweep::ResultTables().config_row(spec.points.front(), 0);
      sweep::check_storable(*net, args.net);
    } catch (const std::length_error& e) {
      fmt::print(err, "eyesim: error: cannot write '{}': {}\n", args.output, e.what());
      return 2;
    }
  }
  // The layers simulated before a layer that fails: shown with the error in the table format, not lost
  // (they are the same whatever -j: hw/simulate.h). CSV and JSON, read by programs, stay all or nothing.
  std::vector<hw::LayerResult> done;
  const auto show_done = [&] {
    if (args.format != "table" || done.empty()) return;
    fmt::print(out, "eyesim run: {} on {}: the {} layer{} simulated before the error\n\n", terminal_text(net->name),
               terminal_text(arch->name),
               done.size(), done.size() == 1 ? "" : "s");
    print_layer_table(out, done);
    fmt::print(out, "\n");
  };
  try {
    // The layers side by side (the result does not depend on it: hw/simulate.h).
    const unsigned threads = sweep::worker_threads(args.jobs);
    if (!args.quiet) fmt::print(err, "{}", sweep::clamped_jobs_note(args.jobs));
    tbb::task_arena arena(static_cast<int>(threads));
    const IndexLoop layers = sweep::arena_loop(arena);
    // Progress on stderr, never stdout (its table, CSV or JSON is read by programs): the layers prepared,
    // then those simulated and the candidates a search simulated, counted by the threads that do the work
    // (hw::RunProgress) and drawn by the display's own thread. --progress never counts nothing.
    const sweep::ProgressPolicy policy =
        sweep::progress_policy(args.quiet ? sweep::ProgressMode::kNever : *progress_mode, isatty(fileno(err)) != 0);
    hw::RunProgress progress(net->layers.size());
    const sweep::WatchedRun watched = sweep::watched_run(progress, *net, args.batch);
    sweep::PreparationProgress preparing(net->layers.size());
    std::atomic<bool> simulating{false};
    if (policy.enabled) options.progress = &progress;
    sweep::ProgressDisplay display(err, policy, "eyesim: run ", [&](double elapsed) {
      if (simulating.load(std::memory_order_relaxed)) return sweep::layer_progress_line({&watched, 1}, elapsed);
      return preparing.line(elapsed);
    });
    const auto t0 = std::chrono::steady_clock::now();
    const auto data =
        workloads::prepare_network(*net, args.seed, args.batch, policy.enabled ? preparing.counting(layers) : layers);
    const auto t1 = std::chrono::steady_clock::now();
    simulating.store(true, std::memory_order_relaxed);
    const hw::NetworkResult r = hw::simulate_network(*arch, *data, options, layers, &done);
    const auto t2 = std::chrono::steady_clock::now();
    display.finish();  // (an error ends it too, as the display goes out of scope before it is printed)
    const double prep_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    const double sim_ms = std::chrono::duration<double, std::milli>(t2 - t1).count();
    if (args.format == "csv") {
      // Names come from users' files: quoted (RFC 4180) when they hold a comma, quote or line break.
      // Searched: two more columns, the candidates simulated and the cycles of the estimate's own pick.
      fmt::print(out, "layer,kind,macs,cycles,seconds,utilization,energy_chip_pj,energy_dram_pj,dram_bytes,active_pes,mapping{}\n",
                 searched ? ",mapper_candidates,estimate_pick_cycles" : "");
      for (const auto& l : r.layers) {
        fmt::print(out, "{},{},{},{},{:.9g},{:.6g},{:.9g},{:.9g},{},{},{}", csv_field(l.layer_name),
                   workloads::to_string(l.kind), l.stats.macs_nominal, l.stats.cycles, l.stats.seconds,
                   l.stats.mac_utilization, l.stats.energy_chip_pj, l.stats.energy_dram_pj, dram_bytes(l.stats),
                   l.stats.active_pes, csv_quoted(short_mapping(l.mapping)));
        if (searched) fmt::print(out, ",{},{}", l.mapper_candidates, l.estimate_pick_cycles);
        fmt::print(out, "\n");
      }
    } else if (args.format == "json") {
      // json_string: the names come from users' files and may hold quotes, backslashes or control characters.
      fmt::print(out, "{{\"arch\": {}, \"network\": {}, \"batch\": {}, \"mapper\": {}, \"latency_seconds\": {}, "
                      "\"inferences_per_second\": {}, \"inferences_per_joule\": {}, \"layers\": [\n",
                 json_string(arch->name), json_string(r.network), r.batch, mapper_json(*mapper),
                 json_number(r.latency_seconds, 9), json_number(r.inferences_per_second, 9),
                 json_number(r.inferences_per_joule, 9));
      for (std::size_t i = 0; i < r.layers.size(); ++i) {
        const auto& l = r.layers[i];
        fmt::print(out, "  {{\"layer\": {}, \"kind\": \"{}\", \"macs\": {}, \"cycles\": {}, \"utilization\": {}, "
                        "\"energy_chip_pj\": {}, \"dram_bytes\": {}, \"verified\": {}, {}\"stats\": {}}}{}\n",
                   json_string(l.layer_name), workloads::to_string(l.kind), l.stats.macs_nominal, l.stats.cycles,
                   json_number(l.stats.mac_utilization, 6), json_number(l.stats.energy_chip_pj, 9), dram_bytes(l.stats), l.verified ? "true" : "false",
                   searched ? fmt::format("\"mapper_candidates\": {}, \"estimate_pick_cycles\": {}, ", l.mapper_candidates,
                                          l.estimate_pick_cycles)
                            : "",
                   stats_json(l.stats), i + 1 < r.layers.size() ? "," : "");
      }
      fmt::print(out, "]}}\n");
    } else {
      fmt::print(out, "eyesim run: {} on {}{} (batch {}, seed {}{}{})\n\n", terminal_text(r.network), terminal_text(arch->name),
                 args.sets.empty() ? "" : fmt::format(" with {}", fmt::join(args.sets, ", ")), r.batch, args.seed,
                 args.verify ? ", verified against the reference convolution" : "",
                 searched ? ", mapper " + hw::describe(*mapper) : "");
      print_layer_table(out, r.layers);
      const auto& t = r.totals;
      fmt::print(out, "\ntotal: {} MACs nominal, {} effectual, {} cycles, {:.1f}% MAC utilization\n", t.macs_nominal,
                 t.macs_effectual, t.cycles, 100.0 * t.mac_utilization);
      // A rate below 1 with its 3 significant digits (VGG-16 on one PE printed 0.0 inferences/s; helper-49).
      const auto rate = [](double v) { return v < 1.0 ? fmt::format("{:.3g}", v) : fmt::format("{:.1f}", v); };
      fmt::print(out, "latency {:.4f} ms | {} inferences/s | {} inferences/J (chip) | chip energy {:.1f} uJ | "
                      "DRAM {:.1f} kB, {:.1f} uJ\n",
                 r.latency_seconds * 1e3, rate(r.inferences_per_second),
                 // No chip energy (every energy constant set to 0) leaves inferences/J undefined, not 0.
                 t.energy_chip_pj > 0 ? rate(r.inferences_per_joule) : std::string("n/a"),
                 t.energy_chip_pj * 1e-6, dram_bytes(t) / 1e3, t.energy_dram_pj * 1e-6);
      if (searched) {
        std::uint64_t pick_cycles = 0, candidates = 0, searched_layers = 0;
        for (const auto& l : r.layers) {
          pick_cycles += l.mapper_candidates ? l.estimate_pick_cycles : l.stats.cycles;
          candidates += l.mapper_candidates;
          searched_layers += l.mapper_candidates > 0;
        }
        fmt::print(out, "mapper search: {} candidates simulated over {} layers; {} cycles with the estimate's picks, "
                        "{:.2f}% fewer with the search's\n",
                   candidates, searched_layers, pick_cycles,
                   pick_cycles ? 100.0 * (double(pick_cycles) - double(t.cycles)) / double(pick_cycles) : 0.0);
      }
      const std::size_t used = std::min<std::size_t>(threads, r.layers.size());  // a thread per layer at most
      fmt::print(out, "simulated in {:.2f} ms ({} events; data prepared in {:.1f} ms; {} thread{})\n", sim_ms, t.events,
                 prep_ms, used, used == 1 ? "" : "s");
    }
    // -o writes the file whatever --format printed: the table, CSV and JSON are views of the same run.
    if (!args.output.empty()) {
      sweep::SweepOptions o;
      o.output = args.output;
      o.command_line = args.command_line;
      o.version = args.version;
      sweep::write_result(spec, o, r, prep_ms + sim_ms);
      // CSV and JSON on stdout are read by programs: the note goes to stderr there.
      if (args.format == "table") fmt::print(out, "wrote {}\n", args.output);
      else fmt::print(err, "eyesim: wrote {}\n", args.output);
    }
    return 0;
  } catch (const hw::MappingError& e) {  // a layer the architecture, or the mapping file, cannot map: the input's
    show_done();
    fmt::print(err, "eyesim: error: {}\n", e.what());
    return 2;
  } catch (const workloads::MaskError& e) {
    fmt::print(err, "eyesim: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    show_done();
    fmt::print(err, "eyesim: error: {}\n", e.what());
    return 1;
  }
}

int show_command(std::string_view what, std::string_view name, const std::vector<std::string>& sets, std::FILE* out,
                 std::FILE* err) {
  if (what != "arch" && what != "net") {
    fmt::print(err, "eyesim: error: 'show' takes arch|net NAME|FILE (got '{}')\n", what);
    return 2;
  }
  if (what == "net" && !sets.empty()) {
    fmt::print(err, "eyesim: error: --set changes an architecture parameter; 'show net' takes none\n");
    return 2;
  }
  try {
    if (what == "net") {
      fmt::print(out, "{}", sweep::network_to_toml(sweep::resolve_network(name)));
      return 0;
    }
    hw::ArchSpec arch = sweep::resolve_arch(name);
    sweep::apply_arch_sets(arch, sets);
    // The file is another chip than the one it started from: named so ("eyeriss_v2 with
    // noc.iact_port_bits=48"), within the bytes a result file stores, else "... (modified)". Kept, it
    // ran as "on eyeriss_v2" and was listed as that preset in reports (helper-52).
    if (!sets.empty()) {
      std::string changed = fmt::format("{} with {}", arch.name, fmt::join(sets, ", "));
      if (changed.size() > sweep::kNameBytes) changed = arch.name + " (modified)";
      if (changed.size() <= sweep::kNameBytes) arch.name = changed;
    }
    // Printed even when its parameters do not fit together (a file to edit), with what is wrong on stderr.
    for (const hw::ConfigIssue& i : hw::validate(arch))
      fmt::print(err, "eyesim: warning: {}: {} {}\n", arch_label(name, sets), i.path, i.message);
    fmt::print(out, "{}", sweep::arch_to_toml(arch));
    return 0;
  } catch (const sweep::SpecError& e) {
    fmt::print(err, "eyesim: {}\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {  // a --set
    fmt::print(err, "eyesim: error: {}\n", e.what());
    return 2;
  }
}

int list_command(std::string_view what, std::FILE* out, std::FILE* err) {
  if (what.empty()) {  // `eyesim list`: both, each under a heading
    fmt::print(out, "architectures (--arch):\n");
    list_command("archs", out, err);
    fmt::print(out, "\nnetworks (--net):\n");
    return list_command("nets", out, err);
  }
  if (what == "archs") {
    for (const auto& n : hw::preset_names()) fmt::print(out, "{:<20} {}\n", n, hw::preset_description(n));
    return 0;
  }
  if (what == "nets") {
    fmt::print(out, "{:<20} {:>6} {:>15} {:>12}  {}\n", "network", "layers", "dense MACs", "wgt density", "description");
    for (const auto& name : workloads::builtin_network_names()) {
      const auto net = *workloads::builtin_network(name);
      // Average weight density, weighted by weight count; mask layers read their files for the exact value.
      double weights = 0, nonzero = 0;
      for (const auto& l : net.layers) {
        const double count = static_cast<double>(l.shape.weight_count());
        double density = l.weights.density;
        if (!l.weights.mask_file.empty()) {
          try {
            const auto mask = workloads::read_mask_file(l.weights.mask_file);
            density = static_cast<double>(std::count(mask.begin(), mask.end(), 1)) / static_cast<double>(mask.size());
          } catch (const std::exception&) {
            density = l.weights.density;
          }
        }
        weights += count;
        nonzero += count * density;
      }
      fmt::print(out, "{:<20} {:>6} {:>15} {:>12.3f}  {}\n", name, net.layers.size(), net.macs(), nonzero / weights,
                 workloads::builtin_network_description(name));
    }
    return 0;
  }
  fmt::print(err, "eyesim: error: 'list' takes archs or nets (got '{}')\n", what);
  return 2;
}

}  // namespace eyesim::tools

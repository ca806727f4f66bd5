// `eyesim sweep`: spec -> points -> runner -> summary.
#include "tools/sweep_command.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "hw/simulate.h"
#include "sweep/hdf5_file.h"
#include "sweep/network_file.h"
#include "sweep/result_tables.h"
#include "sweep/runner.h"
#include "sweep/shard.h"
#include "sweep/sweep_spec.h"
#include "workloads/layer_data.h"

namespace eyesim::tools {
namespace {

/// Best points per network by latency and by energy efficiency, read back from the result file.
void print_summary(const std::string& path, std::FILE* out) {
  sweep::Hdf5File f(path, sweep::Hdf5File::Mode::kReadOnly);
  const sweep::ResultTables tables;
  const auto rows = f.read_rows("runs", tables.runs());
  const auto configs = f.read_rows("configs", tables.configs());
  const std::uint32_t rb = tables.runs().row_bytes(), cb = tables.configs().row_bytes();
  std::map<std::uint64_t, std::string> arch_of;
  for (std::size_t i = 0; i * cb < configs.size(); ++i) {
    sweep::Row r(tables.configs());
    std::copy_n(configs.begin() + std::ptrdiff_t(i * cb), cb, r.bytes().begin());
    arch_of[r.get<std::uint64_t>(0)] = r.get_string(tables.configs().index("arch.name"));
  }
  struct Best {
    std::uint64_t id = 0;
    double value = 0;
    bool set = false;
  };
  std::map<std::string, std::pair<Best, Best>> best;  // network -> (latency, inferences/J)
  const std::size_t lat = tables.runs().index("latency_seconds"), eff = tables.runs().index("inferences_per_joule");
  for (std::size_t i = 0; i * rb < rows.size(); ++i) {
    sweep::Row r(tables.runs());
    std::copy_n(rows.begin() + std::ptrdiff_t(i * rb), rb, r.bytes().begin());
    if (r.get<std::uint8_t>(tables.col_run_status()) != 0) continue;
    auto& [b_lat, b_eff] = best[r.get_string(1)];
    const double l = r.get<double>(lat), e = r.get<double>(eff);
    if (!b_lat.set || l < b_lat.value) b_lat = {r.get<std::uint64_t>(0), l, true};
    if (!b_eff.set || e > b_eff.value) b_eff = {r.get<std::uint64_t>(0), e, true};
  }
  fmt::print(out, "{:<20} {:>28} {:>32}\n", "network", "fastest point", "most efficient point");
  for (const auto& [net, b] : best) {
    fmt::print(out, "{:<20} {:>28} {:>32}\n", net,
               fmt::format("#{} {} {:.3f} ms", b.first.id, arch_of[b.first.id], b.first.value * 1e3),
               fmt::format("#{} {} {:.0f} inf/J", b.second.id, arch_of[b.second.id], b.second.value));
  }
}

}  // namespace

int sweep_command(const SweepArgs& args, const std::atomic<int>& stop, std::FILE* out, std::FILE* err) {
  sweep::SweepSpec spec;
  sweep::SweepOptions options;
  std::string shard_origin;
  try {
    std::optional<hw::MapperSearch> mapper;
    if (args.mapper_given) {
      std::string error;
      mapper = mapper_search(args.mapper, error);
      if (!mapper) throw std::invalid_argument(error);
    }
    spec = args.spec.empty() ? sweep::default_sweep_spec(args.seed, mapper)
                             : sweep::load_sweep_spec(args.spec, args.seed, mapper);
    if (!args.shard.empty()) {
      const auto s = sweep::resolve_shard(args.shard, sweep::process_environment());
      options.shard = s.shard;
      shard_origin = s.origin;
    }
  } catch (const sweep::SpecError& e) {
    fmt::print(err, "eyesim: {}\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    fmt::print(err, "eyesim: error: {}\n", e.what());
    return 2;
  }
  // A stop asked for while the spec was expanded (a large grid takes a while): nothing has been written
  // yet, and nothing is (an empty interrupted file would replace an existing OUTPUT, and a dry run would
  // go on to simulate its probe point and exit 0).
  if (const int sig = stop.load(); sig != 0) {
    fmt::print(err, "eyesim: interrupted before any point was simulated; nothing was written\n");
    return 128 + sig;
  }
  options.output = sweep::expand_shard_pattern(args.output, options.shard);
  options.jobs = args.jobs;
  options.resume = args.resume;
  options.progress = args.quiet ? "never" : args.progress;
  options.command_line = args.command_line;
  options.version = args.version;

  if (args.dry_run) {
    std::size_t invalid = 0;
    double cost = 0;
    for (const auto& p : spec.points) {
      invalid += !p.invalid.empty();
      cost += sweep::estimated_cost(p);
    }
    fmt::print(out, "sweep '{}' ({}): {} points", spec.name, spec.source_name, spec.points.size());
    if (spec.dropped_by_where) fmt::print(out, " ({} dropped by where)", spec.dropped_by_where);
    fmt::print(out, ", {} with an invalid architecture\nswept: ", invalid);
    for (const auto& s : spec.swept) fmt::print(out, "{} ", s);
    fmt::print(out, "\n");
    if (spec.mapper.mode != hw::MapperMode::kEstimate)
      fmt::print(out, "mapper: {} (each layer simulates up to {} mappings; the estimate below measures that)\n",
                 hw::describe(spec.mapper), spec.mapper.max_candidates);
    if (!shard_origin.empty()) {
      std::vector<double> costs;
      for (const auto& p : spec.points) costs.push_back(sweep::estimated_cost(p));
      fmt::print(out, "shard {}/{} (from {}): {} of the {} points -> {}\n", options.shard.index, options.shard.count,
                 shard_origin, sweep::points_of_shard(costs, options.shard).size(), spec.points.size(), options.output);
    }
    for (std::size_t i = 0; i < std::min<std::size_t>(5, spec.points.size()); ++i) {
      const auto& p = spec.points[i];
      fmt::print(out, "  #{:<4} {:<18} {:<20} {} PEs, seed {}, batch {}\n", p.id, p.arch.name, p.network, p.arch.pes(),
                 p.seed, p.batch);
    }
    // Estimate the run time from one measured point (the cheapest), scaled by relative cost.
    std::size_t probe = 0;
    for (std::size_t i = 1; i < spec.points.size(); ++i)
      if (sweep::estimated_cost(spec.points[i]) < sweep::estimated_cost(spec.points[probe])) probe = i;
    try {
      const auto& p = spec.points[probe];
      const auto data = workloads::prepare_network(sweep::resolve_network(p.network), p.seed, p.batch);
      const auto t0 = std::chrono::steady_clock::now();
      hw::RunOptions run_options;  // as the sweep runs it, its mapper search included
      run_options.mapper = spec.mapper;
      if (p.invalid.empty()) hw::simulate_network(p.arch, *data, run_options);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const unsigned threads = args.jobs > 0 ? unsigned(args.jobs) : std::max(1u, std::thread::hardware_concurrency());
      fmt::print(out, "estimated run time: {:.0f} s on {} threads (from point #{} measured at {:.3f} s)\n",
                 s * cost / sweep::estimated_cost(p) / threads, threads, probe, s);
    } catch (const std::exception& e) {
      fmt::print(out, "estimated run time: unknown (the probe point failed: {})\n", e.what());
    }
    return 0;
  }

  // An existing result file is not replaced unless asked (--force), as merge does: the new file is renamed
  // over it at the end, or at a stop (an interrupted rerun would leave a partial file in place of a finished
  // one). With a journal next to it the runner's refusal explains the interrupted sweep instead.
  if (!options.resume && !args.force && std::filesystem::exists(options.output) &&
      !std::filesystem::exists(options.output + ".journal")) {
    fmt::print(err, "eyesim: error: '{}' exists; choose another -o, or pass --force to overwrite it (--resume if it is "
                    "an interrupted sweep of this spec)\n",
               options.output);
    return 2;
  }
  sweep::SweepOutcome result;
  try {
    result = sweep::run_sweep(spec, options, stop, err);
  } catch (const std::exception& e) {
    fmt::print(err, "eyesim: error: {}\n", e.what());
    return 1;
  }
  if (result.interrupted) {
    fmt::print(err, "eyesim: interrupted: {} of {} points are in '{}'; continue with --resume\n",
               result.simulated + result.resumed, result.points, result.output);
    return 128 + stop.load();
  }
  fmt::print(out, "{} points ({} simulated now, {} resumed, {} failed) in {:.1f} s ({:.1f} points/s; writer busy {:.2f} s) -> {}\n",
             result.points, result.simulated, result.resumed, result.failed, result.wall_seconds,
             result.wall_seconds > 0 ? double(result.simulated) / result.wall_seconds : 0.0, result.writer_seconds,
             result.output);
  try {
    print_summary(result.output, out);
  } catch (const std::exception& e) {
    fmt::print(err, "eyesim: warning: cannot summarise '{}': {}\n", result.output, e.what());
  }
  if (args.strict && result.failed > 0) {
    fmt::print(err, "eyesim: {} points failed (--strict)\n", result.failed);
    return 3;
  }
  return 0;
}

}  // namespace eyesim::tools

// `eyesim sweep`: spec -> points -> runner -> summary.
#include "tools/sweep_command.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/text_escape.h"
#include "hw/simulate.h"
#include "sweep/hdf5_file.h"
#include "sweep/network_file.h"
#include "sweep/output_path.h"
#include "sweep/point_cost.h"
#include "sweep/point_memory.h"
#include "sweep/timing_table.h"
#include "sweep/result_tables.h"
#include "sweep/runner.h"
#include "sweep/result_reader.h"
#include "sweep/schedule.h"
#include "sweep/shard.h"
#include "sweep/sweep_spec.h"
#include "sweep/workload_key.h"
#include "workloads/layer_data.h"

namespace eyesim::tools {
namespace {

/// Best points per network by latency and by energy efficiency, read back from the result file: /runs
/// and /configs (both in ascending point order) in batches, so that a file of millions of points is
/// summed up in little memory.
void print_summary(const std::string& path, std::FILE* out) {
  sweep::Hdf5File f(path, sweep::Hdf5File::Mode::kReadOnly);
  const sweep::ResultTables tables;
  const auto& rcols = tables.runs().columns();
  const auto& ccols = tables.configs().columns();
  const sweep::Column &r_id = rcols[tables.runs().index("point_id")], &r_net = rcols[tables.runs().index("network")],
                      &r_status = rcols[tables.col_run_status()], &r_lat = rcols[tables.runs().index("latency_seconds")],
                      &r_eff = rcols[tables.runs().index("inferences_per_joule")];
  const sweep::Column &c_id = ccols[tables.configs().index("point_id")], &c_arch = ccols[tables.configs().index("arch.name")];
  struct Best {
    std::uint64_t id = 0;
    double value = 0;
    std::string arch;
    bool set = false;
  };
  std::map<std::string, std::pair<Best, Best>> best;  // network -> (latency, inferences/J)
  sweep::TableCursor runs(f, "runs", tables.runs(), 4096), configs(f, "configs", tables.configs(), 4096);
  const std::byte* config = configs.next();
  while (const std::byte* run = runs.next()) {
    const std::uint64_t id = sweep::read_field<std::uint64_t>(run, r_id);
    while (config && sweep::read_field<std::uint64_t>(config, c_id) < id) config = configs.next();
    if (sweep::read_field<std::uint8_t>(run, r_status) != 0) continue;
    auto& [b_lat, b_eff] = best[sweep::read_string(run, r_net)];
    const double l = sweep::read_field<double>(run, r_lat), e = sweep::read_field<double>(run, r_eff);
    const auto arch = [&] {
      return config && sweep::read_field<std::uint64_t>(config, c_id) == id ? sweep::read_string(config, c_arch)
                                                                              : std::string("?");
    };
    if (!b_lat.set || l < b_lat.value) b_lat = {id, l, arch(), true};
    if (!b_eff.set || e > b_eff.value) b_eff = {id, e, arch(), true};
  }
  // The columns as wide as their longest cell (a scaled v1's name or a network file's path overflowed
  // fixed widths; helper-52).
  std::vector<std::array<std::string, 3>> rows{{"network", "fastest point", "most efficient point"}};
  for (const auto& [net, b] : best)
    rows.push_back({terminal_text(net),
                    fmt::format("#{} {} {:.3f} ms", b.first.id, terminal_text(b.first.arch), b.first.value * 1e3),
                    fmt::format("#{} {} {:.0f} inf/J", b.second.id, terminal_text(b.second.arch), b.second.value)});
  std::array<std::size_t, 3> width{};
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  for (const auto& row : rows)
    fmt::print(out, "{:<{}}  {:<{}}  {}\n", row[0], width[0], row[1], width[1], row[2]);
}

/// The dry run's estimate (docs/sweeps.md). The valid points fall into (workload group, architecture
/// class) pairs (sweep/point_cost.h). A few points are simulated as the sweep will (its mapper search
/// included), each cold on freshly prepared data and then warm (a probe): in the first measured pair of a
/// workload group its cheapest and its costliest point, whose times fit how the group's time grows with the
/// estimated cost (the array sizes of the sweep itself calibrate the heuristic); in its other pairs the
/// cheapest only. At most 12 pairs and max(2 x workload groups, points / 10) probes, so that a sweep of
/// one network over many classes is not simulated twice over by its dry run: first the costliest pair of
/// each workload group and each class not yet measured, then the costliest others. The other pairs are
/// inferred from what their network costs on the measured classes and their class with the measured
/// networks (sweep::TimingTable). Every point is then charged its time, cold or warm, and each distinct
/// workload its data preparation (sweep::extrapolate_seconds).
void print_run_time_estimate(const sweep::SweepSpec& spec, const std::vector<double>& costs, const sweep::ShardSpec& shard,
                             int jobs, std::FILE* out) {
  const std::vector<std::uint64_t> ids = sweep::points_of_shard(costs, shard);  // what this process runs
  constexpr std::size_t kMaxPairs = 12;
  using Pair = std::pair<std::string, sweep::ArchClass>;  // (workload group, architecture class)
  struct Members {
    std::uint64_t cheapest = 0, costliest = 0;  // the first cheapest and the last costliest valid point
    double cost = 0;                            // of all its valid points
  };
  std::map<Pair, Members> pairs;
  std::set<sweep::ArchClass> classes;
  std::size_t valid = 0;
  for (const std::uint64_t i : ids) {
    const sweep::DesignPoint& p = spec.points[i];
    if (!p.invalid.empty()) continue;
    const auto [it, fresh] = pairs.try_emplace(Pair{sweep::workload_group(p), sweep::arch_class(p.arch)}, Members{i, i, 0.0});
    Members& m = it->second;
    if (costs[i] < costs[m.cheapest]) m.cheapest = i;
    if (costs[i] >= costs[m.costliest]) m.costliest = i;
    m.cost += costs[i];
    classes.insert(it->first.second);
    ++valid;
  }
  std::set<std::string> groups;
  for (const auto& [key, members] : pairs) groups.insert(key.first);
  // Two probes per workload group (its growth with the cost), or a tenth of the points if more, and at
  // most two per measured pair.
  const std::size_t max_probes = std::min(2 * kMaxPairs, std::max(2 * groups.size(), valid / 10));
  std::vector<Pair> by_cost;
  for (const auto& [key, members] : pairs) by_cost.push_back(key);
  std::stable_sort(by_cost.begin(), by_cost.end(), [&](const Pair& a, const Pair& b) { return pairs[a].cost > pairs[b].cost; });
  std::vector<Pair> order;  // what is measured: every network, then workload group and class, as far as the cap allows
  std::set<std::string> groups_seen;
  std::set<sweep::ArchClass> classes_seen;
  // Each network (at each batch) first: with sampled densities every point is its own workload group, and
  // the costliest 12 were all of one network (helper-56).
  std::set<std::string_view> networks_seen;
  for (const Pair& key : by_cost) {
    if (order.size() == kMaxPairs) break;
    if (!networks_seen.insert(sweep::workload_network(key.first)).second) continue;
    order.push_back(key);
    groups_seen.insert(key.first);
    classes_seen.insert(key.second);
  }
  for (const Pair& key : by_cost) {
    if (std::find(order.begin(), order.end(), key) != order.end()) continue;
    if (order.size() == kMaxPairs) break;
    if (groups_seen.count(key.first) && classes_seen.count(key.second)) continue;
    order.push_back(key);
    groups_seen.insert(key.first);
    classes_seen.insert(key.second);
  }
  for (const Pair& key : by_cost) {
    if (order.size() == kMaxPairs) break;
    if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
  }

  hw::RunOptions run_options;  // as the sweep runs its points (traces, mapper search)
  run_options.mapper = spec.mapper;
  using Clock = std::chrono::steady_clock;
  const auto since = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  std::size_t probes = 0;
  const auto measure = [&](std::size_t i) {
    const sweep::DesignPoint& p = spec.points[i];
    ++probes;
    auto t0 = Clock::now();
    const auto data = workloads::prepare_network(
        sweep::scaled_network(sweep::network_source(p), p.iact_density_scale, p.weight_density_scale), p.seed, p.batch);
    const double prepare = since(t0);
    t0 = Clock::now();
    hw::simulate_network(p.arch, *data, run_options);
    const double cold = since(t0);
    t0 = Clock::now();
    hw::simulate_network(p.arch, *data, run_options);
    return sweep::Probe{costs[i], since(t0), cold, prepare};
  };

  sweep::TimingTable timings;
  std::string measured, failures;
  constexpr std::size_t kShownMeasured = 4;
  std::size_t measured_count = 0;
  for (const Pair& key : order) {
    if (probes >= max_probes) break;
    const std::uint64_t lo = pairs[key].cheapest, hi = pairs[key].costliest;
    const sweep::DesignPoint& p = spec.points[lo];
    std::string name = p.network;
    if (p.batch != 1) name += fmt::format(" batch {}", p.batch);
    if (p.iact_density_scale != 1.0 || p.weight_density_scale != 1.0)
      name += fmt::format(" (densities x{:g} iacts, x{:g} weights)", p.iact_density_scale, p.weight_density_scale);
    if (classes.size() > 1) name += " on " + key.second.label();
    try {
      const sweep::Probe a = measure(lo);
      // The costliest too where the heuristic tells it apart and the group's growth is not known yet.
      std::optional<sweep::Probe> b;
      if (costs[hi] > costs[lo] * 1.01 && !timings.has_exponents(p) && probes < max_probes) b = measure(hi);
      timings.add(p, a, b);
      // As a range, low to high: the costliest point by the heuristic can measure faster than the cheapest.
      // The first kShownMeasured only: with many workloads the line ran to thousands of characters.
      if (++measured_count > kShownMeasured) continue;
      measured += fmt::format("{}{} {:.1f}{} ms", measured.empty() ? "" : ", ", name, std::min(a.warm, b ? b->warm : a.warm) * 1e3,
                              b ? fmt::format("-{:.1f}", std::max(a.warm, b->warm) * 1e3) : "");
    } catch (const std::exception& e) {
      failures += fmt::format("\n  {} could not be measured: {}", name, e.what());
    }
  }
  const unsigned threads = sweep::worker_threads(jobs);
  if (pairs.empty()) {  // every point invalid: none is simulated
    fmt::print(out, "estimated run time: none (every point has an invalid architecture: none is simulated)\n");
    return;
  }
  if (timings.size() == 0) {
    fmt::print(out, "estimated run time: unknown (no point could be measured){}\n", failures);
    return;
  }
  const double seconds = sweep::extrapolate_seconds(spec.points, ids, costs, timings, threads);
  fmt::print(out, "estimated run time: {} on {} thread{} (from {} of its points simulated, per workload{}: {}{}){}\n",
             seconds < 1 ? fmt::format("{:.2f} s", seconds) : seconds < 10 ? fmt::format("{:.1f} s", seconds)
                                                             : fmt::format("{:.0f} s", seconds),
             threads, threads == 1 ? "" : "s", probes, classes.size() > 1 ? " and architecture class (NoC/PE/DRAM)" : "",
             measured_count > kShownMeasured
                 ? fmt::format("{}, and {} more measured", measured, measured_count - kShownMeasured)
                 : measured,
             pairs.size() > timings.size()
                 ? fmt::format("; {} more pairs inferred from them", pairs.size() - timings.size())
                 : "",
             failures);
  // Each workload (network, seed, batch, densities) is prepared once for all its points: a cost the
  // estimate includes but did not show (helper-56: a sampled density made 1,000 points 1,000 workloads,
  // a run 55 % longer than with 2).
  std::set<sweep::WorkloadKey> workloads;  // (the seed is one: its data differ; the timing groups ignore it)
  for (const std::uint64_t i : ids)
    if (spec.points[i].invalid.empty()) workloads.insert(sweep::key_of(spec.points[i]));
  fmt::print(out, "workloads: {} (each prepared once for its points){}\n", workloads.size(),
             workloads.size() >= 10 && 2 * workloads.size() > valid
                 ? "; nearly one per point: a sampled seed, batch or density axis makes each point its own workload, "
                   "and `values = [...]` would let points share theirs"
                 : "");
}

/// Why the dry run's invalid points are invalid: each distinct reason once (a validate() issue without
/// its value, so the points breaking one constraint with different values count together), with how many
/// points it hits and the first of them as an example, the commonest first, at most kMaxReasons lines.
void print_invalid_reasons(const sweep::SweepSpec& spec, std::FILE* out) {
  constexpr std::size_t kMaxReasons = 5;
  struct Reason {
    std::size_t points = 0;
    std::uint64_t example = 0;
    std::string text;  ///< the example's issue, with its value
  };
  std::vector<Reason> reasons;
  std::map<std::string, std::size_t> index;  // issue without "(got ...)" -> reasons
  for (const sweep::DesignPoint& p : spec.points) {
    for (const std::string& issue : p.invalid) {
      const std::size_t got = issue.rfind(" (got ");
      const std::string key = got != std::string::npos && issue.ends_with(")") ? issue.substr(0, got) : issue;
      const auto [it, fresh] = index.emplace(key, reasons.size());
      if (fresh) reasons.push_back({0, p.id, issue});
      ++reasons[it->second].points;
    }
  }
  std::stable_sort(reasons.begin(), reasons.end(), [](const Reason& a, const Reason& b) { return a.points > b.points; });
  const auto points = [](std::size_t n) { return fmt::format("{} point{}", n, n == 1 ? "" : "s"); };
  for (std::size_t i = 0; i < std::min(kMaxReasons, reasons.size()); ++i)
    fmt::print(out, "  {}, e.g. #{}: {}\n", points(reasons[i].points), reasons[i].example, reasons[i].text);
  if (reasons.size() > kMaxReasons) {
    std::size_t rest = 0;
    for (std::size_t i = kMaxReasons; i < reasons.size(); ++i) rest += reasons[i].points;
    fmt::print(out, "  and {} more reasons ({}; 'eyesim report' lists every failed point after the sweep)\n",
               reasons.size() - kMaxReasons, points(rest));
  }
}

/// The dry run's memory estimate: the schedule the sweep will take (sweep/schedule.h) and the most workload
/// data and results it is estimated to hold at once.
void print_memory_estimate(const sweep::SweepSpec& spec, const std::vector<double>& costs, const sweep::ShardSpec& shard,
                           int jobs, std::FILE* out) {
  const std::vector<std::uint64_t> ids = sweep::points_of_shard(costs, shard);
  const unsigned threads = sweep::worker_threads(jobs);
  const sweep::Schedule s = sweep::schedule_points(ids, costs, sweep::estimated_memory(spec.points), threads);
  const auto size = [](double bytes) {
    if (bytes < 1e6) return fmt::format("{:.0f} kB", bytes / 1e3);
    return bytes < 1e9 ? fmt::format("{:.0f} MB", bytes / 1e6) : fmt::format("{:.1f} GB", bytes / 1e9);
  };
  fmt::print(out, "estimated memory: {} of workload data and results held at once at the peak, {}; and {} for the "
                  "list of the {} point{}\n",
             size(s.peak_bytes),
             s.by_workload ? fmt::format("taking the points workload by workload ({} in id order)", size(s.id_order_peak_bytes))
                           : std::string("in id order"),
             size(sweep::point_list_bytes(spec.points)), spec.points.size(), spec.points.size() == 1 ? "" : "s");
}

/// The files the sweep reads, which its output must not replace: the spec file (`spec_path`, empty for the
/// built-in default), and the network files its points name with their masks (built-ins' masks too).
std::vector<sweep::InputFile> input_files(const std::string& spec_path, const sweep::SweepSpec& spec) {
  std::vector<sweep::InputFile> files;
  if (!spec_path.empty()) files.push_back({spec_path, "the sweep spec"});
  std::set<std::string> networks;
  for (const sweep::DesignPoint& p : spec.points) networks.insert(sweep::network_source(p));
  for (const std::string& n : networks) {
    try {
      for (sweep::InputFile& f : sweep::network_input_files(n, sweep::resolve_network(n))) files.push_back(std::move(f));
    } catch (const std::exception&) {  // a network file that does not parse fails its points; it is still an input
      files.push_back({n, "the network file"});
    }
  }
  return files;
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
  if (!args.quiet) fmt::print(err, "{}", sweep::clamped_jobs_note(args.jobs));
  options.resume = args.resume;
  options.progress = args.quiet ? "never" : args.progress;
  options.command_line = args.command_line;
  options.version = args.version;

  if (args.dry_run) {
    // Nothing is written, but what the sweep would refuse before its first point is said now.
    try {
      sweep::check_output_path(options.output, input_files(args.spec, spec));
    } catch (const sweep::OutputPathError& e) {
      fmt::print(err, "eyesim: warning: the sweep would refuse its output: {}\n", e.what());
    }
    // ... also an interrupted sweep's journal, or a finished file it would not replace (helper-56: the dry
    // run exited 0 in silence, the sweep then 1 or 2).
    if (!options.resume) {
      try {
        sweep::refuse_journal(options.output);
        if (!args.force && std::filesystem::is_regular_file(options.output))  // (a directory was warned of above)
          fmt::print(err, "eyesim: warning: the sweep would refuse its output: '{}' exists; choose another -o, or pass "
                          "--force to overwrite it\n",
                     options.output);
      } catch (const std::runtime_error& e) {
        fmt::print(err, "eyesim: warning: the sweep would not start: {}\n", e.what());
      }
    } else {
      fmt::print(err, "eyesim: note: with --resume the estimates below are for every point, also those the journal "
                      "holds\n");
    }
    std::size_t invalid = 0;
    for (const auto& p : spec.points) invalid += !p.invalid.empty();
    const std::vector<double> costs = sweep::estimated_costs(spec.points);
    fmt::print(out, "sweep '{}' ({}): {} points", terminal_text(spec.name), terminal_text(spec.source_name), spec.points.size());
    if (spec.dropped_by_where) fmt::print(out, " ({} dropped by where)", spec.dropped_by_where);
    fmt::print(out, ", {} with an invalid architecture{}\n", invalid, invalid ? " (kept as failed rows), by reason:" : "");
    print_invalid_reasons(spec, out);
    fmt::print(out, "swept: ");
    for (const auto& s : spec.swept) fmt::print(out, "{} ", s);
    fmt::print(out, "\n");
    if (spec.mapper.mode != hw::MapperMode::kEstimate)
      fmt::print(out, "mapper: {} (each layer simulates up to {} mappings; the estimate below measures that)\n",
                 hw::describe(spec.mapper), spec.mapper.max_candidates);
    if (!shard_origin.empty()) {
      fmt::print(out, "shard {}/{} (from {}): {} of the {} points -> {}\n", options.shard.index, options.shard.count,
                 shard_origin, sweep::points_of_shard(costs, options.shard).size(), spec.points.size(), options.output);
    }
    // Each example with the values of the swept names its line does not show already (an architecture
    // parameter without its "arch."), so that the examples differ as the points do.
    const std::size_t examples = std::min<std::size_t>(5, spec.points.size());
    std::size_t arch_width = 18, net_width = 20;  // wider for longer names, so the columns stay aligned
    for (std::size_t i = 0; i < examples; ++i) {
      arch_width = std::max(arch_width, spec.points[i].arch.name.size());
      net_width = std::max(net_width, spec.points[i].network.size());
    }
    for (std::size_t i = 0; i < examples; ++i) {
      const auto& p = spec.points[i];
      std::string values;
      for (const std::string& name : spec.swept) {
        if (name == "network" || name == "arch.preset" || name == "workload.seed" || name == "workload.batch") continue;
        values += fmt::format(" {}={}", std::string_view(name).starts_with("arch.") ? name.substr(5) : name,
                              sweep::setting_text(p, name));
      }
      fmt::print(out, "  #{:<4} {:<{}} {:<{}} {} PEs, seed {}, batch {}{}{}\n", p.id, p.arch.name, arch_width, p.network,
                 net_width, p.arch.pes(), p.seed, p.batch, values.empty() ? "" : ":", values);
    }
    print_memory_estimate(spec, costs, options.shard, args.jobs, out);
    print_run_time_estimate(spec, costs, options.shard, args.jobs, out);
    return 0;
  }

  // A path the file cannot be written to (a directory, a missing or read-only directory) or one of the sweep's
  // inputs is refused before any point runs, --force or not: the file is renamed into place only at the end.
  try {
    sweep::check_output_path(options.output, input_files(args.spec, spec));
  } catch (const sweep::OutputPathError& e) {
    fmt::print(err, "eyesim: error: {}\n", e.what());
    return 2;
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
  // "run now": a point whose architecture is refused fails without a simulation, yet is done by this run.
  fmt::print(out, "{} point{} ({} run now, {} resumed, {} failed) in {:.1f} s ({:.1f} points/s; writer busy {:.2f} s) -> {}\n",
             result.points, result.points == 1 ? "" : "s", result.simulated, result.resumed, result.failed, result.wall_seconds,
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

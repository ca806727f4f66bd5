// `eyesim validate`: runs every published case (tools/validation/published.toml) and prints
// metric, published value, simulated value, error, tolerance and verdict per case.
#include "tools/validate_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "core/text_escape.h"
#include "hw/presets.h"
#include "hw/simulate.h"
#include "sweep/arch_override.h"
#include "sweep/mapping_file.h"
#include "sweep/runner.h"
#include "sweep/arena_loop.h"
#include "sweep/layer_progress.h"
#include "sweep/progress_display.h"
#include "tools/validation/published_case.h"
#include "workloads/layer_data.h"
#include "workloads/network.h"

namespace eyesim::tools {
namespace {

constexpr std::uint64_t kValidationSeed = 1;

bool layer_selected(const std::vector<std::string>& filter, const std::string& name) {
  if (filter.empty()) return true;
  for (const std::string& f : filter) {
    if (!f.empty() && f.back() == '*') {
      if (name.rfind(f.substr(0, f.size() - 1), 0) == 0) return true;
    } else if (f == name) {
      return true;
    }
  }
  return false;
}

/// The metric of one case from one network result (filtered to the case's layers).
double metric_value(const PublishedCase& c, const hw::NetworkResult& r) {
  if (c.metric == "inferences_per_second") return r.inferences_per_second;
  if (c.metric == "inferences_per_joule") return r.inferences_per_joule;
  double seconds = 0, energy_pj = 0, macs = 0, dram_bytes = 0, active = 0;
  int selected = 0;
  for (const hw::LayerResult& l : r.layers) {
    if (!layer_selected(c.layers, l.layer_name)) continue;
    ++selected;
    const hw::LayerStats& s = l.stats;
    seconds += s.seconds;
    energy_pj += s.energy_chip_pj;
    macs += static_cast<double>(s.macs_nominal);
    dram_bytes += static_cast<double>(s.dram_iact_read_bytes + s.dram_weight_read_bytes + s.dram_psum_read_bytes +
                                      s.dram_psum_write_bytes + s.dram_oact_write_bytes);
    active = std::max(active, static_cast<double>(s.active_pes));
  }
  if (selected == 0) throw std::runtime_error(fmt::format("case '{}': no layer of '{}' matches its layer filter", c.id, r.network));
  if (c.metric == "dram_mbytes" || c.metric == "dram_accesses_mbytes") return dram_bytes / 1e6;
  if (c.metric == "gops_per_watt") return energy_pj > 0 ? 2.0 * macs * 1e3 / energy_pj : 0.0;  // ops / J / 1e9
  if (c.metric == "processing_latency_ms") return seconds * 1e3;
  if (c.metric == "active_pes") return active;
  throw std::runtime_error(fmt::format("case '{}': unknown metric '{}'", c.id, c.metric));
}

std::string key_text(const RunKey& k) {
  std::string s = fmt::format("{}|{}|{}", k.arch, k.net, k.batch);
  for (const ParamOverride& o : k.overrides) s += fmt::format("|{}={}", o.path, o.value);
  if (!k.mapping.empty()) s += "|mapping=" + k.mapping;
  return s;
}

struct CaseOutcome {
  const PublishedCase* c = nullptr;
  double simulated = 0;
  double error = 0;  ///< relative, signed
  bool pass = false;
  std::string failure;  ///< set when a simulation failed
};

/// Judges `o.simulated` against every bound its case gives: the published value within its tolerance, a
/// lower bound, an upper bound (a case may give both bounds: a range). Informational cases always pass.
void judge(CaseOutcome& o) {
  const PublishedCase& c = *o.c;
  o.pass = true;
  if (c.published) {
    o.error = *c.published != 0 ? (o.simulated - *c.published) / *c.published : 0.0;
    o.pass = std::abs(o.error) <= c.tolerance + 1e-12;
  }
  if (c.at_least) o.pass = o.pass && o.simulated >= *c.at_least - 1e-12;
  if (c.at_most) o.pass = o.pass && o.simulated <= *c.at_most + 1e-12;
  if (c.informational) o.pass = true;
}

std::string verdict(const CaseOutcome& o) {
  if (!o.failure.empty()) return "ERROR";
  if (o.c->informational) return "info";
  return o.pass ? "pass" : "FAIL";
}

}  // namespace

int validate_command(const ValidateArgs& args, std::FILE* out, std::FILE* err) {
  if (args.format != "table" && args.format != "csv" && args.format != "json") {
    fmt::print(err, "eyesim: error: --format must be table, csv or json (got '{}')\n", args.format);
    return 2;
  }
  const auto progress_mode = sweep::parse_progress_mode(args.progress);
  if (!progress_mode) {
    fmt::print(err, "eyesim: error: --progress must be auto, always or never (got '{}')\n", args.progress);
    return 2;
  }
  std::vector<PublishedCase> cases;
  try {
    if (args.cases_file.empty()) {
      cases = parse_published_cases(embedded_published_cases(), "published.toml");
    } else {
      std::ifstream in(args.cases_file);
      if (!in) {
        fmt::print(err, "eyesim: error: cannot open cases file '{}'\n", args.cases_file);
        return 2;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      cases = parse_published_cases(ss.str(), args.cases_file);
    }
  } catch (const std::exception& e) {
    fmt::print(err, "eyesim: {}\n", e.what());
    return 2;
  }
  // The selected cases are printed; an aggregate's component cases run with it even when not selected.
  std::vector<bool> shown(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const PublishedCase& c = cases[i];
    shown[i] = !((args.cheap_only && !c.cheap) ||
                 (!args.case_filter.empty() && c.id.find(args.case_filter) == std::string::npos));
  }
  if (std::find(shown.begin(), shown.end(), true) == shown.end()) {
    std::string filter;
    if (!args.case_filter.empty()) filter = fmt::format("--case '{}'", args.case_filter);
    if (args.cheap_only) filter += filter.empty() ? "--cheap" : " and --cheap";
    std::vector<std::string_view> ids;
    for (const PublishedCase& c : cases) ids.push_back(c.id);
    fmt::print(err, "eyesim: error: no validation case matches {}; the case ids are: {}\n", filter, fmt::join(ids, ", "));
    return 2;
  }
  std::vector<bool> needed = shown;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (!shown[i]) continue;
    for (const std::string& id : cases[i].of_cases)
      for (std::size_t k = 0; k < cases.size(); ++k) needed[k] = needed[k] || cases[k].id == id;
  }
  {
    std::vector<PublishedCase> kept;
    std::vector<bool> kept_shown;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (!needed[i]) continue;
      kept.push_back(std::move(cases[i]));
      kept_shown.push_back(shown[i]);
    }
    cases = std::move(kept);
    shown = std::move(kept_shown);
  }

  std::string mapper_error;
  const auto mapper = mapper_search(args.mapper, mapper_error);
  if (!mapper) {
    fmt::print(err, "eyesim: error: {}\n", mapper_error);
    return 2;
  }
  if (args.dram_gbps) {
    if (!(*args.dram_gbps > 0) || !std::isfinite(*args.dram_gbps)) {
      fmt::print(err, "eyesim: error: --dram-gbps must be a positive bandwidth in GB/s (got {})\n", *args.dram_gbps);
      return 2;
    }
    constexpr std::string_view kPath = "dram.bandwidth_gbps";
    const auto set_bandwidth = [&](RunKey& k) {
      if (std::none_of(k.overrides.begin(), k.overrides.end(), [&](const ParamOverride& o) { return o.path == kPath; }))
        k.overrides.push_back({std::string(kPath), fmt::format("{}", *args.dram_gbps)});
    };
    for (PublishedCase& c : cases) {
      if (c.group < 1 || c.group > 4) continue;
      set_bandwidth(c.run);
      if (c.baseline) set_bandwidth(*c.baseline);
    }
  }

  // --set: another reading of a parameter, after each matching case's own overrides.
  struct WhatIf {
    std::string text, arch;
    ParamOverride param;
  };
  std::vector<WhatIf> what_ifs;
  for (const std::string& text : args.sets) {
    const std::size_t eq = text.find('='), dot = text.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq || dot == 0 || eq == dot + 1 ||
        eq + 1 == text.size()) {
      fmt::print(err, "eyesim: error: --set '{}': expected ARCH.PARAM=VALUE, e.g. eyeriss_v1_scaled.noc.weight_port_bits=16\n",
                 text);
      return 2;
    }
    WhatIf w{text, text.substr(0, dot), {text.substr(dot + 1, eq - dot - 1), text.substr(eq + 1)}};
    if (w.arch != "*" && !hw::preset(w.arch)) {
      fmt::print(err, "eyesim: error: --set '{}': '{}' is not a preset (eyesim list archs), nor * for every preset\n",
                 text, w.arch);
      return 2;
    }
    for (const WhatIf& earlier : what_ifs) {
      if (earlier.param.path == w.param.path && (earlier.arch == w.arch || earlier.arch == "*" || w.arch == "*")) {
        fmt::print(err, "eyesim: error: --set '{}' and --set '{}' both set {} on {}: give one value\n", earlier.text,
                   text, w.param.path, w.arch == "*" ? earlier.arch : w.arch);
        return 2;
      }
    }
    // The value must parse and lie in the parameter's range on every preset it applies to (as a case's
    // architecture is checked before it runs), so that a bad value is a usage error, not a column of ERRORs.
    for (const std::string& name : w.arch == "*" ? hw::preset_names() : std::vector<std::string>{w.arch}) {
      hw::ArchSpec probe = *hw::preset(name);
      std::optional<std::string> problem = sweep::apply_arch_override(probe, w.param.path, w.param.value);
      if (!problem) {
        for (const hw::ConfigIssue& issue : hw::validate(probe))
          if (issue.path == w.param.path) problem = fmt::format("{} {} on {}", issue.path, issue.message, name);
      }
      if (problem) {
        fmt::print(err, "eyesim: error: --set '{}': {}\n", text, *problem);
        return 2;
      }
    }
    bool used = false;
    const auto apply = [&](RunKey& k) {
      if (w.arch != "*" && k.arch != w.arch) return;
      used = true;
      const auto same = std::find_if(k.overrides.begin(), k.overrides.end(),
                                     [&](const ParamOverride& o) { return o.path == w.param.path; });
      if (same != k.overrides.end()) k.overrides.erase(same);
      k.overrides.push_back(w.param);
    };
    for (PublishedCase& c : cases) {
      if (!c.of_cases.empty()) continue;
      apply(c.run);
      if (c.baseline) apply(*c.baseline);
    }
    if (!used) {
      fmt::print(err, "eyesim: error: --set '{}': no case selected runs '{}'\n", text, w.arch);
      return 2;
    }
    what_ifs.push_back(std::move(w));
  }

  // Distinct simulations, each resolved before any runs (bad presets or overrides are reported up front).
  std::map<std::string, RunKey> runs;
  for (const PublishedCase& c : cases) {
    if (!c.of_cases.empty()) continue;  // an aggregate runs nothing itself
    runs.emplace(key_text(c.run), c.run);
    if (c.baseline) runs.emplace(key_text(*c.baseline), *c.baseline);
  }
  struct Job {
    RunKey key;
    hw::ArchSpec arch;
    std::vector<hw::MappingOverride> mappings;
    std::string data_key;  ///< network, batch and layers prepared
    std::shared_ptr<const workloads::NetworkData> data;
    std::size_t max_layers = 0;  ///< layers simulated (0: all); the data may hold one more
    hw::NetworkResult result;
    std::string failure;
  };
  std::vector<Job> jobs;
  struct ToPrepare {
    workloads::Network network;
    std::uint32_t batch = 1;
    std::shared_ptr<const workloads::NetworkData> data;
    std::string failure;
  };
  std::map<std::string, ToPrepare> to_prepare;  // by Job::data_key
  for (const auto& [text, key] : runs) {
    Job j;
    j.key = key;
    auto arch = hw::preset(key.arch);
    if (!arch) {
      fmt::print(err, "eyesim: error: validation case uses unknown architecture '{}'\n", key.arch);
      return 2;
    }
    j.arch = *arch;
    for (const ParamOverride& o : key.overrides) {
      if (auto problem = sweep::apply_arch_override(j.arch, o.path, o.value)) {
        fmt::print(err, "eyesim: error: validation override '{}': {}\n", o.path, *problem);
        return 2;
      }
    }
    auto net = workloads::builtin_network(key.net);
    if (!net) {
      fmt::print(err, "eyesim: error: validation case uses unknown network '{}'\n", key.net);
      return 2;
    }
    if (!key.mapping.empty()) {
      // Embedded cases name an embedded mapping file; a cases file's mappings live next to it.
      try {
        if (args.cases_file.empty()) {
          const auto embedded = embedded_mapping_file(key.mapping);
          if (!embedded) throw std::runtime_error(fmt::format("no built-in mapping file '{}'", key.mapping));
          j.mappings = sweep::parse_mapping_toml(*embedded, key.mapping, &*net);
        } else {
          j.mappings =
              sweep::load_mapping_file(std::filesystem::path(args.cases_file).parent_path() / key.mapping, &*net);
        }
      } catch (const std::exception& e) {
        fmt::print(err, "eyesim: error: validation mapping '{}': {}\n", key.mapping, e.what());
        return 2;
      }
    }
    // When every case of this run reads only some layers, the layers after the last of them are not
    // simulated (a prefix keeps each layer's generated data: it is seeded by the layer's index). The
    // next layer is still prepared: its input tells what the last simulated one writes.
    bool all_filtered = true;
    std::size_t keep = 0;
    for (const PublishedCase& c : cases) {
      if (!c.of_cases.empty()) continue;
      if (!(c.run == key) && !(c.baseline && *c.baseline == key)) continue;
      if (c.layers.empty()) all_filtered = false;
      for (std::size_t i = 0; i < net->layers.size(); ++i)
        if (!c.layers.empty() && layer_selected(c.layers, net->layers[i].shape.name)) keep = std::max(keep, i + 1);
    }
    if (all_filtered && keep > 0) {
      j.max_layers = keep;
      net->layers.resize(std::min(keep + 1, net->layers.size()));
    }
    j.data_key = fmt::format("{}|{}|{}", key.net, key.batch, net->layers.size());
    to_prepare.try_emplace(j.data_key, ToPrepare{*net, key.batch, {}, {}});
    jobs.push_back(std::move(j));
  }

  // The distinct networks' data, prepared side by side, and each one's layers too (as eyesim run does).
  if (!args.quiet) fmt::print(err, "{}", sweep::clamped_jobs_note(args.jobs));
  tbb::task_arena arena(static_cast<int>(sweep::worker_threads(args.jobs)));
  const IndexLoop layers = sweep::arena_loop(arena);
  // Progress on stderr, as `eyesim run` has it: the layers prepared, then the simulations done, their
  // share of MACs and the candidates a search simulated (a run's hw::RunProgress per simulation).
  const sweep::ProgressPolicy policy =
      sweep::progress_policy(args.quiet ? sweep::ProgressMode::kNever : *progress_mode, isatty(fileno(err)) != 0);
  std::deque<hw::RunProgress> progress;  // per job (atomics do not move)
  std::vector<sweep::WatchedRun> watched;
  std::size_t to_prepare_layers = 0;
  for (const auto& [data_key, p] : to_prepare) to_prepare_layers += p.network.layers.size();
  for (const Job& j : jobs) {
    const ToPrepare& p = to_prepare.at(j.data_key);
    const workloads::Network& net = p.network;
    progress.emplace_back(j.max_layers == 0 ? net.layers.size() : std::min(j.max_layers, net.layers.size()));
    watched.push_back(sweep::watched_run(progress.back(), net, p.batch));
  }
  sweep::PreparationProgress prepared(to_prepare_layers);
  const IndexLoop counted = prepared.counting(layers);
  std::atomic<bool> simulating{false};
  sweep::ProgressDisplay display(err, policy, "eyesim: validate ", [&](double elapsed) {
    if (simulating.load(std::memory_order_relaxed)) return sweep::layer_progress_line(watched, elapsed);
    return prepared.line(elapsed);
  });
  std::vector<ToPrepare*> preparing;
  for (auto& [data_key, p] : to_prepare) preparing.push_back(&p);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, preparing.size(), [&](std::size_t i) {
      ToPrepare& p = *preparing[i];
      try {
        p.data = workloads::prepare_network(p.network, kValidationSeed, p.batch, policy.enabled ? counted : layers);
      } catch (const std::exception& e) {
        p.failure = e.what();
      }
    });
  });
  for (const auto& [data_key, p] : to_prepare) {
    if (!p.failure.empty()) {
      display.finish();
      fmt::print(err, "eyesim: error: preparing the data of validation network '{}': {}\n", p.network.name, p.failure);
      return 1;
    }
  }
  for (Job& j : jobs) j.data = to_prepare.at(j.data_key).data;

  const auto start = std::chrono::steady_clock::now();
  simulating.store(true, std::memory_order_relaxed);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t i) {
      Job& j = jobs[i];
      try {
        j.result = hw::simulate_network(j.arch, *j.data, hw::RunOptions{.verify = false, .collect_traces = false, .forced_mappings = j.mappings,
                                                                   .max_layers = j.max_layers, .mapper = *mapper,
                                                                   .progress = policy.enabled ? &progress[i] : nullptr},
                                          layers);
      } catch (const std::exception& e) {
        j.failure = e.what();
      }
    });
  });
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  display.finish();

  auto find_job = [&](const RunKey& k) -> const Job& {
    const std::string text = key_text(k);
    for (const Job& j : jobs) {
      if (key_text(j.key) == text) return j;
    }
    throw std::logic_error("validation run missing");
  };

  std::vector<CaseOutcome> all_outcomes;
  for (const PublishedCase& c : cases) {
    CaseOutcome o;
    o.c = &c;
    if (!c.of_cases.empty()) {  // filled in below, once its components are known
      all_outcomes.push_back(o);
      continue;
    }
    const Job& j = find_job(c.run);
    const Job* b = c.baseline ? &find_job(*c.baseline) : nullptr;
    if (!j.failure.empty() || (b && !b->failure.empty())) {
      o.failure = !j.failure.empty() ? j.failure : b->failure;
    } else {
      try {
        o.simulated = metric_value(c, j.result);
        if (b) {
          const double base = metric_value(c, b->result);
          o.simulated = base != 0 ? o.simulated / base : 0.0;
        }
      } catch (const std::exception& e) {
        o.failure = e.what();
      }
    }
    if (o.failure.empty()) judge(o);
    all_outcomes.push_back(o);
  }
  for (CaseOutcome& o : all_outcomes) {
    const PublishedCase& c = *o.c;
    if (c.of_cases.empty()) continue;
    double sum = 0;
    for (const std::string& id : c.of_cases) {
      const auto it = std::find_if(all_outcomes.begin(), all_outcomes.end(),
                                   [&](const CaseOutcome& k) { return k.c->id == id; });
      if (!it->failure.empty()) {
        o.failure = fmt::format("component case '{}' failed: {}", id, it->failure);
        break;
      }
      sum += std::abs(it->error) * 100.0;
    }
    if (!o.failure.empty()) continue;
    o.simulated = sum / static_cast<double>(c.of_cases.size());
    judge(o);
  }
  std::vector<CaseOutcome> outcomes;
  for (std::size_t i = 0; i < all_outcomes.size(); ++i)
    if (shown[i]) outcomes.push_back(all_outcomes[i]);

  int failed = 0;
  int informational = 0;
  for (const CaseOutcome& o : outcomes) {
    failed += (o.failure.empty() && o.pass) ? 0 : 1;
    informational += (o.failure.empty() && o.c->informational) ? 1 : 0;
  }

  // The --set readings, as every CSV and JSON row carries them ("" for the validated configuration).
  std::string what_if_text;
  for (const WhatIf& w : what_ifs) what_if_text += (what_if_text.empty() ? "" : "; ") + w.text;

  if (args.format == "table") {
    if (args.dram_gbps)
      fmt::print(out, "DRAM bandwidth {} GB/s for the cases of groups 1-4 (the others keep theirs)\n\n", *args.dram_gbps);
    if (mapper->mode != hw::MapperMode::kEstimate)
      fmt::print(out, "mapper {} for every layer without a forced mapping (the validated configuration is estimate)\n\n",
                 hw::describe(*mapper));
    for (const WhatIf& w : what_ifs)
      fmt::print(out, "what-if: {} = {} on {} (--set; not the validated configuration)\n{}", w.param.path,
                 w.param.value, w.arch == "*" ? std::string("every preset") : w.arch,
                 &w == &what_ifs.back() ? "\n" : "");
    fmt::print(out, "{:<44} {:>2} {:<22} {:>10} {:>10} {:>8} {:>9}  {}\n", "case", "#", "metric", "published",
               "simulated", "error", "tolerance", "verdict");
    for (const CaseOutcome& o : outcomes) {
      const PublishedCase& c = *o.c;
      const std::string published = c.published  ? fmt::format("{:.4g}", *c.published)
                                    : c.at_least && c.at_most ? fmt::format("{:.4g}..{:.4g}", *c.at_least, *c.at_most)
                                    : c.at_least ? fmt::format(">= {:.4g}", *c.at_least)
                                    : c.at_most  ? fmt::format("<= {:.4g}", *c.at_most)
                                                 : std::string("-");
      const std::string tol = c.published ? fmt::format("{:.0f}%", c.tolerance * 100) : std::string("-");
      const std::string error = c.published && o.failure.empty() ? fmt::format("{:+.1f}%", o.error * 100) : "-";
      fmt::print(out, "{:<44} {:>2} {:<22} {:>10} {:>10.4g} {:>8} {:>9}  {}\n", c.id, c.group, c.metric, published,
                 o.simulated, error, tol, verdict(o));
      if (!o.failure.empty()) fmt::print(out, "    simulation failed: {}\n", o.failure);
      if (!c.note.empty()) fmt::print(out, "    note: {}\n", c.note);
    }
    // Informational cases never fail and are not counted as passes.
    const std::size_t checked = outcomes.size() - informational;
    fmt::print(out, "\n{} of {} cases pass{} ({} simulation{}, {:.1f} s)\n", checked - failed, checked,
               informational > 0 ? fmt::format(", {} informational", informational) : std::string(), jobs.size(),
               jobs.size() == 1 ? "" : "s", wall_s);
  } else if (args.format == "csv") {
    // The texts come from the cases file (a user's, with --cases-file): RFC 4180 quoting keeps the columns.
    // A bound (at_least / at_most) has no error or tolerance: empty there (null in JSON), as the table's "-".
    // `failure`: why a case's simulation failed (its verdict ERROR), empty otherwise, as JSON's "failure".
    fmt::print(out, "case,group,metric,published,at_least,at_most,simulated,error,tolerance,verdict,failure,source,note,"
                    "what_if\n");
    for (const CaseOutcome& o : outcomes) {
      const PublishedCase& c = *o.c;
      fmt::print(out, "{},{},{},{},{},{},{:.6g},{},{},{},{},{},{},{}\n", csv_field(c.id), c.group, csv_field(c.metric),
                 c.published ? fmt::format("{}", *c.published) : "", c.at_least ? fmt::format("{}", *c.at_least) : "",
                 c.at_most ? fmt::format("{}", *c.at_most) : "", o.simulated,
                 c.published ? fmt::format("{:.6g}", o.error) : "", c.published ? fmt::format("{}", c.tolerance) : "",
                 verdict(o), csv_field(o.failure), csv_quoted(c.source), csv_quoted(c.note), csv_quoted(what_if_text));
    }
  } else {
    fmt::print(out, "[\n");
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      const CaseOutcome& o = outcomes[i];
      const PublishedCase& c = *o.c;
      fmt::print(out,
                 "  {{\"case\": {}, \"group\": {}, \"metric\": {}, \"published\": {}, \"at_least\": {}, "
                 "\"at_most\": {}, \"simulated\": {}, \"error\": {}, \"tolerance\": {}, \"verdict\": \"{}\", "
                 "\"failure\": {}, \"source\": {}, \"note\": {}, \"what_if\": {}}}{}\n",
                 json_string(c.id), c.group, json_string(c.metric), c.published ? fmt::format("{}", *c.published) : "null",
                 c.at_least ? fmt::format("{}", *c.at_least) : "null", c.at_most ? fmt::format("{}", *c.at_most) : "null",
                 json_number(o.simulated, 6), c.published ? json_number(o.error, 6) : "null",
                 c.published ? fmt::format("{}", c.tolerance) : "null", verdict(o), json_string(o.failure), json_string(c.source),
                 json_string(c.note), json_string(what_if_text), i + 1 < outcomes.size() ? "," : "");
    }
    fmt::print(out, "]\n");
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace eyesim::tools

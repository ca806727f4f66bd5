// eyesim: the command line. Parses arguments with CLI11 and dispatches to the subcommands.
// Exit codes: 0 ok; 1 runtime failure; 2 usage or spec error; 3 some design points failed (--strict).
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "core/nearest_name.h"
#include "eyesim/build_info.h"
#include "tools/merge_command.h"
#include "tools/number_text.h"
#include "tools/report_command.h"
#include "tools/run_command.h"
#include "tools/sweep_command.h"
#include "tools/validate_command.h"

namespace {

constexpr int kExitUsage = 2;

/// The one process-wide variable: the signal handler may only set a lock-free atomic. The sweep polls
/// it to stop cleanly (finish, write, close) and exits 128 + the signal number.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

/// The first SIGINT / SIGTERM asks the sweep to stop after its running points; a second one stops it at once,
/// as the signal's default action does (the journal keeps every finished point for --resume).
extern "C" void on_stop_signal(int sig) {
  if (g_stop_signal.exchange(sig) == 0) return;
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

/// A seed as typed: the whole text a decimal integer in [0, 2^64 - 1] (parse_whole: CLI11 reads a larger
/// number into a uint64 as its largest value, and "-1" as 2^64 - 1, without a word).
const CLI::Validator kSeedText(
    [](std::string& text) -> std::string {
      if (!eyesim::tools::parse_whole<std::uint64_t>(text))
        return "a seed is a whole number in [0, 18446744073709551615] (got '" + text + "')";
      return {};
    },
    "SEED");

/// What a misspelt command or option most likely meant, for a parse error CLI11 words without it ("A
/// subcommand is required" for `eyesim valdate`, "The following arguments were not expected: --mapers" for
/// `eyesim run --mapers`): the first word that is not a command, or the first option of the command that it
/// does not have, named with the nearest known one. Empty when neither is the problem.
std::string usage_hint(CLI::App& app, int argc, char** argv) {
  if (argc < 2) return {};
  const std::string_view word = argv[1];
  CLI::App* command = nullptr;
  std::vector<std::string> commands;
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    commands.push_back(sub->get_name());
    if (sub->get_name() == word) command = sub;
  }
  if (!command) {
    if (word.starts_with("--")) {  // an option of eyesim itself: only --help and --version
      const std::vector<std::string> own = {"--help", "--version"};
      const std::string_view name = word.substr(0, word.find('='));
      if (std::find(own.begin(), own.end(), name) != own.end()) return {};
      return fmt::format("eyesim: error: unknown option '{}' (eyesim takes --help, --version or a command){}\n", name,
                         eyesim::did_you_mean(name, own));
    }
    if (word.starts_with('-')) return {};
    std::string list;
    for (const std::string& c : commands) list += (list.empty() ? "" : ", ") + c;
    return fmt::format("eyesim: error: unknown command '{}' (the commands: {}){}\n", word, list,
                       eyesim::did_you_mean(word, commands));
  }
  std::vector<std::string> options;
  for (const CLI::Option* o : command->get_options()) {
    for (const std::string& n : o->get_lnames()) options.push_back("--" + n);
    for (const std::string& n : o->get_snames()) options.push_back("-" + n);
  }
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (!arg.starts_with("--")) continue;  // a value, or short options, which CLI11 names well enough
    const std::string_view name = arg.substr(0, arg.find('='));
    if (std::find(options.begin(), options.end(), name) != options.end()) continue;
    return fmt::format("eyesim {}: error: unknown option '{}' (eyesim {} --help lists them){}\n", word, name, word,
                       eyesim::did_you_mean(name, options));
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eyesim: a discrete-event simulator of the Eyeriss v2 sparse DNN accelerator", "eyesim"};
  app.set_version_flag("--version", std::string("eyesim ") + EYESIM_VERSION + " (git " + EYESIM_GIT_REVISION + ")");
  app.require_subcommand(1);
  // CLI11's error, in eyesim's words, without its own "Run with --help" line: the usage hint follows
  // (set before the subcommands, which copy it).
  app.failure_message([](const CLI::App*, const CLI::Error& e) { return fmt::format("eyesim: error: {}\n", e.what()); });

  eyesim::tools::RunArgs run_args;
  auto* run = app.add_subcommand("run", "simulate one network on one architecture");
  run->add_option("--arch", run_args.arch, "architecture: a preset (eyesim list archs) or a .toml file")->capture_default_str();
  run->add_option("--set", run_args.sets,
                  "PARAM=VALUE: set one architecture parameter after --arch (repeatable), e.g. noc.iact_port_bits=48; "
                  "the parameters: eyesim show arch");
  run->add_option("--net", run_args.net, "network: a built-in (eyesim list nets) or a .toml file")->capture_default_str();
  run->add_option("--seed", run_args.seed, "seed of the generated data")->check(kSeedText)->capture_default_str();
  run->add_option("--batch", run_args.batch, "images per inference")->check(CLI::Range(1, 1024))->capture_default_str();
  run->add_option("--mapping", run_args.mapping, "TOML file forcing mapping factors ([[mapping]] m0 = ...)")
      ->check(CLI::ExistingFile);
  run->add_option("-o,--output", run_args.output,
                  "also write the result printed, forced --mapping included, as HDF5 (docs/results.md)")
      ->check(CLI::Validator(
          [](const std::string& s) { return s.empty() ? std::string("-o is empty; expected the result file to write") : ""; },
          "FILE"));
  run->add_flag("-f,--force", run_args.force, "overwrite the -o file if it exists");
  run->add_option("--mapper", run_args.mapper.mode,
                  "estimate: the mapper's estimate picks each layer's mapping; simulate: the candidates within a window "
                  "of the best estimate are simulated and the fewest cycles win (docs/model.md section 2)")
      ->capture_default_str();
  run->add_option("--mapper-window", run_args.mapper.window,
                  "with --mapper simulate: candidates whose estimate is within this fraction of the best, in [0, 1] "
                  "(default 0.05)");
  run->add_option("--mapper-candidates", run_args.mapper.candidates,
                  "with --mapper simulate: at most this many candidates simulated per layer, in [1, 64] (default 8)");
  run->add_flag("--verify", run_args.verify, "carry values and compare every layer with the reference convolution");
  run->add_option("-j,--jobs", run_args.jobs,
                  "threads preparing and simulating the layers side by side, with the same results (0 or omitted: "
                  "the cores this process may use, also the most)")
      ->check(CLI::Range(0, 4096));
  run->add_option("--format", run_args.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))->capture_default_str();
  run->add_option("--progress", run_args.progress,
                  "auto, always or never: layers done, share of MACs, candidates simulated, elapsed time, on stderr "
                  "(auto: on a terminal once the run has taken 2 s, erased at the end, elsewhere a line every 10 s; always: "
                  "from the start, the last line kept)")
      ->check(CLI::IsMember({"auto", "always", "never"}))->capture_default_str();
  run->add_flag("-q,--quiet", run_args.quiet, "no progress output (as --progress never), no note of a clamped -j");
  eyesim::tools::SweepArgs sweep_args;
  auto* sweep = app.add_subcommand("sweep", "run a design-space sweep into an HDF5 file");
  sweep->add_option("spec", sweep_args.spec, "sweep spec (TOML); default: the built-in sweep")->check(CLI::ExistingFile);
  sweep->add_option("-o,--output", sweep_args.output, "result file (may contain {shard})")->capture_default_str();
  sweep->add_option("-j,--jobs", sweep_args.jobs,
                    "simulation threads (0 or omitted: the cores this process may use, also the most)")
      ->check(CLI::Range(0, 4096));
  sweep->add_flag("--resume", sweep_args.resume, "continue an interrupted sweep of the same spec");
  sweep->add_flag("-f,--force", sweep_args.force, "overwrite the output file if it exists");
  sweep->add_flag("--strict", sweep_args.strict, "exit 3 if any design point failed");
  sweep->add_flag("--dry-run", sweep_args.dry_run,
                  "print the points, why any are invalid, and memory and run-time estimates (the run time from a "
                  "few of its points simulated, per workload and architecture class); write nothing");
  sweep->add_flag("-q,--quiet", sweep_args.quiet, "no progress output");
  sweep->add_option("--progress", sweep_args.progress, "auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))->capture_default_str();
  sweep->add_option("--seed", sweep_args.seed, "override the spec's seed")->check(kSeedText);
  CLI::Option* sweep_mapper[] = {
      sweep->add_option("--mapper", sweep_args.mapper.mode,
                        "override the spec's mapper search: estimate or simulate (as for run; docs/sweeps.md)"),
      sweep->add_option("--mapper-window", sweep_args.mapper.window, "with --mapper simulate: as for run"),
      sweep->add_option("--mapper-candidates", sweep_args.mapper.candidates, "with --mapper simulate: as for run")};
  sweep->add_option("--shard", sweep_args.shard, "run only shard k/N of the points, or 'auto' from Slurm/MPI variables");
  eyesim::tools::ValidateArgs validate_args;
  auto* validate = app.add_subcommand("validate", "compare simulated results with the published ones");
  validate->add_option("--format", validate_args.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))->capture_default_str();
  validate->add_flag("--cheap", validate_args.cheap_only, "only the cases that run in under a second");
  validate->add_option("--case", validate_args.case_filter, "only cases whose id contains this text");
  validate->add_option("--cases-file", validate_args.cases_file, "a cases file instead of the built-in one")
      ->check(CLI::ExistingFile);
  validate->add_option("-j,--jobs", validate_args.jobs,
                       "threads (0 or omitted: the cores this process may use, also the most)")
      ->check(CLI::Range(0, 4096));
  validate->add_option("--progress", validate_args.progress,
                       "auto, always or never: simulations done, share of MACs, candidates simulated, elapsed time, "
                       "on stderr, as for run")
      ->check(CLI::IsMember({"auto", "always", "never"}))->capture_default_str();
  validate->add_flag("-q,--quiet", validate_args.quiet, "no progress output (as --progress never), no note of a clamped -j");
  validate->add_option("--mapper", validate_args.mapper.mode,
                       "estimate (the validated configuration) or simulate: each case with the mapping search by "
                       "simulation")
      ->capture_default_str();
  validate->add_option("--mapper-window", validate_args.mapper.window, "with --mapper simulate: as for run");
  validate->add_option("--mapper-candidates", validate_args.mapper.candidates, "with --mapper simulate: as for run");
  validate->add_option("--dram-gbps", validate_args.dram_gbps,
                       "run the V2 paper's cases (groups 1-4) at this DRAM bandwidth in GB/s (sensitivity table)");
  validate->add_option("--set", validate_args.sets,
                       "ARCH.PARAM=VALUE: run every case on preset ARCH (* for all) with another value of PARAM, after "
                       "the case's own overrides (a what-if; repeatable), e.g. eyeriss_v1_scaled.noc.weight_port_bits=16");
  eyesim::tools::MergeArgs merge_args;
  auto* merge = app.add_subcommand("merge", "merge the HDF5 parts of a sharded sweep into one file");
  merge->add_option("parts", merge_args.parts, "part files (eyesim sweep --shard k/N -o part-{shard}.h5)")
      ->required()->check(CLI::ExistingFile);
  merge->add_option("-o,--output", merge_args.output, "merged result file")->required();
  merge->add_flag("--allow-partial", merge_args.allow_partial, "merge what is there and record the missing points");
  merge->add_flag("-f,--force", merge_args.force, "overwrite the output file if it exists");
  eyesim::tools::ReportArgs report_args;
  auto* report = app.add_subcommand("report", "summarize a result file: size, failures, best points, what matters");
  report->add_option("file", report_args.file, "result file (HDF5)")->required()->check(CLI::ExistingFile);
  report->add_option("--top", report_args.top, "best points listed per network and metric")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  std::string list_what;
  auto* list = app.add_subcommand("list", "list built-in architectures or networks");
  list->add_option("what", list_what, "archs or nets (both when omitted)")->check(CLI::IsMember({"archs", "nets"}));
  std::string show_what, show_name;
  auto* show = app.add_subcommand("show", "print a resolved architecture or network as TOML (a file to edit)");
  show->add_option("what", show_what, "arch or net")->required()->check(CLI::IsMember({"arch", "net"}));
  show->add_option("name", show_name, "built-in name or .toml file")->required();
  std::vector<std::string> show_sets;
  show->add_option("--set", show_sets,
                   "PARAM=VALUE: with arch, set one parameter of the architecture printed (repeatable), as for run");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A misspelt command or option: named, with the nearest known one, instead of CLI11's words.
    if (const std::string hint = e.get_exit_code() != 0 ? usage_hint(app, argc, argv) : std::string(); !hint.empty()) {
      fmt::print(stderr, "{}", hint);
      return kExitUsage;
    }
    const int rc = app.exit(e);
    if (rc != 0) fmt::print(stderr, "eyesim: run 'eyesim --help' or 'eyesim <command> --help' for usage\n");
    return rc == 0 ? 0 : kExitUsage;
  }
  const auto dispatch = [&]() -> int {
    if (run->parsed()) {
      for (int i = 0; i < argc; ++i) run_args.command_line += (i ? " " : "") + std::string(argv[i]);
      run_args.version = std::string("eyesim ") + EYESIM_VERSION + " (git " + EYESIM_GIT_REVISION + ")";
      return eyesim::tools::run_command(run_args, stdout, stderr);
    }
    if (sweep->parsed()) {
      for (int i = 0; i < argc; ++i) sweep_args.command_line += (i ? " " : "") + std::string(argv[i]);
      sweep_args.version = std::string("eyesim ") + EYESIM_VERSION + " (git " + EYESIM_GIT_REVISION + ")";
      for (const CLI::Option* o : sweep_mapper) sweep_args.mapper_given = sweep_args.mapper_given || o->count() > 0;
      if (!sweep_args.dry_run) {  // a dry run writes nothing: a signal ends it at once, by its default action
        std::signal(SIGINT, on_stop_signal);
        std::signal(SIGTERM, on_stop_signal);
      }
      return eyesim::tools::sweep_command(sweep_args, g_stop_signal, stdout, stderr);
    }
    if (validate->parsed()) return eyesim::tools::validate_command(validate_args, stdout, stderr);
    if (merge->parsed()) {
      for (int i = 0; i < argc; ++i) merge_args.command_line += (i ? " " : "") + std::string(argv[i]);
      merge_args.version = std::string("eyesim ") + EYESIM_VERSION + " (git " + EYESIM_GIT_REVISION + ")";
      return eyesim::tools::merge_command(merge_args, stdout, stderr);
    }
    if (report->parsed()) return eyesim::tools::report_command(report_args, stdout, stderr);
    if (list->parsed()) return eyesim::tools::list_command(list_what, stdout, stderr);
    if (show->parsed()) return eyesim::tools::show_command(show_what, show_name, show_sets, stdout, stderr);
    return 0;
  };
  // Each command reports its own errors; anything that still escapes one (an allocation failure, a
  // filesystem error in a place no command expected) is a runtime failure with its message, not an abort.
  try {
    return dispatch();
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "eyesim: error: out of memory (std::bad_alloc)\n");
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "eyesim: error: {}\n", e.what());
    return 1;
  }
}

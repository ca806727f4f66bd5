// eyesim: the command line. Parses arguments with CLI11 and dispatches to the subcommands.
// Exit codes: 0 ok; 1 runtime failure; 2 usage or spec error; 3 some design points failed (--strict).
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "eyesim/build_info.h"

namespace {

constexpr int kExitUsage = 2;

int not_yet(const char* what, int issue) {
  fmt::print(stderr, "eyesim: error: '{}' is not implemented yet (tracked in issue {})\n", what, issue);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eyesim: a discrete-event simulator of the Eyeriss v2 sparse DNN accelerator", "eyesim"};
  app.set_version_flag("--version", std::string("eyesim ") + EYESIM_VERSION + " (git " + EYESIM_GIT_REVISION + ")");
  app.require_subcommand(1);

  auto* run = app.add_subcommand("run", "simulate one network on one architecture");
  auto* sweep = app.add_subcommand("sweep", "run a design-space sweep into an HDF5 file");
  auto* validate = app.add_subcommand("validate", "compare simulated results with the published ones");
  auto* merge = app.add_subcommand("merge", "merge the HDF5 parts of a sharded sweep");
  auto* list = app.add_subcommand("list", "list built-in architectures or networks");
  auto* show = app.add_subcommand("show", "print a resolved architecture as TOML");
  (void)run;
  (void)sweep;
  (void)validate;
  (void)merge;
  (void)list;
  (void)show;

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    if (rc != 0) fmt::print(stderr, "eyesim: run 'eyesim --help' or 'eyesim <command> --help' for usage\n");
    return rc == 0 ? 0 : kExitUsage;
  }
  if (run->parsed()) return not_yet("run", 4);
  if (sweep->parsed()) return not_yet("sweep", 6);
  if (validate->parsed()) return not_yet("validate", 5);
  if (merge->parsed()) return not_yet("merge", 7);
  if (list->parsed()) return not_yet("list", 4);
  if (show->parsed()) return not_yet("show", 4);
  return 0;
}

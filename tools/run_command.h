// `eyesim run` and `eyesim list`: one network on one architecture, printed as a per-layer table.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "tools/mapper_args.h"

namespace eyesim::tools {

struct RunArgs {
  std::string arch = "eyeriss_v2";  ///< preset name or .toml architecture file
  std::vector<std::string> sets;    ///< --set PARAM=VALUE, applied to `arch` in order
  std::string net = "sparse_mobilenet";  ///< built-in name or .toml network file
  std::uint64_t seed = 1;
  std::uint32_t batch = 1;
  bool verify = false;
  std::string format = "table";  ///< table | csv | json
  std::string mapping;           ///< optional TOML file forcing mapping factors
  MapperArgs mapper;             ///< --mapper estimate|simulate and its window and candidate count
  std::string output;            ///< optional HDF5 file (the schema of docs/results.md, one design point)
  bool force = false;            ///< overwrite an existing output (without: refused, as sweep and merge do)
  int jobs = 0;                  ///< threads preparing and simulating layers side by side (0: every available one)
  std::string progress = "auto"; ///< auto | always | never: progress on stderr (sweep/progress_display.h)
  bool quiet = false;            ///< -q: no progress (as --progress never) and no note of a clamped -j
  std::string command_line;
  std::string version;
};

/// Exit code: 0 ok; 1 simulation failure (mapping, verification); 2 unknown arch/net, bad format or progress mode.
int run_command(const RunArgs& args, std::FILE* out, std::FILE* err);

/// `eyesim show arch|net NAME|FILE`: the resolved architecture (with `sets`, PARAM=VALUE, applied), or the
/// network as a network file, as TOML. Exit code 2 for unknown names, bad files or bad --set values.
int show_command(std::string_view what, std::string_view name, const std::vector<std::string>& sets, std::FILE* out,
                 std::FILE* err);

/// `eyesim list archs|nets`. Exit code 2 for anything else.
int list_command(std::string_view what, std::FILE* out, std::FILE* err);

}  // namespace eyesim::tools

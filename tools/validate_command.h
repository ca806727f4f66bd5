// `eyesim validate`: simulate every published case and compare with the paper.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "tools/mapper_args.h"

namespace eyesim::tools {

struct ValidateArgs {
  std::string format = "table";  ///< table | csv | json
  bool cheap_only = false;       ///< only the cases marked cheap (the CI golden test)
  std::string case_filter;       ///< only case ids containing this text
  std::string cases_file;        ///< empty: the cases compiled into the binary
  int jobs = 0;                  ///< 0: all cores
  std::string progress = "auto"; ///< auto | always | never: progress on stderr, as `eyesim run`'s
  bool quiet = false;            ///< -q: no progress (as --progress never) and no note of a clamped -j
  /// Set: the cases of the V2 paper's evaluation (groups 1-4) run at this DRAM bandwidth (GB/s) instead
  /// of their architecture's; the JSSC chip (its measured link), the scalability setup (unlimited by
  /// definition) and the sensitivity cases (their own bandwidths) are left as they are.
  std::optional<double> dram_gbps;
  /// --mapper: estimate (the validated configuration) or simulate (a sensitivity view: docs/validation.md).
  MapperArgs mapper;
  /// --set ARCH.PARAM=VALUE, repeatable: another reading of a parameter for every case (and baseline) that runs
  /// the preset ARCH (`*`: every preset), after the case's own overrides. A what-if, not the validated
  /// configuration: docs/validation.md, "Trying another reading".
  std::vector<std::string> sets;
};

/// Exit code: 0 all cases pass, 1 some case fails or a simulation fails, 2 bad arguments or cases file.
int validate_command(const ValidateArgs& args, std::FILE* out, std::FILE* err);

}  // namespace eyesim::tools

// `eyesim validate`: simulate every published case and compare with the paper.
#pragma once

#include <cstdio>
#include <string>

namespace eyesim::tools {

struct ValidateArgs {
  std::string format = "table";  ///< table | csv | json
  bool cheap_only = false;       ///< only the cases marked cheap (the CI golden test)
  std::string case_filter;       ///< only case ids containing this text
  std::string cases_file;        ///< empty: the cases compiled into the binary
  int jobs = 0;                  ///< 0: all cores
};

/// Exit code: 0 all cases pass, 1 some case fails or a simulation fails, 2 bad arguments or cases file.
int validate_command(const ValidateArgs& args, std::FILE* out, std::FILE* err);

}  // namespace eyesim::tools

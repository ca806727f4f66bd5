// `eyesim report`: a text summary of a result file on the terminal.
#pragma once

#include <cstdio>
#include <string>

namespace eyesim::tools {

struct ReportArgs {
  std::string file;  ///< an eyesim result file (docs/results.md)
  int top = 3;       ///< best points listed per network and metric
};

/// Exit code: 0 ok; 1 the file cannot be read; 2 not an eyesim result file or bad arguments.
int report_command(const ReportArgs& args, std::FILE* out, std::FILE* err);

}  // namespace eyesim::tools

// Placeholder: implemented under issue 8.
#include "tools/report_command.h"

#include <fmt/core.h>

namespace eyesim::tools {

int report_command(const ReportArgs&, std::FILE*, std::FILE* err) {
  fmt::print(err, "eyesim: error: 'report' is not implemented yet (issue 8)\n");
  return 2;
}

}  // namespace eyesim::tools

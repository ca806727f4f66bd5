#include "core/check.h"

namespace eyesim {

void check_failed(const char* file, int line, const char* cond, const std::string& msg) {
  throw CheckFailure(fmt::format("internal check failed: {} ({}) at {}:{}", msg, cond, file, line));
}

}  // namespace eyesim

// EYESIM_CHECK: model-invariant checks, on in every build. A failure throws CheckFailure, which the
// caller of a simulation (eyesim run, the sweep runner) turns into an error or a failed-point row.
#pragma once

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace eyesim {

/// A violated model invariant (time going backwards, SPad overflow, ...). Never thrown for bad user
/// input: that is reported by validate() functions before a simulation starts.
class CheckFailure : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void check_failed(const char* file, int line, const char* cond, const std::string& msg);

}  // namespace eyesim

#define EYESIM_CHECK(cond, ...)                                                          \
  do {                                                                                   \
    if (!(cond)) [[unlikely]] {                                                          \
      ::eyesim::check_failed(__FILE__, __LINE__, #cond, ::fmt::format(__VA_ARGS__));     \
    }                                                                                    \
  } while (false)

#ifdef NDEBUG
#define EYESIM_DEBUG_CHECK(cond, ...) \
  do {                                \
  } while (false)
#else
#define EYESIM_DEBUG_CHECK(cond, ...) EYESIM_CHECK(cond, __VA_ARGS__)
#endif

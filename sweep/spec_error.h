// SpecError: a problem in a user's TOML file (architecture, network or sweep spec), with its place.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace eyesim::sweep {

/// what() is "file:line:col: error: message" (GNU style), so editors jump to the place; line 0 is the file
/// (or name) as a whole: "file: error: message".
class SpecError : public std::runtime_error {
 public:
  SpecError(std::string_view file, std::uint32_t line, std::uint32_t column, std::string_view message)
      : std::runtime_error(line == 0 ? fmt::format("{}: error: {}", file, message)
                                     : fmt::format("{}:{}:{}: error: {}", file, line, column, message)) {}
};

}  // namespace eyesim::sweep

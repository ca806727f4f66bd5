// Errors at a place in a user's TOML file, shared by the architecture, network and sweep spec parsers.
#pragma once

#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sweep/spec_error.h"

namespace eyesim::sweep {

/// Throws SpecError at `where` in `file`.
[[noreturn]] inline void fail(std::string_view file, const toml::source_region& where, std::string_view message) {
  throw SpecError(file, where.begin.line, where.begin.column, message);
}

/// A TOML value as an error message shows it after "got": a string quoted, a number or boolean as written,
/// else "a table" / "an array".
inline std::string value_text(const toml::node& n) {
  std::ostringstream os;
  if (const auto* str = n.as_string()) os << '\'' << str->get() << '\'';
  else if (n.is_value()) n.visit([&](const auto& v) { os << v; });
  else os << (n.is_table() ? "a table" : "an array");
  return os.str();
}

/// A number's value as a double: a float as written, an integer converted (rounded beyond 2^53, where
/// toml++'s value<double>() gives no value at all, and reading that empty optional was undefined); nullopt
/// for a value that is not a number.
inline std::optional<double> number_value(const toml::node& n) {
  if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
  if (const auto* f = n.as_floating_point()) return f->get();
  return std::nullopt;
}

/// A SpecError at `where` unless `path` names a file that can be read: it does not exist, it is a
/// directory, or the file system refuses the name (too long, a symbolic-link loop), each said as such.
inline void fail_unless_file(const std::filesystem::path& path, std::string_view what, std::string_view file,
                             const toml::source_region& where) {
  std::error_code ec;
  const std::filesystem::file_status s = std::filesystem::status(path, ec);
  if (s.type() == std::filesystem::file_type::not_found)
    fail(file, where, fmt::format("{} '{}' does not exist", what, path.string()));
  if (ec) fail(file, where, fmt::format("{} '{}' cannot be used: {}", what, path.string(), ec.message()));
  if (std::filesystem::is_directory(s)) fail(file, where, fmt::format("{} '{}' is a directory", what, path.string()));
  // A named pipe waited for a writer for ever, and /dev/zero was read until memory ran out (helper-49).
  if (!std::filesystem::is_regular_file(s))
    fail(file, where, fmt::format("{} '{}' is not a regular file (a device, pipe or socket)", what, path.string()));
}

/// "line L, column C" of a place, for messages that point back at an earlier place in the same file.
inline std::string place(const toml::source_region& where) {
  return fmt::format("line {}, column {}", where.begin.line, where.begin.column);
}

/// One parameter set by two TOML keys: a quoted key with dots ("a.b" = 1) and a dotted key or table key
/// (a.b = 2) are different keys to TOML, and only one value could take effect. The error is at the later
/// of the two in the file (toml++ visits keys in name order, not file order) and names the earlier.
[[noreturn]] inline void fail_set_twice(std::string_view file, std::string_view name, const toml::node& a,
                                        const toml::node& b) {
  const toml::source_position pa = a.source().begin, pb = b.source().begin;
  const bool a_first = std::pair(pa.line, pa.column) < std::pair(pb.line, pb.column);
  const toml::node& later = a_first ? b : a;
  const toml::node& earlier = a_first ? a : b;
  fail(file, later.source(), fmt::format("'{}' is set twice (also at {})", name, place(earlier.source())));
}

}  // namespace eyesim::sweep

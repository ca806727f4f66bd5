// parse_whole: a command-line number as typed, so that a value out of range is refused and named as given
// (CLI11 reads 99999999999999999999 into an integer as its largest value, and -1 into a uint64 as 2^64 - 1).
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <system_error>

namespace eyesim::tools {

/// The whole of `text` as a number of type T (base 10; one leading '+' allowed), or nullopt: empty, not a
/// number, trailing characters, or out of T's range.
template <typename T>
std::optional<T> parse_whole(const std::string& text) {
  const char* first = text.data();
  const char* const last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  T value{};
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || first == last) return std::nullopt;
  return value;
}

}  // namespace eyesim::tools

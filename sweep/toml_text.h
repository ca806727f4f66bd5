// TOML text for the files eyesim writes (`eyesim show arch|net`): values that read back to exactly what
// was written.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/text_escape.h"

namespace eyesim::sweep {

/// A double as a TOML float that parses back to the same value (shortest round-trip digits; "1" becomes
/// "1.0", which TOML would otherwise read as an integer).
inline std::string toml_float(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

/// `s` as the inside of a TOML basic string (TOML 1.0): json_escape's escapes (quote, backslash, control
/// characters) are TOML's too, and TOML also forbids a raw DEL. Text without those characters is unchanged.
inline std::string toml_escape(std::string_view s) {
  std::string out;
  for (const char ch : json_escape(s)) {
    if (ch == '\x7f') out += "\\u007F";
    else out += ch;
  }
  return out;
}

/// `s` as a quoted TOML basic string.
inline std::string toml_string(std::string_view s) {
  std::string out = "\"";
  out += toml_escape(s);
  out += '"';
  return out;
}

}  // namespace eyesim::sweep

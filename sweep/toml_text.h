// TOML text for the files eyesim writes (`eyesim show arch|net`): values that read back to exactly what
// was written.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace eyesim::sweep {

/// A double as a TOML float that parses back to the same value (shortest round-trip digits; "1" becomes
/// "1.0", which TOML would otherwise read as an integer).
inline std::string toml_float(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

/// `s` as a TOML basic string: quoted, with '"', '\' and the control characters escaped (TOML 1.0). Not
/// json_string (core/text_escape.h): TOML also forbids a raw DEL (0x7f), which JSON allows.
inline std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) out += fmt::format("\\u{:04X}", static_cast<unsigned char>(ch));
        else out += ch;
    }
  }
  out += '"';
  return out;
}

}  // namespace eyesim::sweep

// Escaping for the CSV and JSON the command line prints (`eyesim run|validate --format csv|json`).
// Names come from users' TOML files and may hold any character: a quote or comma in a layer name
// must not end a JSON string or shift a CSV row's columns.
#pragma once

#include <cmath>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace eyesim {

/// `s` as the inside of a JSON string (RFC 8259): `"` and `\` escaped, control characters as \n, \t, ...
/// or \u00XX. Other bytes pass through: TOML text is UTF-8, and so is the JSON.
inline std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned char>(ch));
        else out += ch;
    }
  }
  return out;
}

/// `s` as a quoted JSON string. (Appended piece by piece: `"\"" + std::string` trips g++ 12's false
/// -Wrestrict warning.)
inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  out += json_escape(s);
  out += '"';
  return out;
}

/// `v` as a JSON number with `digits` significant digits; null when it is not finite (JSON has no inf or
/// NaN: a parser refuses the whole document).
inline std::string json_number(double v, int digits) {
  return std::isfinite(v) ? fmt::format("{:.{}g}", v, digits) : std::string("null");
}

/// `s` as one CSV field, always quoted (RFC 4180: a quote inside is doubled).
inline std::string csv_quoted(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

/// `s` for a terminal (the table formats): control characters (line breaks, ESC, DEL, ...) as the escapes
/// json_escape writes, so that a name from a user's file cannot break a table's rows or drive the
/// terminal; everything else as it is (quotes and backslashes need no escape there).
inline std::string terminal_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte >= 0x20 && byte != 0x7f) out += ch;
    else if (ch == '\n') out += "\\n";
    else if (ch == '\t') out += "\\t";
    else if (ch == '\r') out += "\\r";
    else out += fmt::format("\\u{:04x}", byte);
  }
  return out;
}

/// `s` as one CSV field: as it is, or quoted when it holds a comma, a quote or a line break (RFC 4180).
inline std::string csv_field(std::string_view s) {
  return s.find_first_of(",\"\r\n") == std::string_view::npos ? std::string(s) : csv_quoted(s);
}

}  // namespace eyesim

// CSV and JSON escaping of user-given names.
#include <doctest/doctest.h>

#include "core/text_escape.h"

namespace eyesim {
TEST_SUITE("fast") {
  TEST_CASE("json_escape escapes quotes, backslashes and control characters and keeps the rest") {
    CHECK(json_escape("conv1") == "conv1");
    CHECK(json_escape(R"(my "net")") == R"(my \"net\")");
    CHECK(json_escape(R"(a\b)") == R"(a\\b)");
    CHECK(json_escape("a\nb\tc\rd\be\ff") == R"(a\nb\tc\rd\be\ff)");
    CHECK(json_escape(std::string_view("\x01\x1f", 2)) == R"(\u0001\u001f)");
    CHECK(json_escape(std::string_view("a\0b", 3)) == R"(a\u0000b)");
    CHECK(json_escape("caf\xc3\xa9 \x7f") == "caf\xc3\xa9 \x7f");  // UTF-8 and DEL need no escape
    CHECK(json_string(R"(x"y)") == R"("x\"y")");
  }

  TEST_CASE("terminal_text escapes control characters only") {
    CHECK(terminal_text(R"(my "net" a\b)") == R"(my "net" a\b)");
    CHECK(terminal_text("a\nb\tc\rd") == R"(a\nb\tc\rd)");
    CHECK(terminal_text("\x1b[31mred") == R"(\u001b[31mred)");
    CHECK(terminal_text(std::string_view("a\0b\x7f", 4)) == R"(a\u0000b\u007f)");
    CHECK(terminal_text("caf\xc3\xa9") == "caf\xc3\xa9");
  }

  TEST_CASE("csv_field quotes a field only when it holds a comma, a quote or a line break, doubling quotes") {
    CHECK(csv_field("conv1") == "conv1");
    CHECK(csv_field("a b;c") == "a b;c");
    CHECK(csv_field("conv,1") == "\"conv,1\"");
    CHECK(csv_field(R"(conv,1 "x")") == R"("conv,1 ""x""")");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("cr\r") == "\"cr\r\"");
    CHECK(csv_field("") == "");
    CHECK(csv_quoted("m0=8 c0=3") == "\"m0=8 c0=3\"");
    CHECK(csv_quoted(R"(say "hi")") == R"("say ""hi""")");
  }
}
}  // namespace eyesim

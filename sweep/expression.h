// Expression: the small language of sweep constraints (`where = ["arch.array.pe_rows * 2 <= 8"]`).
// Numbers, "strings", dotted names, + - * / %, comparisons, and / or / not, parentheses.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace eyesim::sweep {

using ExprValue = std::variant<double, std::string>;

/// Looks a dotted name up; nullopt if unknown.
using NameLookup = std::function<std::optional<ExprValue>(std::string_view)>;

class Expression {
 public:
  /// Parses `text`; throws std::invalid_argument "column N: message" on a syntax error.
  explicit Expression(std::string_view text);
  /// Evaluates to true/false (a number is true when non-zero). Throws std::invalid_argument for
  /// unknown names or type errors (e.g. "name 'arch.foo' is not a parameter").
  bool holds(const NameLookup& lookup) const;
  const std::string& text() const { return text_; }

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace eyesim::sweep

// Expression: the small language of sweep constraints (`where = ["arch.array.pe_rows * 2 <= 8"]`).
// Numbers, "strings", dotted names, + - * / %, comparisons, and / or / not, parentheses.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace eyesim::sweep {

using ExprValue = std::variant<double, std::string>;

/// Looks a dotted name up; nullopt if unknown.
using NameLookup = std::function<std::optional<ExprValue>(std::string_view)>;

/// What holds() throws for a name the lookup does not know ("unknown name 'arch.foo'"): the name, so that
/// the caller can say which one was probably meant.
struct UnknownName : std::invalid_argument {
  explicit UnknownName(std::string unknown);
  std::string name;
};

class Expression {
 public:
  /// Parses `text`; throws std::invalid_argument "column N: message" on a syntax error.
  explicit Expression(std::string_view text);
  /// Evaluates to true/false (a number is true when non-zero). Throws UnknownName for a name the lookup
  /// does not know, std::invalid_argument for a type error ("'<' needs numbers, got the string ...") and
  /// for arithmetic without a number as its result (division or remainder by zero, inf - inf).
  bool holds(const NameLookup& lookup) const;
  const std::string& text() const { return text_; }
  /// Every name the expression reads, in text order (repeats kept): a caller checks them once, before any
  /// evaluation, since `or` and `and` skip what they need not evaluate.
  std::vector<std::string> names() const;

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace eyesim::sweep

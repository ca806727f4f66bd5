// Expression: a recursive-descent parser and a tree evaluator.
#include "sweep/expression.h"

#include <cctype>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace eyesim::sweep {

UnknownName::UnknownName(std::string unknown)
    : std::invalid_argument(fmt::format("unknown name '{}'", unknown)), name(std::move(unknown)) {}


struct Expression::Node {
  enum class Kind { kNumber, kString, kName, kUnary, kBinary } kind;
  double number = 0;
  std::string text;  // string literal, name, or operator
  std::shared_ptr<const Node> a, b;
};

namespace {

using NodePtr = std::shared_ptr<const Expression::Node>;
using Node = Expression::Node;

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}
  NodePtr parse() {
    NodePtr n = parse_or();
    skip();
    if (pos_ != s_.size()) error("unexpected '" + std::string(1, s_[pos_]) + "'");
    return n;
  }

 private:
  [[noreturn]] void error(const std::string& msg) const {
    throw std::invalid_argument(fmt::format("column {}: {}", pos_ + 1, msg));
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool accept(std::string_view tok) {
    skip();
    if (s_.substr(pos_, tok.size()) != tok) return false;
    const bool word = std::isalpha(static_cast<unsigned char>(tok[0]));
    if (word && pos_ + tok.size() < s_.size() &&
        (std::isalnum(static_cast<unsigned char>(s_[pos_ + tok.size()])) || s_[pos_ + tok.size()] == '_'))
      return false;
    pos_ += tok.size();
    return true;
  }
  static NodePtr binary(std::string op, NodePtr a, NodePtr b) {
    return std::make_shared<Node>(Node{Node::Kind::kBinary, 0, std::move(op), std::move(a), std::move(b)});
  }
  NodePtr parse_or() {
    NodePtr n = parse_and();
    while (accept("or")) n = binary("or", n, parse_and());
    return n;
  }
  NodePtr parse_and() {
    NodePtr n = parse_not();
    while (accept("and")) n = binary("and", n, parse_not());
    return n;
  }
  NodePtr parse_not() {
    if (accept("not")) return std::make_shared<Node>(Node{Node::Kind::kUnary, 0, "not", parse_not(), nullptr});
    return parse_compare();
  }
  NodePtr parse_compare() {
    NodePtr n = parse_sum();
    for (const char* op : {"<=", ">=", "==", "!=", "<", ">"}) {
      if (accept(op)) return binary(op, n, parse_sum());
    }
    return n;
  }
  NodePtr parse_sum() {
    NodePtr n = parse_product();
    for (;;) {
      if (accept("+")) n = binary("+", n, parse_product());
      else if (accept("-")) n = binary("-", n, parse_product());
      else return n;
    }
  }
  NodePtr parse_product() {
    NodePtr n = parse_atom();
    for (;;) {
      if (accept("*")) n = binary("*", n, parse_atom());
      else if (accept("/")) n = binary("/", n, parse_atom());
      else if (accept("%")) n = binary("%", n, parse_atom());
      else return n;
    }
  }
  NodePtr parse_atom() {
    skip();
    if (pos_ >= s_.size()) error("unexpected end of expression");
    const char c = s_[pos_];
    if (accept("(")) {
      NodePtr n = parse_or();
      if (!accept(")")) error("expected ')'");
      return n;
    }
    if (accept("-")) return binary("-", std::make_shared<Node>(Node{Node::Kind::kNumber, 0, "", nullptr, nullptr}), parse_atom());
    if (c == '"') {
      const std::size_t end = s_.find('"', pos_ + 1);
      if (end == std::string_view::npos) error("unterminated string");
      std::string text(s_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return std::make_shared<Node>(Node{Node::Kind::kString, 0, std::move(text), nullptr, nullptr});
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      std::size_t used = 0;
      const double v = std::stod(std::string(s_.substr(pos_)), &used);
      pos_ += used;
      return std::make_shared<Node>(Node{Node::Kind::kNumber, v, "", nullptr, nullptr});
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t start = pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' || s_[pos_] == '.'))
        ++pos_;
      return std::make_shared<Node>(Node{Node::Kind::kName, 0, std::string(s_.substr(start, pos_ - start)), nullptr, nullptr});
    }
    error(fmt::format("unexpected '{}'", c));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

ExprValue eval(const Node& n, const NameLookup& lookup);

double number(const ExprValue& v, const std::string& op) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  throw std::invalid_argument(fmt::format("'{}' needs numbers, got the string \"{}\"", op, std::get<std::string>(v)));
}

ExprValue eval(const Node& n, const NameLookup& lookup) {
  switch (n.kind) {
    case Node::Kind::kNumber: return n.number;
    case Node::Kind::kString: return n.text;
    case Node::Kind::kName: {
      auto v = lookup(n.text);
      if (!v) throw UnknownName(n.text);
      return *v;
    }
    case Node::Kind::kUnary: return number(eval(*n.a, lookup), "not") == 0.0 ? 1.0 : 0.0;
    case Node::Kind::kBinary: break;
  }
  const std::string& op = n.text;
  if (op == "and") return number(eval(*n.a, lookup), op) != 0.0 && number(eval(*n.b, lookup), op) != 0.0 ? 1.0 : 0.0;
  if (op == "or") return number(eval(*n.a, lookup), op) != 0.0 || number(eval(*n.b, lookup), op) != 0.0 ? 1.0 : 0.0;
  const ExprValue a = eval(*n.a, lookup), b = eval(*n.b, lookup);
  if (op == "==" || op == "!=") {
    const bool eq = a == b;
    return (op == "==") == eq ? 1.0 : 0.0;
  }
  const double x = number(a, op), y = number(b, op);
  if (op == "+") return x + y;
  if (op == "-") return x - y;
  if (op == "*") return x * y;
  if (op == "/") return x / y;
  if (op == "%") return std::fmod(x, y);
  if (op == "<") return x < y ? 1.0 : 0.0;
  if (op == "<=") return x <= y ? 1.0 : 0.0;
  if (op == ">") return x > y ? 1.0 : 0.0;
  return x >= y ? 1.0 : 0.0;
}

}  // namespace

Expression::Expression(std::string_view text) : text_(text), root_(Parser(text).parse()) {}

bool Expression::holds(const NameLookup& lookup) const {
  const ExprValue v = eval(*root_, lookup);
  if (const double* d = std::get_if<double>(&v)) return *d != 0.0;
  throw std::invalid_argument("a constraint must be a comparison, not a string");
}

}  // namespace eyesim::sweep

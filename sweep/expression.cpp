// Expression: a recursive-descent parser and a tree evaluator.
#include "sweep/expression.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>

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
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number_literal();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t start = pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' || s_[pos_] == '.'))
        ++pos_;
      return std::make_shared<Node>(Node{Node::Kind::kName, 0, std::string(s_.substr(start, pos_ - start)), nullptr, nullptr});
    }
    error(fmt::format("unexpected '{}'", c));
  }

  /// digits [. digits] [e|E [+|-] digits], at least one digit before the exponent: decimal only (a
  /// library parse read "0x10" as hex, and threw a bare "stod" for 1e999).
  NodePtr number_literal() {
    const std::size_t start = pos_;
    const auto digits = [&] {
      const std::size_t from = pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      return pos_ - from;
    };
    std::size_t mantissa = digits();
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      mantissa += digits();
    }
    bool exponent_ok = true;
    if (mantissa > 0 && pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      exponent_ok = digits() > 0;
    }
    const std::string_view literal = s_.substr(start, pos_ - start);
    double v = 0;
    const auto [end, ec] = std::from_chars(literal.data(), literal.data() + literal.size(), v);
    if (mantissa == 0 || !exponent_ok || ec == std::errc::invalid_argument || end != literal.data() + literal.size()) {
      pos_ = start;
      error(fmt::format("invalid number '{}'", literal));
    }
    if (ec == std::errc::result_out_of_range || !std::isfinite(v)) {
      pos_ = start;
      error(fmt::format("the number '{}' is out of range (a double)", literal));
    }
    return std::make_shared<Node>(Node{Node::Kind::kNumber, v, "", nullptr, nullptr});
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

void collect_names(const Node& n, std::vector<std::string>& out) {
  if (n.kind == Node::Kind::kName) out.push_back(n.text);
  if (n.a) collect_names(*n.a, out);
  if (n.b) collect_names(*n.b, out);
}

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
  if ((op == "/" || op == "%") && y == 0.0)
    throw std::invalid_argument(fmt::format("'{} {} 0': {} by zero", x, op, op == "/" ? "division" : "remainder"));
  if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%") {
    const double r = op == "+" ? x + y : op == "-" ? x - y : op == "*" ? x * y : op == "/" ? x / y : std::fmod(x, y);
    if (std::isnan(r)) throw std::invalid_argument(fmt::format("'{} {} {}' is not a number", x, op, y));
    return r;
  }
  if (op == "<") return x < y ? 1.0 : 0.0;
  if (op == "<=") return x <= y ? 1.0 : 0.0;
  if (op == ">") return x > y ? 1.0 : 0.0;
  return x >= y ? 1.0 : 0.0;
}

}  // namespace

Expression::Expression(std::string_view text) : text_(text), root_(Parser(text).parse()) {}

std::vector<std::string> Expression::names() const {
  std::vector<std::string> out;
  collect_names(*root_, out);
  return out;
}

bool Expression::holds(const NameLookup& lookup) const {
  const ExprValue v = eval(*root_, lookup);
  if (const double* d = std::get_if<double>(&v)) return *d != 0.0;
  throw std::invalid_argument("a constraint must be a comparison, not a string");
}

}  // namespace eyesim::sweep

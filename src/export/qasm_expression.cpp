#include "export/qasm_expression.h"

#include <charconv>
#include <cmath>
#include <numbers>

#include "core/error.h"

namespace qmf::exporter {
namespace {

// Recursive descent: sum := product (('+'|'-') product)*, product := unary (('*'|'/') unary)*,
// unary := ('+'|'-') unary | number | pi | '(' sum ')'. Depth is bounded so that a fuzzed
// "((((..." or "----..." cannot exhaust the stack.
class AngleParser {
 public:
  explicit AngleParser(TokenCursor& c) : c_(c) {}

  double sum() {
    double v = product();
    for (;;) {
      if (c_.accept("+"))
        v += product();
      else if (c_.accept("-"))
        v -= product();
      else
        return v;
    }
  }

 private:
  static constexpr int kMaxDepth = 64;

  double product() {
    double v = unary();
    for (;;) {
      if (c_.accept("*"))
        v *= unary();
      else if (c_.accept("/"))
        v /= unary();
      else
        return v;
    }
  }

  double unary() {
    if (++depth_ > kMaxDepth) c_.fail(c_.peek(), "angle expression nested too deeply");
    double v = 0;
    if (c_.accept("-"))
      v = -unary();
    else if (c_.accept("+"))
      v = unary();
    else if (c_.accept("("))
      v = sum(), c_.expect(")", "to close '(' in an angle");
    else
      v = atom();
    --depth_;
    return v;
  }

  double atom() {
    const Token& t = c_.peek();
    if (t.kind == Token::Kind::Identifier && t.text == "pi") {
      c_.take();
      return std::numbers::pi;
    }
    if (t.kind != Token::Kind::Number) c_.fail_expected("an angle (a number or pi)");
    double v = 0;
    const char* end = t.text.data() + t.text.size();
    const auto [ptr, ec] = std::from_chars(t.text.data(), end, v);
    if (ec == std::errc::result_out_of_range)
      c_.fail(t, fmt::format("number {} is out of range", t.text));
    if (ec != std::errc() || ptr != end) c_.fail(t, fmt::format("bad number '{}'", t.text));
    c_.take();
    return v;
  }

  TokenCursor& c_;
  int depth_ = 0;
};

}  // namespace

double parse_angle(TokenCursor& cursor) {
  const Token& start = cursor.peek();
  const double v = AngleParser(cursor).sum();
  if (!std::isfinite(v)) cursor.fail(start, fmt::format("angle is not finite ({})", v));
  return v;
}

}  // namespace qmf::exporter

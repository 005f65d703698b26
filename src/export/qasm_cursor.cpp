#include "export/qasm_cursor.h"

#include <charconv>

#include "core/error.h"

namespace qmf::exporter {

TokenCursor::TokenCursor(std::vector<Token> tokens, const std::string& name)
    : tokens_(std::move(tokens)), name_(name) {
  QMF_CHECK(!tokens_.empty() && tokens_.back().kind == Token::Kind::End,
            "token list must end with End");
}

const Token& TokenCursor::peek(size_t ahead) const {
  return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
}

const Token& TokenCursor::take() {
  const Token& t = peek();
  if (t.kind != Token::Kind::End) ++pos_;
  return t;
}

bool TokenCursor::accept(std::string_view symbol) {
  if (!peek().is(symbol)) return false;
  take();
  return true;
}

void TokenCursor::expect(std::string_view symbol, std::string_view context) {
  if (!accept(symbol)) fail_expected(fmt::format("'{}' {}", symbol, context));
}

std::string_view TokenCursor::identifier(std::string_view what) {
  if (peek().kind != Token::Kind::Identifier) fail_expected(what);
  return take().text;
}

int TokenCursor::integer(std::string_view what, int max) {
  const Token& t = peek();
  long long value = -1;
  if (t.kind == Token::Kind::Number) {
    const char* end = t.text.data() + t.text.size();
    const auto [ptr, ec] = std::from_chars(t.text.data(), end, value);
    if (ec == std::errc::result_out_of_range)
      fail(t, fmt::format("{} {} is too large", what, t.text));
    if (ec != std::errc() || ptr != end) value = -1;
  }
  if (value < 0) fail_expected(what);
  if (value > max) fail(t, fmt::format("{} {} is too large (at most {})", what, value, max));
  take();
  return static_cast<int>(value);
}

void TokenCursor::fail(const Token& at, const std::string& message) const {
  throw Error(fmt::format("{}:{}: {}", name_, at.line, message));
}

void TokenCursor::fail_expected(std::string_view what) const {
  fail(peek(), fmt::format("expected {}, found {}", what, describe(peek())));
}

}  // namespace qmf::exporter

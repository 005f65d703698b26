#pragma once
// A cursor over the reader's tokens with the checks every statement needs, each failing with
// "name:line: what was expected, found what". It never moves past the End token, so no input
// can make the reader read out of bounds.
#include <string>
#include <string_view>
#include <vector>

#include "export/qasm_lexer.h"

namespace qmf::exporter {

class TokenCursor {
 public:
  TokenCursor(std::vector<Token> tokens, const std::string& name);

  const Token& peek(size_t ahead = 0) const;
  const Token& take();
  bool at_end() const { return peek().kind == Token::Kind::End; }
  // Takes the symbol if it is next.
  bool accept(std::string_view symbol);
  void expect(std::string_view symbol, std::string_view context);
  std::string_view identifier(std::string_view what);
  // A non-negative decimal integer no larger than `max`.
  int integer(std::string_view what, int max);

  [[noreturn]] void fail(const Token& at, const std::string& message) const;
  [[noreturn]] void fail_expected(std::string_view what) const;

 private:
  std::vector<Token> tokens_;
  const std::string& name_;
  size_t pos_ = 0;
};

}  // namespace qmf::exporter

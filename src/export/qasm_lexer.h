#pragma once
// Tokens of the OpenQASM subset the reader accepts: identifiers, unsigned numbers, "strings",
// the symbols ; , ( ) [ ] = + - * / and ->, with // and /* */ comments skipped. Every token
// carries its line for error messages. Any other byte is an error, not a guess.
#include <string>
#include <string_view>
#include <vector>

namespace qmf::exporter {

struct Token {
  enum class Kind { Identifier, Number, String, Symbol, End } kind;
  std::string_view text;  // a view into the source; a string's text excludes its quotes
  int line;
  bool is(std::string_view symbol) const { return kind == Kind::Symbol && text == symbol; }
  bool is_number(std::string_view digits) const { return kind == Kind::Number && text == digits; }
};

// The tokens of `text`, always ending with one End token. Throws qmf::Error "name:line: ..."
// for a stray character, a malformed number, or an unterminated string or comment.
std::vector<Token> tokenize(std::string_view text, const std::string& name);

// The token as it should appear in an error message: 'text', or "end of file".
std::string describe(const Token& t);

}  // namespace qmf::exporter

#include "export/qasm_lexer.h"

#include "core/error.h"

namespace qmf::exporter {
namespace {

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
bool is_letter(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}
bool is_space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
}

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& name) : s_(text), name_(name) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    for (skip_blank(); i_ < s_.size(); skip_blank()) out.push_back(next());
    out.push_back({Token::Kind::End, {}, line_});
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(fmt::format("{}:{}: {}", name_, line_, what));
  }
  char at(size_t j) const { return j < s_.size() ? s_[j] : '\0'; }

  // Whitespace and comments; counts lines.
  void skip_blank() {
    while (i_ < s_.size()) {
      if (s_[i_] == '\n') ++line_;
      if (is_space(s_[i_])) {
        ++i_;
      } else if (s_.substr(i_, 2) == "//") {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (s_.substr(i_, 2) == "/*") {
        skip_block_comment();
      } else {
        return;
      }
    }
  }

  void skip_block_comment() {
    const int start = line_;
    const size_t end = s_.find("*/", i_ + 2);
    if (end == std::string_view::npos) {
      line_ = start;
      fail("unterminated /* comment");
    }
    for (; i_ < end + 2; ++i_) line_ += s_[i_] == '\n';
  }

  Token next() {
    const char ch = s_[i_];
    if (is_letter(ch)) return take(Token::Kind::Identifier, identifier_length());
    if (is_digit(ch) || (ch == '.' && is_digit(at(i_ + 1))))
      return take(Token::Kind::Number, number_length());
    if (ch == '"') return string();
    if (s_.substr(i_, 2) == "->") return take(Token::Kind::Symbol, 2);
    if (std::string_view(";,()[]=+-*/").find(ch) != std::string_view::npos)
      return take(Token::Kind::Symbol, 1);
    const auto byte = static_cast<unsigned char>(ch);
    fail(byte >= 0x20 && byte < 0x7f ? fmt::format("unexpected character '{}'", ch)
                                     : fmt::format("unexpected byte 0x{:02x}", byte));
  }

  Token take(Token::Kind kind, size_t length) {
    Token t{kind, s_.substr(i_, length), line_};
    i_ += length;
    return t;
  }

  size_t identifier_length() const {
    size_t j = i_;
    while (j < s_.size() && (is_letter(s_[j]) || is_digit(s_[j]))) ++j;
    return j - i_;
  }

  // digits [. digits] [e [+-] digits], and nothing glued to its end.
  size_t number_length() const {
    size_t j = i_;
    while (is_digit(at(j))) ++j;
    if (at(j) == '.')
      for (++j; is_digit(at(j));) ++j;
    if (at(j) == 'e' || at(j) == 'E') {
      size_t k = j + 1;
      if (at(k) == '+' || at(k) == '-') ++k;
      if (is_digit(at(k))) {
        while (is_digit(at(k))) ++k;
        j = k;
      }
    }
    if (is_letter(at(j)) || is_digit(at(j)) || at(j) == '.') {
      size_t k = j;
      while (is_letter(at(k)) || is_digit(at(k)) || at(k) == '.') ++k;
      fail(fmt::format("bad number '{}'", s_.substr(i_, k - i_)));
    }
    return j - i_;
  }

  Token string() {
    const size_t end = s_.find_first_of("\"\n", i_ + 1);
    if (end == std::string_view::npos || s_[end] != '"') fail("unterminated string");
    for (size_t j = i_ + 1; j < end; ++j)
      if (static_cast<unsigned char>(s_[j]) < 0x20 || static_cast<unsigned char>(s_[j]) >= 0x7f)
        fail(
            fmt::format("unexpected byte 0x{:02x} in a string", static_cast<unsigned char>(s_[j])));
    Token t{Token::Kind::String, s_.substr(i_ + 1, end - i_ - 1), line_};
    i_ = end + 1;
    return t;
  }

  std::string_view s_;
  const std::string& name_;
  size_t i_ = 0;
  int line_ = 1;
};

}  // namespace

std::vector<Token> tokenize(std::string_view text, const std::string& name) {
  return Lexer(text, name).run();
}

std::string describe(const Token& t) {
  if (t.kind == Token::Kind::End) return "end of file";
  if (t.kind == Token::Kind::String) return fmt::format("\"{}\"", t.text);
  return fmt::format("'{}'", t.text);
}

}  // namespace qmf::exporter

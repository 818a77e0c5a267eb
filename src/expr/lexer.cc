#include "expr/lexer.h"

namespace stator::expr {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentPart(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Length of the UTF-8 sequence starting at text[i], at least 1, never past the end.
size_t Utf8Length(std::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  size_t len = 1;
  while (len < n && i + len < text.size() &&
         (static_cast<unsigned char>(text[i + len]) & 0xC0) == 0x80) {
    ++len;
  }
  return len;
}

// Kind and length of the punctuation token at text[i], or kUnknown.
TokenKind Punctuation(std::string_view text, size_t i, size_t* len) {
  const char c = text[i];
  const char next = i + 1 < text.size() ? text[i + 1] : '\0';
  *len = 1;
  switch (c) {
    case '(':
      return TokenKind::kLParen;
    case ')':
      return TokenKind::kRParen;
    case '[':
      return TokenKind::kLBracket;
    case ']':
      return TokenKind::kRBracket;
    case ',':
      return TokenKind::kComma;
    case '.':
      return TokenKind::kDot;
    case '=':
      return TokenKind::kEq;
    case '+':
      return TokenKind::kPlus;
    case '-':
      return TokenKind::kMinus;
    case '<':
      if (next == '>') {
        *len = 2;
        return TokenKind::kNe;
      }
      if (next == '=') {
        *len = 2;
        return TokenKind::kLe;
      }
      return TokenKind::kLt;
    case '>':
      if (next == '=') {
        *len = 2;
        return TokenKind::kGe;
      }
      return TokenKind::kGt;
    default:
      *len = Utf8Length(text, i);
      return TokenKind::kUnknown;
  }
}

}  // namespace

std::vector<Token> Lex(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    size_t end = i + 1;
    TokenKind kind;
    if (IsIdentStart(c)) {
      while (end < text.size() && IsIdentPart(text[end])) ++end;
      kind = TokenKind::kIdentifier;
    } else if (IsDigit(c)) {
      while (end < text.size() && IsDigit(text[end])) ++end;
      kind = TokenKind::kInteger;
    } else if ((c == '#' || c == ':') && end < text.size() && IsIdentPart(text[end])) {
      while (end < text.size() && IsIdentPart(text[end])) ++end;
      kind = c == '#' ? TokenKind::kNamePlaceholder : TokenKind::kValuePlaceholder;
    } else {
      size_t len = 1;
      kind = Punctuation(text, i, &len);
      end = i + len;
    }
    tokens.push_back({kind, text.substr(i, end - i), i});
    i = end;
  }
  tokens.push_back({TokenKind::kEof, {}, text.size()});
  return tokens;
}

bool IsKeyword(const Token& token, std::string_view keyword) {
  if (token.kind != TokenKind::kIdentifier || token.text.size() != keyword.size()) return false;
  for (size_t i = 0; i < keyword.size(); ++i) {
    char c = token.text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != keyword[i]) return false;
  }
  return true;
}

}  // namespace stator::expr

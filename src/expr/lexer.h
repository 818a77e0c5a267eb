// Lexer: splits expression text into tokens, each remembering where it was in the text so
// that syntax errors can quote DynamoDB's "near" context.
//
// Tokens: identifiers [A-Za-z_][A-Za-z0-9_]*, "#name" and ":value" placeholders (one or more
// of [A-Za-z0-9_] after the sigil), unsigned integers [0-9]+, the punctuation
// ( ) [ ] , . = <> < <= > >= + -, and, for anything else, one kUnknown token per character
// (a whole UTF-8 sequence when the byte starts one) so that the parser reports it as a
// syntax error. Whitespace (space, tab, CR, LF) separates tokens. Lexing never fails; the
// list always ends with one kEof token.
//
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace stator::expr {

enum class TokenKind {
  kIdentifier,
  kNamePlaceholder,   // #name
  kValuePlaceholder,  // :value
  kInteger,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kUnknown,
  kEof,
};

struct Token {
  TokenKind kind;
  std::string_view text;  // a view into the lexed text; empty for kEof
  size_t offset;          // byte offset of text in the lexed text
};

// The tokens of `text`; views into `text`, which must outlive them.
std::vector<Token> Lex(std::string_view text);

// Whether `token` is an identifier spelling `keyword` (upper case) in any ASCII case.
bool IsKeyword(const Token& token, std::string_view keyword);

}  // namespace stator::expr

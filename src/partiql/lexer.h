// Lexer: splits a PartiQL statement into tokens the way DynamoDB's PartiQL front end (the
// PartiQL reference implementation's SQL lexer) does, so that the grammar (grammar.h) sees
// the same token stream and reports the same errors.
//
// Tokens:
//   - identifiers [A-Za-z_$][A-Za-z0-9_$]*; a word that is a PartiQL keyword (any ASCII case)
//     becomes a keyword token holding its lower-case text, or one of the dedicated kinds
//     (AS, AT, BY, FOR, ASC, DESC, NULL, MISSING, TRUE/FALSE literals, the word operators
//     AND OR NOT IN IS LIKE BETWEEN UNION EXCEPT INTERSECT). Some keyword sequences merge
//     into one token ("insert into" -> insert_into, "is not" -> is_not, "not in",
//     "not between", "not like", "all old", "modified new", ...), spanning the first word.
//   - "quoted identifiers" ("" escapes a quote), 'strings' ('' escapes a quote), numbers
//     (digits, an optional fraction, an optional exponent; ".5" and "5." too), `ion literals`
//     (kept as text), ? parameters (numbered from 1 in text order);
//   - punctuation ( ) [ ] { } << >> , : ; . * and the operators = <> != < <= > >= + - / %
//     || @ (!= is read as <>).
// Whitespace is space, tab, CR, LF, VT and FF; "--" comments run to the end of the line and
// "/* */" comments may span lines.
//
// Anything else (another character, an unterminated string, quoted identifier, comment or
// ion literal, an exponent without digits, a number whose exponent or scale does not fit a
// 32-bit integer) is a lexical error: DynamoDB then answers its syntax-error message with
// nothing after the colon, "Statement wasn't well formed, can't be processed: ".
//
// Token spans count lines and columns from 1, in Unicode code points; CR LF is one line
// break. DynamoDB quotes them as "at <line>:<column>:<length>" in some messages.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace stator::partiql {

// DynamoDB's syntax error: "Statement wasn't well formed, can't be processed: <detail>".
Status NotWellFormed(std::string_view detail);

// Where a token (or the node built from it) starts, and how many code points it spans.
struct Span {
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t length = 0;
  bool known() const { return line != 0; }
};

// " at <line>:<column>:<length>", or "" for an unknown span.
std::string SpanSuffix(const Span& span);

enum class TokenKind : uint8_t {
  kLeftParen,
  kRightParen,
  kLeftBracket,
  kRightBracket,
  kLeftCurly,
  kRightCurly,
  kLeftDoubleAngle,   // <<
  kRightDoubleAngle,  // >>
  kIdentifier,
  kQuotedIdentifier,
  kOperator,  // symbols and the word operators; text "=", "<>", "and", "is_not", ...
  kKeyword,   // text is the lower-case keyword, "insert_into", "all_old", ...
  kLiteral,   // see LiteralKind
  kIonLiteral,
  kDot,
  kStar,
  kComma,
  kColon,
  kSemicolon,
  kQuestionMark,
  kAs,
  kFor,
  kAt,
  kBy,
  kMissing,
  kNull,
  kAsc,
  kDesc,
  kEof,
};

enum class LiteralKind : uint8_t { kNone, kString, kInteger, kDecimal, kTrue, kFalse };

struct Token {
  TokenKind kind = TokenKind::kEof;
  LiteralKind literal = LiteralKind::kNone;
  // Identifiers: as written; quoted identifiers and strings: unescaped; numbers: as written;
  // keywords and word operators: lower case; ion literals: the text between the backticks.
  std::string text;
  Span span;
  uint32_t parameter = 0;  // kQuestionMark: 1-based position among the statement's ?s
};

// The tokens of `text`, ending with one kEof token, or the lexical error.
Result<std::vector<Token>> Lex(std::string_view text);

}  // namespace stator::partiql

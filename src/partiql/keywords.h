// The PartiQL words the lexer (lexer.h) treats specially: the keyword list of the PartiQL
// reference implementation DynamoDB parses with, the words with a token kind of their own,
// the keyword aliases (int -> integer, ...) and the keyword sequences read as one token
// ("insert into" -> insert_into).
//
// Thread-safety: pure functions over constant tables.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "partiql/lexer.h"

namespace stator::partiql {

// How a word (already in lower case) lexes: its token kind (kIdentifier when it is no
// keyword), its literal kind for TRUE/FALSE, and its token text (the alias target for
// aliased keywords, e.g. "int" -> "integer").
struct WordClass {
  TokenKind kind = TokenKind::kIdentifier;
  LiteralKind literal = LiteralKind::kNone;
  std::string_view text;
};
WordClass ClassifyWord(std::string_view lower);

// The keyword list, sorted; exposed for tests.
std::span<const std::string_view> Keywords();

// If the lower-case words at the front of `words` form one of the multi-word tokens
// (longest first), returns how many words it takes and sets *kind and *text; else 0.
size_t MatchMultiWord(std::span<const std::string_view> words, TokenKind* kind,
                      std::string_view* text);

}  // namespace stator::partiql

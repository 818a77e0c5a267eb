#include "partiql/keywords.h"

#include <algorithm>
#include <array>

namespace stator::partiql {
namespace {

// The reference implementation's keyword list (SQL-92 keywords plus PartiQL's own), sorted
// byte-wise. "end-exec" can never be lexed as one word but is kept for fidelity.
constexpr std::string_view kKeywords[] = {
    "absolute", "action", "add", "all", "allocate", "alter", "and", "any", "are", "as", "asc",
    "assertion", "at", "authorization", "avg", "bag", "begin", "between", "bit", "bit_length",
    "blob", "bool", "boolean", "by", "cascade", "cascaded", "case", "cast", "catalog", "char",
    "char_length", "character", "character_length", "check", "clob", "close", "coalesce",
    "collate", "collation", "column", "commit", "conflict", "connect", "connection",
    "constraint", "constraints", "continue", "convert", "corresponding", "count", "create",
    "cross", "current", "current_date", "current_time", "current_timestamp", "current_user",
    "cursor", "date", "date_add", "date_diff", "deallocate", "dec", "decimal", "declare",
    "default", "deferrable", "deferred", "delete", "desc", "describe", "descriptor",
    "diagnostics", "disconnect", "distinct", "do", "domain", "double", "drop", "else", "end",
    "end-exec", "escape", "except", "exception", "exec", "execute", "exists", "external",
    "extract", "false", "fetch", "first", "float", "for", "foreign", "found", "from", "full",
    "get", "global", "go", "goto", "grant", "group", "having", "identity", "immediate", "in",
    "index", "indicator", "initially", "inner", "input", "insensitive", "insert", "int",
    "integer", "intersect", "interval", "into", "is", "isolation", "join", "key", "language",
    "last", "left", "let", "level", "like", "limit", "list", "local", "lower", "match", "max",
    "min", "missing", "modified", "module", "names", "national", "natural", "nchar", "new",
    "next", "no", "not", "nothing", "null", "nullif", "numeric", "octet_length", "of", "old",
    "on", "only", "open", "option", "or", "order", "outer", "output", "overlaps", "pad",
    "partial", "pivot", "position", "precision", "prepare", "preserve", "primary", "prior",
    "privileges", "procedure", "public", "read", "real", "references", "relative", "remove",
    "restrict", "returning", "revoke", "right", "rollback", "rows", "schema", "scroll",
    "section", "select", "session", "session_user", "set", "sexp", "size", "smallint", "some",
    "space", "sql", "sqlcode", "sqlerror", "sqlstate", "string", "struct", "substring", "sum",
    "symbol", "system_user", "table", "temporary", "then", "time", "timestamp", "to",
    "transaction", "translate", "translation", "trim", "true", "tuple", "union", "unique",
    "unknown", "unpivot", "update", "upper", "usage", "user", "using", "value", "values",
    "varchar", "varying", "view", "when", "whenever", "where", "with", "work", "write", "zone",
};

struct Special {
  std::string_view word;
  TokenKind kind;
  LiteralKind literal;
};
constexpr Special kSpecials[] = {
    {"and", TokenKind::kOperator, LiteralKind::kNone},
    {"as", TokenKind::kAs, LiteralKind::kNone},
    {"asc", TokenKind::kAsc, LiteralKind::kNone},
    {"at", TokenKind::kAt, LiteralKind::kNone},
    {"between", TokenKind::kOperator, LiteralKind::kNone},
    {"by", TokenKind::kBy, LiteralKind::kNone},
    {"desc", TokenKind::kDesc, LiteralKind::kNone},
    {"except", TokenKind::kOperator, LiteralKind::kNone},
    {"false", TokenKind::kLiteral, LiteralKind::kFalse},
    {"for", TokenKind::kFor, LiteralKind::kNone},
    {"in", TokenKind::kOperator, LiteralKind::kNone},
    {"intersect", TokenKind::kOperator, LiteralKind::kNone},
    {"is", TokenKind::kOperator, LiteralKind::kNone},
    {"like", TokenKind::kOperator, LiteralKind::kNone},
    {"missing", TokenKind::kMissing, LiteralKind::kNone},
    {"not", TokenKind::kOperator, LiteralKind::kNone},
    {"null", TokenKind::kNull, LiteralKind::kNone},
    {"or", TokenKind::kOperator, LiteralKind::kNone},
    {"true", TokenKind::kLiteral, LiteralKind::kTrue},
    {"union", TokenKind::kOperator, LiteralKind::kNone},
};

constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"bool", "boolean"}, {"char", "character"},       {"dec", "decimal"},
    {"int", "integer"},  {"varchar", "character_varying"},
};

struct MultiWord {
  std::array<std::string_view, 4> words;  // unused tail entries are empty
  std::string_view text;
  TokenKind kind;
};
constexpr TokenKind kKw = TokenKind::kKeyword;
constexpr TokenKind kOp = TokenKind::kOperator;
constexpr MultiWord kMultiWords[] = {
    {{"all", "new"}, "all_new", kKw},
    {{"all", "old"}, "all_old", kKw},
    {{"character", "varying"}, "character_varying", kKw},
    {{"cross", "join"}, "cross_join", kKw},
    {{"do", "nothing"}, "do_nothing", kKw},
    {{"double", "precision"}, "double_precision", kKw},
    {{"except", "all"}, "except_all", kOp},
    {{"full", "cross", "join"}, "outer_cross_join", kKw},
    {{"full", "join"}, "outer_join", kKw},
    {{"full", "outer", "cross", "join"}, "outer_cross_join", kKw},
    {{"full", "outer", "join"}, "outer_join", kKw},
    {{"inner", "cross", "join"}, "cross_join", kKw},
    {{"inner", "join"}, "inner_join", kKw},
    {{"insert", "into"}, "insert_into", kKw},
    {{"intersect", "all"}, "intersect_all", kOp},
    {{"is", "not"}, "is_not", kOp},
    {{"left", "cross", "join"}, "left_cross_join", kKw},
    {{"left", "join"}, "left_join", kKw},
    {{"left", "outer", "cross", "join"}, "left_cross_join", kKw},
    {{"left", "outer", "join"}, "left_join", kKw},
    {{"modified", "new"}, "modified_new", kKw},
    {{"modified", "old"}, "modified_old", kKw},
    {{"not", "between"}, "not_between", kOp},
    {{"not", "in"}, "not_in", kOp},
    {{"not", "like"}, "not_like", kOp},
    {{"on", "conflict"}, "on_conflict", kKw},
    {{"outer", "cross", "join"}, "outer_cross_join", kKw},
    {{"outer", "join"}, "outer_join", kKw},
    {{"right", "cross", "join"}, "right_cross_join", kKw},
    {{"right", "join"}, "right_join", kKw},
    {{"right", "outer", "cross", "join"}, "right_cross_join", kKw},
    {{"right", "outer", "join"}, "right_join", kKw},
    {{"union", "all"}, "union_all", kOp},
};

size_t WordCount(const MultiWord& m) {
  size_t n = 0;
  while (n < m.words.size() && !m.words[n].empty()) ++n;
  return n;
}

}  // namespace

std::span<const std::string_view> Keywords() { return kKeywords; }

WordClass ClassifyWord(std::string_view lower) {
  for (const Special& s : kSpecials) {
    if (s.word == lower) return {s.kind, s.literal, s.word};
  }
  if (!std::binary_search(std::begin(kKeywords), std::end(kKeywords), lower)) return {};
  for (const auto& [alias, target] : kAliases) {
    if (alias == lower) return {TokenKind::kKeyword, LiteralKind::kNone, target};
  }
  const auto* it = std::lower_bound(std::begin(kKeywords), std::end(kKeywords), lower);
  return {TokenKind::kKeyword, LiteralKind::kNone, *it};
}

size_t MatchMultiWord(std::span<const std::string_view> words, TokenKind* kind,
                      std::string_view* text) {
  size_t best = 0;
  for (const MultiWord& m : kMultiWords) {
    const size_t n = WordCount(m);
    if (n <= best || n > words.size()) continue;
    if (std::equal(m.words.begin(), m.words.begin() + n, words.begin())) {
      best = n;
      *kind = m.kind;
      *text = m.text;
    }
  }
  return best;
}

}  // namespace stator::partiql

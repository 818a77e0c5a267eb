// Parser: DynamoDB expression text -> AST (ast.h), by hand-written recursive descent.
//
// Grammar (keywords are case-insensitive; function names are case-sensitive):
//   path       := (identifier | #name) ( "." (identifier | #name) | "[" integer "]" )*
//   operand    := path | :value | function "(" operand ("," operand)* ")" | "(" operand ")"
//   condition  := or
//   or         := and (OR and)*
//   and        := not (AND not)*
//   not        := NOT not | primary
//   primary    := "(" condition ")" | function-call
//               | operand (= | <> | < | <= | > | >=) operand
//               | operand BETWEEN operand AND operand
//               | operand IN "(" operand ("," operand)* ")"
//   projection := path ("," path)*
//   update     := clause+, each of SET/REMOVE/ADD/DELETE at most once, in any order
//   SET        := path "=" value ("," path "=" value)*
//                 value := "(" value ")" | term [("+" | "-") term]
//                 term := operand | "(" term ")"  (functions if_not_exists, list_append)
//                 (one "+" or "-" at most: "a + b + c" and "(a + b) - c" are syntax errors)
//   REMOVE     := path ("," path)*
//   ADD/DELETE := path :value ("," path :value)*
//
// Errors are Status::Validation with DynamoDB's exact text, "Invalid <Kind>: ...". A syntax
// error stops the parse at once: `Syntax error; token: "<tok>", near: "<context>"`, where
// the token is the first one the grammar cannot accept ("<EOF>" at the end) and the context
// is the source text from the start of the token before it to the end of the token after it.
// Other errors found while parsing are reported only after the whole text parsed, the first
// of the highest-priority kind winning, in DynamoDB's order:
//   condition: redundant parentheses, invalid function name, function misused (a boolean
//              function as an operand, or size() as a condition), reserved keyword,
//              operand count / document path required / IN list over 100 operands;
//   update:    reserved keyword, invalid function name, clause used twice, operand count /
//              document path required.
// Errors that need ExpressionAttributeNames/Values (undefined placeholders, overlapping
// paths, operand types) are the resolver's.
//
// Inputs are untrusted: no exceptions, bounded recursion (parentheses and NOT nest at most
// kMaxNesting deep), expression text at most kMaxExpressionBytes.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/status.h"
#include "expr/ast.h"

namespace stator::expr {

inline constexpr size_t kMaxExpressionBytes = 4096;
inline constexpr int kMaxNesting = 256;

// kind is kCondition, kFilter or kKeyCondition; it only names the expression in messages.
Result<ConditionExpr> ParseCondition(std::string_view text, ExpressionKind kind);
Result<ProjectionExpr> ParseProjection(std::string_view text);
Result<UpdateExpr> ParseUpdate(std::string_view text);

}  // namespace stator::expr

// The expression AST: what the parser produces from DynamoDB's expression text and what the
// resolver hands on, with every #name and :value substituted, to the evaluator.
//
// The types are plain data. One set of types serves both stages: before resolution a path
// element may be a #placeholder and a ValueRef holds only its ":name"; after resolution
// (Resolved* wrappers in resolver.h) every path element is a name or an index and every
// ValueRef carries its value.
//
// Thread-safety: values; no shared state.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/attribute_value.h"

namespace stator::expr {

// Names the expression in DynamoDB's messages ("Invalid <kind>: ...").
enum class ExpressionKind {
  kCondition,     // ConditionExpression
  kFilter,        // FilterExpression
  kKeyCondition,  // KeyConditionExpression
  kProjection,    // ProjectionExpression
  kUpdate,        // UpdateExpression
};
std::string_view ExpressionKindName(ExpressionKind kind);

// One step of a document path: an attribute name, an "#alias" still to be resolved, or a
// list index.
struct PathElement {
  enum class Kind { kName, kPlaceholder, kIndex };
  Kind kind = Kind::kName;
  std::string name;    // kName: the attribute name; kPlaceholder: "#alias"
  uint32_t index = 0;  // kIndex

  static PathElement Name(std::string n) { return {Kind::kName, std::move(n), 0}; }
  static PathElement Placeholder(std::string p) { return {Kind::kPlaceholder, std::move(p), 0}; }
  static PathElement Index(uint32_t i) { return {Kind::kIndex, {}, i}; }
  bool operator==(const PathElement&) const = default;
  auto operator<=>(const PathElement&) const = default;
};

// A document path: "a", "#a.b[2][0].c". Never empty; the first element is never an index.
struct Path {
  std::vector<PathElement> elements;
  bool operator==(const Path&) const = default;
  auto operator<=>(const Path&) const = default;
};

// An ":value" reference; `value` is filled in by the resolver.
struct ValueRef {
  std::string placeholder;  // ":v"
  std::optional<model::AttributeValue> value;
};

// A value-producing term: a path, a :value, a function call (size, if_not_exists,
// list_append) or, in SET only, "x + y" / "x - y".
struct Operand {
  enum class Kind { kPath, kValue, kFunction, kPlus, kMinus };
  Kind kind = Kind::kPath;
  Path path;                  // kPath
  ValueRef value;             // kValue
  std::string function;       // kFunction: the name as written (function names are case-sensitive)
  std::vector<Operand> args;  // kFunction: its arguments; kPlus/kMinus: the two terms
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view CompareOpName(CompareOp op);  // "=", "<>", ...

// A boolean term of a condition.
struct Condition {
  enum class Kind { kCompare, kBetween, kIn, kFunction, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  CompareOp op = CompareOp::kEq;  // kCompare
  // kFunction: attribute_exists, attribute_not_exists, attribute_type, begins_with, contains.
  std::string function;
  // kCompare: {lhs, rhs}; kBetween: {x, low, high}; kIn: {x, candidates...}; kFunction: args.
  std::vector<Operand> operands;
  std::vector<Condition> children;  // kAnd/kOr: two; kNot: one
};

// ConditionExpression, FilterExpression and KeyConditionExpression.
struct ConditionExpr {
  Condition root;
};

// ProjectionExpression: the paths in the order written.
struct ProjectionExpr {
  std::vector<Path> paths;
};

// One action of an UpdateExpression.
struct UpdateAction {
  enum class Kind { kSet, kRemove, kAdd, kDelete };
  Kind kind = Kind::kSet;
  Path path;
  Operand
      value;  // kSet: the new value (may be kPlus/kMinus); kAdd/kDelete: a kValue; kRemove: unused
};

// UpdateExpression: every action in the order written (clauses may come in any order).
struct UpdateExpr {
  std::vector<UpdateAction> actions;
};

// Debug/test rendering. Paths print as written ("a.#b[2]"), unresolved values as ":v",
// resolved values as "{S:x}"; conditions as prefix forms, e.g. "(AND (= a :v) (NOT (c b)))".
std::string ToString(const Path& path);
std::string ToString(const Operand& operand);
std::string ToString(const Condition& condition);
std::string ToString(const ConditionExpr& expr);
std::string ToString(const ProjectionExpr& expr);
std::string ToString(const UpdateExpr& expr);

// DynamoDB's rendering of a path inside messages: "[a, b, [2]]".
std::string PathForMessage(const Path& path);

// DynamoDB's "{S:abc}" rendering of a value in messages (e.g. BETWEEN bounds).
std::string ValueForMessage(const model::AttributeValue& value);

}  // namespace stator::expr

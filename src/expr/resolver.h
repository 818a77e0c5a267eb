// Resolver: substitutes a request's ExpressionAttributeNames (#name -> attribute name) and
// ExpressionAttributeValues (:value -> value) into parsed expressions, records which were
// used, and runs the checks that need them, with DynamoDB's messages:
//   - an undefined #name or :value ("An expression attribute name used in the document path
//     is not defined; attribute name: #a", "An expression attribute value used in expression
//     is not defined; attribute value: :v"); in conditions the first undefined placeholder in
//     text order wins, in updates an undefined name wins over an undefined value;
//   - conditions: equal paths on both sides of a comparison or two-operand function ("The
//     first operand must be distinct ..."), then operand types of begins_with,
//     attribute_type, size and BETWEEN bounds given as values;
//   - updates and projections: paths that overlap ("[a, b]" vs "[a]", or the same path twice),
//     then paths that conflict ("[a, b]" vs "[a, [0]]"); updates then check ADD/DELETE
//     value types and the value types of +, - and list_append.
// One Resolver serves one request: resolve each of its expressions, then CheckAllUsed()
// reports names or values no expression used ("Value provided in ExpressionAttributeNames
// unused in expressions: keys: {#a, #b}").
//
// The output types hold the same AST with no placeholder left: every PathElement is kName
// or kIndex and every ValueRef has its value.
//
// Thread-safety: a Resolver is used by one thread; the maps it points to must outlive it and
// not change while it is used.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "expr/ast.h"
#include "model/attribute_value.h"

namespace stator::expr {

using NameMap = std::map<std::string, std::string>;

// Whether `key` is a well-formed ExpressionAttributeNames key (sigil '#') or
// ExpressionAttributeValues key (sigil ':'): the sigil, then [0-9a-zA-Z_]+.
bool IsValidPlaceholder(std::string_view key, char sigil);

// A placeholder key, sigil included, is at most this long (DynamoDB's limit on
// expression attribute names and values).
inline constexpr size_t kMaxPlaceholderBytes = 255;

// The keys of an ExpressionAttributeNames ('#') or ExpressionAttributeValues
// (':') map, named `parameter` in messages: the map must not be empty and every
// key must be at most kMaxPlaceholderBytes long and well-formed.
Status CheckPlaceholderKeys(const std::vector<std::string>& keys, char sigil,
                            const std::string& parameter);
using ValueMap = std::map<std::string, model::AttributeValue>;

// The same checks on a request's decoded maps.
Status CheckNameKeys(const NameMap& names);    // ExpressionAttributeNames
Status CheckValueKeys(const ValueMap& values);  // ExpressionAttributeValues

struct ResolvedCondition {
  Condition root;
};
struct ResolvedProjection {
  std::vector<Path> paths;
};
struct ResolvedUpdate {
  std::vector<UpdateAction> actions;
};

std::string ToString(const ResolvedCondition& c);
std::string ToString(const ResolvedProjection& p);
std::string ToString(const ResolvedUpdate& u);

class Resolver {
 public:
  // Either map may be null when the request does not carry it.
  Resolver(const NameMap* names, const ValueMap* values);

  // kind is kCondition, kFilter or kKeyCondition.
  Result<ResolvedCondition> Resolve(const ConditionExpr& expr, ExpressionKind kind);
  Result<ResolvedProjection> Resolve(const ProjectionExpr& expr);
  Result<ResolvedUpdate> Resolve(const UpdateExpr& expr);

  // After every expression of the request was resolved: an error if some name (checked
  // first) or value was never used. Keys are listed in sorted order.
  Status CheckAllUsed() const;

 private:
  struct Missing;  // the first undefined name / value / either met in one expression
  void ResolvePath(Path* path, Missing* missing);
  void ResolveOperand(Operand* operand, Missing* missing);
  void ResolveCondition(Condition* condition, Missing* missing);

  const NameMap* names_;
  const ValueMap* values_;
  std::set<std::string> used_names_;
  std::set<std::string> used_values_;
};

}  // namespace stator::expr

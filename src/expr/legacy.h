// Legacy (pre-expression) parameters, translated into the expression AST so that conditions
// go through the evaluator and updates through the update applier like their expression
// counterparts:
//   - Expected (+ ConditionalOperator) of PutItem, UpdateItem and DeleteItem,
//   - QueryFilter / ScanFilter (+ ConditionalOperator) of Query and Scan,
//   - KeyConditions of Query,
//   - AttributeUpdates of UpdateItem.
// Attribute names in these maps are literal top-level names: each becomes a Path of one kName
// element, never parsed for '.' or '['. Values go straight into ValueRef::value (under
// synthetic ":legacyN" placeholders that nothing resolves), so the output needs no Resolver.
//
// The translation runs the checks DynamoDB makes on these parameters before it looks at the
// table, with its exact ValidationException messages, in its order (the first error wins):
// entries in request order, each entry's shape checks then its argument checks, then the
// request-level count rules (ConditionalOperator, KeyConditions' "length 1 or 2", here
// at most kMaxKeyConditions). Checks that
// need the table (key schema, "not an indexable operation", QueryFilter on key attributes, key
// attribute updates, item size) belong to the caller; CheckIndexableKeyCondition serves
// Query's key-schema pass. See docs/design/expressions.md, "Legacy parameters".
//
// Preconditions the protocol layer guarantees (a violation is reported as Status::Internal,
// not a client error): ComparisonOperator, ConditionalOperator and Action are members of their
// enums, and a QueryFilter/ScanFilter/KeyConditions entry has a ComparisonOperator.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "expr/resolver.h"
#include "model/attribute_value.h"

namespace stator::expr {

// The most key conditions a Query can name: a multi-attribute index key has up
// to 4 partition-key and 4 sort-key attributes. (A single-attribute key takes
// at most 2; that is checked against the queried schema.)
inline constexpr size_t kMaxKeyConditions = 8;

// One ExpectedAttributeValue (Expected) or Condition (QueryFilter, ScanFilter, KeyConditions).
// An absent member is nullopt; an empty AttributeValueList is an engaged empty vector (the
// two are told apart by DynamoDB's checks).
struct LegacyCondition {
  std::optional<model::AttributeValue> value = {};  // Value (Expected only)
  std::optional<bool> exists = {};                  // Exists (Expected only)
  // EQ NE LE LT GE GT NOT_NULL NULL CONTAINS NOT_CONTAINS BEGINS_WITH IN BETWEEN
  std::optional<std::string> comparison_operator = {};
  std::optional<std::vector<model::AttributeValue>> attribute_value_list = {};
};
using LegacyConditions = std::vector<std::pair<std::string, LegacyCondition>>;  // request order

enum class LegacyKind { kExpected, kQueryFilter, kScanFilter, kKeyConditions };

// Translates one legacy condition map into a condition: each entry becomes
//   Exists:false                    -> attribute_not_exists(a)
//   Value (alone or Exists:true)    -> a = v
//   EQ NE LT LE GT GE               -> a = v, a <> v, a < v, ...
//   NOT_NULL / NULL                 -> attribute_exists(a) / attribute_not_exists(a)
//   CONTAINS / BEGINS_WITH          -> contains(a, v) / begins_with(a, v)
//   NOT_CONTAINS                    -> attribute_exists(a) AND NOT contains(a, v)
//   IN / BETWEEN                    -> a IN (v1, ...) / a BETWEEN lo AND hi
// and the entries are joined left to right with AND, or OR when `conditional_operator` is
// "OR" (nullopt means AND). For kKeyConditions `conditional_operator` is ignored (it belongs
// to the QueryFilter) and the map must hold 1 or 2 entries.
//
// An empty map yields nullopt (no condition), except that a ConditionalOperator needs at least
// two entries: pass an empty list when the parameter is absent from the request so that rule
// still applies.
Result<std::optional<ResolvedCondition>> TranslateLegacyConditions(
    const LegacyConditions& conditions, const std::optional<std::string>& conditional_operator,
    LegacyKind kind);

// For Query's key-schema pass, called on the KeyConditions entry of each key attribute in
// schema order: NULL, NOT_NULL, NE, CONTAINS, NOT_CONTAINS and IN cannot select a key range
// ("Attempted conditional constraint is not an indexable operation"). DynamoDB checks this
// only after finding the table, interleaved with "Query condition missed key schema element",
// which is why TranslateLegacyConditions does not.
Status CheckIndexableKeyCondition(const LegacyCondition& condition);

// One AttributeValueUpdate of UpdateItem. `action` nullopt means PUT.
struct LegacyAttributeUpdate {
  std::optional<model::AttributeValue> value = {};
  std::optional<std::string> action = {};  // PUT ADD DELETE
};
using LegacyAttributeUpdates = std::vector<std::pair<std::string, LegacyAttributeUpdate>>;

// Translates AttributeUpdates, in request order:
//   PUT v            -> SET a = v
//   DELETE           -> REMOVE a
//   DELETE v (a set) -> DELETE a v
//   ADD v            -> ADD a v, where v is N, a set, or an L. ADD with an L appends to a
//                       list; no UpdateExpression can say that, so only this path builds it.
Result<ResolvedUpdate> TranslateAttributeUpdates(const LegacyAttributeUpdates& updates);

}  // namespace stator::expr

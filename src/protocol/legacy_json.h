// JSON -> the legacy (pre-expression) parameters, in DynamoDB's three phases (see
// json_shape.h):
//   - the condition maps Expected (PutItem, UpdateItem, DeleteItem), QueryFilter (Query),
//     ScanFilter (Scan) and KeyConditions (Query), with ConditionalOperator,
//   - AttributeUpdates (UpdateItem).
// Phase 1 (Read*) records JSON type errors (SerializationException) in a ShapeReader; phase 2
// (Check*) adds member constraints to a Constraints list; phase 3 (Decode*) builds the
// expr::Legacy* structures, checking attribute values with the texts Item values get, and
// expr/legacy.h translates them. An operation calls the phases in that order, each after the
// previous one succeeded for the whole request, so a phase may rely on the one before (phase 3
// on a map phase 1 returned and phase 2 passed).
//
// Entry order. Json (nlohmann::json) keeps object members sorted by key, not in request order,
// so entries are read, checked and translated in key order (bytewise). This only matters when
// several entries are wrong: the first in key order is reported (DynamoDB's own order is that
// of its Java map, not the request's either). Conditions join with AND or OR, which commute, and
// AttributeUpdates name distinct attributes, so results do not depend on it.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "expr/legacy.h"
#include "expr/resolver.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

// The request member of a condition map ("Expected", "QueryFilter", "ScanFilter",
// "KeyConditions"), as the expression/non-expression conflict messages name it.
std::string_view LegacyMemberName(expr::LegacyKind kind);

// --- Phase 1: JSON types ---

// The condition map of `kind` in `body`: a map of ExpectedAttributeValue (Expected: Value,
// Exists, ComparisonOperator, AttributeValueList) or Condition (the others: ComparisonOperator,
// AttributeValueList) structures. Returns the map, or nullptr when it is absent or when a type
// error is recorded in `reader` (now or before).
const Json* ReadLegacyConditions(ShapeReader& reader, const Json& body, expr::LegacyKind kind);

// UpdateItem's AttributeUpdates: a map of AttributeValueUpdate {Value, Action}. As above.
const Json* ReadAttributeUpdates(ShapeReader& reader, const Json& body);

// --- Phase 2: constraints ---

// Each entry's ComparisonOperator against its enum ("expected.<name>.member.comparisonOperator");
// for QueryFilter, ScanFilter and KeyConditions it is also required. `map` may be nullptr.
void CheckLegacyConditionConstraints(Constraints& c, const Json* map, expr::LegacyKind kind);

// ConditionalOperator against [OR, AND] ("conditionalOperator"), when present.
void CheckConditionalOperatorConstraint(Constraints& c,
                                        const std::optional<std::string>& conditional_operator);

// Each entry's Action against [ADD, PUT, DELETE] ("attributeUpdates.<name>.member.action").
// `map` may be nullptr.
void CheckAttributeUpdatesConstraints(Constraints& c, const Json* map);

// --- Phase 3: values and the legacy rules ---

// Decodes a condition map, entry by entry in key order: the entry's attribute values (errors
// as for Item values), then the entry's own rules (expr::TranslateLegacyConditions on that
// entry alone), so the first bad entry reports its first problem. The request-level rules
// (ConditionalOperator, KeyConditions' count) are left to TranslateLegacyConditions on the
// result.
Result<expr::LegacyConditions> DecodeLegacyConditions(const Json& map, expr::LegacyKind kind);

// Decodes AttributeUpdates the same way: per entry its Value, then its Action/Value rules.
Result<expr::LegacyAttributeUpdates> DecodeAttributeUpdates(const Json& map);

// DecodeLegacyConditions then expr::TranslateLegacyConditions. `map` is nullptr when the
// parameter is absent (a ConditionalOperator then still gets its "cannot be used without"
// error). nullopt: no condition.
Result<std::optional<expr::ResolvedCondition>> DecodeAndTranslateLegacyConditions(
    const Json* map, const std::optional<std::string>& conditional_operator, expr::LegacyKind kind);

// DecodeAttributeUpdates then expr::TranslateAttributeUpdates.
Result<expr::ResolvedUpdate> DecodeAndTranslateAttributeUpdates(const Json& map);

}  // namespace stator::protocol

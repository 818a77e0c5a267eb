// Conditional writes: the ConditionExpression of PutItem and DeleteItem
// (UpdateItem's later), parsed, resolved against the request's
// ExpressionAttributeNames/Values, and checked against the current item while
// it is locked, so a condition and its write are atomic.
//
// Thread-safety: pure functions and values.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "expr/resolver.h"
#include "model/attribute_value.h"

namespace stator::ops {

struct WriteConditionParams {
  std::optional<std::string> condition_expression;
  std::optional<expr::NameMap> names;    // ExpressionAttributeNames
  std::optional<expr::ValueMap> values;  // ExpressionAttributeValues
  bool return_old_on_failure = false;    // ReturnValuesOnConditionCheckFailure=ALL_OLD
  // The legacy Expected/ConditionalOperator, already translated (never together with
  // condition_expression).
  std::optional<expr::ResolvedCondition> legacy_condition;
};

struct WriteCondition {
  std::optional<expr::ResolvedCondition> condition;  // none: unconditional
  bool return_old_on_failure = false;
};

// What a ConditionalCheckFailedException carries: the item as it was, when
// the request asked for it with ReturnValuesOnConditionCheckFailure=ALL_OLD.
struct ConditionFailedDetail : ErrorDetail {
  std::optional<model::Item> item;
};

// Parses and resolves the condition, with DynamoDB's errors for the
// expression and for unused names and values.
Result<WriteCondition> ResolveWriteCondition(const WriteConditionParams& params);

// The same, for a request whose other expressions share the names and values:
// resolves with `resolver` and leaves the unused-placeholder check to the caller.
Result<WriteCondition> ResolveWriteCondition(const WriteConditionParams& params,
                                             expr::Resolver& resolver);

// OK when there is no condition or it holds for `current` (nullopt: no item);
// else ConditionalCheckFailedException ("The conditional request failed").
Status CheckWriteCondition(const WriteCondition& condition,
                           const std::optional<model::Item>& current);

}  // namespace stator::ops

// The expression parameters every conditional write shares (PutItem,
// DeleteItem, UpdateItem and the actions of TransactWriteItems), and
// DynamoDB's checks of them, in its order.
//
// Thread-safety: pure functions and values.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/status.h"
#include "ops/conditions.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

// The members of a single-item write (a transaction action has only some of them).
struct WriteCommon {
  std::optional<std::string> table_name;
  std::optional<std::string> return_values;
  std::optional<std::string> return_consumed_capacity;
  std::optional<std::string> return_item_collection_metrics;
  std::optional<std::string> return_values_on_condition_check_failure;
  std::optional<std::string> condition_expression;
  const Json* expected = nullptr;
  std::optional<std::string> conditional_operator;
  std::optional<std::map<std::string, std::string>> names;
  const Json* values = nullptr;
};

// The expression and legacy members of a write, for the checks DynamoDB makes
// before it looks at attribute values.
struct ExpressionMembers {
  bool update_expression = false;  // UpdateItem only
  bool attribute_updates = false;  // UpdateItem only
  bool update = false;             // the request is an UpdateItem
};

// The checks DynamoDB makes of the expression parameters before it looks at
// attribute values: legacy and expression parameters not mixed, names and
// values only with an expression, placeholder keys well formed.
Status CheckConditionParams(const WriteCommon& w, const ExpressionMembers& m);

// After the item's own values (and AttributeUpdates): the legacy Expected,
// translated, or the condition's names and values.
Result<ops::WriteConditionParams> DecodeConditionParams(const WriteCommon& w);

}  // namespace stator::protocol

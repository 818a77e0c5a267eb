// UpdateItem: edits one item in place with an UpdateExpression (or the legacy
// AttributeUpdates, translated to the same form), under an optional condition,
// creating the item when it does not exist.
//
// The whole request is validated (expressions parsed and resolved, the key
// checked against the schema, key attributes protected) before storage is
// touched; the condition, the update and the write then happen as one atomic
// read-modify-write of the item.
//
// Thread-safety: may be called concurrently.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "expr/resolver.h"
#include "model/attribute_value.h"
#include "ops/capacity.h"
#include "ops/conditions.h"
#include "ops/context.h"
#include "ops/items.h"

namespace stator::ops {

struct UpdateItemRequest {
  std::string table_name;
  model::Item key;
  std::optional<std::string> update_expression;
  // The legacy AttributeUpdates, already translated (never with update_expression).
  std::optional<expr::ResolvedUpdate> legacy_update;
  // ConditionExpression and the ExpressionAttributeNames/Values that both
  // expressions share.
  WriteConditionParams condition;
  ReturnValues return_values = ReturnValues::kNone;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  bool return_item_collection_metrics = false;
};

Result<WriteItemResponse> UpdateItem(const RequestContext& ctx, const UpdateItemRequest& req);

}  // namespace stator::ops

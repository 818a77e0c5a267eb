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
#include "expr/updater.h"
#include "model/attribute_value.h"
#include "ops/capacity.h"
#include "ops/conditions.h"
#include "ops/context.h"
#include "ops/items.h"
#include "storage/engine.h"

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

// An UpdateItem request validated against its table, ready to apply.
struct PreparedUpdate {
  storage::TablePtr table;
  model::Item key;
  expr::ResolvedUpdate update;
  WriteCondition condition;
  expr::UpdateDialect dialect = expr::UpdateDialect::kExpression;
};

// Resolves the expressions, checks the key and the updated paths against the
// table, with DynamoDB's errors, in its order. Touches no item.
Result<PreparedUpdate> PrepareUpdate(const RequestContext& ctx, const UpdateItemRequest& req);

// PrepareUpdate's two halves, for a caller (a transaction) that looks the
// table up in between: the expressions alone (`table` left empty), then the
// checks against the table's schema.
Result<PreparedUpdate> ResolveUpdate(const UpdateItemRequest& req);
Status CheckUpdateAgainstTable(const model::TableDef& table, const PreparedUpdate& prepared);

// The write `prepared` makes of the item whose current value is `current`
// (checking the condition first); `new_item` receives the updated item when
// one is written. Called with the item locked.
Result<storage::WriteDecision> DecideUpdate(const PreparedUpdate& prepared,
                                            const std::optional<model::Item>& current,
                                            std::optional<model::Item>* new_item);

Result<WriteItemResponse> UpdateItem(const RequestContext& ctx, const UpdateItemRequest& req);

}  // namespace stator::ops

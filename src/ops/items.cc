#include "ops/items.h"

#include <cmath>

#include "model/item_size.h"
#include "ops/tables.h"
#include "validation/keys.h"

namespace stator::ops {

Status ReturnValuesAllOldOrNone(ReturnValues rv) {
  if (rv == ReturnValues::kNone || rv == ReturnValues::kAllOld) return Status::OK();
  return Status::Validation("ReturnValues can only be ALL_OLD or NONE");
}

Result<std::optional<ItemCollectionMetrics>> MeasureItemCollection(const RequestContext& ctx,
                                                                   const model::TableDef& table,
                                                                   const model::Item& key) {
  if (table.local_indexes.empty()) return std::optional<ItemCollectionMetrics>();
  const model::AttributeValue& partition = key.at(table.key.hash.name);
  const int64_t bytes = ctx.engine().ItemCollectionBytes(table.table_id, partition);
  ItemCollectionMetrics m;
  m.key.emplace(table.key.hash.name, partition);
  const double gb = std::floor(static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  m.size_low_gb = gb;
  m.size_high_gb = gb + 1;
  return std::optional<ItemCollectionMetrics>(std::move(m));
}

Result<WriteItemResponse> PutItem(const RequestContext& ctx, const PutItemRequest& req) {
  STATOR_RETURN_IF_ERROR(ReturnValuesAllOldOrNone(req.return_values));
  // DynamoDB checks the size before it looks the table up.
  STATOR_RETURN_IF_ERROR(validation::ValidateItemSize(req.item));
  STATOR_ASSIGN_OR_RETURN(WriteCondition condition, ResolveWriteCondition(req.condition));
  STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, FindTableForItemOp(ctx, req.table_name));
  STATOR_RETURN_IF_ERROR(validation::ValidateItemKey(*table, req.item));

  std::optional<model::Item> old_item;
  model::Item key = validation::ExtractKey(*table, req.item);
  STATOR_RETURN_IF_ERROR(ctx.engine().Mutate(
      *table, key,
      [&](const std::optional<model::Item>& current) -> Result<storage::WriteDecision> {
        STATOR_RETURN_IF_ERROR(CheckWriteCondition(condition, current));
        old_item = current;
        return storage::WriteDecision::Put(req.item);
      }));

  WriteItemResponse resp;
  resp.consumed_capacity =
      MakeWriteConsumed(req.return_consumed_capacity, *table, old_item, req.item);
  if (req.return_item_collection_metrics) {
    STATOR_ASSIGN_OR_RETURN(resp.item_collection_metrics, MeasureItemCollection(ctx, *table, key));
  }
  if (req.return_values == ReturnValues::kAllOld && old_item) resp.attributes = std::move(old_item);
  return resp;
}

Result<WriteItemResponse> DeleteItem(const RequestContext& ctx, const DeleteItemRequest& req) {
  STATOR_RETURN_IF_ERROR(ReturnValuesAllOldOrNone(req.return_values));
  STATOR_ASSIGN_OR_RETURN(WriteCondition condition, ResolveWriteCondition(req.condition));
  STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, FindTableForItemOp(ctx, req.table_name));
  STATOR_RETURN_IF_ERROR(validation::ValidateKey(*table, req.key));

  std::optional<model::Item> old_item;
  STATOR_RETURN_IF_ERROR(ctx.engine().Mutate(
      *table, req.key,
      [&](const std::optional<model::Item>& current) -> Result<storage::WriteDecision> {
        STATOR_RETURN_IF_ERROR(CheckWriteCondition(condition, current));
        old_item = current;
        return storage::WriteDecision::Delete();
      }));

  WriteItemResponse resp;
  resp.consumed_capacity =
      MakeWriteConsumed(req.return_consumed_capacity, *table, old_item, std::nullopt);
  if (req.return_item_collection_metrics) {
    STATOR_ASSIGN_OR_RETURN(resp.item_collection_metrics,
                            MeasureItemCollection(ctx, *table, req.key));
  }
  if (req.return_values == ReturnValues::kAllOld && old_item) resp.attributes = std::move(old_item);
  return resp;
}

Result<GetItemResponse> GetItem(const RequestContext& ctx, const GetItemRequest& req) {
  STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, FindTableForItemOp(ctx, req.table_name));
  STATOR_RETURN_IF_ERROR(validation::ValidateKey(*table, req.key));
  STATOR_RETURN_IF_ERROR(CheckKeyPathsScalar(*table, req.projection.paths));
  STATOR_ASSIGN_OR_RETURN(std::optional<model::Item> item, ctx.engine().GetItem(*table, req.key));

  GetItemResponse resp;
  size_t size = item ? model::ItemSize(*item) : 0;
  resp.consumed_capacity = MakeReadConsumed(req.return_consumed_capacity, table->name,
                                            ReadUnits(size, req.consistent_read));
  if (item) resp.item = ApplyProjection(req.projection, *item);
  return resp;
}

}  // namespace stator::ops

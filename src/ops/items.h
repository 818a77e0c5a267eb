// Single-item operations: PutItem, GetItem, DeleteItem.
//
// Each validates the whole request against the table's schema before it
// touches storage, then performs one atomic read-modify-write (writes) or one
// point read (GetItem).
//
// Thread-safety: every function may be called concurrently.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/attribute_value.h"
#include "ops/capacity.h"
#include "ops/conditions.h"
#include "ops/context.h"
#include "ops/projection.h"

namespace stator::ops {

enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };

struct PutItemRequest {
  std::string table_name;
  model::Item item;
  WriteConditionParams condition;
  ReturnValues return_values = ReturnValues::kNone;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  bool return_item_collection_metrics = false;  // ReturnItemCollectionMetrics=SIZE
};

struct DeleteItemRequest {
  std::string table_name;
  model::Item key;
  WriteConditionParams condition;
  ReturnValues return_values = ReturnValues::kNone;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  bool return_item_collection_metrics = false;
};

struct GetItemRequest {
  std::string table_name;
  model::Item key;
  bool consistent_read = false;
  ProjectionSpec projection;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

// The item collection (the items sharing a partition key, with their local
// index entries) a write touched, on tables with local indexes.
struct ItemCollectionMetrics {
  model::Item key;  // the partition key attribute
  double size_low_gb = 0;
  double size_high_gb = 1;
};

struct WriteItemResponse {
  std::optional<model::Item> attributes;  // ReturnValues ALL_OLD
  std::optional<ConsumedCapacity> consumed_capacity;
  std::optional<ItemCollectionMetrics> item_collection_metrics;
};

// ReturnItemCollectionMetrics=SIZE: the size of the collection of `key`'s
// partition (items and local-index entries, kept by the engine), as a 1 GB range.
// nullopt when the table has no local index, as DynamoDB answers nothing then.
Result<std::optional<ItemCollectionMetrics>> MeasureItemCollection(const RequestContext& ctx,
                                                                   const model::TableDef& table,
                                                                   const model::Item& key);

struct GetItemResponse {
  std::optional<model::Item> item;
  std::optional<ConsumedCapacity> consumed_capacity;
};

// PutItem and DeleteItem accept only NONE and ALL_OLD; checked before the
// attribute values are (DynamoDB's order), so the protocol layer calls it too.
Status ReturnValuesAllOldOrNone(ReturnValues rv);

Result<WriteItemResponse> PutItem(const RequestContext& ctx, const PutItemRequest& req);
Result<WriteItemResponse> DeleteItem(const RequestContext& ctx, const DeleteItemRequest& req);
Result<GetItemResponse> GetItem(const RequestContext& ctx, const GetItemRequest& req);

}  // namespace stator::ops

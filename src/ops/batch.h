// Batch operations: BatchGetItem and BatchWriteItem.
//
// BatchGetItem reads up to 100 keys from one or more tables. Every table and
// key is validated before anything is read; the reads then stop once the
// answer would pass 16 MB, and the keys not read come back as UnprocessedKeys
// with the table's read parameters, ready to be sent again.
//
// BatchWriteItem puts and deletes up to 25 items in one or more tables. Every
// table, key, item and duplicate is checked before the first write; each
// write is then one Engine::Mutate, exactly as PutItem and DeleteItem do
// (index entries and statistics in the same atomic batch). The writes of a
// batch are not atomic with each other, as in DynamoDB. A write whose item a
// transaction is applying at that moment is not made and comes back in
// UnprocessedItems; every other write is processed.
//
// The checks DynamoDB makes before it looks tables up (projection
// parameters, attribute values, duplicate keys of BatchGetItem, the total
// count) are the protocol decoder's; BatchKeyTally is its helper.
//
// Thread-safety: the operations may be called concurrently; a BatchKeyTally
// belongs to one request.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/attribute_value.h"
#include "ops/capacity.h"
#include "ops/context.h"
#include "ops/items.h"
#include "ops/projection.h"

namespace stator::ops {

inline constexpr size_t kMaxBatchGetKeys = 100;
inline constexpr size_t kMaxBatchWriteRequests = 25;
inline constexpr size_t kMaxBatchGetResponseBytes = 16 * 1024 * 1024;

// Counts the keys of a batch in request order and refuses a key repeated
// within one table ("Provided list of item keys contains duplicates") and,
// after it, a key beyond `max_total` across all tables (`too_many_message`).
class BatchKeyTally {
 public:
  BatchKeyTally(size_t max_total, std::string too_many_message)
      : max_total_(max_total), too_many_message_(std::move(too_many_message)) {}

  // The keys that follow belong to the next table.
  void NextTable() { table_keys_.clear(); }
  Status Add(const model::Item& key);

 private:
  size_t max_total_;
  std::string too_many_message_;
  size_t total_ = 0;
  std::vector<model::Item> table_keys_;
};

// One table's KeysAndAttributes.
struct BatchGetTable {
  std::string table_name;
  std::vector<model::Item> keys;
  // As the request gave them, to be echoed with UnprocessedKeys.
  std::optional<bool> consistent_read;
  ExpressionParams expression;
  ProjectionSpec projection;  // resolved from `expression`
};

struct BatchGetItemRequest {
  std::vector<BatchGetTable> tables;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

struct BatchGetItemResponse {
  // Every requested table, in request order, with the items found (projected).
  std::vector<std::pair<std::string, std::vector<model::Item>>> responses;
  // The tables with keys left unread, each with only those keys.
  std::vector<BatchGetTable> unprocessed;
  // One entry per requested table, unless ReturnConsumedCapacity is NONE.
  std::optional<std::vector<ConsumedCapacity>> consumed_capacity;
};

struct WriteRequest {
  enum class Kind { kPut, kDelete };
  Kind kind = Kind::kPut;
  model::Item item;  // the item of a put, the key of a delete
};

struct BatchWriteTable {
  std::string table_name;
  std::vector<WriteRequest> requests;
};

struct BatchWriteItemRequest {
  std::vector<BatchWriteTable> tables;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  bool return_item_collection_metrics = false;  // ReturnItemCollectionMetrics=SIZE
};

struct BatchWriteItemResponse {
  // The writes not applied because a transaction was applying their item
  // (TransactionConflict), by table, to be sent again.
  std::vector<BatchWriteTable> unprocessed;
  // One entry per table, unless ReturnConsumedCapacity is NONE.
  std::optional<std::vector<ConsumedCapacity>> consumed_capacity;
  // With SIZE: for each table with local indexes, one entry per item
  // collection (partition key value) written, measured after the writes.
  std::vector<std::pair<std::string, std::vector<ItemCollectionMetrics>>> item_collection_metrics;
};

Result<BatchGetItemResponse> BatchGetItem(const RequestContext& ctx,
                                          const BatchGetItemRequest& req);
Result<BatchWriteItemResponse> BatchWriteItem(const RequestContext& ctx,
                                              const BatchWriteItemRequest& req);

}  // namespace stator::ops

// JSON <-> typed requests and responses of PutItem, GetItem, DeleteItem and UpdateItem.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "ops/items.h"
#include "ops/update.h"
#include "protocol/json_shape.h"
#include "protocol/json_writer.h"

namespace stator::protocol {

Result<ops::PutItemRequest> DecodePutItem(const Json& body);
Result<ops::GetItemRequest> DecodeGetItem(const Json& body);
Result<ops::DeleteItemRequest> DecodeDeleteItem(const Json& body);
Result<ops::UpdateItemRequest> DecodeUpdateItem(const Json& body);

// ReturnConsumedCapacity's (enum-checked) value; NONE when absent.
ops::ReturnConsumedCapacity ToReturnConsumedCapacity(const std::optional<std::string>& v);

Json EncodeWriteItem(const ops::WriteItemResponse& resp);
Json EncodeGetItem(const ops::GetItemResponse& resp);
Json EncodeConsumedCapacity(const ops::ConsumedCapacity& c);
// A list of them, one per table (batches, transactions, PartiQL batches).
Json EncodeConsumedCapacityList(const std::vector<ops::ConsumedCapacity>& list);
Json EncodeItemCollectionMetrics(const ops::ItemCollectionMetrics& m);

// The answers of the hot operations rendered without a DOM: the same bytes as the Encode
// function's dump(), without ConsumedCapacity unless `with_capacity`.
std::string RenderWriteItem(const ops::WriteItemResponse& resp, bool with_capacity);
std::string RenderGetItem(const ops::GetItemResponse& resp, bool with_capacity);
void WriteConsumedCapacity(JsonWriter& w, const ops::ConsumedCapacity& c);
// BatchWriteItem's and TransactWriteItems' ItemCollectionMetrics: table name -> entries.
template <typename TableMetrics>
Json EncodeItemCollectionMetricsByTable(const TableMetrics& by_table) {
  Json out = Json::object();
  for (const auto& [table, list] : by_table) {
    Json entries = Json::array();
    for (const ops::ItemCollectionMetrics& m : list)
      entries.push_back(EncodeItemCollectionMetrics(m));
    out[table] = std::move(entries);
  }
  return out;
}

}  // namespace stator::protocol

// JSON <-> typed requests and responses of BatchGetItem and BatchWriteItem.
//
// The decoders run DynamoDB's phases: JSON types (SerializationException),
// member constraints ("N validation errors detected", with map-key and
// map-value constraints on RequestItems), then, table by table in key order,
// the checks DynamoDB makes before it looks any table up: projection
// parameters, attribute values, item sizes, BatchGetItem's duplicate keys
// and the total number of keys or requests.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "ops/batch.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

Result<ops::BatchGetItemRequest> DecodeBatchGetItem(const Json& body);
Result<ops::BatchWriteItemRequest> DecodeBatchWriteItem(const Json& body);

// Responses and UnprocessedKeys / UnprocessedItems are always present.
Json EncodeBatchGetItem(const ops::BatchGetItemResponse& resp);
Json EncodeBatchWriteItem(const ops::BatchWriteItemResponse& resp);

}  // namespace stator::protocol

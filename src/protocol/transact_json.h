// JSON <-> typed requests and responses of TransactWriteItems and
// TransactGetItems, and the CancellationReasons of a cancelled transaction.
//
// The decoders run DynamoDB's phases: JSON types (SerializationException),
// member constraints (one "N validation errors detected" message, with
// element paths such as transactItems.1.member.put.tableName), one action per
// element, then action by action the expression parameters and attribute
// values. Members a transaction action does not have (ReturnValues, Expected,
// AttributeUpdates, ...) are ignored, like any unknown member.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "ops/transactions.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

Result<ops::TransactWriteItemsRequest> DecodeTransactWriteItems(const Json& body);
Result<ops::TransactGetItemsRequest> DecodeTransactGetItems(const Json& body);

Json EncodeTransactWriteItems(const ops::TransactWriteItemsResponse& resp);
// Responses is always present: {} for an absent item, {"Item": {...}} otherwise.
Json EncodeTransactGetItems(const ops::TransactGetItemsResponse& resp);
// Its body: one {"Item": ...} or {} per read, and ConsumedCapacity when there is any (also
// PartiQL's ExecuteTransaction).
Json EncodeItemResponses(const std::vector<std::optional<model::Item>>& items,
                         const std::vector<ops::ConsumedCapacity>& consumed_capacity);

// The CancellationReasons member of a TransactionCanceledException.
Json EncodeCancellationReasons(const std::vector<ops::CancellationReason>& reasons);

}  // namespace stator::protocol

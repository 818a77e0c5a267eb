// JSON <-> typed requests and responses of the PartiQL operations: ExecuteStatement,
// BatchExecuteStatement and ExecuteTransaction (ops/partiql.h), with DynamoDB's shape and
// constraint checks (json_shape.h) in its order.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "ops/partiql.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

Result<ops::ExecuteStatementRequest> DecodeExecuteStatement(const Json& body);
Result<ops::BatchExecuteStatementRequest> DecodeBatchExecuteStatement(const Json& body);
Result<ops::ExecuteTransactionRequest> DecodeExecuteTransaction(const Json& body);

Json EncodeExecuteStatement(const ops::ExecuteStatementResponse& resp);
Json EncodeBatchExecuteStatement(const ops::BatchExecuteStatementResponse& resp);
Json EncodeExecuteTransaction(const ops::ExecuteTransactionResponse& resp);

}  // namespace stator::protocol

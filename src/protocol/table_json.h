// JSON <-> typed requests and responses of the table operations.
//
// Each Decode* runs DynamoDB's first two phases (JSON types, then member
// constraints) and returns the typed request or the phase's error.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "ops/tables.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

Result<ops::CreateTableRequest> DecodeCreateTable(const Json& body);
Result<std::string> DecodeTableNameOnly(const Json& body);  // DescribeTable, DeleteTable
Result<ops::UpdateTableRequest> DecodeUpdateTable(const Json& body);
Result<ops::ListTablesRequest> DecodeListTables(const Json& body);

// DynamoDB's names of a stream view type and a key schema's JSON (KeySchema).
std::string_view ViewTypeName(model::StreamViewType t);
Json EncodeKeySchema(const model::KeySchema& key);

Json EncodeTableDescription(const ops::TableDescription& desc, const ops::RequestContext& ctx);
Json EncodeListTables(const ops::ListTablesResponse& resp);
Json EncodeDescribeLimits(const ops::DescribeLimitsResponse& resp);
Json EncodeDescribeEndpoints(const ops::Endpoint& endpoint);

}  // namespace stator::protocol

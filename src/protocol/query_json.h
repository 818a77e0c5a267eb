// JSON <-> typed requests and responses of Query and Scan.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "ops/query.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

Result<ops::QueryRequest> DecodeQuery(const Json& body);
Result<ops::ScanRequest> DecodeScan(const Json& body);
Json EncodeRead(const ops::ReadResponse& resp);
// EncodeRead(resp).dump() without the DOM, and without ConsumedCapacity unless
// `with_capacity`.
std::string RenderRead(const ops::ReadResponse& resp, bool with_capacity);

}  // namespace stator::protocol

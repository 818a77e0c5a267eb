// JSON <-> typed requests and responses of UpdateTimeToLive and
// DescribeTimeToLive.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "common/status.h"
#include "ops/ttl.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

Result<ops::UpdateTimeToLiveRequest> DecodeUpdateTimeToLive(const Json& body);
Result<std::string> DecodeDescribeTimeToLive(const Json& body);  // the table name

Json EncodeUpdateTimeToLive(const ops::TimeToLiveSpecification& spec);
Json EncodeDescribeTimeToLive(const ops::TimeToLiveDescription& desc);

}  // namespace stator::protocol

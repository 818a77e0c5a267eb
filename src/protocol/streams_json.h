// JSON <-> typed requests and responses of the DynamoDB Streams operations
// (X-Amz-Target DynamoDBStreams_20120810.*): JSON types, then member
// constraints, then the limits DynamoDB words on their own.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "ops/streams.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

Result<ops::ListStreamsRequest> DecodeListStreams(const Json& body);
Result<ops::DescribeStreamRequest> DecodeDescribeStream(const Json& body);
Result<ops::GetShardIteratorRequest> DecodeGetShardIterator(const Json& body);
Result<ops::GetRecordsRequest> DecodeGetRecords(const Json& body);

Json EncodeListStreams(const ops::ListStreamsResponse& resp);
Json EncodeDescribeStream(const ops::StreamDescription& desc);
Json EncodeShardIterator(const std::string& iterator);
Json EncodeGetRecords(const ops::GetRecordsResponse& resp);

}  // namespace stator::protocol

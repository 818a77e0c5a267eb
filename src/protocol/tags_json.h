// JSON <-> typed requests and responses of TagResource, UntagResource and
// ListTagsOfResource.
//
// The decoders run DynamoDB's first phases in its order: JSON types
// (SerializationException); a missing ResourceArn ("Invalid TableArn"); the
// ARN's syntax (ops::CheckResourceArnSyntax); then the member constraints
// ("N validation errors detected": ResourceArn at most 1283 characters, Tags
// or TagKeys present). Tag keys and values are not constraint-checked here:
// DynamoDB reports them with its own messages (ops::CheckNewTags).
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "ops/tags.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

Result<ops::TagResourceRequest> DecodeTagResource(const Json& body);
Result<ops::UntagResourceRequest> DecodeUntagResource(const Json& body);
Result<ops::ListTagsOfResourceRequest> DecodeListTagsOfResource(const Json& body);

// {"Tags": [...]} (always present, maybe empty) and NextToken when there is more.
Json EncodeListTagsOfResource(const ops::ListTagsOfResourceResponse& resp);

}  // namespace stator::protocol

// Parts of DescribeTable's TableDescription that other responses repeat
// (DescribeBackup's source table details). EncodeTableDescription itself is
// declared in table_json.h.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "model/table.h"
#include "ops/context.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

// DynamoDB's timestamps: epoch seconds with a millisecond fraction.
double EpochSeconds(int64_t micros);

// A projection's JSON (Projection), INCLUDE's attributes sorted as DynamoDB does.
Json EncodeProjection(const model::Projection& p);

// The SSEDescription of a table encrypted with a KMS key (t.sse.enabled): the
// key given, as the ARN of a key in the request's account and region when it
// was an id or alias.
Json EncodeSseDescription(const model::TableDef& t, const ops::RequestContext& ctx);

}  // namespace stator::protocol

// JSON <-> typed requests and responses of export to S3:
// ExportTableToPointInTime, DescribeExport, ListExports.
//
// Each Decode* runs DynamoDB's first two phases (JSON types, then member
// constraints, with lowerCamelCase paths) and returns the typed request or
// the phase's error; the operations' own checks (a table ARN that is not an
// ARN, an export ARN of the wrong form, INCREMENTAL_EXPORT) are the ops
// layer's. IncrementalExportSpecification is checked for shape and then
// dropped: ops refuses incremental exports. Timestamps travel as epoch
// seconds (timestamp_json.h) and are encoded with millisecond precision.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "common/status.h"
#include "ops/exports.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

Result<ops::ExportTableToPointInTimeRequest> DecodeExportTableToPointInTime(const Json& body);
Result<std::string> DecodeDescribeExport(const Json& body);  // the ExportArn
Result<ops::ListExportsRequest> DecodeListExports(const Json& body);

// ExportTableToPointInTime's and DescribeExport's answer: {"ExportDescription": {...}}
// with only the members that apply to the export's status.
Json EncodeExportDescription(const ops::ExportDescription& desc);
Json EncodeListExports(const ops::ListExportsResponse& resp);

}  // namespace stator::protocol

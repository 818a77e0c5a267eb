#include "protocol/exports_json.h"

#include <cstdint>

#include "protocol/table_description_json.h"
#include "protocol/timestamp_json.h"

namespace stator::protocol {
namespace {

constexpr size_t kMaxArn = 1024;  // TableArn, ExportArn
constexpr size_t kMinExportArn = 37;
constexpr size_t kMaxBucket = 255;
constexpr size_t kMaxPrefix = 1024;
constexpr size_t kMaxKmsKeyId = 2048;
constexpr int64_t kMaxListResults = 25;

// The model's patterns, as DynamoDB's messages quote them.
constexpr std::string_view kBucketPattern = R"(^[a-z0-9A-Z]+[\.\-\w]*[a-z0-9A-Z]+$)";
constexpr std::string_view kBucketOwnerPattern = "[0-9]{12}";
constexpr std::string_view kClientTokenPattern = R"(^[^\$]+$)";

// DynamoDB's order in its messages: observed for exportFormat, the model's
// order for the others.
const std::vector<std::string_view> kExportFormats = {"ION", "DYNAMODB_JSON"};
const std::vector<std::string_view> kExportTypes = {"FULL_EXPORT", "INCREMENTAL_EXPORT"};
const std::vector<std::string_view> kSseAlgorithms = {"AES256", "KMS"};
const std::vector<std::string_view> kViewTypes = {"NEW_IMAGE", "NEW_AND_OLD_IMAGES"};

// ---- patterns (Java's \w is [a-zA-Z0-9_]) ----

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ^[a-z0-9A-Z]+[\.\-\w]*[a-z0-9A-Z]+$
bool IsBucketName(std::string_view s) {
  if (s.size() < 2 || !IsAsciiAlnum(s.front()) || !IsAsciiAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsAsciiAlnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

// [0-9]{12}
bool IsAccountId(std::string_view s) {
  return s.size() == 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// ^[^\$]+$
bool IsClientToken(std::string_view s) {
  return !s.empty() && s.find('$') == std::string_view::npos;
}

void Pattern(Constraints& c, const std::string& value, const std::string& path, bool matches,
             std::string_view pattern) {
  if (!matches) {
    c.Add(Constraints::Quote(value), path,
          "Member must satisfy regular expression pattern: " + std::string(pattern));
  }
}

// ---- IncrementalExportSpecification: shape and constraints only ----

struct RawIncrementalSpec {
  std::optional<int64_t> from_micros;
  std::optional<int64_t> to_micros;
  std::optional<std::string> view_type;
};

std::optional<RawIncrementalSpec> ReadIncrementalSpec(ShapeReader& r, const Json& body) {
  const Json* spec =
      r.Struct(body, "IncrementalExportSpecification", "IncrementalExportSpecification");
  if (spec == nullptr) return std::nullopt;
  RawIncrementalSpec out;
  out.from_micros = ReadTimestamp(r, *spec, "ExportFromTime");
  out.to_micros = ReadTimestamp(r, *spec, "ExportToTime");
  out.view_type = r.String(*spec, "ExportViewType");
  return out;
}

void CheckIncrementalSpec(Constraints& c, const std::optional<RawIncrementalSpec>& spec) {
  if (spec && spec->view_type) {
    c.Enum(*spec->view_type, "incrementalExportSpecification.exportViewType", kViewTypes);
  }
}

}  // namespace

Result<ops::ExportTableToPointInTimeRequest> DecodeExportTableToPointInTime(const Json& body) {
  ShapeReader r;
  auto table_arn = r.String(body, "TableArn");
  ops::ExportTableToPointInTimeRequest req;
  req.export_micros = ReadTimestamp(r, body, "ExportTime");
  req.client_token = r.String(body, "ClientToken");
  auto bucket = r.String(body, "S3Bucket");
  req.s3_bucket_owner = r.String(body, "S3BucketOwner");
  req.s3_prefix = r.String(body, "S3Prefix");
  req.s3_sse_algorithm = r.String(body, "S3SseAlgorithm");
  req.s3_sse_kms_key_id = r.String(body, "S3SseKmsKeyId");
  req.export_format = r.String(body, "ExportFormat");
  req.export_type = r.String(body, "ExportType");
  auto incremental = ReadIncrementalSpec(r, body);
  if (!r.ok()) return r.status();

  Constraints c;
  c.RequiredStringLength(table_arn, "tableArn", 1, kMaxArn);
  if (req.client_token) {
    Pattern(c, *req.client_token, "clientToken", IsClientToken(*req.client_token),
            kClientTokenPattern);
  }
  if (!bucket) {
    c.NotNull("s3Bucket");
  } else {
    Pattern(c, *bucket, "s3Bucket", IsBucketName(*bucket), kBucketPattern);
    c.StringLength(*bucket, "s3Bucket", 0, kMaxBucket);
  }
  if (req.s3_bucket_owner) {
    Pattern(c, *req.s3_bucket_owner, "s3BucketOwner", IsAccountId(*req.s3_bucket_owner),
            kBucketOwnerPattern);
  }
  // The model sets no minimum, but DynamoDB refuses an empty prefix too.
  if (req.s3_prefix) c.StringLength(*req.s3_prefix, "s3Prefix", 1, kMaxPrefix);
  if (req.s3_sse_algorithm) c.Enum(*req.s3_sse_algorithm, "s3SseAlgorithm", kSseAlgorithms);
  if (req.s3_sse_kms_key_id) {
    c.StringLength(*req.s3_sse_kms_key_id, "s3SseKmsKeyId", 1, kMaxKmsKeyId);
  }
  if (req.export_format) c.Enum(*req.export_format, "exportFormat", kExportFormats);
  if (req.export_type) c.Enum(*req.export_type, "exportType", kExportTypes);
  CheckIncrementalSpec(c, incremental);
  STATOR_RETURN_IF_ERROR(c.status());
  req.table_arn = *table_arn;
  req.s3_bucket = *bucket;
  return req;
}

Result<std::string> DecodeDescribeExport(const Json& body) {
  return DecodeSingleString(body, "ExportArn", "exportArn", kMinExportArn, kMaxArn);
}

Result<ops::ListExportsRequest> DecodeListExports(const Json& body) {
  ShapeReader r;
  ops::ListExportsRequest req;
  req.table_arn = r.String(body, "TableArn");
  req.max_results = r.Integer(body, "MaxResults");
  req.next_token = r.String(body, "NextToken");
  if (!r.ok()) return r.status();
  Constraints c;
  if (req.table_arn) c.StringLength(*req.table_arn, "tableArn", 1, kMaxArn);
  if (req.max_results) c.ValueRange(*req.max_results, "maxResults", 1, kMaxListResults);
  STATOR_RETURN_IF_ERROR(c.status());
  return req;
}

Json EncodeExportDescription(const ops::ExportDescription& d) {
  Json out = {{"ExportArn", d.export_arn},
              {"ExportStatus", d.status},
              {"StartTime", EpochSeconds(d.start_micros)},
              {"TableArn", d.table_arn},
              {"TableId", d.table_id},
              {"ExportTime", EpochSeconds(d.export_micros)},
              {"S3Bucket", d.s3_bucket},
              {"S3SseAlgorithm", d.s3_sse_algorithm},
              {"ExportFormat", d.export_format}};
  bool completed = d.status == "COMPLETED";
  bool failed = d.status == "FAILED";
  // A finished export, completed or failed, has ended.
  if ((completed || failed) && d.end_micros != 0) out["EndTime"] = EpochSeconds(d.end_micros);
  if (completed) {
    if (!d.export_manifest.empty()) out["ExportManifest"] = d.export_manifest;
    out["BilledSizeBytes"] = d.billed_size_bytes;
    out["ItemCount"] = d.item_count;
  }
  if (failed) {
    out["FailureCode"] = d.failure_code;
    out["FailureMessage"] = d.failure_message;
  }
  if (!d.client_token.empty()) out["ClientToken"] = d.client_token;
  if (d.s3_bucket_owner) out["S3BucketOwner"] = *d.s3_bucket_owner;
  if (d.s3_prefix) out["S3Prefix"] = *d.s3_prefix;
  if (d.s3_sse_kms_key_id) out["S3SseKmsKeyId"] = *d.s3_sse_kms_key_id;
  if (d.export_type) out["ExportType"] = *d.export_type;
  return {{"ExportDescription", std::move(out)}};
}

Json EncodeListExports(const ops::ListExportsResponse& resp) {
  Json summaries = Json::array();
  for (const ops::ExportSummary& s : resp.exports) {
    summaries.push_back(
        {{"ExportArn", s.export_arn}, {"ExportStatus", s.status}, {"ExportType", s.export_type}});
  }
  Json out = {{"ExportSummaries", std::move(summaries)}};
  if (resp.next_token) out["NextToken"] = *resp.next_token;
  return out;
}

}  // namespace stator::protocol

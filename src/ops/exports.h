// Export to S3: ExportTableToPointInTime, DescribeExport, ListExports
// (docs/design/exports.md).
//
// A local directory stands for S3 (--export-dir): bucket B is its folder B,
// which must exist, as a bucket must (else the export ends FAILED with
// S3NoSuchBucket, as DynamoDB's does). An export writes DynamoDB's layout
// under B/[S3Prefix/]AWSDynamoDB/<ExportId>/: _started, data/*.json.gz,
// manifest-files.json and manifest-summary.json with their .md5 files. The
// table's state at ExportTime comes from point-in-time recovery's history
// (ops/backups.h), so the table must have PITR enabled and ExportTime must
// be inside its window. The files are written before the answer, which says
// IN_PROGRESS as DynamoDB's first answer does; DescribeExport then shows
// COMPLETED (or FAILED). Export records persist in storage.
//
// Requests arrive shape-checked by the protocol layer.
//
// Thread-safety: every function may be called concurrently; an ExportWriter
// must be safe for concurrent use.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/attribute_value.h"
#include "ops/context.h"

namespace stator::ops {

// A ClientToken is remembered for 8 hours, as DynamoDB's.
inline constexpr int64_t kExportTokenMicros = 8LL * 60 * 60 * 1000 * 1000;

struct ExportTableToPointInTimeRequest {
  std::string table_arn;
  std::optional<int64_t> export_micros;  // ExportTime; default now
  std::optional<std::string> client_token;
  std::string s3_bucket;
  std::optional<std::string> s3_bucket_owner;
  std::optional<std::string> s3_prefix;
  std::optional<std::string> s3_sse_algorithm;  // AES256 | KMS
  std::optional<std::string> s3_sse_kms_key_id;
  std::optional<std::string> export_format;  // DYNAMODB_JSON (default) | ION
  std::optional<std::string> export_type;    // FULL_EXPORT (default) | INCREMENTAL_EXPORT
};

struct ExportDescription {
  std::string export_id;  // <14-digit start ms>-<8 hex>: the ARN's last part
  std::string export_arn;
  std::string status;  // IN_PROGRESS, COMPLETED, FAILED
  int64_t start_micros = 0;
  int64_t end_micros = 0;       // 0 until finished
  std::string export_manifest;  // the manifest-summary.json key, once COMPLETED
  std::string table_arn;
  std::string table_id;
  int64_t export_micros = 0;
  std::string client_token;
  std::string s3_bucket;
  std::optional<std::string> s3_bucket_owner;
  std::optional<std::string> s3_prefix;
  std::string s3_sse_algorithm = "AES256";
  std::optional<std::string> s3_sse_kms_key_id;
  std::string failure_code;  // FAILED only
  std::string failure_message;
  std::string export_format = "DYNAMODB_JSON";
  int64_t billed_size_bytes = 0;           // COMPLETED only
  int64_t item_count = 0;                  // COMPLETED only
  std::optional<std::string> export_type;  // echoed only when the request gave it
};

struct ListExportsRequest {
  std::optional<std::string> table_arn;
  std::optional<int64_t> max_results;  // 1-25
  std::optional<std::string> next_token;
};

struct ExportSummary {
  std::string export_arn;
  std::string status;
  std::string export_type;  // always shown (FULL_EXPORT by default)
};

struct ListExportsResponse {
  std::vector<ExportSummary> exports;
  std::optional<std::string> next_token;
};

// Visits items; the visitor returns false to stop.
using ItemSource = std::function<Status(const std::function<Result<bool>(model::Item)>&)>;

// What an export's data files hold.
struct ExportData {
  int64_t item_count = 0;
  int64_t billed_size_bytes = 0;
};

// Writes an export's objects in DynamoDB's formats. `directory` is
// B/[S3Prefix/]AWSDynamoDB/<ExportId> (existing); object keys, as the
// manifests name them, start with `key_prefix` ("[S3Prefix/]AWSDynamoDB/<ExportId>/").
class ExportWriter {
 public:
  virtual ~ExportWriter() = default;
  // Writes _started, the data files with every item of `items`, and
  // manifest-files.json with its .md5.
  virtual Result<ExportData> WriteData(const std::filesystem::path& directory,
                                       const std::string& key_prefix,
                                       const ItemSource& items) const = 0;
  // Writes manifest-summary.json (describing the completed `export`) with its .md5.
  virtual Status WriteSummary(const std::filesystem::path& directory, const std::string& key_prefix,
                              const ExportDescription& export_description) const = 0;
};

Result<ExportDescription> ExportTableToPointInTime(const RequestContext& ctx,
                                                   const ExportTableToPointInTimeRequest& req);
Result<ExportDescription> DescribeExport(const RequestContext& ctx, const std::string& export_arn);
Result<ListExportsResponse> ListExports(const RequestContext& ctx, const ListExportsRequest& req);

}  // namespace stator::ops

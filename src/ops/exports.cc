#include "ops/exports.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <mutex>
#include <random>
#include <system_error>

#include "common/coding.h"
#include "common/ids.h"
#include "ops/arn.h"
#include "ops/backups.h"

namespace stator::ops {
namespace {

namespace fs = std::filesystem;

// DO NOT CHANGE: persisted (an export's record, storage namespace 0x0A).
constexpr uint8_t kExportRecordV1 = 1;

// What makes two requests with one ClientToken the same request.
std::string Fingerprint(const ExportTableToPointInTimeRequest& req) {
  std::string out;
  auto add = [&out](const std::optional<std::string>& v) {
    out.push_back(v ? '\1' : '\0');
    if (v) PutLengthPrefixed(&out, *v);
  };
  PutLengthPrefixed(&out, req.table_arn);
  out.push_back(req.export_micros ? '\1' : '\0');
  if (req.export_micros) PutVarint64(&out, static_cast<uint64_t>(*req.export_micros));
  PutLengthPrefixed(&out, req.s3_bucket);
  add(req.s3_bucket_owner);
  add(req.s3_prefix);
  add(req.s3_sse_algorithm);
  add(req.s3_sse_kms_key_id);
  add(req.export_format);
  add(req.export_type);
  return out;
}

// An export's record: its description and the fingerprint of its request.
struct Record {
  ExportDescription desc;
  std::string fingerprint;
};

// Walks a record's persisted fields in their order (docs/design/exports.md),
// for writing (a const Record) and reading alike.
template <typename Io, typename R>
void RecordFields(Io& io, R& r) {
  auto& d = r.desc;
  io.Str(d.export_id);
  io.Str(d.export_arn);
  io.Str(d.status);
  io.Num(d.start_micros);
  io.Num(d.end_micros);
  io.Str(d.export_manifest);
  io.Str(d.table_arn);
  io.Str(d.table_id);
  io.Num(d.export_micros);
  io.Str(d.client_token);
  io.Str(d.s3_bucket);
  io.Opt(d.s3_bucket_owner);
  io.Opt(d.s3_prefix);
  io.Str(d.s3_sse_algorithm);
  io.Opt(d.s3_sse_kms_key_id);
  io.Str(d.failure_code);
  io.Str(d.failure_message);
  io.Str(d.export_format);
  io.Num(d.billed_size_bytes);
  io.Num(d.item_count);
  io.Opt(d.export_type);
  io.Str(r.fingerprint);
}

struct RecordWriter {
  std::string out;
  void Str(const std::string& v) { PutLengthPrefixed(&out, v); }
  void Num(int64_t v) { PutVarint64(&out, static_cast<uint64_t>(v)); }
  void Opt(const std::optional<std::string>& v) {
    out.push_back(v ? '\1' : '\0');
    if (v) Str(*v);
  }
};

// Records failure instead of returning it; the caller checks `ok` once.
struct RecordReader {
  std::string_view in;
  bool ok = true;
  void Str(std::string& v) {
    std::string_view bytes;
    ok = ok && GetLengthPrefixed(&in, &bytes);
    if (ok) v = std::string(bytes);
  }
  void Num(int64_t& v) {
    uint64_t u = 0;
    ok = ok && GetVarint64(&in, &u);
    v = static_cast<int64_t>(u);
  }
  void Opt(std::optional<std::string>& v) {
    ok = ok && !in.empty();
    if (!ok) return;
    const bool present = in[0] != '\0';
    in.remove_prefix(1);
    if (!present) return;
    Str(v.emplace());
  }
};

std::string EncodeRecord(const Record& r) {
  RecordWriter w;
  w.out.push_back(static_cast<char>(kExportRecordV1));
  RecordFields(w, r);
  return std::move(w.out);
}

Result<Record> DecodeRecord(std::string_view in) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != kExportRecordV1) {
    return Status::Corruption("export: unknown record version");
  }
  RecordReader reader{in.substr(1)};
  Record r;
  RecordFields(reader, r);
  if (!reader.ok || !reader.in.empty()) return Status::Corruption("export: malformed record");
  return r;
}

Result<std::vector<Record>> AllRecords(const RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(std::vector<std::string> raw, ctx.engine().ListExportRecords());
  std::vector<Record> out;
  out.reserve(raw.size());
  for (const std::string& bytes : raw) {
    STATOR_ASSIGN_OR_RETURN(Record r, DecodeRecord(bytes));
    out.push_back(std::move(r));
  }
  return out;
}

Status Save(const RequestContext& ctx, const Record& r) {
  return ctx.engine().PutExportRecord(r.desc.export_id, EncodeRecord(r));
}

// A table ARN's table name and what follows it in the resource path
// ("" for a table, "/export/ID" for an export). ValidationException `invalid`
// when `arn` is not shaped so; AccessDeniedException for another partition's,
// service's, region's or account's resource, as IAM refuses those.
Result<std::pair<std::string, std::string>> ParseTableArn(const RequestContext& ctx,
                                                          const std::string& arn,
                                                          const std::string& invalid) {
  Result<ArnParts> parts = SplitArn(arn);
  if (!parts.ok()) return Status::Validation(invalid + arn);
  if (parts->partition != "aws" || parts->service != "dynamodb" || parts->region != ctx.region ||
      parts->account != ctx.env->account_id) {
    return Status(Code::kAccessDenied, "Access is denied");
  }
  std::string_view resource = parts->resource;
  if (resource.substr(0, 6) != "table/") return Status::Validation(invalid + arn);
  resource.remove_prefix(6);
  const size_t slash = resource.find('/');
  std::string name(resource.substr(0, slash));
  if (name.empty()) return Status::Validation(invalid + arn);
  std::string rest(slash == std::string_view::npos ? "" : resource.substr(slash));
  return std::make_pair(std::move(name), std::move(rest));
}

std::string NewExportId(int64_t start_micros) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%014" PRId64 "-%08" PRIx32, start_micros / 1000,
                static_cast<uint32_t>(rng()));
  return buf;
}

// The folders of an S3 prefix under the bucket's directory. A local
// directory stands for the bucket, so "." and ".." cannot be key segments.
Result<fs::path> PrefixPath(const std::string& prefix) {
  fs::path out;
  size_t start = 0;
  while (start <= prefix.size()) {
    size_t slash = prefix.find('/', start);
    if (slash == std::string::npos) slash = prefix.size();
    const std::string segment = prefix.substr(start, slash - start);
    if (segment == "." || segment == "..") {
      return Status::Validation(
          "S3Prefix cannot contain '.' or '..' segments when exporting to a local directory");
    }
    if (!segment.empty()) out /= segment;
    start = slash + 1;
  }
  return out;
}

// A response as DynamoDB's first answer: IN_PROGRESS, nothing known yet of
// the result.
ExportDescription AsStarted(ExportDescription d) {
  d.status = "IN_PROGRESS";
  d.end_micros = 0;
  d.export_manifest.clear();
  d.failure_code.clear();
  d.failure_message.clear();
  d.billed_size_bytes = 0;
  d.item_count = 0;
  return d;
}

// Writes the export's files, and says how it ended in `d`.
void RunExport(const RequestContext& ctx, const storage::Engine::RestoreSource& source,
               ExportDescription& d) {
  auto fail = [&](std::string code, std::string message) {
    d.status = "FAILED";
    d.failure_code = std::move(code);
    d.failure_message = std::move(message);
    d.end_micros = ctx.NowMicros();
  };
  const fs::path bucket = ctx.env->export_dir / d.s3_bucket;
  std::error_code ec;
  if (ctx.env->export_writer == nullptr || ctx.env->export_dir.empty() ||
      !fs::is_directory(bucket, ec)) {
    fail("S3NoSuchBucket", "The specified bucket does not exist");
    return;
  }
  std::string key_prefix;
  fs::path directory = bucket;
  if (d.s3_prefix) {
    key_prefix = *d.s3_prefix;
    if (key_prefix.back() != '/') key_prefix += '/';
    directory /= PrefixPath(*d.s3_prefix).value();  // checked before the export started
  }
  key_prefix += "AWSDynamoDB/" + d.export_id + "/";
  directory = directory / "AWSDynamoDB" / d.export_id;
  fs::create_directories(directory, ec);
  if (ec) {
    fail("S3AccessDenied", "Cannot write to the bucket: " + ec.message());
    return;
  }
  const ItemSource items = [&ctx, source](const std::function<Result<bool>(model::Item)>& visit) {
    return ctx.engine().ReadRestoreSource(source, visit);
  };
  Result<ExportData> data = ctx.env->export_writer->WriteData(directory, key_prefix, items);
  if (!data.ok()) {
    fail("S3AccessDenied", data.status().message());
    return;
  }
  d.item_count = data->item_count;
  d.billed_size_bytes = data->billed_size_bytes;
  d.status = "COMPLETED";
  d.end_micros = ctx.NowMicros();
  d.export_manifest = key_prefix + "manifest-summary.json";
  Status s = ctx.env->export_writer->WriteSummary(directory, key_prefix, d);
  if (!s.ok()) {
    d.export_manifest.clear();
    d.item_count = 0;
    d.billed_size_bytes = 0;
    fail("S3AccessDenied", s.message());
  }
}

}  // namespace

Result<ExportDescription> ExportTableToPointInTime(const RequestContext& ctx,
                                                   const ExportTableToPointInTimeRequest& req) {
  STATOR_ASSIGN_OR_RETURN(auto parsed, ParseTableArn(ctx, req.table_arn, "Invalid TableArn: "));
  if (!parsed.second.empty()) return Status::Validation("Invalid TableArn: " + req.table_arn);
  const std::optional<std::string> name = std::move(parsed.first);
  storage::TablePtr table = ctx.engine().FindTable(*name);
  if (table == nullptr) return Status(Code::kTableNotFound, "Table not found: " + *name);
  if (req.export_format && *req.export_format != "DYNAMODB_JSON") {
    return Status::Validation("Stator exports only the DYNAMODB_JSON format, not " +
                              *req.export_format);
  }
  if (req.export_type && *req.export_type != "FULL_EXPORT") {
    return Status::Validation("Stator exports only FULL_EXPORT, not " + *req.export_type);
  }
  if (req.s3_prefix) STATOR_RETURN_IF_ERROR(PrefixPath(*req.s3_prefix).status());
  const int64_t now = ctx.NowMicros();

  // A ClientToken names one request for 8 hours: the same again answers the
  // same export; a different one is a conflict. Looking for the token and
  // recording a new export are one step, so concurrent retries of one
  // request start one export.
  static std::mutex tokens_mu;
  std::unique_lock tokens_lock(tokens_mu);
  const std::string fingerprint = Fingerprint(req);
  if (req.client_token) {
    STATOR_ASSIGN_OR_RETURN(std::vector<Record> records, AllRecords(ctx));
    for (const Record& r : records) {
      if (r.desc.client_token != *req.client_token ||
          r.desc.start_micros + kExportTokenMicros <= now) {
        continue;
      }
      if (r.fingerprint != fingerprint) {
        return Status(Code::kExportConflict,
                      "Duplicate request detected with a different request body for "
                      "ClientToken " +
                          *req.client_token);
      }
      return r.desc;
    }
  }

  const int64_t when = req.export_micros.value_or(now);
  Result<storage::Engine::RestoreSource> source = PointInTimeSource(ctx, *table, when, now);
  if (!source.ok()) {
    if (source.status().code() == Code::kInvalidRestoreTime) {
      return Status(Code::kInvalidExportTime,
                    "ExportTime must be within the point in time recovery window");
    }
    return source.status();
  }

  Record record;
  record.fingerprint = fingerprint;
  ExportDescription& d = record.desc;
  d.export_id = NewExportId(now);
  d.export_arn = ctx.TableArn(*name) + "/export/" + d.export_id;
  d.start_micros = now;
  d.table_arn = ctx.TableArn(*name);
  d.table_id = table->uuid;
  d.export_micros = when;
  d.client_token = req.client_token.value_or(NewUuid());
  d.s3_bucket = req.s3_bucket;
  d.s3_bucket_owner = req.s3_bucket_owner;
  d.s3_prefix = req.s3_prefix;
  d.s3_sse_algorithm = req.s3_sse_algorithm.value_or("AES256");
  d.s3_sse_kms_key_id = req.s3_sse_kms_key_id;
  d.export_format = req.export_format.value_or("DYNAMODB_JSON");
  d.export_type = req.export_type;
  d.status = "IN_PROGRESS";
  STATOR_RETURN_IF_ERROR(Save(ctx, record));
  tokens_lock.unlock();
  RunExport(ctx, *source, d);
  STATOR_RETURN_IF_ERROR(Save(ctx, record));
  return AsStarted(d);
}

Result<ExportDescription> DescribeExport(const RequestContext& ctx, const std::string& export_arn) {
  STATOR_ASSIGN_OR_RETURN(auto parsed, ParseTableArn(ctx, export_arn, "Invalid Export ARN: "));
  const auto& [table, rest] = parsed;
  if (rest.rfind("/export/", 0) != 0 || rest.size() == 8) {
    return Status::Validation("Invalid Export ARN: " + export_arn);
  }
  const std::string id = rest.substr(8);
  STATOR_ASSIGN_OR_RETURN(std::vector<Record> records, AllRecords(ctx));
  for (Record& r : records) {
    if (r.desc.export_id == id && r.desc.table_arn == ctx.TableArn(table)) {
      return std::move(r.desc);
    }
  }
  return Status(Code::kExportNotFound, "Export not found: " + export_arn);
}

Result<ListExportsResponse> ListExports(const RequestContext& ctx, const ListExportsRequest& req) {
  STATOR_ASSIGN_OR_RETURN(std::vector<Record> records, AllRecords(ctx));
  std::optional<std::string> table_id;  // a live table's exports only
  if (req.table_arn) {
    STATOR_ASSIGN_OR_RETURN(auto parsed, ParseTableArn(ctx, *req.table_arn, "Invalid TableArn: "));
    storage::TablePtr table =
        parsed.second.empty() ? ctx.engine().FindTable(parsed.first) : nullptr;
    if (table == nullptr) return ListExportsResponse{};
    table_id = table->uuid;
  }
  std::vector<ExportSummary> all;
  for (const Record& r : records) {
    if (table_id && r.desc.table_id != *table_id) continue;
    all.push_back({r.desc.export_arn, r.desc.status, r.desc.export_type.value_or("FULL_EXPORT")});
  }
  // DynamoDB lists in reverse alphanumeric order of ExportArn (newest first
  // within a table); a NextToken is the last ARN of the page before.
  std::sort(all.begin(), all.end(), [](const ExportSummary& a, const ExportSummary& b) {
    return a.export_arn > b.export_arn;
  });
  auto it = all.begin();
  if (req.next_token) {
    it = std::find_if(all.begin(), all.end(),
                      [&](const ExportSummary& s) { return s.export_arn == *req.next_token; });
    if (it == all.end()) return Status::Validation("Invalid NextToken: " + *req.next_token);
    ++it;
  }
  ListExportsResponse resp;
  const int64_t max = req.max_results.value_or(25);
  for (; it != all.end(); ++it) {
    if (static_cast<int64_t>(resp.exports.size()) == max) {
      resp.next_token = resp.exports.back().export_arn;
      break;
    }
    resp.exports.push_back(*it);
  }
  return resp;
}

}  // namespace stator::ops

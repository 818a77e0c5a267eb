#include "protocol/dispatcher.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <type_traits>
#include <unordered_map>

#include "common/crc32.h"
#include "common/ids.h"
#include "protocol/access_checks.h"
#include "protocol/admin_api.h"
#include "protocol/backups_json.h"
#include "protocol/batch_json.h"
#include "protocol/compression.h"
#include "protocol/errors.h"
#include "protocol/exports_json.h"
#include "protocol/item_json.h"
#include "protocol/json_shape.h"
#include "protocol/metrics.h"
#include "protocol/partiql_json.h"
#include "protocol/query_json.h"
#include "protocol/request_signature.h"
#include "protocol/streams_json.h"
#include "protocol/table_json.h"
#include "protocol/tags_json.h"
#include "protocol/transact_json.h"
#include "protocol/ttl_json.h"
#include "validation/limits.h"

namespace stator::protocol {
namespace {

using Handler = Result<Json> (*)(const ops::RequestContext&, const Json&);

template <typename Decoded, typename Response>
Result<Json> Run(const ops::RequestContext& ctx, Result<Decoded> decoded,
                 Result<Response> (*op)(const ops::RequestContext&, const Decoded&),
                 Json (*encode)(const Response&)) {
  if (!decoded.ok()) return decoded.status();
  auto resp = op(ctx, *decoded);
  if (!resp.ok()) return resp.status();
  return encode(*resp);
}

Result<Json> TableResult(const ops::RequestContext& ctx, Result<ops::TableDescription> desc,
                         const char* member) {
  if (!desc.ok()) return desc.status();
  return Json{{member, EncodeTableDescription(*desc, ctx)}};
}

// An answer rendered straight into its body (the hot operations: no JSON DOM),
// with what metrics read from it.
struct Rendered {
  std::string body;
  std::optional<ops::ConsumedCapacity> consumed;  // whether or not the body shows it
  std::optional<int64_t> returned_items;          // Query and Scan: Count
};

// `with_capacity`: the client asked for ConsumedCapacity (AskForConsumedCapacity).
using Renderer = Result<Rendered> (*)(const ops::RequestContext&, const Json&, bool with_capacity);

template <typename Decoded, typename Response>
Result<Rendered> RunRendered(const ops::RequestContext& ctx, Result<Decoded> decoded,
                             Result<Response> (*op)(const ops::RequestContext&, const Decoded&),
                             std::string (*render)(const Response&, bool), bool with_capacity) {
  if (!decoded.ok()) return decoded.status();
  auto resp = op(ctx, *decoded);
  if (!resp.ok()) return resp.status();
  Rendered out;
  out.body = render(*resp, with_capacity);
  out.consumed = std::move(resp->consumed_capacity);
  if constexpr (std::is_same_v<Response, ops::ReadResponse>) out.returned_items = resp->count;
  return out;
}

// The operations whose answers are rendered without a DOM; every other one is in Operations().
const std::unordered_map<std::string_view, Renderer>& RenderedOperations() {
  static const std::unordered_map<std::string_view, Renderer> kOps = {
      {"GetItem",
       [](const ops::RequestContext& ctx, const Json& body, bool c) -> Result<Rendered> {
         return RunRendered(ctx, DecodeGetItem(body), &ops::GetItem, &RenderGetItem, c);
       }},
      {"PutItem",
       [](const ops::RequestContext& ctx, const Json& body, bool c) -> Result<Rendered> {
         return RunRendered(ctx, DecodePutItem(body), &ops::PutItem, &RenderWriteItem, c);
       }},
      {"UpdateItem",
       [](const ops::RequestContext& ctx, const Json& body, bool c) -> Result<Rendered> {
         return RunRendered(ctx, DecodeUpdateItem(body), &ops::UpdateItem, &RenderWriteItem, c);
       }},
      {"DeleteItem",
       [](const ops::RequestContext& ctx, const Json& body, bool c) -> Result<Rendered> {
         return RunRendered(ctx, DecodeDeleteItem(body), &ops::DeleteItem, &RenderWriteItem, c);
       }},
      {"Query",
       [](const ops::RequestContext& ctx, const Json& body, bool c) -> Result<Rendered> {
         return RunRendered(ctx, DecodeQuery(body), &ops::Query, &RenderRead, c);
       }},
      {"Scan",
       [](const ops::RequestContext& ctx, const Json& body, bool c) -> Result<Rendered> {
         return RunRendered(ctx, DecodeScan(body), &ops::Scan, &RenderRead, c);
       }},
  };
  return kOps;
}

const std::unordered_map<std::string_view, Handler>& Operations() {
  static const std::unordered_map<std::string_view, Handler> kOps = {
      {"CreateTable",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         auto req = DecodeCreateTable(body);
         if (!req.ok()) return req.status();
         return TableResult(ctx, ops::CreateTable(ctx, *req), "TableDescription");
       }},
      {"DescribeTable",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         auto name = DecodeTableNameOnly(body);
         if (!name.ok()) return name.status();
         return TableResult(ctx, ops::DescribeTable(ctx, *name), "Table");
       }},
      {"UpdateTable",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         auto req = DecodeUpdateTable(body);
         if (!req.ok()) return req.status();
         return TableResult(ctx, ops::UpdateTable(ctx, *req), "TableDescription");
       }},
      {"DeleteTable",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         auto name = DecodeTableNameOnly(body);
         if (!name.ok()) return name.status();
         return TableResult(ctx, ops::DeleteTable(ctx, *name), "TableDescription");
       }},
      {"ListTables",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeListTables(body), &ops::ListTables, &EncodeListTables);
       }},
      {"DescribeLimits",
       [](const ops::RequestContext& ctx, const Json&) -> Result<Json> {
         return EncodeDescribeLimits(ops::DescribeLimits(ctx));
       }},
      {"DescribeEndpoints",
       [](const ops::RequestContext& ctx, const Json&) -> Result<Json> {
         return EncodeDescribeEndpoints(ops::DescribeEndpoints(ctx));
       }},
      {"UpdateTimeToLive",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeUpdateTimeToLive(body), &ops::UpdateTimeToLive,
                    &EncodeUpdateTimeToLive);
       }},
      {"DescribeTimeToLive",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeDescribeTimeToLive(body), &ops::DescribeTimeToLive,
                    &EncodeDescribeTimeToLive);
       }},
      {"TagResource",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         auto req = DecodeTagResource(body);
         if (!req.ok()) return req.status();
         STATOR_RETURN_IF_ERROR(ops::TagResource(ctx, *req));
         return Json::object();
       }},
      {"UntagResource",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         auto req = DecodeUntagResource(body);
         if (!req.ok()) return req.status();
         STATOR_RETURN_IF_ERROR(ops::UntagResource(ctx, *req));
         return Json::object();
       }},
      {"ListTagsOfResource",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeListTagsOfResource(body), &ops::ListTagsOfResource,
                    &EncodeListTagsOfResource);
       }},
      {"CreateBackup",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeCreateBackup(body), &ops::CreateBackup, &EncodeCreateBackup);
       }},
      {"DescribeBackup",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         auto arn = DecodeBackupArn(body);
         if (!arn.ok()) return arn.status();
         auto desc = ops::DescribeBackup(ctx, *arn);
         if (!desc.ok()) return desc.status();
         return EncodeBackupDescription(*desc, ctx);
       }},
      {"DeleteBackup",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         auto arn = DecodeBackupArn(body);
         if (!arn.ok()) return arn.status();
         auto desc = ops::DeleteBackup(ctx, *arn);
         if (!desc.ok()) return desc.status();
         return EncodeBackupDescription(*desc, ctx);
       }},
      {"ListBackups",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeListBackups(body), &ops::ListBackups, &EncodeListBackups);
       }},
      {"RestoreTableFromBackup",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         auto req = DecodeRestoreTableFromBackup(body);
         if (!req.ok()) return req.status();
         return TableResult(ctx, ops::RestoreTableFromBackup(ctx, *req), "TableDescription");
       }},
      {"UpdateContinuousBackups",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeUpdateContinuousBackups(body), &ops::UpdateContinuousBackups,
                    &EncodeContinuousBackups);
       }},
      {"DescribeContinuousBackups",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeDescribeContinuousBackups(body), &ops::DescribeContinuousBackups,
                    &EncodeContinuousBackups);
       }},
      {"RestoreTableToPointInTime",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         auto req = DecodeRestoreTableToPointInTime(body);
         if (!req.ok()) return req.status();
         return TableResult(ctx, ops::RestoreTableToPointInTime(ctx, *req), "TableDescription");
       }},
      {"ExportTableToPointInTime",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeExportTableToPointInTime(body), &ops::ExportTableToPointInTime,
                    &EncodeExportDescription);
       }},
      {"DescribeExport",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeDescribeExport(body), &ops::DescribeExport,
                    &EncodeExportDescription);
       }},
      {"ListExports",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeListExports(body), &ops::ListExports, &EncodeListExports);
       }},
      {"BatchGetItem",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeBatchGetItem(body), &ops::BatchGetItem, &EncodeBatchGetItem);
       }},
      {"BatchWriteItem",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeBatchWriteItem(body), &ops::BatchWriteItem, &EncodeBatchWriteItem);
       }},
      {"TransactWriteItems",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeTransactWriteItems(body), &ops::TransactWriteItems,
                    &EncodeTransactWriteItems);
       }},
      {"TransactGetItems",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeTransactGetItems(body), &ops::TransactGetItems,
                    &EncodeTransactGetItems);
       }},
      {"ExecuteStatement",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeExecuteStatement(body), &ops::ExecuteStatement,
                    &EncodeExecuteStatement);
       }},
      {"BatchExecuteStatement",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeBatchExecuteStatement(body), &ops::BatchExecuteStatement,
                    &EncodeBatchExecuteStatement);
       }},
      {"ExecuteTransaction",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeExecuteTransaction(body), &ops::ExecuteTransaction,
                    &EncodeExecuteTransaction);
       }},
  };
  return kOps;
}

// The DynamoDB Streams operations, served on the same endpoint.
const std::unordered_map<std::string_view, Handler>& StreamOperations() {
  static const std::unordered_map<std::string_view, Handler> kOps = {
      {"ListStreams",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeListStreams(body), &ops::ListStreams, &EncodeListStreams);
       }},
      {"DescribeStream",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeDescribeStream(body), &ops::DescribeStream, &EncodeDescribeStream);
       }},
      {"GetShardIterator",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeGetShardIterator(body), &ops::GetShardIterator,
                    &EncodeShardIterator);
       }},
      {"GetRecords",
       [](const ops::RequestContext& ctx, const Json& body) -> Result<Json> {
         return Run(ctx, DecodeGetRecords(body), &ops::GetRecords, &EncodeGetRecords);
       }},
  };
  return kOps;
}

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";
constexpr std::string_view kStreamsTargetPrefix = "DynamoDBStreams_20120810.";

// An operation's implementation: exactly one of the two is set.
struct Operation {
  const Handler* handler = nullptr;
  Renderer renderer = nullptr;
};

// The operation `target` names; false if none.
bool FindOperation(std::string_view target, std::string_view* name, Operation* found) {
  for (const auto& [prefix, ops] : {std::pair{kTargetPrefix, &Operations()},
                                    std::pair{kStreamsTargetPrefix, &StreamOperations()}}) {
    if (target.substr(0, prefix.size()) != prefix) continue;
    *name = target.substr(prefix.size());
    if (prefix == kTargetPrefix) {
      auto rendered = RenderedOperations().find(*name);
      if (rendered != RenderedOperations().end()) {
        found->renderer = rendered->second;
        return true;
      }
    }
    auto it = ops->find(*name);
    if (it == ops->end()) return false;
    found->handler = &it->second;
    return true;
  }
  return false;
}

// The media type before any parameters, trimmed.
std::string_view MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  return content_type;
}

bool IsJsonMediaType(std::string_view media) {
  return media == "application/x-amz-json-1.0" || media == "application/x-amz-json-1.1" ||
         media == "application/json";
}

// Compresses a successful answer of kCompressionThresholdBytes or more when
// the client accepts gzip or deflate. DynamoDB leaves errors uncompressed.
void Compress(WireResponse& resp, std::string_view accept_encoding) {
  if (resp.status != 200 || resp.body.size() < kCompressionThresholdBytes) return;
  ContentCoding coding = ChooseResponseCoding(accept_encoding);
  if (coding == ContentCoding::kIdentity) return;
  resp.body = CompressBody(coding, resp.body);
  resp.headers.emplace_back("Content-Encoding", std::string(CodingName(coding)));
}

// Adds the headers every answer carries. `accept_encoding` may compress the
// body first: x-amz-crc32 covers the bytes sent, compressed or not.
void Finish(WireResponse& resp, std::string content_type, std::string_view accept_encoding = "") {
  resp.headers.reserve(resp.headers.size() + 4);
  resp.headers.emplace_back("x-amzn-RequestId", NewRequestId());
  Compress(resp, accept_encoding);
  resp.headers.emplace_back("x-amz-crc32", std::to_string(Crc32(resp.body)));
  if (!content_type.empty()) resp.headers.emplace_back("Content-Type", std::move(content_type));
}

WireResponse ErrorWire(const Status& status, std::string content_type) {
  ErrorResponse err = RenderError(status);
  WireResponse resp;
  resp.status = err.http_status;
  resp.body = std::move(err.body);
  Finish(resp, std::move(content_type));
  return resp;
}

WireResponse NotFoundWire() {
  WireResponse resp;
  resp.status = 404;
  resp.body = "<UnknownOperationException/>\n";
  Finish(resp, "");
  return resp;
}

// Operations that report ConsumedCapacity when asked (ReturnConsumedCapacity).
bool ReportsCapacity(std::string_view op) {
  static constexpr std::string_view kOps[] = {
      "GetItem", "PutItem",      "UpdateItem",     "DeleteItem",         "Query",
      "Scan",    "BatchGetItem", "BatchWriteItem", "TransactWriteItems", "TransactGetItems",
      "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"};
  for (std::string_view o : kOps) {
    if (o == op) return true;
  }
  return false;
}

// Makes `body` ask for the total consumed capacity, which metrics count for
// every request, when the client did not ask for it itself. False if the
// answer's ConsumedCapacity must then be removed again. A value the client
// got wrong is left for the operation to reject.
bool AskForConsumedCapacity(std::string_view op, Json& body) {
  if (!ReportsCapacity(op)) return true;
  auto it = body.find("ReturnConsumedCapacity");
  if (it == body.end() || (it->is_string() && *it == "NONE")) {
    body["ReturnConsumedCapacity"] = "TOTAL";
    return false;
  }
  return true;
}

// One line per request at debug: operation, table, status, latency, id.
void LogRequest(std::string_view op, const Json& body, const WireResponse& resp, int64_t micros) {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  std::string_view table;
  if (auto it = body.find("TableName"); it != body.end() && it->is_string()) {
    table = it->get_ref<const std::string&>();
  }
  std::string_view id;
  for (const auto& [name, value] : resp.headers) {
    if (name == "x-amzn-RequestId") id = value;
  }
  spdlog::debug("request operation={} table={} status={} latency_us={} request_id={}", op, table,
                resp.status, micros, id);
}

// Runs the operation and records its success in `metrics`; the answer's body,
// or the operation's error (for the caller to record). `micros`: the time it took.
Result<std::string> Execute(const Operation& op, std::string_view op_name,
                            const ops::RequestContext& ctx, Json& body, Metrics& metrics,
                            int64_t* micros) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&start] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now() - start)
        .count();
  };
  // Metrics count consumed capacity whether or not the client asked for it.
  bool capacity_requested = AskForConsumedCapacity(op_name, body);
  if (op.renderer != nullptr) {
    Result<Rendered> rendered = op.renderer(ctx, body, capacity_requested);
    *micros = elapsed();
    if (!rendered.ok()) return rendered.status();
    metrics.RecordSuccess(op_name, body, rendered->consumed ? &*rendered->consumed : nullptr,
                          rendered->returned_items, *micros);
    return std::move(rendered->body);
  }
  Result<Json> result = (*op.handler)(ctx, body);
  *micros = elapsed();
  if (!result.ok()) return result.status();
  metrics.RecordSuccess(op_name, body, *result, *micros);
  if (!capacity_requested) result->erase("ConsumedCapacity");
  return result->dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Dispatcher::Dispatcher(ops::OpsEnv env, DispatcherOptions options)
    : env_(std::move(env)), options_(std::move(options)), metrics_(std::make_unique<Metrics>()) {}

Dispatcher::~Dispatcher() = default;

std::string Dispatcher::AllowedOrigin(std::string_view origin) const {
  for (const std::string& allowed : options_.cors_origins) {
    if (allowed == "*") return "*";
    if (allowed == origin) return allowed;
  }
  return "";
}

int64_t Dispatcher::SignatureTime() const {
  const Clock* clock = options_.signature_clock ? options_.signature_clock : env_.clock;
  return clock->NowMicros() / 1'000'000;
}

WireResponse Dispatcher::TooLarge() const {
  WireResponse resp;
  resp.status = 413;
  Finish(resp, "");
  return resp;
}

WireResponse Dispatcher::Handle(const WireRequest& request) const {
  WireResponse resp = Answer(request);
  if (request.origin.empty()) return resp;
  // As DynamoDB, browsers from an allowed origin may read every answer,
  // errors included. x-amz-crc32 stays unexposed, as DynamoDB does: a browser
  // inflates gzip answers before script sees them, so the checksum of the
  // compressed bytes would not match.
  std::string allowed = AllowedOrigin(request.origin);
  if (allowed.empty()) return resp;
  if (allowed != "*") resp.headers.emplace_back("Vary", "Origin");
  resp.headers.emplace_back("Access-Control-Allow-Origin", std::move(allowed));
  resp.headers.emplace_back("Access-Control-Expose-Headers", "x-amzn-RequestId");
  return resp;
}

WireResponse Dispatcher::Answer(const WireRequest& request) const {
  if (request.method == "OPTIONS" && !request.origin.empty()) {
    // A CORS preflight: allow what the browser asks for, if its origin is
    // allowed at all; otherwise answer without permission headers.
    WireResponse resp;
    if (AllowedOrigin(request.origin).empty()) {
      Finish(resp, "");
      return resp;
    }
    resp.headers.emplace_back("Access-Control-Max-Age", "172800");
    if (!request.cors_request_method.empty()) {
      resp.headers.emplace_back("Access-Control-Allow-Methods",
                                std::string(request.cors_request_method));
    }
    if (!request.cors_request_headers.empty()) {
      resp.headers.emplace_back("Access-Control-Allow-Headers",
                                std::string(request.cors_request_headers));
    }
    Finish(resp, "");
    return resp;
  }
  if (IsAdminPath(request.path)) {
    return AnswerAdmin(env_, {options_.credentials, options_.policies, SignatureTime()}, request);
  }
  if (request.method == "GET" && request.path == "/metrics") {
    WireResponse resp;
    resp.body = metrics_->Render(*env_.engine);
    Finish(resp, "text/plain; version=0.0.4");
    return resp;
  }
  if (request.method == "GET") {
    WireResponse resp;
    resp.body = "healthy: dynamodb." + env_.default_region + ".amazonaws.com ";
    Finish(resp, "text/plain");
    return resp;
  }
  if (request.method != "POST") return NotFoundWire();
  std::string_view media = MediaType(request.content_type);
  if (!request.body.empty() && !IsJsonMediaType(media)) return NotFoundWire();
  // Answers use the request's JSON media type; application/json otherwise.
  std::string response_type(IsJsonMediaType(media) && media != "application/json"
                                ? media
                                : std::string_view("application/json"));

  if (request.content_encoding.empty()) return AnswerJson(request, request.body, response_type);
  // DynamoDB answers a body it cannot decode with InternalServerError.
  std::string inflated;
  switch (DecodeBody(request.content_encoding, request.body, validation::kMaxRequestBodyBytes,
                     &inflated)) {
    case DecodeOutcome::kOk:
      return AnswerJson(request, inflated, response_type);
    case DecodeOutcome::kTooLarge:
      return TooLarge();
    case DecodeOutcome::kUnknownEncoding:
    case DecodeOutcome::kCorrupt:
      break;
  }
  return ErrorWire(Status(Code::kInternal, ""), response_type);
}

WireResponse Dispatcher::AnswerJson(const WireRequest& request, std::string_view request_body,
                                    const std::string& response_type) const {
  Json body;
  bool empty_body = request_body.empty();
  if (!empty_body) {
    body = Json::parse(request_body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) return ErrorWire(Status(Code::kSerialization, ""), response_type);
  }

  std::string_view op_name;
  Operation op;
  if (!FindOperation(request.target, &op_name, &op)) {
    return ErrorWire(Status(Code::kUnknownOperation, ""), response_type);
  }

  auto auth = CheckSignature(request, options_.credentials, SignatureTime());
  if (!auth.ok()) return ErrorWire(auth.status(), response_type);

  if (empty_body || !body.is_object()) {
    return ErrorWire(Status(Code::kSerialization, ""), response_type);
  }

  ops::RequestContext ctx{&env_, auth->region.empty() ? env_.default_region : auth->region};
  if (options_.policies != nullptr) {
    // Authorization follows validation: CheckAccess answers a bad request
    // with the operation's own error first.
    Status allowed = CheckAccess(*options_.policies, auth->access_key_id, op_name, body, ctx);
    if (!allowed.ok()) {
      metrics_->RecordFailure(op_name, body, allowed.code());
      return ErrorWire(allowed, response_type);
    }
  }
  int64_t micros = 0;
  Result<std::string> answer = Execute(op, op_name, ctx, body, *metrics_, &micros);
  WireResponse resp;
  if (answer.ok()) {
    resp.body = std::move(answer).value();
    Finish(resp, response_type, request.accept_encoding);
  } else {
    metrics_->RecordFailure(op_name, body, answer.status().code());
    if (answer.status().code() >= Code::kInternal) {
      spdlog::error("{} failed: {}", op_name, answer.status().message());
    }
    resp = ErrorWire(answer.status(), response_type);
  }
  LogRequest(op_name, body, resp, micros);
  return resp;
}

}  // namespace stator::protocol

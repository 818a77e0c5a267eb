#include "protocol/partiql_json.h"

#include "common/sha256.h"
#include "protocol/attribute_value_json.h"
#include "protocol/item_json.h"
#include "protocol/transact_json.h"

namespace stator::protocol {
namespace {

constexpr size_t kMaxStatementLength = 8192;
constexpr size_t kMaxNextTokenLength = 32768;
constexpr size_t kMaxTokenLength = 36;

// The members every statement entry has: Statement and Parameters (phase 1: JSON types).
struct RawStatement {
  std::optional<std::string> statement;
  const Json* parameters = nullptr;
  std::optional<bool> consistent_read;
  std::optional<std::string> return_values_on_failure;
};

void ReadStatement(ShapeReader& r, const Json& obj, RawStatement* out) {
  out->statement = r.String(obj, "Statement");
  out->parameters = r.List(obj, "Parameters");
  if (out->parameters != nullptr) {
    for (const Json& v : *out->parameters) {
      if (!r.ok()) break;
      CheckValueShape(r, v);
    }
  }
}

// Phase 2 for one statement entry; `prefix` is "" or "statements.N.member.".
void CheckStatement(Constraints& c, const RawStatement& s, const std::string& prefix) {
  c.RequiredStringLength(s.statement, prefix + "statement", 1, kMaxStatementLength);
  if (s.parameters != nullptr && s.parameters->empty()) {
    c.Add("'[]'", prefix + "parameters", "Member must have length greater than or equal to 1");
  }
  if (s.return_values_on_failure) {
    c.Enum(*s.return_values_on_failure, prefix + "returnValuesOnConditionCheckFailure",
           kReturnValuesOnConditionCheckFailureValues);
  }
}

Result<std::optional<ops::PartiqlParameters>> DecodeParameters(const Json* list) {
  if (list == nullptr) return std::optional<ops::PartiqlParameters>();
  ops::PartiqlParameters out;
  out.reserve(list->size());
  for (const Json& v : *list) {
    STATOR_ASSIGN_OR_RETURN(model::AttributeValue value, DecodeValue(v));
    out.push_back(std::move(value));
  }
  return std::optional<ops::PartiqlParameters>(std::move(out));
}

// A list of statement entries (BatchExecuteStatement's Statements, ExecuteTransaction's
// TransactStatements): phase 1 for each element.
std::vector<RawStatement> ReadStatementList(ShapeReader& r, const Json* list,
                                            std::string_view class_name, bool consistent_read) {
  std::vector<RawStatement> out;
  if (list == nullptr) return out;
  for (const Json& e : *list) {
    if (!r.ok() || !r.StructValue(e, class_name)) break;
    RawStatement s;
    ReadStatement(r, e, &s);
    if (consistent_read) s.consistent_read = r.Bool(e, "ConsistentRead");
    s.return_values_on_failure = r.String(e, "ReturnValuesOnConditionCheckFailure");
    out.push_back(std::move(s));
  }
  return out;
}

// Phase 2 for such a list: its length, then each entry.
void CheckStatementList(Constraints& c, const Json* list, const std::vector<RawStatement>& raw,
                        const std::string& member, std::string_view class_name, size_t max) {
  if (list == nullptr) {
    c.NotNull(member);
    return;
  }
  if (list->empty()) {
    c.Add("'[]'", member, "Member must have length greater than or equal to 1");
  } else if (list->size() > max) {
    c.Add(RenderObjectList(*list, class_name), member,
          "Member must have length less than or equal to " + std::to_string(max));
  }
  for (size_t i = 0; i < raw.size(); ++i) {
    CheckStatement(c, raw[i], member + "." + std::to_string(i + 1) + ".member.");
  }
}

}  // namespace

Result<ops::ExecuteStatementRequest> DecodeExecuteStatement(const Json& body) {
  ShapeReader r;
  RawStatement s;
  ReadStatement(r, body, &s);
  s.consistent_read = r.Bool(body, "ConsistentRead");
  auto next_token = r.String(body, "NextToken");
  auto return_consumed_capacity = r.String(body, "ReturnConsumedCapacity");
  auto limit = r.Integer(body, "Limit");
  s.return_values_on_failure = r.String(body, "ReturnValuesOnConditionCheckFailure");
  if (!r.ok()) return r.status();

  Constraints c;
  c.RequiredStringLength(s.statement, "statement", 1, kMaxStatementLength);
  if (s.parameters != nullptr && s.parameters->empty()) {
    c.Add("'[]'", "parameters", "Member must have length greater than or equal to 1");
  }
  if (next_token) c.StringLength(*next_token, "nextToken", 1, kMaxNextTokenLength);
  if (return_consumed_capacity) {
    c.Enum(*return_consumed_capacity, "returnConsumedCapacity", kReturnConsumedCapacityValues);
  }
  if (limit) c.ValueRange(*limit, "limit", 1, std::nullopt);
  if (s.return_values_on_failure) {
    c.Enum(*s.return_values_on_failure, "returnValuesOnConditionCheckFailure",
           kReturnValuesOnConditionCheckFailureValues);
  }
  STATOR_RETURN_IF_ERROR(c.status());

  ops::ExecuteStatementRequest req;
  req.statement = *s.statement;
  STATOR_ASSIGN_OR_RETURN(req.parameters, DecodeParameters(s.parameters));
  req.consistent_read = s.consistent_read.value_or(false);
  req.next_token = next_token;
  req.limit = limit;
  req.return_consumed_capacity = ToReturnConsumedCapacity(return_consumed_capacity);
  req.return_old_on_failure = s.return_values_on_failure == "ALL_OLD";
  return req;
}

Result<ops::BatchExecuteStatementRequest> DecodeBatchExecuteStatement(const Json& body) {
  ShapeReader r;
  const Json* list = r.List(body, "Statements");
  std::vector<RawStatement> raw = ReadStatementList(r, list, "BatchStatementRequest", true);
  auto return_consumed_capacity = r.String(body, "ReturnConsumedCapacity");
  if (!r.ok()) return r.status();

  Constraints c;
  CheckStatementList(c, list, raw, "statements", "BatchStatementRequest",
                     ops::kMaxBatchStatements);
  if (return_consumed_capacity) {
    c.Enum(*return_consumed_capacity, "returnConsumedCapacity", kReturnConsumedCapacityValues);
  }
  STATOR_RETURN_IF_ERROR(c.status());

  ops::BatchExecuteStatementRequest req;
  req.return_consumed_capacity = ToReturnConsumedCapacity(return_consumed_capacity);
  for (const RawStatement& s : raw) {
    ops::BatchStatement b;
    b.statement = *s.statement;
    STATOR_ASSIGN_OR_RETURN(b.parameters, DecodeParameters(s.parameters));
    b.consistent_read = s.consistent_read.value_or(false);
    b.return_old_on_failure = s.return_values_on_failure == "ALL_OLD";
    req.statements.push_back(std::move(b));
  }
  return req;
}

Result<ops::ExecuteTransactionRequest> DecodeExecuteTransaction(const Json& body) {
  ShapeReader r;
  const Json* list = r.List(body, "TransactStatements");
  std::vector<RawStatement> raw = ReadStatementList(r, list, "ParameterizedStatement", false);
  auto token = r.String(body, "ClientRequestToken");
  auto return_consumed_capacity = r.String(body, "ReturnConsumedCapacity");
  if (!r.ok()) return r.status();

  Constraints c;
  CheckStatementList(c, list, raw, "transactStatements", "ParameterizedStatement",
                     ops::kMaxTransactionStatements);
  if (token) c.StringLength(*token, "clientRequestToken", 1, kMaxTokenLength);
  if (return_consumed_capacity) {
    c.Enum(*return_consumed_capacity, "returnConsumedCapacity", kReturnConsumedCapacityValues);
  }
  STATOR_RETURN_IF_ERROR(c.status());

  ops::ExecuteTransactionRequest req;
  req.client_request_token = token;
  // Only the statements count when a token is reused, as for TransactWriteItems.
  req.fingerprint = Sha256Hex(list->dump());
  req.return_consumed_capacity = ToReturnConsumedCapacity(return_consumed_capacity);
  for (const RawStatement& s : raw) {
    ops::TransactionStatement t;
    t.statement = *s.statement;
    STATOR_ASSIGN_OR_RETURN(t.parameters, DecodeParameters(s.parameters));
    t.return_old_on_failure = s.return_values_on_failure == "ALL_OLD";
    req.statements.push_back(std::move(t));
  }
  return req;
}

Json EncodeExecuteStatement(const ops::ExecuteStatementResponse& resp) {
  Json items = Json::array();
  for (const model::Item& item : resp.items) items.push_back(EncodeItem(item));
  Json out = {{"Items", std::move(items)}};
  if (resp.next_token) out["NextToken"] = *resp.next_token;
  if (resp.last_evaluated_key) out["LastEvaluatedKey"] = EncodeItem(*resp.last_evaluated_key);
  if (resp.consumed_capacity) out["ConsumedCapacity"] = EncodeConsumedCapacity(*resp.consumed_capacity);
  return out;
}

Json EncodeBatchExecuteStatement(const ops::BatchExecuteStatementResponse& resp) {
  Json responses = Json::array();
  for (const ops::BatchStatementResult& r : resp.responses) {
    Json entry = Json::object();
    if (r.error) {
      Json error = {{"Code", r.error->code}, {"Message", r.error->message}};
      if (r.error->item) error["Item"] = EncodeItem(*r.error->item);
      entry["Error"] = std::move(error);
    }
    if (r.table_name) entry["TableName"] = *r.table_name;
    if (r.item) entry["Item"] = EncodeItem(*r.item);
    responses.push_back(std::move(entry));
  }
  Json out = {{"Responses", std::move(responses)}};
  if (resp.consumed_capacity) out["ConsumedCapacity"] = EncodeConsumedCapacityList(*resp.consumed_capacity);
  return out;
}

Json EncodeExecuteTransaction(const ops::ExecuteTransactionResponse& resp) {
  // A transaction of writes answers an empty Responses list.
  return EncodeItemResponses(resp.responses.value_or(std::vector<std::optional<model::Item>>{}),
                             resp.consumed_capacity);
}

}  // namespace stator::protocol

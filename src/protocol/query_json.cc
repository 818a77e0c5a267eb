#include "protocol/query_json.h"

#include "protocol/attribute_value_json.h"
#include "protocol/item_json.h"
#include "protocol/legacy_json.h"

namespace stator::protocol {
namespace {

const std::vector<std::string_view> kSelectValues = {"SPECIFIC_ATTRIBUTES", "COUNT",
                                                     "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"};

ops::Select ToSelect(const std::string& s) {
  if (s == "ALL_ATTRIBUTES") return ops::Select::kAllAttributes;
  if (s == "ALL_PROJECTED_ATTRIBUTES") return ops::Select::kAllProjectedAttributes;
  if (s == "COUNT") return ops::Select::kCount;
  return ops::Select::kSpecificAttributes;
}

// The members Query and Scan share, as read in phase 1.
struct ReadMembers {
  std::optional<std::string> table_name;
  std::optional<std::string> index_name;
  std::optional<std::string> select;
  std::optional<std::vector<std::string>> attributes_to_get;
  std::optional<int64_t> limit;
  std::optional<bool> consistent_read;
  const Json* filter = nullptr;  // QueryFilter / ScanFilter
  std::optional<std::string> conditional_operator;
  const Json* exclusive_start_key = nullptr;
  std::optional<std::string> return_consumed_capacity;
  std::optional<std::string> projection_expression;
  std::optional<std::string> filter_expression;
  std::optional<std::map<std::string, std::string>> names;
  const Json* values = nullptr;
};

ReadMembers ReadCommon(ShapeReader& r, const Json& body, expr::LegacyKind filter_kind) {
  ReadMembers m;
  m.table_name = r.String(body, "TableName");
  m.index_name = r.String(body, "IndexName");
  m.select = r.String(body, "Select");
  m.attributes_to_get = r.StringList(body, "AttributesToGet");
  m.limit = r.Integer(body, "Limit");
  m.consistent_read = r.Bool(body, "ConsistentRead");
  m.filter = ReadLegacyConditions(r, body, filter_kind);
  m.conditional_operator = r.String(body, "ConditionalOperator");
  m.exclusive_start_key = ItemMember(r, body, "ExclusiveStartKey");
  m.return_consumed_capacity = r.String(body, "ReturnConsumedCapacity");
  m.projection_expression = r.String(body, "ProjectionExpression");
  m.filter_expression = r.String(body, "FilterExpression");
  m.names = r.StringMap(body, "ExpressionAttributeNames");
  m.values = ItemMember(r, body, "ExpressionAttributeValues");
  return m;
}

void CheckCommon(Constraints& c, const ReadMembers& m, expr::LegacyKind filter_kind) {
  if (m.select) c.Enum(*m.select, "select", kSelectValues);
  if (m.index_name) c.TableName(m.index_name, "indexName", false);
  if (m.return_consumed_capacity) {
    c.Enum(*m.return_consumed_capacity, "returnConsumedCapacity", kReturnConsumedCapacityValues);
  }
  CheckLegacyConditionConstraints(c, m.filter, filter_kind);
  CheckConditionalOperatorConstraint(c, m.conditional_operator);
  if (m.attributes_to_get && m.attributes_to_get->empty()) {
    c.Add("'[]'", "attributesToGet", "Member must have length greater than or equal to 1");
  }
  if (m.limit) c.ValueRange(*m.limit, "limit", 1, std::nullopt);
  c.TableName(m.table_name, "tableName", true);
}

// "The provided starting key is invalid: ..." wraps most value errors of an
// ExclusiveStartKey; those of numbers and number sets come bare.
Status StartKeyValueError(const Status& s) {
  if (IsNumberOrDuplicateError(s)) return s;
  return Status::Validation("The provided starting key is invalid: " + s.message());
}

Status FillCommon(const ReadMembers& m, expr::LegacyKind filter_kind, ops::ReadRequest* req) {
  req->table_name = *m.table_name;
  req->index_name = m.index_name;
  if (m.select) req->select = ToSelect(*m.select);
  req->attributes_to_get = m.attributes_to_get;
  req->limit = m.limit;
  req->consistent_read = m.consistent_read.value_or(false);
  req->conditional_operator = m.conditional_operator;
  req->return_consumed_capacity = ToReturnConsumedCapacity(m.return_consumed_capacity);
  req->projection_expression = m.projection_expression;
  req->filter_expression = m.filter_expression;
  req->names = m.names;
  if (m.values != nullptr) {
    req->values.emplace();
    for (const auto& [k, v] : m.values->items()) {
      auto value = DecodeValue(v);
      if (!value.ok()) {
        return Status::Validation("ExpressionAttributeValues contains invalid value: " +
                                  value.status().message() + " for key " + k);
      }
      req->values->emplace(k, std::move(value).value());
    }
  }
  if (m.filter != nullptr) {
    STATOR_ASSIGN_OR_RETURN(req->legacy_filter, DecodeLegacyConditions(*m.filter, filter_kind));
  }
  if (m.exclusive_start_key != nullptr) {
    auto key = DecodeItem(*m.exclusive_start_key);
    if (!key.ok()) return StartKeyValueError(key.status());
    req->exclusive_start_key = std::move(key).value();
  }
  return Status::OK();
}

}  // namespace

Result<ops::QueryRequest> DecodeQuery(const Json& body) {
  constexpr auto kFilter = expr::LegacyKind::kQueryFilter;
  ShapeReader r;
  ReadMembers m = ReadCommon(r, body, kFilter);
  const Json* key_conditions = ReadLegacyConditions(r, body, expr::LegacyKind::kKeyConditions);
  auto scan_index_forward = r.Bool(body, "ScanIndexForward");
  auto key_condition_expression = r.String(body, "KeyConditionExpression");
  if (!r.ok()) return r.status();

  Constraints c;
  CheckCommon(c, m, kFilter);
  CheckLegacyConditionConstraints(c, key_conditions, expr::LegacyKind::kKeyConditions);
  STATOR_RETURN_IF_ERROR(c.status());

  ops::QueryRequest req;
  STATOR_RETURN_IF_ERROR(FillCommon(m, kFilter, &req));
  req.scan_index_forward = scan_index_forward.value_or(true);
  req.key_condition_expression = key_condition_expression;
  if (key_conditions != nullptr) {
    STATOR_ASSIGN_OR_RETURN(
        req.key_conditions,
        DecodeLegacyConditions(*key_conditions, expr::LegacyKind::kKeyConditions));
  }
  return req;
}

Result<ops::ScanRequest> DecodeScan(const Json& body) {
  constexpr auto kFilter = expr::LegacyKind::kScanFilter;
  ShapeReader r;
  ReadMembers m = ReadCommon(r, body, kFilter);
  auto segment = r.Integer(body, "Segment");
  auto total_segments = r.Integer(body, "TotalSegments");
  if (!r.ok()) return r.status();

  Constraints c;
  CheckCommon(c, m, kFilter);
  if (segment) c.ValueRange(*segment, "segment", 0, 999999);
  if (total_segments) c.ValueRange(*total_segments, "totalSegments", 1, 1000000);
  STATOR_RETURN_IF_ERROR(c.status());

  ops::ScanRequest req;
  STATOR_RETURN_IF_ERROR(FillCommon(m, kFilter, &req));
  req.segment = segment;
  req.total_segments = total_segments;
  return req;
}

Json EncodeRead(const ops::ReadResponse& resp) {
  Json out = Json::object();
  if (resp.items) {
    Json items = Json::array();
    for (const auto& item : *resp.items) items.push_back(EncodeItem(item));
    out["Items"] = std::move(items);
  }
  out["Count"] = resp.count;
  out["ScannedCount"] = resp.scanned_count;
  if (resp.last_evaluated_key) out["LastEvaluatedKey"] = EncodeItem(*resp.last_evaluated_key);
  if (resp.consumed_capacity) {
    out["ConsumedCapacity"] = EncodeConsumedCapacity(*resp.consumed_capacity);
  }
  return out;
}

// Members in nlohmann's order: ConsumedCapacity, Count, Items, LastEvaluatedKey, ScannedCount.
std::string RenderRead(const ops::ReadResponse& resp, bool with_capacity) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  if (resp.consumed_capacity && with_capacity) {
    w.Key("ConsumedCapacity");
    WriteConsumedCapacity(w, *resp.consumed_capacity);
  }
  w.Key("Count");
  w.Int(resp.count);
  if (resp.items) {
    w.Key("Items");
    w.BeginArray();
    for (const auto& item : *resp.items) WriteItem(w, item);
    w.EndArray();
  }
  if (resp.last_evaluated_key) {
    w.Key("LastEvaluatedKey");
    WriteItem(w, *resp.last_evaluated_key);
  }
  w.Key("ScannedCount");
  w.Int(resp.scanned_count);
  w.EndObject();
  return out;
}

}  // namespace stator::protocol

#include "protocol/item_json.h"

#include <type_traits>

#include "expr/resolver.h"
#include "protocol/attribute_value_json.h"
#include "protocol/legacy_json.h"
#include "protocol/write_params.h"
#include "validation/keys.h"

namespace stator::protocol {
namespace {

ops::ReturnValues ToReturnValues(const std::optional<std::string>& v) {
  if (v == "ALL_OLD") return ops::ReturnValues::kAllOld;
  if (v == "UPDATED_OLD") return ops::ReturnValues::kUpdatedOld;
  if (v == "ALL_NEW") return ops::ReturnValues::kAllNew;
  if (v == "UPDATED_NEW") return ops::ReturnValues::kUpdatedNew;
  return ops::ReturnValues::kNone;
}

WriteCommon ReadWriteCommon(ShapeReader& r, const Json& body) {
  WriteCommon w;
  w.table_name = r.String(body, "TableName");
  w.return_values = r.String(body, "ReturnValues");
  w.return_consumed_capacity = r.String(body, "ReturnConsumedCapacity");
  w.return_item_collection_metrics = r.String(body, "ReturnItemCollectionMetrics");
  w.return_values_on_condition_check_failure =
      r.String(body, "ReturnValuesOnConditionCheckFailure");
  w.condition_expression = r.String(body, "ConditionExpression");
  w.expected = ReadLegacyConditions(r, body, expr::LegacyKind::kExpected);
  w.conditional_operator = r.String(body, "ConditionalOperator");
  w.names = r.StringMap(body, "ExpressionAttributeNames");
  w.values = ItemMember(r, body, "ExpressionAttributeValues");
  return w;
}

void CheckWriteCommon(Constraints& c, const WriteCommon& w) {
  if (w.return_consumed_capacity) {
    c.Enum(*w.return_consumed_capacity, "returnConsumedCapacity", kReturnConsumedCapacityValues);
  }
  c.TableName(w.table_name, "tableName", true);
}

// Between the item (or key) and the tail, as DynamoDB lists them.
void CheckLegacyConstraints(Constraints& c, const WriteCommon& w) {
  CheckConditionalOperatorConstraint(c, w.conditional_operator);
  CheckLegacyConditionConstraints(c, w.expected, expr::LegacyKind::kExpected);
}

void CheckWriteCommonTail(Constraints& c, const WriteCommon& w) {
  if (w.return_values) c.Enum(*w.return_values, "returnValues", kReturnValuesValues);
  if (w.return_item_collection_metrics) {
    c.Enum(*w.return_item_collection_metrics, "returnItemCollectionMetrics",
           kReturnItemCollectionMetricsValues);
  }
  if (w.return_values_on_condition_check_failure) {
    c.Enum(*w.return_values_on_condition_check_failure, "returnValuesOnConditionCheckFailure",
           kReturnValuesOnConditionCheckFailureValues);
  }
}

Status CheckPlaceholderMap(const Json& map, char sigil, const std::string& parameter) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : map.items()) keys.push_back(k);
  return expr::CheckPlaceholderKeys(keys, sigil, parameter);
}

// PutItem and DeleteItem share every member but the item map: `member` is
// "Item" or "Key", stored into `field` of the request.
template <typename Request>
Result<Request> DecodeSingleWrite(const Json& body, std::string_view member,
                                  const std::string& member_path, model::Item Request::*field) {
  ShapeReader r;
  WriteCommon w = ReadWriteCommon(r, body);
  const Json* map = ItemMember(r, body, member);
  if (!r.ok()) return r.status();

  Constraints c;
  CheckWriteCommon(c, w);
  if (map == nullptr) c.NotNull(member_path);
  CheckLegacyConstraints(c, w);
  CheckWriteCommonTail(c, w);
  STATOR_RETURN_IF_ERROR(c.status());

  Request req;
  req.table_name = *w.table_name;
  req.return_values = ToReturnValues(w.return_values);
  req.return_consumed_capacity = ToReturnConsumedCapacity(w.return_consumed_capacity);
  req.return_item_collection_metrics = w.return_item_collection_metrics == "SIZE";
  STATOR_RETURN_IF_ERROR(ops::ReturnValuesAllOldOrNone(req.return_values));
  STATOR_RETURN_IF_ERROR(CheckConditionParams(w, ExpressionMembers{}));
  STATOR_ASSIGN_OR_RETURN(req.*field, DecodeItem(*map));
  if constexpr (std::is_same_v<Request, ops::PutItemRequest>) {
    // DynamoDB checks the item's size before Expected and the expression parameters
    // (ops::PutItem checks it again, for callers other than this decoder).
    STATOR_RETURN_IF_ERROR(validation::ValidateItemSize(req.item));
  }
  STATOR_ASSIGN_OR_RETURN(req.condition, DecodeConditionParams(w));
  return req;
}

}  // namespace

Status CheckConditionParams(const WriteCommon& w, const ExpressionMembers& m) {
  std::vector<std::string_view> legacy;
  std::vector<std::string_view> expressions;
  if (m.attribute_updates) legacy.push_back("AttributeUpdates");
  if (w.expected != nullptr) legacy.push_back("Expected");
  if (w.conditional_operator) legacy.push_back("ConditionalOperator");
  if (m.update_expression) expressions.push_back("UpdateExpression");
  if (w.condition_expression) expressions.push_back("ConditionExpression");
  STATOR_RETURN_IF_ERROR(ops::CheckNoParameterMix(legacy, expressions));
  if (w.names && expressions.empty()) {
    return Status::Validation(
        "ExpressionAttributeNames can only be specified when using expressions");
  }
  if (w.values != nullptr && expressions.empty()) {
    return Status::Validation(
        std::string("ExpressionAttributeValues can only be specified when using expressions: ") +
        (m.update ? "UpdateExpression and ConditionExpression are null"
                  : "ConditionExpression is null"));
  }
  if (w.names) STATOR_RETURN_IF_ERROR(expr::CheckNameKeys(*w.names));
  if (w.values != nullptr) {
    STATOR_RETURN_IF_ERROR(CheckPlaceholderMap(*w.values, ':', "ExpressionAttributeValues"));
  }
  return Status::OK();
}

Result<ops::WriteConditionParams> DecodeConditionParams(const WriteCommon& w) {
  ops::WriteConditionParams params;
  params.condition_expression = w.condition_expression;
  params.return_old_on_failure = w.return_values_on_condition_check_failure == "ALL_OLD";
  if (w.expected != nullptr || w.conditional_operator) {
    STATOR_ASSIGN_OR_RETURN(params.legacy_condition,
                            DecodeAndTranslateLegacyConditions(w.expected, w.conditional_operator,
                                                               expr::LegacyKind::kExpected));
  }
  params.names = w.names;
  if (w.values != nullptr) {
    params.values.emplace();
    for (const auto& [k, v] : w.values->items()) {
      auto value = DecodeValue(v);
      if (!value.ok()) {
        return Status::Validation("ExpressionAttributeValues contains invalid value: " +
                                  value.status().message() + " for key " + k);
      }
      params.values->emplace(k, std::move(value).value());
    }
  }
  return params;
}

ops::ReturnConsumedCapacity ToReturnConsumedCapacity(const std::optional<std::string>& v) {
  if (v == "TOTAL") return ops::ReturnConsumedCapacity::kTotal;
  if (v == "INDEXES") return ops::ReturnConsumedCapacity::kIndexes;
  return ops::ReturnConsumedCapacity::kNone;
}

Result<ops::PutItemRequest> DecodePutItem(const Json& body) {
  return DecodeSingleWrite(body, "Item", "item", &ops::PutItemRequest::item);
}

Result<ops::DeleteItemRequest> DecodeDeleteItem(const Json& body) {
  return DecodeSingleWrite(body, "Key", "key", &ops::DeleteItemRequest::key);
}

Result<ops::UpdateItemRequest> DecodeUpdateItem(const Json& body) {
  ShapeReader r;
  WriteCommon w = ReadWriteCommon(r, body);
  const Json* key = ItemMember(r, body, "Key");
  auto update_expression = r.String(body, "UpdateExpression");
  const Json* attribute_updates = ReadAttributeUpdates(r, body);
  if (!r.ok()) return r.status();

  Constraints c;
  CheckWriteCommon(c, w);
  if (key == nullptr) c.NotNull("key");
  CheckLegacyConstraints(c, w);
  CheckAttributeUpdatesConstraints(c, attribute_updates);
  CheckWriteCommonTail(c, w);
  STATOR_RETURN_IF_ERROR(c.status());

  ops::UpdateItemRequest req;
  req.table_name = *w.table_name;
  req.return_values = ToReturnValues(w.return_values);
  req.return_consumed_capacity = ToReturnConsumedCapacity(w.return_consumed_capacity);
  req.return_item_collection_metrics = w.return_item_collection_metrics == "SIZE";
  ExpressionMembers members;
  members.update = true;
  members.update_expression = update_expression.has_value();
  members.attribute_updates = attribute_updates != nullptr;
  STATOR_RETURN_IF_ERROR(CheckConditionParams(w, members));
  STATOR_ASSIGN_OR_RETURN(req.key, DecodeItem(*key));
  if (attribute_updates != nullptr) {
    STATOR_ASSIGN_OR_RETURN(req.legacy_update,
                            DecodeAndTranslateAttributeUpdates(*attribute_updates));
  }
  req.update_expression = std::move(update_expression);
  STATOR_ASSIGN_OR_RETURN(req.condition, DecodeConditionParams(w));
  return req;
}

Result<ops::GetItemRequest> DecodeGetItem(const Json& body) {
  ShapeReader r;
  auto table_name = r.String(body, "TableName");
  const Json* key = ItemMember(r, body, "Key");
  std::optional<std::vector<std::string>> attrs = r.StringList(body, "AttributesToGet");
  auto consistent_read = r.Bool(body, "ConsistentRead");
  auto return_consumed_capacity = r.String(body, "ReturnConsumedCapacity");
  auto projection_expression = r.String(body, "ProjectionExpression");
  std::optional<std::map<std::string, std::string>> name_map =
      r.StringMap(body, "ExpressionAttributeNames");
  if (!r.ok()) return r.status();

  Constraints c;
  if (attrs && attrs->empty()) {
    c.Add("'[]'", "attributesToGet", "Member must have length greater than or equal to 1");
  }
  if (return_consumed_capacity) {
    c.Enum(*return_consumed_capacity, "returnConsumedCapacity", kReturnConsumedCapacityValues);
  }
  if (key == nullptr) c.NotNull("key");
  c.TableName(table_name, "tableName", true);
  STATOR_RETURN_IF_ERROR(c.status());

  ops::GetItemRequest req;
  req.table_name = *table_name;
  req.consistent_read = consistent_read.value_or(false);
  req.return_consumed_capacity = ToReturnConsumedCapacity(return_consumed_capacity);
  ops::ExpressionParams params;
  params.projection_expression = projection_expression;
  params.attributes_to_get = attrs;
  params.names = name_map;
  STATOR_RETURN_IF_ERROR(ops::CheckParameterConflicts(params));
  STATOR_ASSIGN_OR_RETURN(req.key, DecodeItem(*key));
  STATOR_ASSIGN_OR_RETURN(req.projection, ops::ResolveProjection(params));
  return req;
}

Json EncodeConsumedCapacityList(const std::vector<ops::ConsumedCapacity>& list) {
  Json out = Json::array();
  for (const auto& c : list) out.push_back(EncodeConsumedCapacity(c));
  return out;
}

Json EncodeConsumedCapacity(const ops::ConsumedCapacity& c) {
  const char* kind = c.kind == ops::ConsumedCapacity::Kind::kRead    ? "ReadCapacityUnits"
                     : c.kind == ops::ConsumedCapacity::Kind::kWrite ? "WriteCapacityUnits"
                                                                     : nullptr;
  auto units = [kind](double u) {
    Json out = {{"CapacityUnits", u}};
    if (kind != nullptr) out[kind] = u;
    return out;
  };
  Json out = units(c.Total());
  out["TableName"] = c.table_name;
  if (!c.with_detail) return out;
  out["Table"] = units(c.table_units);
  auto indexes = [&](const std::map<std::string, double>& by_name) {
    Json m = Json::object();
    for (const auto& [name, u] : by_name) m[name] = units(u);
    return m;
  };
  if (!c.local_indexes.empty()) out["LocalSecondaryIndexes"] = indexes(c.local_indexes);
  if (!c.global_indexes.empty()) out["GlobalSecondaryIndexes"] = indexes(c.global_indexes);
  return out;
}

Json EncodeWriteItem(const ops::WriteItemResponse& resp) {
  Json out = Json::object();
  if (resp.attributes) out["Attributes"] = EncodeItem(*resp.attributes);
  if (resp.consumed_capacity)
    out["ConsumedCapacity"] = EncodeConsumedCapacity(*resp.consumed_capacity);
  if (resp.item_collection_metrics) {
    out["ItemCollectionMetrics"] = EncodeItemCollectionMetrics(*resp.item_collection_metrics);
  }
  return out;
}

Json EncodeItemCollectionMetrics(const ops::ItemCollectionMetrics& m) {
  return {{"ItemCollectionKey", EncodeItem(m.key)},
          {"SizeEstimateRangeGB", Json::array({m.size_low_gb, m.size_high_gb})}};
}

Json EncodeGetItem(const ops::GetItemResponse& resp) {
  Json out = Json::object();
  if (resp.item) out["Item"] = EncodeItem(*resp.item);
  if (resp.consumed_capacity)
    out["ConsumedCapacity"] = EncodeConsumedCapacity(*resp.consumed_capacity);
  return out;
}

}  // namespace stator::protocol

namespace stator::protocol {
namespace {

// EncodeConsumedCapacity's `units`: CapacityUnits, and the kind's name when it has one.
void WriteUnits(JsonWriter& w, const char* kind, double units) {
  w.BeginObject();
  w.Key("CapacityUnits");
  w.Double(units);
  if (kind != nullptr) {
    w.Key(kind);
    w.Double(units);
  }
  w.EndObject();
}

void WriteIndexUnits(JsonWriter& w, const char* kind,
                     const std::map<std::string, double>& by_name) {
  w.BeginObject();
  for (const auto& [name, units] : by_name) {
    w.Key(name);
    WriteUnits(w, kind, units);
  }
  w.EndObject();
}

void WriteItemCollectionMetrics(JsonWriter& w, const ops::ItemCollectionMetrics& m) {
  w.BeginObject();
  w.Key("ItemCollectionKey");
  WriteItem(w, m.key);
  w.Key("SizeEstimateRangeGB");
  w.BeginArray();
  w.Double(m.size_low_gb);
  w.Double(m.size_high_gb);
  w.EndArray();
  w.EndObject();
}

}  // namespace

// Members in EncodeConsumedCapacity's order once nlohmann sorts them: CapacityUnits,
// GlobalSecondaryIndexes, LocalSecondaryIndexes, ReadCapacityUnits, Table, TableName,
// WriteCapacityUnits.
void WriteConsumedCapacity(JsonWriter& w, const ops::ConsumedCapacity& c) {
  const bool read = c.kind == ops::ConsumedCapacity::Kind::kRead;
  const bool write = c.kind == ops::ConsumedCapacity::Kind::kWrite;
  const char* kind = read ? "ReadCapacityUnits" : write ? "WriteCapacityUnits" : nullptr;
  const double total = c.Total();
  w.BeginObject();
  w.Key("CapacityUnits");
  w.Double(total);
  if (c.with_detail && !c.global_indexes.empty()) {
    w.Key("GlobalSecondaryIndexes");
    WriteIndexUnits(w, kind, c.global_indexes);
  }
  if (c.with_detail && !c.local_indexes.empty()) {
    w.Key("LocalSecondaryIndexes");
    WriteIndexUnits(w, kind, c.local_indexes);
  }
  if (read) {
    w.Key("ReadCapacityUnits");
    w.Double(total);
  }
  if (c.with_detail) {
    w.Key("Table");
    WriteUnits(w, kind, c.table_units);
  }
  w.Key("TableName");
  w.String(c.table_name);
  if (write) {
    w.Key("WriteCapacityUnits");
    w.Double(total);
  }
  w.EndObject();
}

std::string RenderWriteItem(const ops::WriteItemResponse& resp, bool with_capacity) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  if (resp.attributes) {
    w.Key("Attributes");
    WriteItem(w, *resp.attributes);
  }
  if (resp.consumed_capacity && with_capacity) {
    w.Key("ConsumedCapacity");
    WriteConsumedCapacity(w, *resp.consumed_capacity);
  }
  if (resp.item_collection_metrics) {
    w.Key("ItemCollectionMetrics");
    WriteItemCollectionMetrics(w, *resp.item_collection_metrics);
  }
  w.EndObject();
  return out;
}

std::string RenderGetItem(const ops::GetItemResponse& resp, bool with_capacity) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  if (resp.consumed_capacity && with_capacity) {
    w.Key("ConsumedCapacity");
    WriteConsumedCapacity(w, *resp.consumed_capacity);
  }
  if (resp.item) {
    w.Key("Item");
    WriteItem(w, *resp.item);
  }
  w.EndObject();
  return out;
}

}  // namespace stator::protocol

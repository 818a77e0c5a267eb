#include "protocol/transact_json.h"

#include "common/sha256.h"
#include "ops/projection.h"
#include "protocol/attribute_value_json.h"
#include "protocol/item_json.h"
#include "protocol/write_params.h"

namespace stator::protocol {
namespace {

using Kind = ops::TransactWriteAction::Kind;

constexpr size_t kMaxActions = ops::kMaxTransactionActions;
constexpr size_t kMaxTokenLength = 36;

// The TransactItems list itself: present, 1..100 elements.
void CheckActionCount(Constraints& c, const Json* items, std::string_view class_name) {
  if (items == nullptr) {
    c.NotNull("transactItems");
  } else if (items->empty()) {
    c.Add("'[]'", "transactItems", "Member must have length greater than or equal to 1");
  } else if (items->size() > kMaxActions) {
    c.Add(RenderObjectList(*items, class_name), "transactItems",
          "Member must have length less than or equal to " + std::to_string(kMaxActions));
  }
}

// --- TransactWriteItems ---

struct RawAction {
  Kind kind = Kind::kPut;
  int count = 0;              // actions present in the element
  std::string path;           // transactItems.N.member.<action>
  WriteCommon w;              // TableName, the condition and its parameters
  const Json* map = nullptr;  // Item (Put) or Key
  std::optional<std::string> update_expression;
};

// The members of one action structure `a` (its JSON types only).
void ReadAction(ShapeReader& r, const Json& a, Kind kind, RawAction* out) {
  out->kind = kind;
  out->w.table_name = r.String(a, "TableName");
  out->map = ItemMember(r, a, kind == Kind::kPut ? "Item" : "Key");
  out->w.condition_expression = r.String(a, "ConditionExpression");
  if (kind == Kind::kUpdate) out->update_expression = r.String(a, "UpdateExpression");
  out->w.names = r.StringMap(a, "ExpressionAttributeNames");
  out->w.values = ItemMember(r, a, "ExpressionAttributeValues");
  out->w.return_values_on_condition_check_failure =
      r.String(a, "ReturnValuesOnConditionCheckFailure");
}

// The member constraints of one action, in the order of its members.
void CheckActionConstraints(Constraints& c, const RawAction& a) {
  const std::string& p = a.path;
  if (a.map == nullptr) c.NotNull(p + (a.kind == Kind::kPut ? ".item" : ".key"));
  if (a.kind == Kind::kUpdate && !a.update_expression) c.NotNull(p + ".updateExpression");
  c.TableName(a.w.table_name, p + ".tableName", true);
  if (a.kind == Kind::kConditionCheck && !a.w.condition_expression) {
    c.NotNull(p + ".conditionExpression");
  }
  if (a.w.return_values_on_condition_check_failure) {
    c.Enum(*a.w.return_values_on_condition_check_failure,
           p + ".returnValuesOnConditionCheckFailure", kReturnValuesOnConditionCheckFailureValues);
  }
}

Result<ops::TransactWriteAction> DecodeAction(const RawAction& raw) {
  ExpressionMembers members;
  members.update = raw.kind == Kind::kUpdate;
  members.update_expression = raw.update_expression.has_value();
  STATOR_RETURN_IF_ERROR(CheckConditionParams(raw.w, members));
  ops::TransactWriteAction a;
  a.kind = raw.kind;
  a.table_name = *raw.w.table_name;
  STATOR_ASSIGN_OR_RETURN(model::Item map, DecodeItem(*raw.map));
  (raw.kind == Kind::kPut ? a.item : a.key) = std::move(map);
  a.update_expression = raw.update_expression;
  STATOR_ASSIGN_OR_RETURN(a.condition, DecodeConditionParams(raw.w));
  return a;
}

}  // namespace

Result<ops::TransactWriteItemsRequest> DecodeTransactWriteItems(const Json& body) {
  ShapeReader r;
  const Json* items = r.List(body, "TransactItems");
  auto token = r.String(body, "ClientRequestToken");
  auto return_consumed_capacity = r.String(body, "ReturnConsumedCapacity");
  auto return_item_collection_metrics = r.String(body, "ReturnItemCollectionMetrics");
  std::vector<RawAction> raw;
  if (items != nullptr) {
    static const std::pair<std::string_view, Kind> kActions[] = {
        {"ConditionCheck", Kind::kConditionCheck},
        {"Put", Kind::kPut},
        {"Delete", Kind::kDelete},
        {"Update", Kind::kUpdate}};
    for (const Json& e : *items) {
      if (!r.ok() || !r.StructValue(e, "TransactWriteItem")) break;
      RawAction a;
      for (const auto& [name, kind] : kActions) {
        const Json* action = r.Struct(e, name, name);
        if (action == nullptr) continue;
        ++a.count;
        std::string member(name);
        member[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(member[0])));
        a.path = "transactItems." + std::to_string(raw.size() + 1) + ".member." + member;
        ReadAction(r, *action, kind, &a);
      }
      raw.push_back(std::move(a));
    }
  }
  if (!r.ok()) return r.status();

  Constraints c;
  CheckActionCount(c, items, "TransactWriteItem");
  for (const RawAction& a : raw) {
    if (a.count == 1) CheckActionConstraints(c, a);
  }
  if (token) c.StringLength(*token, "clientRequestToken", 1, kMaxTokenLength);
  if (return_consumed_capacity) {
    c.Enum(*return_consumed_capacity, "returnConsumedCapacity", kReturnConsumedCapacityValues);
  }
  if (return_item_collection_metrics) {
    c.Enum(*return_item_collection_metrics, "returnItemCollectionMetrics",
           kReturnItemCollectionMetricsValues);
  }
  STATOR_RETURN_IF_ERROR(c.status());
  for (const RawAction& a : raw) {
    if (a.count == 0) {
      return Status::Validation(
          "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request");
    }
    if (a.count > 1) {
      return Status::Validation(
          "TransactItems can only contain one of Check, Put, Update or Delete");
    }
  }

  ops::TransactWriteItemsRequest req;
  req.client_request_token = token;
  // Only the actions count when a token is reused: the Return* parameters may change.
  req.fingerprint = Sha256Hex(items->dump());
  req.return_consumed_capacity = ToReturnConsumedCapacity(return_consumed_capacity);
  req.return_item_collection_metrics = return_item_collection_metrics == "SIZE";
  req.actions.reserve(raw.size());
  for (const RawAction& a : raw) {
    STATOR_ASSIGN_OR_RETURN(ops::TransactWriteAction action, DecodeAction(a));
    req.actions.push_back(std::move(action));
  }
  return req;
}

Result<ops::TransactGetItemsRequest> DecodeTransactGetItems(const Json& body) {
  ShapeReader r;
  const Json* items = r.List(body, "TransactItems");
  auto return_consumed_capacity = r.String(body, "ReturnConsumedCapacity");
  struct RawGet {
    const Json* get = nullptr;
    std::optional<std::string> table_name;
    const Json* key = nullptr;
    std::optional<std::string> projection_expression;
    std::optional<std::map<std::string, std::string>> names;
  };
  std::vector<RawGet> raw;
  if (items != nullptr) {
    for (const Json& e : *items) {
      if (!r.ok() || !r.StructValue(e, "TransactGetItem")) break;
      RawGet g;
      g.get = r.Struct(e, "Get", "Get");
      if (g.get != nullptr) {
        g.table_name = r.String(*g.get, "TableName");
        g.key = ItemMember(r, *g.get, "Key");
        g.projection_expression = r.String(*g.get, "ProjectionExpression");
        g.names = r.StringMap(*g.get, "ExpressionAttributeNames");
      }
      raw.push_back(std::move(g));
    }
  }
  if (!r.ok()) return r.status();

  Constraints c;
  CheckActionCount(c, items, "TransactGetItem");
  for (size_t i = 0; i < raw.size(); ++i) {
    const std::string path = "transactItems." + std::to_string(i + 1) + ".member.get";
    if (raw[i].get == nullptr) {
      c.NotNull(path);
      continue;
    }
    if (raw[i].key == nullptr) c.NotNull(path + ".key");
    c.TableName(raw[i].table_name, path + ".tableName", true);
  }
  if (return_consumed_capacity) {
    c.Enum(*return_consumed_capacity, "returnConsumedCapacity", kReturnConsumedCapacityValues);
  }
  STATOR_RETURN_IF_ERROR(c.status());

  ops::TransactGetItemsRequest req;
  req.return_consumed_capacity = ToReturnConsumedCapacity(return_consumed_capacity);
  req.actions.reserve(raw.size());
  for (const RawGet& g : raw) {
    ops::TransactGetAction a;
    a.table_name = *g.table_name;
    ops::ExpressionParams params;
    params.projection_expression = g.projection_expression;
    params.names = g.names;
    STATOR_RETURN_IF_ERROR(ops::CheckParameterConflicts(params));
    STATOR_ASSIGN_OR_RETURN(a.key, DecodeItem(*g.key));
    STATOR_ASSIGN_OR_RETURN(a.projection, ops::ResolveProjection(params));
    req.actions.push_back(std::move(a));
  }
  return req;
}

Json EncodeTransactWriteItems(const ops::TransactWriteItemsResponse& resp) {
  Json out = Json::object();
  if (!resp.consumed_capacity.empty()) {
    out["ConsumedCapacity"] = EncodeConsumedCapacityList(resp.consumed_capacity);
  }
  if (!resp.item_collection_metrics.empty()) {
    out["ItemCollectionMetrics"] = EncodeItemCollectionMetricsByTable(resp.item_collection_metrics);
  }
  return out;
}

Json EncodeItemResponses(const std::vector<std::optional<model::Item>>& items,
                         const std::vector<ops::ConsumedCapacity>& consumed_capacity) {
  Json responses = Json::array();
  for (const auto& item : items) {
    Json entry = Json::object();
    if (item) entry["Item"] = EncodeItem(*item);
    responses.push_back(std::move(entry));
  }
  Json out = {{"Responses", std::move(responses)}};
  if (!consumed_capacity.empty()) {
    out["ConsumedCapacity"] = EncodeConsumedCapacityList(consumed_capacity);
  }
  return out;
}

Json EncodeTransactGetItems(const ops::TransactGetItemsResponse& resp) {
  return EncodeItemResponses(resp.items, resp.consumed_capacity);
}

Json EncodeCancellationReasons(const std::vector<ops::CancellationReason>& reasons) {
  Json out = Json::array();
  for (const ops::CancellationReason& r : reasons) {
    Json entry = {{"Code", r.code}};
    if (r.message) entry["Message"] = *r.message;
    if (r.item) entry["Item"] = EncodeItem(*r.item);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace stator::protocol

#include "protocol/batch_json.h"

#include "protocol/attribute_value_json.h"
#include "protocol/item_json.h"
#include "validation/keys.h"
#include "validation/limits.h"
#include "validation/table_names.h"

namespace stator::protocol {
namespace {

constexpr std::string_view kKeysAndAttributesMapType =
    "java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.KeysAndAttributes>";
constexpr std::string_view kWriteRequestMapType =
    "java.util.Map<java.lang.String, "
    "java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>>";
// The deserialiser's message for a scalar where a parameterised collection
// (a list of write requests, a key map inside Keys) is expected.
constexpr std::string_view kParameterizedCast =
    "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class "
    "java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and "
    "java.lang.Class are in module java.base of loader 'bootstrap')";

constexpr std::string_view kMapKeysConstraint =
    "Map keys must satisfy constraint: [Member must have length less than or equal to 255, "
    "Member must have length greater than or equal to 3, Member must satisfy regular expression "
    "pattern: [a-zA-Z0-9_.-]+]";
constexpr std::string_view kWriteListConstraint =
    "Map value must satisfy constraint: [Member must have length less than or equal to 25, "
    "Member must have length greater than or equal to 1]";

// --- Renderings of values in constraint messages ---
//
// DynamoDB prints a violating value as its (Java) object: maps as {k=v, ...},
// lists as [a, b], structures as Name(Member=value, ...). Clients cannot
// depend on these renderings (DynamoDB's include object hashes); ours follow
// the same form.

using Render = std::string (*)(const Json&);

// Strings as they are, numbers and booleans as JSON; anything else only
// stands where phase 1 stopped looking (past kMaxRenderDepth) and is elided.
std::string RenderScalar(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return "...";
}

std::string RenderList(const Json& list, Render render) {
  if (!list.is_array()) return RenderScalar(list);
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) out += (i > 0 ? ", " : "") + render(list[i]);
  return out + "]";
}

std::string RenderMap(const Json& map, Render render) {
  if (!map.is_object()) return "null";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : map.items()) {
    out += (first ? "" : ", ") + k + "=" + render(v);
    first = false;
  }
  return out + "}";
}

// Nested values are rendered to the depth phase 1 checks their shapes to;
// untrusted input must not drive unbounded recursion.
constexpr int kMaxRenderDepth = 40;

std::string RenderValueAt(const Json& v, int depth) {
  if (!v.is_object()) return RenderScalar(v);
  if (depth > kMaxRenderDepth) return "...";
  std::string out = "AttributeValue(";
  bool first = true;
  for (const auto& [type, body] : v.items()) {
    if (body.is_null()) continue;
    std::string rendered;
    if (type == "M" && body.is_object()) {
      rendered = "{";
      for (const auto& [name, child] : body.items()) {
        rendered +=
            (rendered.size() > 1 ? ", " : "") + name + "=" + RenderValueAt(child, depth + 1);
      }
      rendered += "}";
    } else if (type == "L" && body.is_array()) {
      rendered = "[";
      for (size_t i = 0; i < body.size(); ++i) {
        rendered += (i > 0 ? ", " : "") + RenderValueAt(body[i], depth + 1);
      }
      rendered += "]";
    } else {
      rendered = RenderList(body, RenderScalar);
    }
    out += (first ? "" : ", ") + type + "=" + rendered;
    first = false;
  }
  return out + ")";
}

std::string RenderAttributeValue(const Json& v) { return RenderValueAt(v, 0); }

std::string RenderItem(const Json& item) { return RenderMap(item, RenderAttributeValue); }

// `render` applied to obj[key], or "null".
std::string RenderMember(const Json& obj, std::string_view key, Render render) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? "null" : render(*it);
}

std::string RenderKeysAndAttributes(const Json& v) {
  if (!v.is_object()) return "null";
  return "KeysAndAttributes(Keys=" +
         RenderMember(v, "Keys", [](const Json& l) { return RenderList(l, RenderItem); }) +
         ", AttributesToGet=" +
         RenderMember(v, "AttributesToGet",
                      [](const Json& l) { return RenderList(l, RenderScalar); }) +
         ", ConsistentRead=" + RenderMember(v, "ConsistentRead", RenderScalar) +
         ", ProjectionExpression=" + RenderMember(v, "ProjectionExpression", RenderScalar) +
         ", ExpressionAttributeNames=" +
         RenderMember(v, "ExpressionAttributeNames",
                      [](const Json& m) { return RenderMap(m, RenderScalar); }) +
         ")";
}

std::string RenderWriteRequest(const Json& v) {
  if (!v.is_object()) return "null";
  return "WriteRequest(PutRequest=" +
         RenderMember(v, "PutRequest",
                      [](const Json& p) {
                        return "PutRequest(Item=" + RenderMember(p, "Item", RenderItem) + ")";
                      }) +
         ", DeleteRequest=" +
         RenderMember(v, "DeleteRequest",
                      [](const Json& d) {
                        return "DeleteRequest(Key=" + RenderMember(d, "Key", RenderItem) + ")";
                      }) +
         ")";
}

std::string RenderGetRequestItems(const Json& items) {
  return Constraints::Quote(RenderMap(items, RenderKeysAndAttributes));
}

std::string RenderWriteRequestItems(const Json& items) {
  return Constraints::Quote(
      RenderMap(items, [](const Json& l) { return RenderList(l, RenderWriteRequest); }));
}

// --- Phase 1 helpers ---

// A map of attribute values standing as a list element (an entry of Keys).
void CheckKeyElement(ShapeReader& r, const Json& e) {
  if (e.is_null()) return;
  if (e.is_array()) {
    r.Fail("Unrecognized collection type " + std::string(kAttributeValueMapType));
    return;
  }
  if (!e.is_object()) {
    r.Fail(std::string(kParameterizedCast));
    return;
  }
  for (const auto& [name, v] : e.items()) {
    if (!r.ok()) return;
    CheckValueShape(r, v);
  }
}

// The RequestItems map itself: present, 1..max_tables entries, valid names.
void CheckRequestItems(Constraints& c, const Json* items, size_t max_tables, Render render) {
  if (items == nullptr) {
    c.NotNull("requestItems");
    return;
  }
  if (items->empty()) {
    c.Add(render(*items), "requestItems", "Member must have length greater than or equal to 1");
  } else if (items->size() > max_tables) {
    c.Add(render(*items), "requestItems",
          "Member must have length less than or equal to " + std::to_string(max_tables));
  }
  for (const auto& [name, v] : items->items()) {
    if (name.size() < validation::kMinTableNameLength ||
        name.size() > validation::kMaxTableNameLength || !validation::MatchesNamePattern(name)) {
      c.Add(render(*items), "requestItems", std::string(kMapKeysConstraint));
      break;
    }
  }
}

// --- BatchGetItem ---

struct RawGetTable {
  std::string name;
  const Json* keys = nullptr;
  std::optional<std::vector<std::string>> attributes_to_get;
  std::optional<bool> consistent_read;
  std::optional<std::string> projection_expression;
  std::optional<std::map<std::string, std::string>> names;
};

RawGetTable ReadGetTable(ShapeReader& r, const std::string& name, const Json& v) {
  RawGetTable t;
  t.name = name;
  t.keys = r.List(v, "Keys");
  if (t.keys != nullptr) {
    for (const auto& e : *t.keys) {
      if (!r.ok()) break;
      CheckKeyElement(r, e);
    }
  }
  t.attributes_to_get = r.StringList(v, "AttributesToGet");
  t.consistent_read = r.Bool(v, "ConsistentRead");
  t.projection_expression = r.String(v, "ProjectionExpression");
  t.names = r.StringMap(v, "ExpressionAttributeNames");
  return t;
}

void CheckGetTable(Constraints& c, const RawGetTable& t) {
  const std::string path = "requestItems." + t.name + ".member.";
  if (t.keys == nullptr) {
    c.NotNull(path + "keys");
  } else if (t.keys->empty()) {
    c.Add("'[]'", path + "keys", "Member must have length greater than or equal to 1");
  } else if (t.keys->size() > ops::kMaxBatchGetKeys) {
    c.Add(Constraints::Quote(RenderList(*t.keys, RenderItem)), path + "keys",
          "Member must have length less than or equal to 100");
  }
  if (t.attributes_to_get) {
    if (t.attributes_to_get->empty()) {
      c.Add("'[]'", path + "attributesToGet", "Member must have length greater than or equal to 1");
    } else if (t.attributes_to_get->size() > 255) {
      std::string rendered = "[";
      for (size_t i = 0; i < t.attributes_to_get->size(); ++i) {
        rendered += (i > 0 ? ", " : "") + (*t.attributes_to_get)[i];
      }
      c.Add(Constraints::Quote(rendered + "]"), path + "attributesToGet",
            "Member must have length less than or equal to 255");
    }
  }
}

// Phase 3 for one table: projection parameters, then each key's values,
// duplicates and the running total.
Result<ops::BatchGetTable> DecodeGetTable(const RawGetTable& raw, ops::BatchKeyTally& tally) {
  ops::BatchGetTable t;
  t.table_name = raw.name;
  t.consistent_read = raw.consistent_read;
  t.expression.projection_expression = raw.projection_expression;
  t.expression.attributes_to_get = raw.attributes_to_get;
  t.expression.names = raw.names;
  STATOR_ASSIGN_OR_RETURN(t.projection, ops::ResolveProjection(t.expression));
  tally.NextTable();
  for (const auto& k : *raw.keys) {
    model::Item key;
    if (k.is_object()) {
      STATOR_ASSIGN_OR_RETURN(key, DecodeItem(k));
    }
    STATOR_RETURN_IF_ERROR(tally.Add(key));
    t.keys.push_back(std::move(key));
  }
  return t;
}

Json EncodeKeysAndAttributes(const ops::BatchGetTable& t) {
  Json keys = Json::array();
  for (const auto& k : t.keys) keys.push_back(EncodeItem(k));
  Json out = {{"Keys", std::move(keys)}};
  if (t.expression.attributes_to_get) out["AttributesToGet"] = *t.expression.attributes_to_get;
  if (t.consistent_read) out["ConsistentRead"] = *t.consistent_read;
  if (t.expression.projection_expression) {
    out["ProjectionExpression"] = *t.expression.projection_expression;
  }
  if (t.expression.names) {
    Json names = Json::object();
    for (const auto& [k, v] : *t.expression.names) names[k] = v;
    out["ExpressionAttributeNames"] = std::move(names);
  }
  return out;
}

// --- BatchWriteItem ---

struct RawWrite {
  bool has_put = false;
  bool has_delete = false;
  const Json* put_item = nullptr;
  const Json* delete_key = nullptr;
};

struct RawWriteTable {
  std::string name;
  std::vector<RawWrite> writes;
};

RawWriteTable ReadWriteTable(ShapeReader& r, const std::string& name, const Json& list) {
  RawWriteTable t;
  t.name = name;
  if (list.is_object()) {
    r.Fail(std::string(kStartOfStructure));
    return t;
  }
  if (!list.is_array()) {
    if (!list.is_null()) r.Fail(std::string(kParameterizedCast));
    return t;
  }
  for (const auto& e : list) {
    if (!r.ok()) break;
    RawWrite w;
    if (!e.is_null()) {
      if (!r.StructValue(e, "WriteRequest")) break;
      if (const Json* del = r.Struct(e, "DeleteRequest", "DeleteRequest")) {
        w.has_delete = true;
        w.delete_key = ItemMember(r, *del, "Key");
      }
      if (const Json* put = r.Struct(e, "PutRequest", "PutRequest")) {
        w.has_put = true;
        w.put_item = ItemMember(r, *put, "Item");
      }
    }
    t.writes.push_back(w);
  }
  return t;
}

void CheckWriteTables(Constraints& c, const Json& items, const std::vector<RawWriteTable>& tables) {
  for (const RawWriteTable& t : tables) {
    if (t.writes.empty() || t.writes.size() > ops::kMaxBatchWriteRequests) {
      c.Add(RenderWriteRequestItems(items), "requestItems", std::string(kWriteListConstraint));
      break;
    }
  }
  for (const RawWriteTable& t : tables) {
    for (size_t i = 0; i < t.writes.size(); ++i) {
      const std::string path =
          "requestItems." + t.name + ".member." + std::to_string(i + 1) + ".member.";
      if (t.writes[i].has_delete && t.writes[i].delete_key == nullptr) {
        c.NotNull(path + "deleteRequest.key");
      }
      if (t.writes[i].has_put && t.writes[i].put_item == nullptr) {
        c.NotNull(path + "putRequest.item");
      }
    }
  }
}

// Phase 3 for one table: each request holds exactly one of PutRequest and
// DeleteRequest; then each request's values (and a put's size) and the
// running total.
Result<ops::BatchWriteTable> DecodeWriteTable(const RawWriteTable& raw, size_t* total) {
  for (const RawWrite& w : raw.writes) {
    if (w.has_put == w.has_delete) {
      return Status::Validation(
          "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
          "the supported datatypes");
    }
  }
  ops::BatchWriteTable t;
  t.table_name = raw.name;
  for (const RawWrite& w : raw.writes) {
    ops::WriteRequest out;
    if (w.has_put) {
      out.kind = ops::WriteRequest::Kind::kPut;
      STATOR_ASSIGN_OR_RETURN(out.item, DecodeItem(*w.put_item));
      STATOR_RETURN_IF_ERROR(validation::ValidateItemSize(out.item));
    } else {
      out.kind = ops::WriteRequest::Kind::kDelete;
      STATOR_ASSIGN_OR_RETURN(out.item, DecodeItem(*w.delete_key));
    }
    if (++*total > ops::kMaxBatchWriteRequests) {
      return Status::Validation("Too many items requested for the BatchWriteItem call");
    }
    t.requests.push_back(std::move(out));
  }
  return t;
}

}  // namespace

Result<ops::BatchGetItemRequest> DecodeBatchGetItem(const Json& body) {
  ShapeReader r;
  const Json* items = r.Map(body, "RequestItems", kKeysAndAttributesMapType);
  std::vector<RawGetTable> tables;
  if (items != nullptr) {
    for (const auto& [name, v] : items->items()) {
      if (!r.ok() || !r.StructValue(v, "KeysAndAttributes")) break;
      tables.push_back(ReadGetTable(r, name, v));
    }
  }
  auto return_consumed_capacity = r.String(body, "ReturnConsumedCapacity");
  if (!r.ok()) return r.status();

  Constraints c;
  if (return_consumed_capacity) {
    c.Enum(*return_consumed_capacity, "returnConsumedCapacity", kReturnConsumedCapacityValues);
  }
  CheckRequestItems(c, items, ops::kMaxBatchGetKeys, RenderGetRequestItems);
  for (const RawGetTable& t : tables) CheckGetTable(c, t);
  STATOR_RETURN_IF_ERROR(c.status());

  ops::BatchGetItemRequest req;
  req.return_consumed_capacity = ToReturnConsumedCapacity(return_consumed_capacity);
  ops::BatchKeyTally tally(ops::kMaxBatchGetKeys,
                           "Too many items requested for the BatchGetItem call");
  for (const RawGetTable& raw : tables) {
    STATOR_ASSIGN_OR_RETURN(ops::BatchGetTable t, DecodeGetTable(raw, tally));
    req.tables.push_back(std::move(t));
  }
  return req;
}

Result<ops::BatchWriteItemRequest> DecodeBatchWriteItem(const Json& body) {
  ShapeReader r;
  const Json* items = r.Map(body, "RequestItems", kWriteRequestMapType);
  std::vector<RawWriteTable> tables;
  if (items != nullptr) {
    for (const auto& [name, v] : items->items()) {
      if (!r.ok()) break;
      tables.push_back(ReadWriteTable(r, name, v));
    }
  }
  auto return_consumed_capacity = r.String(body, "ReturnConsumedCapacity");
  auto return_item_collection_metrics = r.String(body, "ReturnItemCollectionMetrics");
  if (!r.ok()) return r.status();

  Constraints c;
  if (return_consumed_capacity) {
    c.Enum(*return_consumed_capacity, "returnConsumedCapacity", kReturnConsumedCapacityValues);
  }
  if (return_item_collection_metrics) {
    c.Enum(*return_item_collection_metrics, "returnItemCollectionMetrics",
           kReturnItemCollectionMetricsValues);
  }
  CheckRequestItems(c, items, ops::kMaxBatchWriteRequests, RenderWriteRequestItems);
  if (items != nullptr) CheckWriteTables(c, *items, tables);
  STATOR_RETURN_IF_ERROR(c.status());

  ops::BatchWriteItemRequest req;
  req.return_consumed_capacity = ToReturnConsumedCapacity(return_consumed_capacity);
  req.return_item_collection_metrics = return_item_collection_metrics == "SIZE";
  size_t total = 0;
  for (const RawWriteTable& raw : tables) {
    STATOR_ASSIGN_OR_RETURN(ops::BatchWriteTable t, DecodeWriteTable(raw, &total));
    req.tables.push_back(std::move(t));
  }
  return req;
}

Json EncodeBatchGetItem(const ops::BatchGetItemResponse& resp) {
  Json responses = Json::object();
  for (const auto& [table, items] : resp.responses) {
    Json list = Json::array();
    for (const auto& item : items) list.push_back(EncodeItem(item));
    responses[table] = std::move(list);
  }
  Json unprocessed = Json::object();
  for (const auto& t : resp.unprocessed) unprocessed[t.table_name] = EncodeKeysAndAttributes(t);
  Json out = {{"Responses", std::move(responses)}, {"UnprocessedKeys", std::move(unprocessed)}};
  if (resp.consumed_capacity) out["ConsumedCapacity"] = EncodeConsumedCapacityList(*resp.consumed_capacity);
  return out;
}

Json EncodeBatchWriteItem(const ops::BatchWriteItemResponse& resp) {
  Json unprocessed = Json::object();
  for (const ops::BatchWriteTable& t : resp.unprocessed) {
    Json requests = Json::array();
    for (const ops::WriteRequest& w : t.requests) {
      requests.push_back(w.kind == ops::WriteRequest::Kind::kPut
                             ? Json{{"PutRequest", {{"Item", EncodeItem(w.item)}}}}
                             : Json{{"DeleteRequest", {{"Key", EncodeItem(w.item)}}}});
    }
    unprocessed[t.table_name] = std::move(requests);
  }
  Json out = {{"UnprocessedItems", std::move(unprocessed)}};
  if (resp.consumed_capacity) out["ConsumedCapacity"] = EncodeConsumedCapacityList(*resp.consumed_capacity);
  if (!resp.item_collection_metrics.empty()) {
    out["ItemCollectionMetrics"] = EncodeItemCollectionMetricsByTable(resp.item_collection_metrics);
  }
  return out;
}

}  // namespace stator::protocol

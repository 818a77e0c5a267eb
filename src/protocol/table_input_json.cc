#include "protocol/table_input_json.h"

#include <utility>

namespace stator::protocol {
namespace {

using model::BillingMode;
using model::ProjectionType;

const std::vector<std::string_view> kKeyTypes = {"HASH", "RANGE"};
const std::vector<std::string_view> kBillingModes = {"PROVISIONED", "PAY_PER_REQUEST"};
const std::vector<std::string_view> kSseTypes = {"AES256", "KMS"};

// Lists of structures print as DynamoDB's (Java) object renderings.
std::string RenderKeySchema(const std::vector<RawKeyElement>& keys) {
  std::string out = "[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ", ";
    out += "KeySchemaElement(AttributeName=" + keys[i].name.value_or("null") +
           ", KeyType=" + keys[i].key_type.value_or("null") + ")";
  }
  return Constraints::Quote(out + "]");
}

void CheckProjection(Constraints& c, const std::optional<RawProjection>& projection,
                     const std::string& path) {
  if (!projection) {
    c.NotNull(path);
    return;
  }
  if (projection->type) c.Enum(*projection->type, path + ".projectionType", kProjectionTypes);
  if (projection->non_key && projection->non_key->empty()) {
    c.Add("'[]'", path + ".nonKeyAttributes", "Member must have length greater than or equal to 1");
  }
}

}  // namespace

const std::vector<std::string_view> kProjectionTypes = {"ALL", "INCLUDE", "KEYS_ONLY"};

// ---- phase 1: JSON types ----

std::optional<std::vector<RawKeyElement>> ReadKeySchema(ShapeReader& r, const Json& obj) {
  const Json* list = r.List(obj, "KeySchema");
  if (list == nullptr) return std::nullopt;
  std::vector<RawKeyElement> out;
  for (const auto& e : *list) {
    if (!r.StructValue(e, "KeySchemaElement")) break;
    out.push_back({r.String(e, "AttributeName"), r.String(e, "KeyType")});
  }
  return out;
}

std::optional<RawThroughput> ReadThroughput(ShapeReader& r, const Json& obj, std::string_view key) {
  const Json* t = r.Struct(obj, key, "ProvisionedThroughput");
  if (t == nullptr) return std::nullopt;
  return RawThroughput{r.Long(*t, "ReadCapacityUnits"), r.Long(*t, "WriteCapacityUnits")};
}

RawIndex ReadIndex(ShapeReader& r, const Json& obj, bool global) {
  RawIndex index;
  index.name = r.String(obj, "IndexName");
  index.key_schema = ReadKeySchema(r, obj);
  if (const Json* p = r.Struct(obj, "Projection", "Projection")) {
    index.projection =
        RawProjection{r.String(*p, "ProjectionType"), r.StringList(*p, "NonKeyAttributes")};
  }
  if (global) index.throughput = ReadThroughput(r, obj, "ProvisionedThroughput");
  return index;
}

std::optional<std::vector<RawIndex>> ReadIndexes(ShapeReader& r, const Json& obj,
                                                 std::string_view key, std::string_view cls,
                                                 bool global) {
  const Json* list = r.List(obj, key);
  if (list == nullptr) return std::nullopt;
  std::vector<RawIndex> out;
  for (const auto& e : *list) {
    if (!r.StructValue(e, cls)) break;
    out.push_back(ReadIndex(r, e, global));
  }
  return out;
}

std::optional<RawSse> ReadSse(ShapeReader& r, const Json& obj, std::string_view key) {
  const Json* s = r.Struct(obj, key, "SSESpecification");
  if (s == nullptr) return std::nullopt;
  return RawSse{r.Bool(*s, "Enabled"), r.String(*s, "SSEType"), r.String(*s, "KMSMasterKeyId")};
}

// ---- phase 2: member constraints ----

std::string MemberPath(const std::string& list_path, size_t index, std::string_view member) {
  return list_path + "." + std::to_string(index + 1) + ".member." + std::string(member);
}

void CheckKeySchema(Constraints& c, const std::optional<std::vector<RawKeyElement>>& keys,
                    const std::string& path, KeySchemaOwner owner) {
  if (!keys) {
    c.NotNull(path);
    return;
  }
  if (keys->empty()) {
    c.Add(RenderKeySchema(*keys), path, "Member must have length greater than or equal to 1");
  } else if (keys->size() > 2 && owner != KeySchemaOwner::kGlobalIndex) {
    c.Add(RenderKeySchema(*keys), path, "Member must have length less than or equal to 2");
  }
  for (size_t i = 0; i < keys->size(); ++i) {
    const RawKeyElement& k = (*keys)[i];
    if (!k.name) {
      c.NotNull(MemberPath(path, i, "attributeName"));
    } else {
      c.StringLength(*k.name, MemberPath(path, i, "attributeName"), 1, 255);
    }
    if (!k.key_type) {
      c.NotNull(MemberPath(path, i, "keyType"));
    } else if (owner == KeySchemaOwner::kTable) {
      c.Enum(*k.key_type, MemberPath(path, i, "keyType"), kKeyTypes);
    }
  }
}

void CheckThroughput(Constraints& c, const std::optional<RawThroughput>& t,
                     const std::string& path) {
  if (!t) return;
  if (!t->write) {
    c.NotNull(path + ".writeCapacityUnits");
  } else {
    c.ValueRange(*t->write, path + ".writeCapacityUnits", 1, std::nullopt);
  }
  if (!t->read) {
    c.NotNull(path + ".readCapacityUnits");
  } else {
    c.ValueRange(*t->read, path + ".readCapacityUnits", 1, std::nullopt);
  }
}

void CheckIndexes(Constraints& c, const std::optional<std::vector<RawIndex>>& indexes,
                  const std::string& path, bool global) {
  if (!indexes) return;
  for (size_t i = 0; i < indexes->size(); ++i) {
    const RawIndex& index = (*indexes)[i];
    const std::string base = path + "." + std::to_string(i + 1) + ".member";
    c.TableName(index.name, base + ".indexName", /*required=*/true);
    CheckKeySchema(c, index.key_schema, base + ".keySchema",
                   global ? KeySchemaOwner::kGlobalIndex : KeySchemaOwner::kLocalIndex);
    CheckProjection(c, index.projection, base + ".projection");
    if (global) CheckThroughput(c, index.throughput, base + ".provisionedThroughput");
  }
}

void CheckSse(Constraints& c, const std::optional<RawSse>& sse, const std::string& path) {
  if (sse && sse->type) c.Enum(*sse->type, path + ".sSEType", kSseTypes);
}

void CheckBillingMode(Constraints& c, const std::optional<std::string>& mode,
                      const std::string& path) {
  if (mode) c.Enum(*mode, path, kBillingModes);
}

// ---- raw -> typed (constraints already hold) ----

std::vector<ops::KeySchemaElementInput> ToKeySchema(const std::vector<RawKeyElement>& raw) {
  std::vector<ops::KeySchemaElementInput> out;
  for (const RawKeyElement& k : raw) {
    ops::KeyType type = *k.key_type == "HASH"    ? ops::KeyType::kHash
                        : *k.key_type == "RANGE" ? ops::KeyType::kRange
                                                 : ops::KeyType::kInvalid;
    out.push_back({*k.name, type});
  }
  return out;
}

ops::ThroughputInput ToThroughput(const RawThroughput& t) { return {*t.read, *t.write}; }

std::vector<ops::IndexInput> ToIndexes(const std::vector<RawIndex>& raw) {
  std::vector<ops::IndexInput> out;
  for (const RawIndex& r : raw) {
    ops::IndexInput in;
    in.index_name = *r.name;
    in.key_schema = ToKeySchema(*r.key_schema);
    if (r.projection->type) {
      in.projection_type_given = true;
      const std::string& t = *r.projection->type;
      in.projection.type = t == "ALL"       ? ProjectionType::kAll
                           : t == "INCLUDE" ? ProjectionType::kInclude
                                            : ProjectionType::kKeysOnly;
    }
    if (r.projection->non_key) in.projection.non_key_attributes = *r.projection->non_key;
    if (r.throughput) in.throughput = ToThroughput(*r.throughput);
    out.push_back(std::move(in));
  }
  return out;
}

ops::SseInput ToSse(const RawSse& s) { return ops::SseInput{s.enabled, s.type, s.kms_key}; }

BillingMode ToBillingMode(const std::string& mode) {
  return mode == "PROVISIONED" ? BillingMode::kProvisioned : BillingMode::kPayPerRequest;
}

}  // namespace stator::protocol

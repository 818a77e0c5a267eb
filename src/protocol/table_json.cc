#include "protocol/table_json.h"

#include <algorithm>

#include "common/time_format.h"
#include "model/attribute_value.h"

namespace stator::protocol {
namespace {

using model::BillingMode;
using model::ProjectionType;
using model::StreamViewType;

// ---- phase 1: JSON types into raw members ----

struct RawKeyElement {
  std::optional<std::string> name, key_type;
};
struct RawAttributeDefinition {
  std::optional<std::string> name, type;
};
struct RawThroughput {
  std::optional<int64_t> read, write;
};
struct RawProjection {
  std::optional<std::string> type;
  std::optional<std::vector<std::string>> non_key;
};
struct RawIndex {
  std::optional<std::string> name;
  std::optional<std::vector<RawKeyElement>> key_schema;
  std::optional<RawProjection> projection;
  std::optional<RawThroughput> throughput;
};
struct RawStream {
  std::optional<bool> enabled;
  std::optional<std::string> view_type;
};
struct RawSse {
  std::optional<bool> enabled;
  std::optional<std::string> type, kms_key;
};
struct RawTag {
  std::optional<std::string> key, value;
};

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

std::optional<std::vector<RawAttributeDefinition>> ReadAttributeDefinitions(ShapeReader& r,
                                                                            const Json& obj) {
  const Json* list = r.List(obj, "AttributeDefinitions");
  if (list == nullptr) return std::nullopt;
  std::vector<RawAttributeDefinition> out;
  for (const auto& e : *list) {
    if (!r.StructValue(e, "AttributeDefinition")) break;
    out.push_back({r.String(e, "AttributeName"), r.String(e, "AttributeType")});
  }
  return out;
}

std::optional<RawThroughput> ReadThroughput(ShapeReader& r, const Json& obj) {
  const Json* t = r.Struct(obj, "ProvisionedThroughput", "ProvisionedThroughput");
  if (t == nullptr) return std::nullopt;
  return RawThroughput{r.Long(*t, "ReadCapacityUnits"), r.Long(*t, "WriteCapacityUnits")};
}

std::optional<std::vector<RawIndex>> ReadIndexes(ShapeReader& r, const Json& obj,
                                                 std::string_view key, std::string_view cls,
                                                 bool global) {
  const Json* list = r.List(obj, key);
  if (list == nullptr) return std::nullopt;
  std::vector<RawIndex> out;
  for (const auto& e : *list) {
    if (!r.StructValue(e, cls)) break;
    RawIndex index;
    index.name = r.String(e, "IndexName");
    index.key_schema = ReadKeySchema(r, e);
    if (const Json* p = r.Struct(e, "Projection", "Projection")) {
      index.projection =
          RawProjection{r.String(*p, "ProjectionType"), r.StringList(*p, "NonKeyAttributes")};
    }
    if (global) index.throughput = ReadThroughput(r, e);
    out.push_back(std::move(index));
  }
  return out;
}

// One GlobalSecondaryIndexUpdate: Create (a whole index), Update (name and
// throughput) or Delete (name).
struct RawIndexUpdate {
  std::optional<RawIndex> create;
  std::optional<RawIndex> update;
  std::optional<RawIndex> remove;
};

std::vector<RawIndexUpdate> ReadIndexUpdates(ShapeReader& r, const Json& list) {
  std::vector<RawIndexUpdate> out;
  for (const auto& e : list) {
    if (!r.StructValue(e, "GlobalSecondaryIndexUpdate")) break;
    RawIndexUpdate u;
    if (const Json* c = r.Struct(e, "Create", "CreateGlobalSecondaryIndexAction")) {
      RawIndex index;
      index.name = r.String(*c, "IndexName");
      index.key_schema = ReadKeySchema(r, *c);
      if (const Json* p = r.Struct(*c, "Projection", "Projection")) {
        index.projection =
            RawProjection{r.String(*p, "ProjectionType"), r.StringList(*p, "NonKeyAttributes")};
      }
      index.throughput = ReadThroughput(r, *c);
      u.create = std::move(index);
    }
    if (const Json* c = r.Struct(e, "Update", "UpdateGlobalSecondaryIndexAction")) {
      RawIndex index;
      index.name = r.String(*c, "IndexName");
      index.throughput = ReadThroughput(r, *c);
      u.update = std::move(index);
    }
    if (const Json* c = r.Struct(e, "Delete", "DeleteGlobalSecondaryIndexAction")) {
      RawIndex index;
      index.name = r.String(*c, "IndexName");
      u.remove = std::move(index);
    }
    out.push_back(std::move(u));
  }
  return out;
}

std::optional<RawStream> ReadStream(ShapeReader& r, const Json& obj) {
  const Json* s = r.Struct(obj, "StreamSpecification", "StreamSpecification");
  if (s == nullptr) return std::nullopt;
  return RawStream{r.Bool(*s, "StreamEnabled"), r.String(*s, "StreamViewType")};
}

std::optional<RawSse> ReadSse(ShapeReader& r, const Json& obj) {
  const Json* s = r.Struct(obj, "SSESpecification", "SSESpecification");
  if (s == nullptr) return std::nullopt;
  return RawSse{r.Bool(*s, "Enabled"), r.String(*s, "SSEType"), r.String(*s, "KMSMasterKeyId")};
}

std::vector<RawTag> ReadTags(ShapeReader& r, const Json& obj) {
  std::vector<RawTag> out;
  const Json* list = r.List(obj, "Tags");
  if (list == nullptr) return out;
  for (const auto& e : *list) {
    if (!r.StructValue(e, "Tag")) break;
    out.push_back({r.String(e, "Key"), r.String(e, "Value")});
  }
  return out;
}

// ---- phase 2: member constraints ----

const std::vector<std::string_view> kKeyTypes = {"HASH", "RANGE"};
const std::vector<std::string_view> kAttributeTypes = {"B", "N", "S"};
const std::vector<std::string_view> kProjectionTypes = {"ALL", "INCLUDE", "KEYS_ONLY"};
const std::vector<std::string_view> kBillingModes = {"PROVISIONED", "PAY_PER_REQUEST"};
const std::vector<std::string_view> kStreamViewTypes = {"NEW_IMAGE", "OLD_IMAGE",
                                                        "NEW_AND_OLD_IMAGES", "KEYS_ONLY"};
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

std::string Member(const std::string& list_path, size_t index, std::string_view member) {
  return list_path + "." + std::to_string(index + 1) + ".member." + std::string(member);
}

// A table's and a local index's key have at most 2 elements; a global index's
// key is not bounded here (multi-attribute keys: the semantic checks limit it).
void CheckKeySchema(Constraints& c, const std::optional<std::vector<RawKeyElement>>& keys,
                    const std::string& path, bool check_key_type_enum, bool global_index = false) {
  if (!keys) {
    c.NotNull(path);
    return;
  }
  if (keys->empty()) {
    c.Add(RenderKeySchema(*keys), path, "Member must have length greater than or equal to 1");
  } else if (keys->size() > 2 && !global_index) {
    c.Add(RenderKeySchema(*keys), path, "Member must have length less than or equal to 2");
  }
  for (size_t i = 0; i < keys->size(); ++i) {
    const auto& k = (*keys)[i];
    if (!k.name) {
      c.NotNull(Member(path, i, "attributeName"));
    } else {
      c.StringLength(*k.name, Member(path, i, "attributeName"), 1, 255);
    }
    if (!k.key_type) {
      c.NotNull(Member(path, i, "keyType"));
    } else if (check_key_type_enum) {
      c.Enum(*k.key_type, Member(path, i, "keyType"), kKeyTypes);
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
    const auto& index = (*indexes)[i];
    std::string base = path + "." + std::to_string(i + 1) + ".member";
    if (!index.name) {
      c.NotNull(base + ".indexName");
    } else {
      c.TableName(index.name, base + ".indexName", true);
    }
    CheckKeySchema(c, index.key_schema, base + ".keySchema", false, global);
    if (!index.projection) {
      c.NotNull(base + ".projection");
    } else {
      if (index.projection->type) {
        c.Enum(*index.projection->type, base + ".projection.projectionType", kProjectionTypes);
      }
      if (index.projection->non_key && index.projection->non_key->empty()) {
        c.Add("'[]'", base + ".projection.nonKeyAttributes",
              "Member must have length greater than or equal to 1");
      }
    }
    if (global) CheckThroughput(c, index.throughput, base + ".provisionedThroughput");
  }
}

void CheckIndexUpdates(Constraints& c, const std::vector<RawIndexUpdate>& updates) {
  for (size_t i = 0; i < updates.size(); ++i) {
    const RawIndexUpdate& u = updates[i];
    const std::string base = "globalSecondaryIndexUpdates." + std::to_string(i + 1) + ".member";
    auto name = [&](const RawIndex& index, const std::string& path) {
      if (!index.name) {
        c.NotNull(path + ".indexName");
      } else {
        c.TableName(index.name, path + ".indexName", true);
      }
    };
    if (u.update) {
      name(*u.update, base + ".update");
      if (!u.update->throughput) {
        c.NotNull(base + ".update.provisionedThroughput");
      } else {
        CheckThroughput(c, u.update->throughput, base + ".update.provisionedThroughput");
      }
    }
    if (u.create) {
      const std::string path = base + ".create";
      name(*u.create, path);
      if (!u.create->key_schema) {
        c.NotNull(path + ".keySchema");
      } else {
        CheckKeySchema(c, u.create->key_schema, path + ".keySchema", false, true);
      }
      if (!u.create->projection) {
        c.NotNull(path + ".projection");
      } else if (u.create->projection->type) {
        c.Enum(*u.create->projection->type, path + ".projection.projectionType", kProjectionTypes);
      }
      CheckThroughput(c, u.create->throughput, path + ".provisionedThroughput");
    }
    if (u.remove) name(*u.remove, base + ".delete");
  }
}

void CheckStreamAndSse(Constraints& c, const std::optional<RawStream>& stream,
                       const std::optional<RawSse>& sse) {
  if (stream) {
    if (!stream->enabled) c.NotNull("streamSpecification.streamEnabled");
    if (stream->view_type) {
      c.Enum(*stream->view_type, "streamSpecification.streamViewType", kStreamViewTypes);
    }
  }
  if (sse && sse->type) c.Enum(*sse->type, "sSESpecification.sSEType", kSseTypes);
}

void CheckTags(Constraints& c, const std::vector<RawTag>& tags) {
  for (size_t i = 0; i < tags.size(); ++i) {
    if (!tags[i].key) {
      c.NotNull(Member("tags", i, "key"));
    } else {
      c.StringLength(*tags[i].key, Member("tags", i, "key"), 1, 128);
    }
    if (!tags[i].value) {
      c.NotNull(Member("tags", i, "value"));
    } else {
      c.StringLength(*tags[i].value, Member("tags", i, "value"), 0, 256);
    }
  }
}

// The table-name rule of the table operations, reported alone and before the
// constraint list (DynamoDB checks it first for these operations).
Status PrecheckTableName(const std::optional<std::string>& name) {
  if (!name) {
    return Status::Validation(
        "The parameter 'TableName' is required but was not present in the request");
  }
  if (name->size() < 3 || name->size() > 255) {
    return Status::Validation(
        "TableName must be at least 3 characters long and at most 255 characters long");
  }
  return Status::OK();
}

// ---- phase 3 helpers: raw -> typed (constraints already hold) ----

model::Type AttributeType(const std::string& t) {
  return t == "S" ? model::Type::kS : t == "N" ? model::Type::kN : model::Type::kB;
}

std::vector<ops::KeySchemaElementInput> ToKeySchema(const std::vector<RawKeyElement>& raw) {
  std::vector<ops::KeySchemaElementInput> out;
  for (const auto& k : raw) {
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
  for (const auto& r : raw) {
    ops::IndexInput in;
    in.index_name = *r.name;
    in.key_schema = ToKeySchema(*r.key_schema);
    if (r.projection->type) {
      in.projection_type_given = true;
      const auto& t = *r.projection->type;
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

StreamViewType ToViewType(const std::string& v) {
  if (v == "KEYS_ONLY") return StreamViewType::kKeysOnly;
  if (v == "NEW_IMAGE") return StreamViewType::kNewImage;
  if (v == "OLD_IMAGE") return StreamViewType::kOldImage;
  return StreamViewType::kNewAndOldImages;
}

ops::StreamSpecInput ToStream(const RawStream& s) {
  ops::StreamSpecInput in;
  in.enabled = *s.enabled;
  if (s.view_type) in.view_type = ToViewType(*s.view_type);
  return in;
}

ops::SseInput ToSse(const RawSse& s) { return ops::SseInput{s.enabled, s.type, s.kms_key}; }

}  // namespace

Result<ops::CreateTableRequest> DecodeCreateTable(const Json& body) {
  ShapeReader r;
  auto table_name = r.String(body, "TableName");
  auto defs = ReadAttributeDefinitions(r, body);
  auto keys = ReadKeySchema(r, body);
  auto throughput = ReadThroughput(r, body);
  auto lsis = ReadIndexes(r, body, "LocalSecondaryIndexes", "LocalSecondaryIndex", false);
  auto gsis = ReadIndexes(r, body, "GlobalSecondaryIndexes", "GlobalSecondaryIndex", true);
  auto billing = r.String(body, "BillingMode");
  auto stream = ReadStream(r, body);
  auto sse = ReadSse(r, body);
  auto tags = ReadTags(r, body);
  auto table_class = r.String(body, "TableClass");
  auto deletion_protection = r.Bool(body, "DeletionProtectionEnabled");
  if (!r.ok()) return r.status();

  STATOR_RETURN_IF_ERROR(PrecheckTableName(table_name));
  Constraints c;
  if (!defs) {
    c.NotNull("attributeDefinitions");
  } else {
    for (size_t i = 0; i < defs->size(); ++i) {
      const auto& d = (*defs)[i];
      std::string base = "attributeDefinitions." + std::to_string(i + 1) + ".member.";
      if (!d.name) {
        c.NotNull(base + "attributeName");
      } else {
        c.StringLength(*d.name, base + "attributeName", 1, 255);
      }
      if (!d.type) {
        c.NotNull(base + "attributeType");
      } else {
        c.Enum(*d.type, base + "attributeType", kAttributeTypes);
      }
    }
  }
  c.TableName(table_name, "tableName", true);
  CheckThroughput(c, throughput, "provisionedThroughput");
  CheckKeySchema(c, keys, "keySchema", true);
  CheckIndexes(c, lsis, "localSecondaryIndexes", false);
  CheckIndexes(c, gsis, "globalSecondaryIndexes", true);
  if (billing) c.Enum(*billing, "billingMode", kBillingModes);
  CheckStreamAndSse(c, stream, sse);
  CheckTags(c, tags);
  STATOR_RETURN_IF_ERROR(c.status());

  ops::CreateTableRequest req;
  req.table_name = *table_name;
  for (const auto& d : *defs)
    req.attribute_definitions.push_back({*d.name, AttributeType(*d.type)});
  req.key_schema = ToKeySchema(*keys);
  if (billing) {
    req.billing_mode =
        *billing == "PROVISIONED" ? BillingMode::kProvisioned : BillingMode::kPayPerRequest;
  }
  if (throughput) req.throughput = ToThroughput(*throughput);
  if (lsis) req.local_indexes = ToIndexes(*lsis);
  if (gsis) req.global_indexes = ToIndexes(*gsis);
  if (stream) req.stream = ToStream(*stream);
  if (sse) req.sse = ToSse(*sse);
  for (const auto& t : tags) req.tags.emplace_back(*t.key, *t.value);
  req.table_class = table_class;
  req.deletion_protection = deletion_protection;
  return req;
}

Result<std::string> DecodeTableNameOnly(const Json& body) {
  ShapeReader r;
  auto table_name = r.String(body, "TableName");
  if (!r.ok()) return r.status();
  STATOR_RETURN_IF_ERROR(PrecheckTableName(table_name));
  Constraints c;
  c.TableName(table_name, "tableName", true);
  STATOR_RETURN_IF_ERROR(c.status());
  return *table_name;
}

Result<ops::UpdateTableRequest> DecodeUpdateTable(const Json& body) {
  ShapeReader r;
  auto table_name = r.String(body, "TableName");
  auto defs = ReadAttributeDefinitions(r, body);
  auto throughput = ReadThroughput(r, body);
  auto billing = r.String(body, "BillingMode");
  auto stream = ReadStream(r, body);
  auto sse = ReadSse(r, body);
  auto table_class = r.String(body, "TableClass");
  auto deletion_protection = r.Bool(body, "DeletionProtectionEnabled");
  const Json* gsi_updates = r.List(body, "GlobalSecondaryIndexUpdates");
  std::vector<RawIndexUpdate> index_updates;
  if (gsi_updates != nullptr) index_updates = ReadIndexUpdates(r, *gsi_updates);
  const Json* replica_updates = r.List(body, "ReplicaUpdates");
  if (!r.ok()) return r.status();

  STATOR_RETURN_IF_ERROR(PrecheckTableName(table_name));
  Constraints c;
  c.TableName(table_name, "tableName", true);
  CheckThroughput(c, throughput, "provisionedThroughput");
  if (billing) c.Enum(*billing, "billingMode", kBillingModes);
  CheckStreamAndSse(c, stream, sse);
  CheckIndexUpdates(c, index_updates);
  STATOR_RETURN_IF_ERROR(c.status());

  ops::UpdateTableRequest req;
  req.table_name = *table_name;
  if (defs) {
    for (const auto& d : *defs) {
      if (d.name && d.type) req.attribute_definitions.push_back({*d.name, AttributeType(*d.type)});
    }
  }
  if (billing) {
    req.billing_mode =
        *billing == "PROVISIONED" ? BillingMode::kProvisioned : BillingMode::kPayPerRequest;
  }
  if (throughput) req.throughput = ToThroughput(*throughput);
  if (stream) req.stream = ToStream(*stream);
  if (sse) req.sse = ToSse(*sse);
  req.table_class = table_class;
  req.deletion_protection = deletion_protection;
  req.has_global_index_updates = gsi_updates != nullptr && !gsi_updates->empty();
  for (const RawIndexUpdate& u : index_updates) {
    ops::GlobalIndexUpdateInput in;
    in.actions = (u.create ? 1 : 0) + (u.update ? 1 : 0) + (u.remove ? 1 : 0);
    if (u.create) {
      in.kind = ops::GlobalIndexUpdateInput::Kind::kCreate;
      in.index = ToIndexes({*u.create}).front();
    } else if (u.update) {
      in.kind = ops::GlobalIndexUpdateInput::Kind::kUpdate;
      in.index.index_name = *u.update->name;
      if (u.update->throughput) in.throughput = ToThroughput(*u.update->throughput);
    } else if (u.remove) {
      in.kind = ops::GlobalIndexUpdateInput::Kind::kDelete;
      in.index.index_name = *u.remove->name;
    }
    req.global_index_updates.push_back(std::move(in));
  }
  req.has_replica_updates = replica_updates != nullptr && !replica_updates->empty();
  return req;
}

Result<ops::ListTablesRequest> DecodeListTables(const Json& body) {
  ShapeReader r;
  ops::ListTablesRequest req;
  req.exclusive_start_table_name = r.String(body, "ExclusiveStartTableName");
  req.limit = r.Integer(body, "Limit");
  if (!r.ok()) return r.status();
  Constraints c;
  c.TableName(req.exclusive_start_table_name, "exclusiveStartTableName", false);
  if (req.limit) c.ValueRange(*req.limit, "limit", 1, 100);
  STATOR_RETURN_IF_ERROR(c.status());
  return req;
}

}  // namespace stator::protocol

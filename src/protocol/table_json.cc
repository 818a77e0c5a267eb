#include "protocol/table_json.h"

#include <algorithm>

#include "common/time_format.h"
#include "model/attribute_value.h"
#include "protocol/table_input_json.h"

namespace stator::protocol {
namespace {

using model::StreamViewType;

// ---- phase 1: JSON types into raw members ----
// (The members CreateTable shares with the restores: table_input_json.h.)

struct RawAttributeDefinition {
  std::optional<std::string> name, type;
};
struct RawStream {
  std::optional<bool> enabled;
  std::optional<std::string> view_type;
};
struct RawTag {
  std::optional<std::string> key, value;
};

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
      u.create = ReadIndex(r, *c, /*global=*/true);
    }
    if (const Json* c = r.Struct(e, "Update", "UpdateGlobalSecondaryIndexAction")) {
      RawIndex index;
      index.name = r.String(*c, "IndexName");
      index.throughput = ReadThroughput(r, *c, "ProvisionedThroughput");
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

const std::vector<std::string_view> kAttributeTypes = {"B", "N", "S"};
const std::vector<std::string_view> kStreamViewTypes = {"NEW_IMAGE", "OLD_IMAGE",
                                                        "NEW_AND_OLD_IMAGES", "KEYS_ONLY"};

void CheckIndexUpdates(Constraints& c, const std::vector<RawIndexUpdate>& updates) {
  for (size_t i = 0; i < updates.size(); ++i) {
    const RawIndexUpdate& u = updates[i];
    const std::string base = "globalSecondaryIndexUpdates." + std::to_string(i + 1) + ".member";
    if (u.update) {
      c.TableName(u.update->name, base + ".update.indexName", /*required=*/true);
      if (!u.update->throughput) {
        c.NotNull(base + ".update.provisionedThroughput");
      } else {
        CheckThroughput(c, u.update->throughput, base + ".update.provisionedThroughput");
      }
    }
    if (u.create) {
      const std::string path = base + ".create";
      c.TableName(u.create->name, path + ".indexName", /*required=*/true);
      CheckKeySchema(c, u.create->key_schema, path + ".keySchema", KeySchemaOwner::kGlobalIndex);
      // Not CheckIndexes' projection check: NonKeyAttributes' length is not checked here.
      if (!u.create->projection) {
        c.NotNull(path + ".projection");
      } else if (u.create->projection->type) {
        c.Enum(*u.create->projection->type, path + ".projection.projectionType", kProjectionTypes);
      }
      CheckThroughput(c, u.create->throughput, path + ".provisionedThroughput");
    }
    if (u.remove) c.TableName(u.remove->name, base + ".delete.indexName", /*required=*/true);
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
  CheckSse(c, sse, "sSESpecification");
}

void CheckTags(Constraints& c, const std::vector<RawTag>& tags) {
  for (size_t i = 0; i < tags.size(); ++i) {
    if (!tags[i].key) {
      c.NotNull(MemberPath("tags", i, "key"));
    } else {
      c.StringLength(*tags[i].key, MemberPath("tags", i, "key"), 1, 128);
    }
    if (!tags[i].value) {
      c.NotNull(MemberPath("tags", i, "value"));
    } else {
      c.StringLength(*tags[i].value, MemberPath("tags", i, "value"), 0, 256);
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

}  // namespace

Result<ops::CreateTableRequest> DecodeCreateTable(const Json& body) {
  ShapeReader r;
  auto table_name = r.String(body, "TableName");
  auto defs = ReadAttributeDefinitions(r, body);
  auto keys = ReadKeySchema(r, body);
  auto throughput = ReadThroughput(r, body, "ProvisionedThroughput");
  auto lsis = ReadIndexes(r, body, "LocalSecondaryIndexes", "LocalSecondaryIndex",
                          /*global=*/false);
  auto gsis = ReadIndexes(r, body, "GlobalSecondaryIndexes", "GlobalSecondaryIndex",
                          /*global=*/true);
  auto billing = r.String(body, "BillingMode");
  auto stream = ReadStream(r, body);
  auto sse = ReadSse(r, body, "SSESpecification");
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
  CheckKeySchema(c, keys, "keySchema", KeySchemaOwner::kTable);
  CheckIndexes(c, lsis, "localSecondaryIndexes", /*global=*/false);
  CheckIndexes(c, gsis, "globalSecondaryIndexes", /*global=*/true);
  CheckBillingMode(c, billing, "billingMode");
  CheckStreamAndSse(c, stream, sse);
  CheckTags(c, tags);
  STATOR_RETURN_IF_ERROR(c.status());

  ops::CreateTableRequest req;
  req.table_name = *table_name;
  for (const auto& d : *defs)
    req.attribute_definitions.push_back({*d.name, AttributeType(*d.type)});
  req.key_schema = ToKeySchema(*keys);
  if (billing) req.billing_mode = ToBillingMode(*billing);
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
  auto throughput = ReadThroughput(r, body, "ProvisionedThroughput");
  auto billing = r.String(body, "BillingMode");
  auto stream = ReadStream(r, body);
  auto sse = ReadSse(r, body, "SSESpecification");
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
  CheckBillingMode(c, billing, "billingMode");
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
  if (billing) req.billing_mode = ToBillingMode(*billing);
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

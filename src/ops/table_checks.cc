#include "ops/table_checks.h"

#include <algorithm>
#include <set>

#include "common/time_format.h"
#include "ops/tags.h"
#include "validation/limits.h"

namespace stator::ops {
namespace {

using model::AttributeDefinition;
using model::BillingMode;
using model::IndexDef;
using model::ProjectionType;

constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";

Status Invalid(const std::string& what) { return Status::Validation(std::string(kInvalid) + what); }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) out += (i > 0 ? ", " : "") + names[i];
  return out + "]";
}

const AttributeDefinition* FindDefinition(const std::vector<AttributeDefinition>& defs,
                                          const std::string& name) {
  for (const auto& d : defs) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::vector<std::string> DefinitionNames(const std::vector<AttributeDefinition>& defs) {
  std::vector<std::string> names;
  for (const auto& d : defs) names.push_back(d.name);
  return names;
}

Status CheckThroughputBounds(const ThroughputInput& t, const std::string& suffix) {
  if (t.read_units > validation::kMaxProvisionedUnits) {
    return Status::Validation("Given value " + std::to_string(t.read_units) +
                              " for ReadCapacityUnits is out of bounds" + suffix);
  }
  if (t.write_units > validation::kMaxProvisionedUnits) {
    return Status::Validation("Given value " + std::to_string(t.write_units) +
                              " for WriteCapacityUnits is out of bounds" + suffix);
  }
  return Status::OK();
}

// Shared by the table's and every index's key schema: the schema's names must
// be defined, distinct, and HASH then RANGE.
Result<model::KeySchema> CheckKeySchema(const std::vector<KeySchemaElementInput>& keys,
                                        const std::vector<AttributeDefinition>& defs,
                                        bool is_table) {
  if (keys.size() == 2) {
    bool undefined = FindDefinition(defs, keys[0].attribute_name) == nullptr ||
                     FindDefinition(defs, keys[1].attribute_name) == nullptr;
    bool same = keys[0].attribute_name == keys[1].attribute_name;
    if (undefined || (same && defs.size() == 1)) {
      if (!is_table && undefined) {
        std::vector<std::string> names = {keys[0].attribute_name, keys[1].attribute_name};
        return Invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: " +
                       JoinNames(names) +
                       ", AttributeDefinitions: " + JoinNames(DefinitionNames(defs)));
      }
      return Status::Validation("Invalid KeySchema: Some index key attribute have no definition");
    }
    if (same) {
      return Status::Validation(
          "Both the Hash Key and the Range Key element in the KeySchema have the same name");
    }
  } else {
    if (is_table && defs.empty()) {
      return Status::Validation("Invalid KeySchema: Some index key attribute have no definition");
    }
    if (FindDefinition(defs, keys[0].attribute_name) == nullptr) {
      return Invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
                     keys[0].attribute_name +
                     "], AttributeDefinitions: " + JoinNames(DefinitionNames(defs)));
    }
  }
  if (keys[0].key_type != KeyType::kHash) {
    return Status::Validation(
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (keys.size() == 2 && keys[1].key_type != KeyType::kRange) {
    return Status::Validation(
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  model::KeySchema schema;
  schema.hash = {keys[0].attribute_name, FindDefinition(defs, keys[0].attribute_name)->type};
  if (keys.size() == 2) {
    schema.range = model::KeyElement{keys[1].attribute_name,
                                     FindDefinition(defs, keys[1].attribute_name)->type};
  }
  return schema;
}

// The most partition-key and sort-key attributes of a global index's key.
constexpr size_t kMaxKeyAttributesPerKind = 4;

// A global index's key schema: up to 4 HASH then up to 4 RANGE attributes
// (DynamoDB's multi-attribute keys). A one- or two-element schema in the
// single-attribute shape is checked exactly as a table's or local index's.
Result<model::KeySchema> CheckGlobalKeySchema(const std::vector<KeySchemaElementInput>& keys,
                                              const std::vector<AttributeDefinition>& defs) {
  const bool single_shape =
      keys.size() == 1 || (keys.size() == 2 && (keys[0].key_type != KeyType::kHash ||
                                                keys[1].key_type != KeyType::kHash));
  if (single_shape) return CheckKeySchema(keys, defs, false);
  if (keys[0].key_type != KeyType::kHash) {
    return Status::Validation(
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  size_t hash_count = 0;
  size_t range_count = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto& k = keys[i];
    if (k.key_type == KeyType::kInvalid) {
      // Not HASH or RANGE (index key types are not enum-checked before this).
      if (i == 1) {
        return Status::Validation(
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
      }
      return Invalid("All HASH key attributes must precede RANGE key attributes in the KeySchema");
    }
    if (k.key_type == KeyType::kHash) {
      if (range_count > 0) {
        return Invalid(
            "All HASH key attributes must precede RANGE key attributes in the KeySchema");
      }
      ++hash_count;
    } else {
      ++range_count;
    }
  }
  if (hash_count > kMaxKeyAttributesPerKind) {
    return Invalid("The KeySchema exceeds the maximum allowed number of HASH key attributes");
  }
  if (range_count > kMaxKeyAttributesPerKind) {
    return Invalid("The KeySchema exceeds the maximum allowed number of RANGE key attributes");
  }
  std::vector<std::string> names;
  for (const auto& k : keys) {
    if (std::find(names.begin(), names.end(), k.attribute_name) != names.end()) {
      return Status::Validation(
          "The KeySchema contains multiple key attributes with the same name");
    }
    names.push_back(k.attribute_name);
  }
  for (const auto& k : keys) {
    if (FindDefinition(defs, k.attribute_name) == nullptr) {
      return Invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: " +
                     JoinNames(names) +
                     ", AttributeDefinitions: " + JoinNames(DefinitionNames(defs)));
    }
  }
  model::KeySchema schema;
  for (size_t i = 0; i < keys.size(); ++i) {
    model::KeyElement e{keys[i].attribute_name, FindDefinition(defs, keys[i].attribute_name)->type};
    if (i == 0) {
      schema.hash = std::move(e);
    } else if (i < hash_count) {
      schema.more_hash.push_back(std::move(e));
    } else if (!schema.range) {
      schema.range = std::move(e);
    } else {
      schema.more_range.push_back(std::move(e));
    }
  }
  return schema;
}

Status CheckProjection(const IndexInput& index) {
  const auto& p = index.projection;
  if (!index.projection_type_given) return Invalid("Unknown ProjectionType: null");
  if (p.type != ProjectionType::kInclude && !p.non_key_attributes.empty()) {
    return Invalid(std::string("ProjectionType is ") +
                   (p.type == ProjectionType::kAll ? "ALL" : "KEYS_ONLY") +
                   ", but NonKeyAttributes is specified");
  }
  if (p.type == ProjectionType::kInclude && p.non_key_attributes.empty()) {
    return Invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
  }
  std::set<std::string> seen;
  for (const auto& a : p.non_key_attributes) {
    if (!seen.insert(a).second) return Invalid("Duplicate element in NonKeyAttributes: " + a);
  }
  return Status::OK();
}

Result<std::vector<IndexDef>> CheckLocalIndexes(const std::vector<IndexInput>& inputs,
                                                const CreateTableRequest& req,
                                                const model::KeySchema& table_key) {
  if (inputs.empty()) return Invalid("List of LocalSecondaryIndexes is empty");
  if (!table_key.range) {
    return Invalid(
        "Table KeySchema does not have a range key, which is required when specifying a "
        "LocalSecondaryIndex");
  }
  if (static_cast<int>(inputs.size()) > validation::kMaxLocalIndexes) {
    return Invalid("Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  }
  std::vector<IndexDef> out;
  for (const auto& in : inputs) {
    STATOR_ASSIGN_OR_RETURN(model::KeySchema key,
                            CheckKeySchema(in.key_schema, req.attribute_definitions, false));
    if (!key.range) {
      return Invalid("Index KeySchema does not have a range key for index: " + in.index_name);
    }
    if (key.hash.name != table_key.hash.name) {
      return Invalid(
          "Index KeySchema does not have the same leading hash key as table KeySchema "
          "for index: " +
          in.index_name + ". index hash key: " + key.hash.name +
          ", table hash key: " + table_key.hash.name);
    }
    STATOR_RETURN_IF_ERROR(CheckProjection(in));
    for (const auto& earlier : out) {
      if (earlier.name == in.index_name) return Invalid("Duplicate index name: " + in.index_name);
    }
    out.push_back(IndexDef{in.index_name, key, in.projection, {}});
  }
  return out;
}

Result<std::vector<IndexDef>> CheckGlobalIndexes(const std::vector<IndexInput>& inputs,
                                                 const CreateTableRequest& req, BillingMode billing,
                                                 const std::vector<IndexDef>& local) {
  if (inputs.empty()) return Invalid("List of GlobalSecondaryIndexes is empty");
  if (static_cast<int>(inputs.size()) > validation::kMaxGlobalIndexes) {
    return Invalid("GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }
  std::vector<IndexDef> out;
  for (const auto& in : inputs) {
    STATOR_ASSIGN_OR_RETURN(model::KeySchema key,
                            CheckGlobalKeySchema(in.key_schema, req.attribute_definitions));
    STATOR_RETURN_IF_ERROR(CheckProjection(in));
    auto same_name = [&](const IndexDef& d) { return d.name == in.index_name; };
    if (std::any_of(out.begin(), out.end(), same_name) ||
        std::any_of(local.begin(), local.end(), same_name)) {
      return Invalid("Duplicate index name: " + in.index_name);
    }
    IndexDef def{in.index_name, key, in.projection, {}};
    if (billing == BillingMode::kPayPerRequest) {
      if (in.throughput) {
        return Invalid("ProvisionedThroughput should not be specified for index: " + in.index_name +
                       " when BillingMode is PAY_PER_REQUEST");
      }
    } else {
      if (!in.throughput) {
        return Invalid("ProvisionedThroughput is not specified for index: " + in.index_name);
      }
      STATOR_RETURN_IF_ERROR(CheckThroughputBounds(*in.throughput, " for index " + in.index_name));
      def.throughput.read_units = in.throughput->read_units;
      def.throughput.write_units = in.throughput->write_units;
    }
    out.push_back(std::move(def));
  }
  return out;
}

// Every attribute definition must be used by a key of the table or an index.
Status CheckDefinitionsUsed(const CreateTableRequest& req, const model::TableDef& def) {
  std::vector<std::string> used;
  auto use = [&](const model::KeySchema& k) {
    for (const model::KeyElement* e : k.Elements()) {
      if (std::find(used.begin(), used.end(), e->name) == used.end()) used.push_back(e->name);
    }
  };
  use(def.key);
  for (const auto& i : def.local_indexes) use(i.key);
  for (const auto& i : def.global_indexes) use(i.key);
  bool all_used = std::all_of(req.attribute_definitions.begin(), req.attribute_definitions.end(),
                              [&](const AttributeDefinition& d) {
                                return std::find(used.begin(), used.end(), d.name) != used.end();
                              });
  if (all_used && used.size() == req.attribute_definitions.size()) return Status::OK();
  if (def.local_indexes.empty() && def.global_indexes.empty()) {
    return Invalid(
        "Number of attributes in KeySchema does not exactly match number of attributes defined "
        "in AttributeDefinitions");
  }
  return Invalid("Some AttributeDefinitions are not used. AttributeDefinitions: " +
                 JoinNames(DefinitionNames(req.attribute_definitions)) +
                 ", keys used: " + JoinNames(used));
}

Result<model::StreamSpec> CheckStream(const StreamSpecInput& in) {
  model::StreamSpec spec;
  if (in.enabled && !in.view_type) {
    return Invalid("Table is being created with a stream enabled, UpdateViewType is required");
  }
  if (!in.enabled && in.view_type) {
    return Invalid(
        "Table is being created with a stream disabled, UpdateViewType should not be specified");
  }
  spec.enabled = in.enabled;
  spec.view_type = in.view_type.value_or(model::StreamViewType::kNone);
  return spec;
}

Result<model::SseSpec> CheckSse(const SseInput& in) {
  bool enabled = in.enabled.value_or(false);
  if (!enabled) {
    if (in.sse_type) return Invalid("SSEType can not be specified if Enabled is false");
    if (in.kms_master_key_id)
      return Invalid("KMSMasterKeyId can not be specified if Enabled is false");
    return model::SseSpec{};
  }
  if (in.sse_type && *in.sse_type == "AES256") return Invalid("SSEType AES256 is not supported");
  if (in.kms_master_key_id && !in.sse_type) {
    return Invalid("SSEType KMS is required if KMSMasterKeyId is specified");
  }
  return model::SseSpec{true, in.kms_master_key_id.value_or("")};
}

}  // namespace

Result<model::TableClass> ParseTableClass(const std::string& value) {
  if (value == "STANDARD") return model::TableClass::kStandard;
  if (value == "STANDARD_INFREQUENT_ACCESS") return model::TableClass::kStandardInfrequentAccess;
  return Status::Validation(
      "Invalid table-class parameter provided. Please try again with a valid table-class value: "
      "[STANDARD, STANDARD_INFREQUENT_ACCESS].");
}

Result<model::TableDef> BuildTableDef(const CreateTableRequest& req) {
  model::TableDef def;
  def.name = req.table_name;
  def.billing_mode = req.billing_mode.value_or(BillingMode::kProvisioned);
  if (def.billing_mode == BillingMode::kPayPerRequest) {
    if (req.throughput) {
      return Invalid(
          "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
          "BillingMode is PAY_PER_REQUEST");
    }
  } else {
    if (!req.throughput) {
      return Invalid(
          "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
          "BillingMode is PROVISIONED");
    }
    STATOR_RETURN_IF_ERROR(CheckThroughputBounds(*req.throughput, ""));
    def.throughput.read_units = req.throughput->read_units;
    def.throughput.write_units = req.throughput->write_units;
  }

  std::set<std::string> defined;
  for (const auto& d : req.attribute_definitions) {
    if (!defined.insert(d.name).second) {
      return Status::Validation("Attribute Name is duplicated: " + d.name);
    }
  }
  STATOR_ASSIGN_OR_RETURN(def.key, CheckKeySchema(req.key_schema, req.attribute_definitions, true));
  if (req.local_indexes) {
    STATOR_ASSIGN_OR_RETURN(def.local_indexes, CheckLocalIndexes(*req.local_indexes, req, def.key));
  }
  if (req.global_indexes) {
    STATOR_ASSIGN_OR_RETURN(
        def.global_indexes,
        CheckGlobalIndexes(*req.global_indexes, req, def.billing_mode, def.local_indexes));
  }
  size_t projected = 0;
  for (const auto* list : {&def.local_indexes, &def.global_indexes}) {
    for (const auto& i : *list) projected += i.projection.non_key_attributes.size();
  }
  if (projected > static_cast<size_t>(validation::kMaxProjectedNonKeyAttributes)) {
    return Invalid(
        "The number of attributes in key schema and projections of all the secondary "
        "indexes of this table exceeds the maximum of 100");
  }
  STATOR_RETURN_IF_ERROR(CheckDefinitionsUsed(req, def));
  def.attribute_definitions = req.attribute_definitions;

  if (req.stream) {
    STATOR_ASSIGN_OR_RETURN(def.stream, CheckStream(*req.stream));
  }
  if (req.table_class) {
    STATOR_ASSIGN_OR_RETURN(def.table_class, ParseTableClass(*req.table_class));
  }
  if (req.sse) {
    STATOR_ASSIGN_OR_RETURN(def.sse, CheckSse(*req.sse));
  }
  def.deletion_protection = req.deletion_protection.value_or(false);
  // The tags TagResource would accept (characters, the aws: prefix, duplicates,
  // at most 50); their lengths are member constraints, checked by the decoder.
  std::vector<TagInput> tags;
  for (const auto& [key, value] : req.tags) tags.push_back({key, value});
  if (!tags.empty()) STATOR_RETURN_IF_ERROR(CheckNewTags(tags));
  def.tags = req.tags;
  return def;
}

}  // namespace stator::ops

namespace stator::ops {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

// Members DynamoDB names when an UpdateTable request changes nothing.
constexpr std::string_view kNothingToUpdate =
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
    "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
    "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, "
    "OnDemandThroughput, WarmThroughput or TableClass is required";

Status ApplyThroughput(model::TableDef& def, const UpdateTableRequest& req, int64_t now) {
  bool to_ppr = req.billing_mode == BillingMode::kPayPerRequest;
  bool to_provisioned = req.billing_mode == BillingMode::kProvisioned &&
                        def.billing_mode == BillingMode::kPayPerRequest;
  if (to_ppr && req.throughput) {
    return Invalid("ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST");
  }
  if (to_provisioned && !req.throughput) {
    return Invalid("ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
  }
  if (req.throughput && def.billing_mode == BillingMode::kPayPerRequest && !to_provisioned) {
    return Invalid(
        "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
        "BillingMode is PAY_PER_REQUEST");
  }
  if (req.throughput) {
    STATOR_RETURN_IF_ERROR(CheckThroughputBounds(*req.throughput, ""));
    auto& t = def.throughput;
    if (!to_provisioned && req.throughput->read_units == t.read_units &&
        req.throughput->write_units == t.write_units) {
      return Status::Validation(
          "The provisioned throughput for the table will not change. The requested value equals "
          "the current value. Current ReadCapacityUnits provisioned for the table: " +
          std::to_string(t.read_units) +
          ". Requested ReadCapacityUnits: " + std::to_string(req.throughput->read_units) +
          ". Current WriteCapacityUnits provisioned for the table: " +
          std::to_string(t.write_units) +
          ". Requested WriteCapacityUnits: " + std::to_string(req.throughput->write_units) +
          ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request "
          "higher limits.");
    }
    if (!to_provisioned) {
      if (req.throughput->read_units > t.read_units ||
          req.throughput->write_units > t.write_units) {
        t.last_increase_micros = now;
      }
      if (req.throughput->read_units < t.read_units ||
          req.throughput->write_units < t.write_units) {
        if (t.last_decrease_micros / kMicrosPerDay != now / kMicrosPerDay) t.decreases_today = 0;
        t.last_decrease_micros = now;
        ++t.decreases_today;
      }
    }
    t.read_units = req.throughput->read_units;
    t.write_units = req.throughput->write_units;
  }
  if (req.billing_mode && *req.billing_mode != def.billing_mode) {
    def.billing_mode = *req.billing_mode;
    if (to_ppr) {
      def.billing_mode_update_micros = now;
      def.throughput.read_units = 0;
      def.throughput.write_units = 0;
    }
  }
  return Status::OK();
}

Status ApplyStream(model::TableDef& def, const StreamSpecInput& in, int64_t now) {
  // Disabled streams stay readable for 24 hours, then are forgotten.
  std::erase_if(def.streams, [&](const model::StreamDef& st) { return !st.ReadableAt(now); });
  if (in.enabled) {
    if (def.stream.enabled) {
      return Status::Validation("Table already has an enabled stream: TableName: " + def.name);
    }
    if (!in.view_type) {
      return Invalid("If stream is being enabled then UpdateViewType is required");
    }
    // Labels name streams in ARNs: a new one must differ from (and follow) the
    // table's earlier ones even within one millisecond.
    int64_t created = now;
    if (!def.streams.empty() && created / 1000 <= def.streams.back().created_micros / 1000) {
      created = (def.streams.back().created_micros / 1000 + 1) * 1000;
    }
    def.stream = {true, *in.view_type, FormatIsoMillis(created)};
    def.streams.push_back({def.stream.label, *in.view_type, created, 0, 0, 0});
    return Status::OK();
  }
  if (!def.stream.enabled) {
    return Status::Validation("Table has no stream to disable: TableName: " + def.name);
  }
  def.stream.enabled = false;
  def.stream.view_type = model::StreamViewType::kNone;
  if (!def.streams.empty() && def.streams.back().enabled())
    def.streams.back().disabled_micros = now;
  return Status::OK();
}

// The attribute definitions after an update: the table's, plus those the
// request adds for a new index's key.
std::vector<AttributeDefinition> MergedDefinitions(const model::TableDef& def,
                                                   const UpdateTableRequest& req) {
  std::vector<AttributeDefinition> out = def.attribute_definitions;
  for (const auto& d : req.attribute_definitions) {
    if (FindDefinition(out, d.name) == nullptr) out.push_back(d);
  }
  return out;
}

// GlobalSecondaryIndexUpdates: at most one Create or Delete per call (and
// none while another index is being built), Updates of throughput.
Status ApplyIndexUpdates(model::TableDef& def, const UpdateTableRequest& req) {
  using Kind = GlobalIndexUpdateInput::Kind;
  std::vector<std::string> seen;
  int online = 0;
  for (const auto& u : req.global_index_updates) {
    if (u.kind == Kind::kNone) {
      return Invalid(
          "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
          "GlobalSecondaryIndexUpdate.Delete must not be null");
    }
    const std::string& name = u.index.index_name;
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return Invalid(
          "Only one global secondary index update per index is allowed simultaneously. Index: " +
          name);
    }
    seen.push_back(name);
    if (u.kind != Kind::kUpdate) ++online;
  }
  bool building =
      std::any_of(def.global_indexes.begin(), def.global_indexes.end(),
                  [](const IndexDef& i) { return i.status == model::IndexStatus::kCreating; });
  if (online > 1 || (online == 1 && building)) {
    return Status(Code::kLimitExceeded,
                  "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                  "simultaneously per table");
  }
  for (const auto& u : req.global_index_updates) {
    const std::string& name = u.index.index_name;
    auto it = std::find_if(def.global_indexes.begin(), def.global_indexes.end(),
                           [&](const IndexDef& i) { return i.name == name; });
    switch (u.kind) {
      case Kind::kCreate: {
        const bool taken = it != def.global_indexes.end() ||
                           std::any_of(def.local_indexes.begin(), def.local_indexes.end(),
                                       [&](const IndexDef& i) { return i.name == name; });
        if (taken) {
          return Status::Validation("Attempting to create an index which already exists");
        }
        if (static_cast<int>(def.global_indexes.size()) >= validation::kMaxGlobalIndexes) {
          return Invalid("GlobalSecondaryIndex count exceeds the per-table limit of 20");
        }
        // The new index's key attributes are named in the request's definitions
        // (those the table already defines may be left out, but not all of them).
        if (req.attribute_definitions.empty()) {
          return Invalid("AttributeDefinitions is not specified for index: " + name);
        }
        const std::vector<AttributeDefinition> defs = MergedDefinitions(def, req);
        STATOR_ASSIGN_OR_RETURN(model::KeySchema key,
                                CheckGlobalKeySchema(u.index.key_schema, defs));
        STATOR_RETURN_IF_ERROR(CheckProjection(u.index));
        IndexDef index{name, key, u.index.projection, {}};
        if (def.billing_mode == BillingMode::kPayPerRequest) {
          if (u.index.throughput) {
            return Invalid("ProvisionedThroughput should not be specified for index: " + name +
                           " when BillingMode is PAY_PER_REQUEST");
          }
        } else {
          if (!u.index.throughput) {
            return Invalid("ProvisionedThroughput is not specified for index: " + name);
          }
          STATOR_RETURN_IF_ERROR(CheckThroughputBounds(*u.index.throughput, " for index " + name));
          index.throughput.read_units = u.index.throughput->read_units;
          index.throughput.write_units = u.index.throughput->write_units;
        }
        index.status = model::IndexStatus::kCreating;  // the engine backfills it
        for (const model::KeyElement* e : key.Elements()) {
          if (FindDefinition(def.attribute_definitions, e->name) == nullptr) {
            def.attribute_definitions.push_back({e->name, e->type});
          }
        }
        def.global_indexes.push_back(std::move(index));
        break;
      }
      case Kind::kDelete:
        if (it == def.global_indexes.end()) {
          return Status::ResourceNotFound("Requested resource not found: Index: " + name +
                                          " not found for table: " + def.name);
        }
        def.global_indexes.erase(it);
        break;
      case Kind::kUpdate:
        if (it == def.global_indexes.end()) {
          return Status::ResourceNotFound("Requested resource not found: Index: " + name +
                                          " not found for table: " + def.name);
        }
        if (def.billing_mode == BillingMode::kPayPerRequest) {
          return Invalid(
              "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
              "BillingMode is PAY_PER_REQUEST");
        }
        if (u.throughput) {
          STATOR_RETURN_IF_ERROR(CheckThroughputBounds(*u.throughput, " for index " + name));
          it->throughput.read_units = u.throughput->read_units;
          it->throughput.write_units = u.throughput->write_units;
        }
        break;
      case Kind::kNone:
        break;
    }
  }
  return Status::OK();
}

}  // namespace

Result<model::TableDef> ApplyTableUpdate(const model::TableDef& current,
                                         const UpdateTableRequest& req, int64_t now_micros) {
  bool changes_capacity = req.billing_mode || req.throughput;
  bool changes_other = req.stream || req.has_global_index_updates || req.has_replica_updates;
  int exclusive = (req.deletion_protection ? 1 : 0) + (req.table_class ? 1 : 0) + (req.sse ? 1 : 0);
  if (!changes_capacity && !changes_other && exclusive == 0) {
    return Status::Validation(std::string(kNothingToUpdate));
  }
  if (exclusive > 0 && (changes_capacity || changes_other || exclusive > 1)) {
    std::string what = req.deletion_protection ? "DeletionProtection"
                       : req.table_class       ? "TableClass"
                                               : "Server-Side Encryption";
    return Invalid(what + " modification must be the only operation in the request");
  }
  if (req.has_replica_updates) {
    return Status::Validation(
        "ReplicaUpdates are not supported by Stator (a single-region server)");
  }
  model::TableDef def = current;
  STATOR_RETURN_IF_ERROR(ApplyIndexUpdates(def, req));
  STATOR_RETURN_IF_ERROR(ApplyThroughput(def, req, now_micros));
  if (req.stream) {
    STATOR_RETURN_IF_ERROR(ApplyStream(def, *req.stream, now_micros));
  }
  if (req.deletion_protection) def.deletion_protection = *req.deletion_protection;
  if (req.table_class) {
    STATOR_ASSIGN_OR_RETURN(def.table_class, ParseTableClass(*req.table_class));
    def.table_class_update_micros = now_micros;
  }
  if (req.sse) {
    STATOR_ASSIGN_OR_RETURN(def.sse, CheckSse(*req.sse));
  }
  return def;
}

}  // namespace stator::ops

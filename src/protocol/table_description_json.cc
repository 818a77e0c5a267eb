// Encoders of the table operations' responses (declared in table_json.h and
// table_description_json.h).
#include "protocol/table_description_json.h"

#include <algorithm>

#include "common/time_format.h"
#include "protocol/table_json.h"

namespace stator::protocol {
namespace {

using model::BillingMode;

Json EncodeThroughput(const model::Throughput& t) {
  Json out = {{"NumberOfDecreasesToday", t.decreases_today},
              {"ReadCapacityUnits", t.read_units},
              {"WriteCapacityUnits", t.write_units}};
  if (t.last_increase_micros != 0)
    out["LastIncreaseDateTime"] = EpochSeconds(t.last_increase_micros);
  if (t.last_decrease_micros != 0)
    out["LastDecreaseDateTime"] = EpochSeconds(t.last_decrease_micros);
  return out;
}

Json WarmThroughput() {
  return {{"ReadUnitsPerSecond", 12000}, {"WriteUnitsPerSecond", 4000}, {"Status", "ACTIVE"}};
}

storage::TableStats IndexStats(const ops::TableDescription& desc, const model::IndexDef& index) {
  auto it = desc.index_stats.find(index.id);
  return it == desc.index_stats.end() ? storage::TableStats{} : it->second;
}

Json EncodeIndex(const model::IndexDef& index, const std::string& table_arn, bool global,
                 const model::TableDef& table, const std::string& table_status,
                 const storage::TableStats& stats) {
  Json out = {{"IndexName", index.name},
              {"KeySchema", EncodeKeySchema(index.key)},
              {"Projection", EncodeProjection(index.projection)},
              {"IndexSizeBytes", stats.size_bytes},
              {"ItemCount", stats.item_count},
              {"IndexArn", table_arn + "/index/" + index.name}};
  if (global) {
    if (index.status == model::IndexStatus::kCreating) {
      out["IndexStatus"] = "CREATING";
      out["Backfilling"] = true;
    } else if (index.status == model::IndexStatus::kDeleting) {
      out["IndexStatus"] = "DELETING";
    } else {
      out["IndexStatus"] = table_status == "CREATING" ? "CREATING" : "ACTIVE";
    }
    out["ProvisionedThroughput"] = EncodeThroughput(index.throughput);
    if (table.billing_mode == BillingMode::kPayPerRequest) out["WarmThroughput"] = WarmThroughput();
  }
  return out;
}

// Where a restored table's data came from.
Json EncodeRestoreSummary(const model::RestoreInfo& restore, const std::string& table_status) {
  Json out = {{"SourceTableArn", restore.source_table_arn},
              {"RestoreDateTime", EpochSeconds(restore.restore_micros)},
              {"RestoreInProgress", table_status == "CREATING"}};
  if (!restore.source_backup_arn.empty()) out["SourceBackupArn"] = restore.source_backup_arn;
  return out;
}

}  // namespace

double EpochSeconds(int64_t micros) { return static_cast<double>(micros / 1000) / 1000.0; }

Json EncodeProjection(const model::Projection& p) {
  Json out = Json::object();
  switch (p.type) {
    case model::ProjectionType::kAll:
      out["ProjectionType"] = "ALL";
      break;
    case model::ProjectionType::kKeysOnly:
      out["ProjectionType"] = "KEYS_ONLY";
      break;
    case model::ProjectionType::kInclude: {
      out["ProjectionType"] = "INCLUDE";
      std::vector<std::string> sorted = p.non_key_attributes;  // DynamoDB sorts them
      std::sort(sorted.begin(), sorted.end());
      out["NonKeyAttributes"] = sorted;
      break;
    }
  }
  return out;
}

Json EncodeSseDescription(const model::TableDef& t, const ops::RequestContext& ctx) {
  std::string key = t.sse.kms_master_key_id;
  if (key.rfind("arn:", 0) != 0) {
    // A key id or alias is reported as the ARN of the key in this account.
    key = "arn:aws:kms:" + ctx.region + ":" + ctx.env->account_id + ":key/" +
          (key.empty() ? t.uuid : key);
  }
  return {{"Status", "ENABLED"}, {"SSEType", "KMS"}, {"KMSMasterKeyArn", key}};
}

std::string_view ViewTypeName(model::StreamViewType t) {
  switch (t) {
    case model::StreamViewType::kKeysOnly:
      return "KEYS_ONLY";
    case model::StreamViewType::kNewImage:
      return "NEW_IMAGE";
    case model::StreamViewType::kOldImage:
      return "OLD_IMAGE";
    case model::StreamViewType::kNewAndOldImages:
      return "NEW_AND_OLD_IMAGES";
    case model::StreamViewType::kNone:
      break;
  }
  return "";
}

Json EncodeKeySchema(const model::KeySchema& key) {
  Json out = Json::array();
  for (const model::KeyElement* e : key.HashElements()) {
    out.push_back({{"AttributeName", e->name}, {"KeyType", "HASH"}});
  }
  for (const model::KeyElement* e : key.RangeElements()) {
    out.push_back({{"AttributeName", e->name}, {"KeyType", "RANGE"}});
  }
  return out;
}

Json EncodeTableDescription(const ops::TableDescription& desc, const ops::RequestContext& ctx) {
  const model::TableDef& t = *desc.def;
  Json out = Json::object();
  std::vector<model::AttributeDefinition> defs = t.attribute_definitions;
  std::sort(defs.begin(), defs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  Json attribute_definitions = Json::array();
  for (const auto& d : defs) {
    attribute_definitions.push_back(
        {{"AttributeName", d.name}, {"AttributeType", std::string(model::TypeName(d.type))}});
  }
  out["AttributeDefinitions"] = std::move(attribute_definitions);
  out["TableName"] = t.name;
  out["KeySchema"] = EncodeKeySchema(t.key);
  out["TableStatus"] = desc.status;
  out["CreationDateTime"] = EpochSeconds(t.creation_micros);
  out["ProvisionedThroughput"] = EncodeThroughput(t.throughput);
  out["TableSizeBytes"] = desc.stats.size_bytes;
  out["ItemCount"] = desc.stats.item_count;
  out["TableArn"] = desc.table_arn;
  out["TableId"] = t.uuid;
  if (t.billing_mode == BillingMode::kPayPerRequest) {
    Json summary = {{"BillingMode", "PAY_PER_REQUEST"}};
    if (t.billing_mode_update_micros != 0) {
      summary["LastUpdateToPayPerRequestDateTime"] = EpochSeconds(t.billing_mode_update_micros);
    }
    out["BillingModeSummary"] = std::move(summary);
    out["WarmThroughput"] = WarmThroughput();
  } else if (t.billing_mode_update_micros != 0) {
    out["BillingModeSummary"] = {{"BillingMode", "PROVISIONED"}};
  }
  if (!t.local_indexes.empty()) {
    Json lsis = Json::array();
    for (const auto& i : t.local_indexes) {
      lsis.push_back(EncodeIndex(i, desc.table_arn, false, t, desc.status, IndexStats(desc, i)));
    }
    out["LocalSecondaryIndexes"] = std::move(lsis);
  }
  if (!t.global_indexes.empty()) {
    Json gsis = Json::array();
    for (const auto& i : t.global_indexes) {
      gsis.push_back(EncodeIndex(i, desc.table_arn, true, t, desc.status, IndexStats(desc, i)));
    }
    out["GlobalSecondaryIndexes"] = std::move(gsis);
  }
  if (t.stream.enabled) {
    out["StreamSpecification"] = {{"StreamEnabled", true},
                                  {"StreamViewType", ViewTypeName(t.stream.view_type)}};
  }
  if (!t.stream.label.empty()) {
    out["LatestStreamLabel"] = t.stream.label;
    out["LatestStreamArn"] = desc.table_arn + "/stream/" + t.stream.label;
  }
  if (t.sse.enabled) out["SSEDescription"] = EncodeSseDescription(t, ctx);
  if (t.restore) out["RestoreSummary"] = EncodeRestoreSummary(*t.restore, desc.status);
  if (t.table_class_update_micros != 0) {
    out["TableClassSummary"] = {
        {"TableClass",
         t.table_class == model::TableClass::kStandard ? "STANDARD" : "STANDARD_INFREQUENT_ACCESS"},
        {"LastUpdateDateTime", EpochSeconds(t.table_class_update_micros)}};
  }
  out["DeletionProtectionEnabled"] = t.deletion_protection;
  return out;
}

Json EncodeListTables(const ops::ListTablesResponse& resp) {
  Json out = {{"TableNames", resp.table_names}};
  if (resp.last_evaluated_table_name)
    out["LastEvaluatedTableName"] = *resp.last_evaluated_table_name;
  return out;
}

Json EncodeDescribeLimits(const ops::DescribeLimitsResponse& r) {
  return {{"AccountMaxReadCapacityUnits", r.account_max_read},
          {"AccountMaxWriteCapacityUnits", r.account_max_write},
          {"TableMaxReadCapacityUnits", r.table_max_read},
          {"TableMaxWriteCapacityUnits", r.table_max_write}};
}

Json EncodeDescribeEndpoints(const ops::Endpoint& e) {
  return {{"Endpoints", Json::array({{{"Address", e.address},
                                      {"CachePeriodInMinutes", e.cache_period_minutes}}})}};
}

}  // namespace stator::protocol

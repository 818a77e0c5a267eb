#include "protocol/backups_json.h"

#include <cstdint>

#include "protocol/table_description_json.h"
#include "protocol/table_input_json.h"
#include "protocol/table_json.h"
#include "protocol/timestamp_json.h"

namespace stator::protocol {
namespace {

using model::BillingMode;

constexpr size_t kMinBackupArn = 37;
constexpr size_t kMaxArn = 1024;  // BackupArn, and TableArn (a table's name or ARN)

const std::vector<std::string_view> kBackupTypeFilters = {"USER", "SYSTEM", "AWS_BACKUP", "ALL"};

// ---- phase 1: JSON types ----

// The *Override members of both restores; their shapes are CreateTable's
// (table_input_json.h).
struct RawOverrides {
  std::optional<std::string> billing_mode;
  std::optional<std::vector<RawIndex>> global_indexes;
  std::optional<std::vector<RawIndex>> local_indexes;
  std::optional<RawThroughput> throughput;
  std::optional<RawSse> sse;
};

RawOverrides ReadOverrides(ShapeReader& r, const Json& body) {
  RawOverrides o;
  o.billing_mode = r.String(body, "BillingModeOverride");
  o.global_indexes = ReadIndexes(r, body, "GlobalSecondaryIndexOverride", "GlobalSecondaryIndex",
                                 /*global=*/true);
  o.local_indexes = ReadIndexes(r, body, "LocalSecondaryIndexOverride", "LocalSecondaryIndex",
                                /*global=*/false);
  o.throughput = ReadThroughput(r, body, "ProvisionedThroughputOverride");
  o.sse = ReadSse(r, body, "SSESpecificationOverride");
  return o;
}

// ---- phase 2: member constraints ----

void CheckOverrides(Constraints& c, const RawOverrides& o) {
  CheckBillingMode(c, o.billing_mode, "billingModeOverride");
  CheckIndexes(c, o.global_indexes, "globalSecondaryIndexOverride", /*global=*/true);
  CheckIndexes(c, o.local_indexes, "localSecondaryIndexOverride", /*global=*/false);
  CheckThroughput(c, o.throughput, "provisionedThroughputOverride");
  CheckSse(c, o.sse, "sSESpecificationOverride");
}

// ---- raw -> typed (constraints already hold) ----

ops::RestoreOverrides ToOverrides(const RawOverrides& o) {
  ops::RestoreOverrides out;
  if (o.billing_mode) out.billing_mode = ToBillingMode(*o.billing_mode);
  if (o.global_indexes) out.global_indexes = ToIndexes(*o.global_indexes);
  if (o.local_indexes) out.local_indexes = ToIndexes(*o.local_indexes);
  if (o.throughput) out.throughput = ToThroughput(*o.throughput);
  if (o.sse) out.sse = ToSse(*o.sse);
  return out;
}

// ---- encoding ----

std::string_view BillingModeName(BillingMode m) {
  return m == BillingMode::kPayPerRequest ? "PAY_PER_REQUEST" : "PROVISIONED";
}

// ProvisionedThroughput as a backup's source details show it: the units only.
Json EncodeUnits(const model::Throughput& t) {
  return {{"ReadCapacityUnits", t.read_units}, {"WriteCapacityUnits", t.write_units}};
}

Json EncodeBackupDetails(const ops::BackupDetails& d) {
  Json out = {{"BackupArn", d.backup_arn},
              {"BackupName", d.backup_name},
              {"BackupSizeBytes", d.size_bytes},
              {"BackupStatus", d.status},
              {"BackupType", d.type},
              {"BackupCreationDateTime", EpochSeconds(d.creation_micros)}};
  if (d.expiry_micros) out["BackupExpiryDateTime"] = EpochSeconds(*d.expiry_micros);
  return out;
}

Json EncodeSourceTableDetails(const ops::BackupDescription& desc) {
  const model::TableDef& t = desc.source;
  return {{"TableName", t.name},
          {"TableId", t.uuid},
          {"TableArn", desc.source_table_arn},
          {"TableSizeBytes", desc.source_size_bytes},
          {"KeySchema", EncodeKeySchema(t.key)},
          {"TableCreationDateTime", EpochSeconds(t.creation_micros)},
          {"ProvisionedThroughput", EncodeUnits(t.throughput)},
          {"ItemCount", desc.source_item_count},
          {"BillingMode", BillingModeName(t.billing_mode)}};
}

// The source's indexes, stream, time to live and encryption, each only when
// it has them.
Json EncodeSourceTableFeatureDetails(const model::TableDef& t, const ops::RequestContext& ctx) {
  Json out = Json::object();
  if (!t.local_indexes.empty()) {
    Json lsis = Json::array();
    for (const model::IndexDef& i : t.local_indexes) {
      lsis.push_back({{"IndexName", i.name},
                      {"KeySchema", EncodeKeySchema(i.key)},
                      {"Projection", EncodeProjection(i.projection)}});
    }
    out["LocalSecondaryIndexes"] = std::move(lsis);
  }
  if (!t.global_indexes.empty()) {
    Json gsis = Json::array();
    for (const model::IndexDef& i : t.global_indexes) {
      gsis.push_back({{"IndexName", i.name},
                      {"KeySchema", EncodeKeySchema(i.key)},
                      {"Projection", EncodeProjection(i.projection)},
                      {"ProvisionedThroughput", EncodeUnits(i.throughput)}});
    }
    out["GlobalSecondaryIndexes"] = std::move(gsis);
  }
  if (t.stream.enabled) {
    out["StreamDescription"] = {{"StreamEnabled", true},
                                {"StreamViewType", ViewTypeName(t.stream.view_type)}};
  }
  if (t.ttl.enabled) {
    out["TimeToLiveDescription"] = {{"TimeToLiveStatus", "ENABLED"},
                                    {"AttributeName", t.ttl.attribute}};
  }
  if (t.sse.enabled) out["SSEDescription"] = EncodeSseDescription(t, ctx);
  return out;
}

}  // namespace

Result<ops::CreateBackupRequest> DecodeCreateBackup(const Json& body) {
  ShapeReader r;
  auto table_name = r.String(body, "TableName");
  auto backup_name = r.String(body, "BackupName");
  if (!r.ok()) return r.status();
  Constraints c;
  c.RequiredStringLength(table_name, "tableName", 1, kMaxArn);
  // The backup-name pattern and length are the table name's.
  c.TableName(backup_name, "backupName", /*required=*/true);
  STATOR_RETURN_IF_ERROR(c.status());
  return ops::CreateBackupRequest{*table_name, *backup_name};
}

Result<std::string> DecodeBackupArn(const Json& body) {
  return DecodeSingleString(body, "BackupArn", "backupArn", kMinBackupArn, kMaxArn);
}

Result<ops::ListBackupsRequest> DecodeListBackups(const Json& body) {
  ShapeReader r;
  ops::ListBackupsRequest req;
  req.table_name = r.String(body, "TableName");
  req.limit = r.Integer(body, "Limit");
  req.lower_micros = ReadTimestamp(r, body, "TimeRangeLowerBound");
  req.upper_micros = ReadTimestamp(r, body, "TimeRangeUpperBound");
  req.exclusive_start_backup_arn = r.String(body, "ExclusiveStartBackupArn");
  auto backup_type = r.String(body, "BackupType");
  if (!r.ok()) return r.status();
  Constraints c;
  if (req.table_name) c.StringLength(*req.table_name, "tableName", 1, kMaxArn);
  if (req.limit) c.ValueRange(*req.limit, "limit", 1, 100);
  if (req.exclusive_start_backup_arn) {
    c.StringLength(*req.exclusive_start_backup_arn, "exclusiveStartBackupArn", kMinBackupArn,
                   kMaxArn);
  }
  if (backup_type) c.Enum(*backup_type, "backupType", kBackupTypeFilters);
  STATOR_RETURN_IF_ERROR(c.status());
  if (backup_type) req.backup_type = *backup_type;
  return req;
}

Result<ops::RestoreTableFromBackupRequest> DecodeRestoreTableFromBackup(const Json& body) {
  ShapeReader r;
  auto target = r.String(body, "TargetTableName");
  auto arn = r.String(body, "BackupArn");
  RawOverrides overrides = ReadOverrides(r, body);
  if (!r.ok()) return r.status();
  Constraints c;
  c.TableName(target, "targetTableName", /*required=*/true);
  c.RequiredStringLength(arn, "backupArn", kMinBackupArn, kMaxArn);
  CheckOverrides(c, overrides);
  STATOR_RETURN_IF_ERROR(c.status());
  return ops::RestoreTableFromBackupRequest{*target, *arn, ToOverrides(overrides)};
}

Result<ops::UpdateContinuousBackupsRequest> DecodeUpdateContinuousBackups(const Json& body) {
  ShapeReader r;
  auto table_name = r.String(body, "TableName");
  const Json* spec =
      r.Struct(body, "PointInTimeRecoverySpecification", "PointInTimeRecoverySpecification");
  std::optional<bool> enabled;
  std::optional<int64_t> days;
  if (spec != nullptr) {
    enabled = r.Bool(*spec, "PointInTimeRecoveryEnabled");
    days = r.Integer(*spec, "RecoveryPeriodInDays");
  }
  if (!r.ok()) return r.status();
  Constraints c;
  c.RequiredStringLength(table_name, "tableName", 1, kMaxArn);
  if (spec == nullptr) {
    c.NotNull("pointInTimeRecoverySpecification");
  } else {
    if (!enabled) c.NotNull("pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled");
    if (days) c.ValueRange(*days, "pointInTimeRecoverySpecification.recoveryPeriodInDays", 1, 35);
  }
  STATOR_RETURN_IF_ERROR(c.status());
  return ops::UpdateContinuousBackupsRequest{*table_name, {*enabled, days}};
}

Result<std::string> DecodeDescribeContinuousBackups(const Json& body) {
  return DecodeSingleString(body, "TableName", "tableName", 1, kMaxArn);
}

Result<ops::RestoreTableToPointInTimeRequest> DecodeRestoreTableToPointInTime(const Json& body) {
  ShapeReader r;
  ops::RestoreTableToPointInTimeRequest req;
  req.source_table_arn = r.String(body, "SourceTableArn");
  req.source_table_name = r.String(body, "SourceTableName");
  auto target = r.String(body, "TargetTableName");
  req.use_latest_restorable_time = r.Bool(body, "UseLatestRestorableTime");
  req.restore_micros = ReadTimestamp(r, body, "RestoreDateTime");
  RawOverrides overrides = ReadOverrides(r, body);
  if (!r.ok()) return r.status();
  Constraints c;
  if (req.source_table_arn) c.StringLength(*req.source_table_arn, "sourceTableArn", 1, kMaxArn);
  c.TableName(req.source_table_name, "sourceTableName", /*required=*/false);
  c.TableName(target, "targetTableName", /*required=*/true);
  CheckOverrides(c, overrides);
  STATOR_RETURN_IF_ERROR(c.status());
  req.target_table_name = *target;
  req.overrides = ToOverrides(overrides);
  return req;
}

Json EncodeCreateBackup(const ops::BackupDetails& details) {
  return {{"BackupDetails", EncodeBackupDetails(details)}};
}

Json EncodeBackupDescription(const ops::BackupDescription& desc, const ops::RequestContext& ctx) {
  return {{"BackupDescription",
           {{"BackupDetails", EncodeBackupDetails(desc.details)},
            {"SourceTableDetails", EncodeSourceTableDetails(desc)},
            {"SourceTableFeatureDetails", EncodeSourceTableFeatureDetails(desc.source, ctx)}}}};
}

Json EncodeListBackups(const ops::ListBackupsResponse& resp) {
  Json summaries = Json::array();
  for (const ops::BackupSummary& s : resp.backups) {
    Json summary = EncodeBackupDetails(s.details);
    summary["TableName"] = s.table_name;
    summary["TableId"] = s.table_id;
    summary["TableArn"] = s.table_arn;
    summaries.push_back(std::move(summary));
  }
  Json out = {{"BackupSummaries", std::move(summaries)}};
  if (resp.last_evaluated_backup_arn)
    out["LastEvaluatedBackupArn"] = *resp.last_evaluated_backup_arn;
  return out;
}

Json EncodeContinuousBackups(const ops::ContinuousBackupsDescription& desc) {
  Json pitr = {{"PointInTimeRecoveryStatus", desc.pitr_enabled ? "ENABLED" : "DISABLED"}};
  if (desc.pitr_enabled) {
    pitr["RecoveryPeriodInDays"] = desc.recovery_period_days;
    pitr["EarliestRestorableDateTime"] = EpochSeconds(desc.earliest_micros);
    pitr["LatestRestorableDateTime"] = EpochSeconds(desc.latest_micros);
  }
  return {{"ContinuousBackupsDescription",
           {{"ContinuousBackupsStatus", "ENABLED"},
            {"PointInTimeRecoveryDescription", std::move(pitr)}}}};
}

}  // namespace stator::protocol

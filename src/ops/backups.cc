#include "ops/backups.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <set>

#include "common/ids.h"
#include "ops/table_checks.h"

namespace stator::ops {
namespace {

using storage::SnapshotInfo;
using storage::SnapshotKind;

constexpr int64_t kDefaultRecoveryDays = 35;

Status TableNotFoundError(const std::string& given) {
  return Status(Code::kTableNotFound, "Table not found: " + given);
}

Status BackupNotFound(const std::string& arn) {
  return Status(Code::kBackupNotFound, "Backup not found: " + arn);
}

// The table a TableName member names: a name, or a table ARN
// ("arn:aws:dynamodb:REGION:ACCOUNT:table/NAME").
std::string TableNameOf(const std::string& name_or_arn) {
  if (name_or_arn.rfind("arn:", 0) != 0) return name_or_arn;
  const size_t at = name_or_arn.find(":table/");
  if (at == std::string::npos) return name_or_arn;
  std::string name = name_or_arn.substr(at + 7);
  return name.substr(0, name.find('/'));
}

// The last part of a backup's ARN: its creation time in milliseconds (14
// digits) and 8 hex digits derived from the snapshot, as DynamoDB's look.
std::string BackupSuffix(const SnapshotInfo& info) {
  uint32_t h = 2166136261u;  // FNV-1a of the table's uuid and the snapshot id
  auto mix = [&h](uint8_t b) { h = (h ^ b) * 16777619u; };
  for (char c : info.table.uuid) mix(static_cast<uint8_t>(c));
  for (int i = 0; i < 8; ++i) mix(static_cast<uint8_t>(info.id >> (8 * i)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%014" PRId64 "-%08" PRIx32, info.micros / 1000, h);
  return buf;
}

std::string BackupArn(const RequestContext& ctx, const SnapshotInfo& info) {
  return ctx.TableArn(info.table.name) + "/backup/" + BackupSuffix(info);
}

bool IsBackup(const SnapshotInfo& info) {
  return info.kind == SnapshotKind::kUser || info.kind == SnapshotKind::kSystem;
}

// The backup an ARN names (any region: tables are not regional here).
std::optional<SnapshotInfo> FindBackup(const RequestContext& ctx, const std::string& arn) {
  const size_t at = arn.rfind("/backup/");
  if (at == std::string::npos) return std::nullopt;
  const std::string suffix = arn.substr(at + 8);
  const std::string table = TableNameOf(arn.substr(0, at));
  for (SnapshotInfo& info : ctx.engine().ListSnapshots()) {
    if (IsBackup(info) && info.table.name == table && BackupSuffix(info) == suffix) {
      return std::move(info);
    }
  }
  return std::nullopt;
}

BackupDetails DetailsOf(const RequestContext& ctx, const SnapshotInfo& info) {
  BackupDetails d;
  d.backup_arn = BackupArn(ctx, info);
  d.backup_name = info.name;
  d.size_bytes = info.size_bytes;
  d.status = "AVAILABLE";
  d.type = info.kind == SnapshotKind::kSystem ? "SYSTEM" : "USER";
  d.creation_micros = info.micros;
  if (info.kind == SnapshotKind::kSystem) {
    d.expiry_micros = info.micros + kSystemBackupRetentionMicros;
  }
  return d;
}

BackupDescription DescriptionOf(const RequestContext& ctx, const SnapshotInfo& info) {
  BackupDescription d;
  d.details = DetailsOf(ctx, info);
  d.source = info.table;
  d.source_table_arn = ctx.TableArn(info.table.name);
  d.source_item_count = info.item_count;
  d.source_size_bytes = info.size_bytes;
  return d;
}

std::vector<KeySchemaElementInput> KeyInputs(const model::KeySchema& key) {
  std::vector<KeySchemaElementInput> out;
  for (const model::KeyElement* e : key.HashElements()) out.push_back({e->name, KeyType::kHash});
  for (const model::KeyElement* e : key.RangeElements()) out.push_back({e->name, KeyType::kRange});
  return out;
}

IndexInput IndexInputOf(const model::IndexDef& index, bool global, bool provisioned) {
  IndexInput in;
  in.index_name = index.name;
  in.key_schema = KeyInputs(index.key);
  in.projection = index.projection;
  in.projection_type_given = true;
  if (global && provisioned) {
    in.throughput = ThroughputInput{index.throughput.read_units, index.throughput.write_units};
  }
  return in;
}

// The CreateTable request that makes `source`'s table again under `target`,
// with `overrides` applied. Streams, TTL, tags, deletion protection and
// point-in-time recovery are not restored, as in DynamoDB.
CreateTableRequest RestoreRequest(const model::TableDef& source, const std::string& target,
                                  const RestoreOverrides& overrides) {
  CreateTableRequest req;
  req.table_name = target;
  req.key_schema = KeyInputs(source.key);
  const model::BillingMode billing = overrides.billing_mode.value_or(source.billing_mode);
  const bool provisioned = billing == model::BillingMode::kProvisioned;
  req.billing_mode = billing;
  if (overrides.throughput) {
    req.throughput = overrides.throughput;
  } else if (provisioned && source.billing_mode == model::BillingMode::kProvisioned) {
    req.throughput = ThroughputInput{source.throughput.read_units, source.throughput.write_units};
  }
  if (overrides.local_indexes) {
    // An empty override drops every index (CreateTable refuses an empty list).
    if (!overrides.local_indexes->empty()) req.local_indexes = overrides.local_indexes;
  } else if (!source.local_indexes.empty()) {
    req.local_indexes.emplace();
    for (const auto& index : source.local_indexes) {
      req.local_indexes->push_back(IndexInputOf(index, false, provisioned));
    }
  }
  if (overrides.global_indexes) {
    if (!overrides.global_indexes->empty()) req.global_indexes = overrides.global_indexes;
  } else if (!source.global_indexes.empty()) {
    req.global_indexes.emplace();
    const bool keep_throughput =
        provisioned && source.billing_mode == model::BillingMode::kProvisioned;
    for (const auto& index : source.global_indexes) {
      req.global_indexes->push_back(IndexInputOf(index, true, keep_throughput));
    }
  }
  // Only the attributes some remaining key uses: dropping an index drops its
  // attributes' definitions.
  std::set<std::string> used;
  for (const auto& k : req.key_schema) used.insert(k.attribute_name);
  for (const auto* indexes : {&req.local_indexes, &req.global_indexes}) {
    if (!*indexes) continue;
    for (const auto& index : **indexes) {
      for (const auto& k : index.key_schema) used.insert(k.attribute_name);
    }
  }
  for (const auto& a : source.attribute_definitions) {
    if (used.count(a.name) != 0) req.attribute_definitions.push_back(a);
  }
  if (overrides.sse) {
    req.sse = overrides.sse;
  } else if (source.sse.enabled) {
    SseInput sse;
    sse.enabled = true;
    sse.sse_type = "KMS";
    if (!source.sse.kms_master_key_id.empty()) sse.kms_master_key_id = source.sse.kms_master_key_id;
    req.sse = sse;
  }
  if (source.table_class == model::TableClass::kStandardInfrequentAccess) {
    req.table_class = "STANDARD_INFREQUENT_ACCESS";
  }
  return req;
}

// Creates table `target` from `source` as restored by `from`.
Result<TableDescription> Restore(const RequestContext& ctx, const std::string& target,
                                 const model::TableDef& source, const RestoreOverrides& overrides,
                                 const storage::Engine::RestoreSource& from,
                                 model::RestoreInfo info) {
  if (ctx.engine().FindTable(target) != nullptr) {
    return Status(Code::kTableAlreadyExists, "Table already exists: " + target);
  }
  STATOR_ASSIGN_OR_RETURN(model::TableDef def,
                          BuildTableDef(RestoreRequest(source, target, overrides)));
  const int64_t now = ctx.NowMicros();
  def.uuid = NewUuid();
  def.creation_micros = now;
  def.restore = std::move(info);
  Result<storage::TablePtr> table = ctx.engine().RestoreTable(std::move(def), from);
  if (!table.ok()) {
    if (table.status().code() == Code::kResourceInUse) {
      return Status(Code::kTableAlreadyExists, "Table already exists: " + target);
    }
    return table.status();
  }
  // DynamoDB answers while the restore runs: CREATING, with no items yet.
  TableDescription desc = Describe(ctx, std::move(table).value(), "CREATING");
  desc.stats = {};
  for (auto& [id, stats] : desc.index_stats) stats = {};
  return desc;
}

// The base snapshots a table's point-in-time recovery may start from (taken
// since it was last enabled), oldest first.
std::vector<SnapshotInfo> PitrBases(const RequestContext& ctx, const model::TableDef& def) {
  std::vector<SnapshotInfo> bases;
  if (!def.pitr.enabled) return bases;
  for (SnapshotInfo& s : ctx.engine().ListSnapshots()) {
    if (s.kind == SnapshotKind::kPitrBase && s.table.table_id == def.table_id &&
        s.micros >= def.pitr.enabled_micros) {
      bases.push_back(std::move(s));
    }
  }
  return bases;
}

int64_t CeilMillis(int64_t micros) { return (micros + 999) / 1000 * 1000; }
int64_t FloorMillis(int64_t micros) { return micros / 1000 * 1000; }

// The restorable window of a table's history at `now`: from its oldest base
// within the recovery period (rounded up to a millisecond, as it is shown) to
// `latest` (now, or when the table was deleted).
ContinuousBackupsDescription Window(const RequestContext& ctx, const model::TableDef& def,
                                    int64_t now, int64_t latest) {
  ContinuousBackupsDescription d;
  d.pitr_enabled = def.pitr.enabled;
  if (!def.pitr.enabled) return d;
  d.recovery_period_days = def.pitr.recovery_days;
  std::vector<SnapshotInfo> bases = PitrBases(ctx, def);
  const int64_t oldest = bases.empty() ? latest : bases.front().micros;
  d.earliest_micros = CeilMillis(std::max(oldest, now - def.pitr.RecoveryMicros()));
  d.latest_micros = std::max(d.earliest_micros, FloorMillis(latest));
  return d;
}

}  // namespace

Result<BackupDetails> CreateBackup(const RequestContext& ctx, const CreateBackupRequest& req) {
  const std::string name = TableNameOf(req.table_name);
  Result<SnapshotInfo> info =
      ctx.engine().CreateSnapshot(name, SnapshotKind::kUser, req.backup_name);
  if (!info.ok()) {
    if (info.status().code() == Code::kResourceNotFound) return TableNotFoundError(req.table_name);
    return info.status();
  }
  // DynamoDB's first answer: CREATING, size not yet known; DescribeBackup
  // then reports it AVAILABLE with its size.
  BackupDetails details = DetailsOf(ctx, *info);
  details.status = "CREATING";
  details.size_bytes = 0;
  return details;
}

Result<BackupDescription> DescribeBackup(const RequestContext& ctx, const std::string& backup_arn) {
  std::optional<SnapshotInfo> info = FindBackup(ctx, backup_arn);
  if (!info) return BackupNotFound(backup_arn);
  return DescriptionOf(ctx, *info);
}

Result<BackupDescription> DeleteBackup(const RequestContext& ctx, const std::string& backup_arn) {
  std::optional<SnapshotInfo> info = FindBackup(ctx, backup_arn);
  if (!info) return BackupNotFound(backup_arn);
  Status s = ctx.engine().DeleteSnapshot(info->id);
  if (s.IsNotFound()) return BackupNotFound(backup_arn);  // deleted meanwhile
  STATOR_RETURN_IF_ERROR(s);
  BackupDescription d = DescriptionOf(ctx, *info);
  d.details.status = "DELETED";
  return d;
}

Result<ListBackupsResponse> ListBackups(const RequestContext& ctx, const ListBackupsRequest& req) {
  const bool users = req.backup_type == "USER" || req.backup_type == "ALL";
  const bool systems = req.backup_type == "SYSTEM" || req.backup_type == "ALL";
  std::optional<std::string> table;
  if (req.table_name) table = TableNameOf(*req.table_name);
  // Backups are listed oldest first; a page resumes after the ARN it ended
  // with (by its time and ARN, so a backup deleted meanwhile still places it).
  std::vector<std::pair<std::string, SnapshotInfo>> listed;  // by (time, arn)
  for (SnapshotInfo& info : ctx.engine().ListSnapshots()) {
    if (!(users && info.kind == SnapshotKind::kUser) &&
        !(systems && info.kind == SnapshotKind::kSystem)) {
      continue;
    }
    if (table && info.table.name != *table) continue;
    if (req.lower_micros && info.micros < *req.lower_micros) continue;
    if (req.upper_micros && info.micros >= *req.upper_micros) continue;
    std::string arn = BackupArn(ctx, info);
    listed.emplace_back(std::move(arn), std::move(info));
  }
  // By the ARN's own time (milliseconds) and then the ARN, so that a page's
  // last ARN alone places the next page.
  auto order = [](const std::pair<std::string, SnapshotInfo>& a,
                  const std::pair<std::string, SnapshotInfo>& b) {
    return std::make_pair(a.second.micros / 1000, std::string_view(a.first)) <
           std::make_pair(b.second.micros / 1000, std::string_view(b.first));
  };
  std::sort(listed.begin(), listed.end(), order);
  auto it = listed.begin();
  if (req.exclusive_start_backup_arn) {
    const std::string& start = *req.exclusive_start_backup_arn;
    const size_t at = start.rfind("/backup/");
    int64_t start_millis = 0;
    if (at != std::string::npos) {
      std::sscanf(start.c_str() + at + 8, "%" SCNd64, &start_millis);
    }
    it = std::find_if(listed.begin(), listed.end(), [&](const auto& entry) {
      const int64_t millis = entry.second.micros / 1000;
      return millis > start_millis || (millis == start_millis && entry.first > start);
    });
  }
  ListBackupsResponse resp;
  const int64_t limit = req.limit.value_or(100);
  for (; it != listed.end(); ++it) {
    if (static_cast<int64_t>(resp.backups.size()) == limit) {
      resp.last_evaluated_backup_arn = resp.backups.back().details.backup_arn;
      break;
    }
    BackupSummary summary;
    summary.details = DetailsOf(ctx, it->second);
    summary.table_name = it->second.table.name;
    summary.table_id = it->second.table.uuid;
    summary.table_arn = ctx.TableArn(it->second.table.name);
    resp.backups.push_back(std::move(summary));
  }
  return resp;
}

Result<TableDescription> RestoreTableFromBackup(const RequestContext& ctx,
                                                const RestoreTableFromBackupRequest& req) {
  std::optional<SnapshotInfo> info = FindBackup(ctx, req.backup_arn);
  if (!info) return BackupNotFound(req.backup_arn);
  model::RestoreInfo restore;
  restore.source_backup_arn = BackupArn(ctx, *info);
  restore.source_table_arn = ctx.TableArn(info->table.name);
  restore.restore_micros = info->micros;
  return Restore(ctx, req.target_table_name, info->table, req.overrides, {info->id, std::nullopt},
                 std::move(restore));
}

Result<ContinuousBackupsDescription> UpdateContinuousBackups(
    const RequestContext& ctx, const UpdateContinuousBackupsRequest& req) {
  const std::string name = TableNameOf(req.table_name);
  const int64_t now = ctx.NowMicros();
  Result<TableChange> change =
      ChangeTableDefinition(ctx, name, [&](model::TableDef& def) -> Result<bool> {
        const model::PitrSpec before = def.pitr;
        if (!req.spec.enabled) {
          def.pitr = {};
          return before.enabled;
        }
        if (!def.pitr.enabled) {
          def.pitr.enabled = true;
          def.pitr.enabled_micros = now;
          def.pitr.recovery_days = static_cast<int>(kDefaultRecoveryDays);
        }
        if (req.spec.recovery_period_days) {
          def.pitr.recovery_days = static_cast<int>(*req.spec.recovery_period_days);
        }
        return def.pitr.enabled != before.enabled || def.pitr.recovery_days != before.recovery_days;
      });
  if (!change.ok()) {
    if (change.status().code() == Code::kResourceNotFound)
      return TableNotFoundError(req.table_name);
    return change.status();
  }
  const model::TableDef& after = *change->after;
  if (after.pitr.enabled && PitrBases(ctx, after).empty()) {
    // The history starts with a copy of the table as of now; the change log
    // (enabled by the definition just published) carries it forward.
    Result<SnapshotInfo> base = ctx.engine().CreateSnapshot(name, SnapshotKind::kPitrBase, "");
    if (!base.ok() && base.status().code() != Code::kResourceNotFound) return base.status();
  }
  if (!after.pitr.enabled) return ContinuousBackupsDescription{};
  // As DynamoDB answers the enabling call: the window is just this moment.
  const int64_t shown = ctx.NowMicros();
  ContinuousBackupsDescription d = Window(ctx, after, shown, shown);
  // The window's start is its first base, as every later answer shows it.
  if (change->before->pitr.enabled != after.pitr.enabled) d.latest_micros = d.earliest_micros;
  return d;
}

Result<ContinuousBackupsDescription> DescribeContinuousBackups(const RequestContext& ctx,
                                                               const std::string& table_name) {
  storage::TablePtr table = ctx.engine().FindTable(TableNameOf(table_name));
  if (table == nullptr) return TableNotFoundError(table_name);
  const int64_t now = ctx.NowMicros();
  return Window(ctx, *table, now, now);
}

Result<TableDescription> RestoreTableToPointInTime(const RequestContext& ctx,
                                                   const RestoreTableToPointInTimeRequest& req) {
  if (req.source_table_arn.has_value() == req.source_table_name.has_value()) {
    return Status::Validation("Exactly one of SourceTableArn or SourceTableName must be specified");
  }
  const bool use_latest = req.use_latest_restorable_time.value_or(false);
  if (use_latest == req.restore_micros.has_value()) {
    return Status::Validation(
        "Exactly one of UseLatestRestorableTime or RestoreDateTime must be specified");
  }
  const std::string& given = req.source_table_arn ? *req.source_table_arn : *req.source_table_name;
  const std::string name = TableNameOf(given);
  const int64_t now = ctx.NowMicros();
  // The live table of that name, else (beyond DynamoDB) the most recently
  // deleted one whose history is still kept.
  model::TableDef source;
  int64_t latest = now;
  if (storage::TablePtr live = ctx.engine().FindTable(name)) {
    source = *live;
  } else {
    std::optional<storage::RetiredTable> found;
    for (storage::RetiredTable& r : ctx.engine().ListRetiredTables()) {
      if (r.table.name == name && r.table.pitr.enabled &&
          (!found || r.deleted_micros > found->deleted_micros)) {
        found = std::move(r);
      }
    }
    if (!found) return TableNotFoundError(given);
    source = std::move(found->table);
    latest = found->deleted_micros;
  }
  // The latest time is now (or the deletion) to the microsecond, so every
  // acknowledged write is in.
  const int64_t when = use_latest ? latest : *req.restore_micros;
  STATOR_ASSIGN_OR_RETURN(storage::Engine::RestoreSource from,
                          PointInTimeSource(ctx, source, when, latest));
  model::RestoreInfo restore;
  restore.source_table_arn = ctx.TableArn(name);
  restore.restore_micros = when;
  return Restore(ctx, req.target_table_name, source, req.overrides, from, std::move(restore));
}

Result<storage::Engine::RestoreSource> PointInTimeSource(const RequestContext& ctx,
                                                         const model::TableDef& def, int64_t when,
                                                         int64_t latest) {
  if (!def.pitr.enabled) {
    return Status(Code::kPointInTimeRecoveryUnavailable,
                  "Point in time recovery is not enabled for table '" + def.name + "'");
  }
  const ContinuousBackupsDescription window = Window(ctx, def, ctx.NowMicros(), latest);
  std::vector<SnapshotInfo> bases = PitrBases(ctx, def);
  const SnapshotInfo* base = nullptr;
  for (const SnapshotInfo& b : bases) {
    if (b.micros <= when) base = &b;
  }
  // The latest time itself is always restorable, even when the window is
  // younger than the millisecond its start is shown rounded up to.
  if (base == nullptr || (when != latest && (when < window.earliest_micros ||
                                             when > std::max(latest, window.earliest_micros)))) {
    return Status(Code::kInvalidRestoreTime,
                  "RestoreDateTime must be between EarliestRestorableDateTime and "
                  "LatestRestorableDateTime");
  }
  return storage::Engine::RestoreSource{base->id, when};
}

Status ExpireSystemBackups(const OpsEnv& env) {
  const int64_t now = env.clock->NowMicros();
  for (const SnapshotInfo& info : env.engine->ListSnapshots()) {
    if (info.kind == SnapshotKind::kSystem && info.micros + kSystemBackupRetentionMicros <= now) {
      Status s = env.engine->DeleteSnapshot(info.id);
      if (!s.ok() && !s.IsNotFound()) return s;
    }
  }
  return Status::OK();
}

}  // namespace stator::ops

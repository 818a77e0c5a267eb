// On-demand backups and point-in-time recovery: CreateBackup, DescribeBackup,
// ListBackups, DeleteBackup, RestoreTableFromBackup, UpdateContinuousBackups,
// DescribeContinuousBackups, RestoreTableToPointInTime
// (docs/design/backups.md, docs/design/pitr.md).
//
// A backup is a storage snapshot: a consistent copy of the table's items and
// definition, independent of later writes and of the table's deletion. Point
// in time recovery keeps the table's change log with periodic base snapshots
// for the recovery period; a restore replays the log over the newest base
// before the wanted time. Restores create a new table, complete before the
// response (which says CREATING with RestoreInProgress, as DynamoDB's does).
//
// Deleting a table with point-in-time recovery enabled keeps a SYSTEM backup
// "<name>$DeletedTableBackup" for 35 days, as DynamoDB does, and (beyond
// DynamoDB) the deleted table stays restorable to a point in time, by name or
// ARN, for its recovery period.
//
// Requests arrive shape-checked by the protocol layer.
//
// Thread-safety: every function may be called concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/table.h"
#include "ops/context.h"
#include "ops/tables.h"

namespace stator::ops {

// DynamoDB keeps a deleted table's SYSTEM backup for 35 days.
inline constexpr int64_t kSystemBackupRetentionMicros = 35LL * 24 * 60 * 60 * 1000 * 1000;

struct BackupDetails {
  std::string backup_arn;
  std::string backup_name;
  int64_t size_bytes = 0;
  std::string status;  // CREATING (CreateBackup's answer), AVAILABLE, DELETED
  std::string type;    // USER, SYSTEM
  int64_t creation_micros = 0;
  std::optional<int64_t> expiry_micros;  // SYSTEM backups
};

// DescribeBackup's and DeleteBackup's answer.
struct BackupDescription {
  BackupDetails details;
  model::TableDef source;  // the table's definition when it was backed up
  std::string source_table_arn;
  int64_t source_item_count = 0;
  int64_t source_size_bytes = 0;
};

struct CreateBackupRequest {
  std::string table_name;  // a name or a table ARN
  std::string backup_name;
};

struct ListBackupsRequest {
  std::optional<std::string> table_name;  // a name or a table ARN
  std::optional<int64_t> limit;           // 1-100
  std::optional<int64_t> lower_micros;    // TimeRangeLowerBound, inclusive
  std::optional<int64_t> upper_micros;    // TimeRangeUpperBound, exclusive
  std::optional<std::string> exclusive_start_backup_arn;
  std::string backup_type = "USER";  // USER, SYSTEM, AWS_BACKUP, ALL
};

struct BackupSummary {
  BackupDetails details;
  std::string table_name;
  std::string table_id;
  std::string table_arn;
};

struct ListBackupsResponse {
  std::vector<BackupSummary> backups;  // oldest first
  std::optional<std::string> last_evaluated_backup_arn;
};

// What a restore may change of the source's settings.
struct RestoreOverrides {
  std::optional<model::BillingMode> billing_mode;
  std::optional<std::vector<IndexInput>> global_indexes;  // replace the source's set
  std::optional<std::vector<IndexInput>> local_indexes;
  std::optional<ThroughputInput> throughput;
  std::optional<SseInput> sse;
};

struct RestoreTableFromBackupRequest {
  std::string target_table_name;
  std::string backup_arn;
  RestoreOverrides overrides;
};

struct PointInTimeRecoverySpec {
  bool enabled = false;
  std::optional<int64_t> recovery_period_days;  // 1-35, default 35
};

struct UpdateContinuousBackupsRequest {
  std::string table_name;  // a name or a table ARN
  PointInTimeRecoverySpec spec;
};

struct ContinuousBackupsDescription {
  bool pitr_enabled = false;
  int64_t recovery_period_days = 0;  // when enabled
  int64_t earliest_micros = 0;       // when enabled
  int64_t latest_micros = 0;         // when enabled
};

struct RestoreTableToPointInTimeRequest {
  std::optional<std::string> source_table_arn;
  std::optional<std::string> source_table_name;
  std::string target_table_name;
  std::optional<bool> use_latest_restorable_time;
  std::optional<int64_t> restore_micros;  // RestoreDateTime
  RestoreOverrides overrides;
};

Result<BackupDetails> CreateBackup(const RequestContext& ctx, const CreateBackupRequest& req);
Result<BackupDescription> DescribeBackup(const RequestContext& ctx, const std::string& backup_arn);
Result<BackupDescription> DeleteBackup(const RequestContext& ctx, const std::string& backup_arn);
Result<ListBackupsResponse> ListBackups(const RequestContext& ctx, const ListBackupsRequest& req);
Result<TableDescription> RestoreTableFromBackup(const RequestContext& ctx,
                                                const RestoreTableFromBackupRequest& req);

Result<ContinuousBackupsDescription> UpdateContinuousBackups(
    const RequestContext& ctx, const UpdateContinuousBackupsRequest& req);
Result<ContinuousBackupsDescription> DescribeContinuousBackups(const RequestContext& ctx,
                                                               const std::string& table_name);
Result<TableDescription> RestoreTableToPointInTime(const RequestContext& ctx,
                                                   const RestoreTableToPointInTimeRequest& req);

// Where the state of table `def` at `when` comes from: its newest
// point-in-time base at or before `when` and the log after it. `latest` is
// the last restorable time (now, or when a deleted table was deleted);
// kInvalidRestoreTime when `when` is outside the window, and
// kPointInTimeRecoveryUnavailable when the table has no recovery.
Result<storage::Engine::RestoreSource> PointInTimeSource(const RequestContext& ctx,
                                                         const model::TableDef& def, int64_t when,
                                                         int64_t latest);

// Deletes SYSTEM backups older than their 35 days. Run periodically.
Status ExpireSystemBackups(const OpsEnv& env);

}  // namespace stator::ops

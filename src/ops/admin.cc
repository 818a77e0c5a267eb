#include "ops/admin.h"

#include <mutex>

#include "ops/backups.h"
#include "ops/ttl.h"

namespace stator::ops {
namespace {

std::vector<std::string> Names(const std::vector<storage::TablePtr>& tables) {
  std::vector<std::string> names;
  for (const storage::TablePtr& t : tables) names.push_back(t->name);
  return names;
}

// The engine's internal kNotFound names a snapshot; it is the admin API's 404.
Status SnapshotNotFound(const std::string& name) {
  return Status::NotFound("no database snapshot named '" + name + "'");
}

// What a clock move does before it answers: the work the server's periodic
// sweeps would do at the new time.
Result<int64_t> CatchUpWithClock(const OpsEnv& env) {
  STATOR_ASSIGN_OR_RETURN(int64_t expired, SweepExpiredItems(env));
  STATOR_RETURN_IF_ERROR(env.engine->MaintainHistory());
  STATOR_RETURN_IF_ERROR(ExpireSystemBackups(env));
  return expired;
}

}  // namespace

Status ValidateSnapshotName(std::string_view name) {
  if (name.empty() || name.size() > kMaxSnapshotNameLength) {
    return Status::Validation("a snapshot name has 1 to 255 characters");
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) {
      return Status::Validation("a snapshot name may hold only A-Z, a-z, 0-9, '_', '.' and '-'");
    }
  }
  return Status::OK();
}

Result<storage::DatabaseSnapshotInfo> CreateDatabaseSnapshot(const OpsEnv& env,
                                                             const std::string& name) {
  STATOR_RETURN_IF_ERROR(ValidateSnapshotName(name));
  return env.engine->CreateDatabaseSnapshot(name);
}

std::vector<storage::DatabaseSnapshotInfo> ListDatabaseSnapshots(const OpsEnv& env) {
  return env.engine->ListDatabaseSnapshots();
}

Result<storage::DatabaseSnapshotInfo> DescribeDatabaseSnapshot(const OpsEnv& env,
                                                               const std::string& name) {
  STATOR_RETURN_IF_ERROR(ValidateSnapshotName(name));
  std::optional<storage::DatabaseSnapshotInfo> info = env.engine->FindDatabaseSnapshot(name);
  if (!info) return SnapshotNotFound(name);
  return std::move(*info);
}

Result<storage::DatabaseSnapshotInfo> DeleteDatabaseSnapshot(const OpsEnv& env,
                                                             const std::string& name) {
  STATOR_ASSIGN_OR_RETURN(storage::DatabaseSnapshotInfo info, DescribeDatabaseSnapshot(env, name));
  Status s = env.engine->DeleteDatabaseSnapshot(name);
  if (s.IsNotFound()) return SnapshotNotFound(name);
  STATOR_RETURN_IF_ERROR(s);
  return info;
}

Result<std::vector<std::string>> RestoreDatabaseSnapshot(const OpsEnv& env,
                                                         const std::string& name) {
  STATOR_RETURN_IF_ERROR(ValidateSnapshotName(name));
  Result<std::vector<storage::TablePtr>> restored = env.engine->RestoreDatabaseSnapshot(name);
  if (!restored.ok()) {
    if (restored.status().IsNotFound()) return SnapshotNotFound(name);
    return restored.status();
  }
  return Names(*restored);
}

Result<std::vector<std::string>> ResetTables(const OpsEnv& env) {
  STATOR_ASSIGN_OR_RETURN(std::vector<storage::TablePtr> tables, env.engine->ResetTables());
  return Names(tables);
}

ClockState DescribeClock(const OpsEnv& env) {
  return ClockState{env.virtual_clock != nullptr, env.clock->NowMicros()};
}

Result<ClockMoved> MoveClock(const OpsEnv& env, const ClockMove& move) {
  if (move.advance_micros.has_value() == move.set_micros.has_value()) {
    return Status::Validation("give exactly one of advance_seconds and set");
  }
  if (env.virtual_clock == nullptr) {
    return Status::Validation(
        "the clock is the system's: start Stator with --clock virtual to move it");
  }
  static std::mutex moves;  // a move reads the time, checks it and sets it as one step
  std::lock_guard lock(moves);
  const int64_t now = env.virtual_clock->NowMicros();
  int64_t target = 0;
  if (move.advance_micros) {
    if (*move.advance_micros < 0) {
      return Status::Validation("advance_seconds must not be negative: time never goes backwards");
    }
    if (*move.advance_micros > kMaxClockMicros - now) {
      return Status::Validation("the clock cannot pass 9999-12-31T23:59:59Z");
    }
    target = now + *move.advance_micros;
  } else {
    target = *move.set_micros;
    if (target < now) {
      return Status::Validation("set is before the clock's time (" +
                                std::to_string(now / 1'000'000) + "): time never goes backwards");
    }
    if (target > kMaxClockMicros) {
      return Status::Validation("the clock cannot pass 9999-12-31T23:59:59Z");
    }
  }
  // Saved first: a move that could not be saved does not happen.
  STATOR_RETURN_IF_ERROR(env.engine->SaveVirtualClock(target));
  env.virtual_clock->Set(target);
  ClockMoved moved;
  STATOR_ASSIGN_OR_RETURN(moved.expired_items, CatchUpWithClock(env));
  moved.clock = DescribeClock(env);
  return moved;
}

}  // namespace stator::ops

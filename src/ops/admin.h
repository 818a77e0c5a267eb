// Stator's own operations, beyond DynamoDB's, behind the admin API
// (protocol/admin_api.h): database snapshots and their restores, resetting
// every table, and the virtual clock. docs/design/database-snapshots.md has
// the storage side; docs/testing-with-stator.md how tests use them.
//
// The clock: with --clock virtual the environment's clock is a ManualClock
// (OpsEnv::virtual_clock) that stands still until MoveClock moves it, always
// forward: DynamoDB's time never goes backwards. A move is saved (the clock
// resumes from it after a restart) and then brings time-based state up to the
// new time before it returns — expired items swept, streams and point-in-time
// histories trimmed, expired system backups dropped — so a test sees the
// effects of the time it skipped without waiting for the periodic sweeps.
//
// Thread-safety: every function may be called concurrently; clock moves are
// serialised with each other, database snapshot calls by the engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ops/context.h"
#include "storage/database_snapshots.h"

namespace stator::ops {

// Database snapshot names: 1 to 255 characters of A-Z a-z 0-9 _ . - (they
// appear in the admin API's paths as they are).
inline constexpr size_t kMaxSnapshotNameLength = 255;
Status ValidateSnapshotName(std::string_view name);

// kValidation for a bad name; kResourceInUse when the name is taken.
Result<storage::DatabaseSnapshotInfo> CreateDatabaseSnapshot(const OpsEnv& env,
                                                             const std::string& name);
// Oldest first.
std::vector<storage::DatabaseSnapshotInfo> ListDatabaseSnapshots(const OpsEnv& env);
// kValidation for a bad name; kNotFound when there is none of that name.
Result<storage::DatabaseSnapshotInfo> DescribeDatabaseSnapshot(const OpsEnv& env,
                                                               const std::string& name);
// Answers the deleted snapshot's description.
Result<storage::DatabaseSnapshotInfo> DeleteDatabaseSnapshot(const OpsEnv& env,
                                                             const std::string& name);
// Returns the table set to the snapshot's (storage::Engine::RestoreDatabaseSnapshot);
// answers the restored tables' names.
Result<std::vector<std::string>> RestoreDatabaseSnapshot(const OpsEnv& env,
                                                         const std::string& name);
// Empties every table, keeping its definition; answers the tables' names.
Result<std::vector<std::string>> ResetTables(const OpsEnv& env);

struct ClockState {
  bool is_virtual = false;
  int64_t now_micros = 0;
};
ClockState DescribeClock(const OpsEnv& env);

// The latest time a clock may be set to: 9999-12-31T23:59:59Z.
inline constexpr int64_t kMaxClockMicros = int64_t{253402300799} * 1'000'000;

// Exactly one of the two.
struct ClockMove {
  std::optional<int64_t> advance_micros;
  std::optional<int64_t> set_micros;  // since the epoch
};

struct ClockMoved {
  ClockState clock;
  int64_t expired_items = 0;  // deleted by the time-to-live sweep the move ran
};

// kValidation when the clock is the system's, the move goes backwards (a
// negative advance, a time before now) or past kMaxClockMicros, or not
// exactly one of the members is given.
Result<ClockMoved> MoveClock(const OpsEnv& env, const ClockMove& move);

}  // namespace stator::ops

// Database snapshots: named copies of every table at once — definitions,
// items, index entries and statistics — that Stator's admin API takes and
// restores (POST /_stator/snapshots, .../restore), so a test suite can return
// the whole database to a known state between tests
// (docs/design/database-snapshots.md). Unlike a backup (storage/snapshots.h),
// a database snapshot covers the whole table set and is restored in its
// place: its tables replace every live table.
//
// Records:
//  - 0x0B | snapshot id (u64 BE) | a record of a table's data, key and value
//    byte for byte: its item (0x02), statistics (0x03) and index-entry (0x04)
//    records, whose keys start with their namespace byte and table id.
//  - 0x0C | snapshot id (u64 BE) -> DatabaseSnapshotInfo, written after its
//    records: a snapshot exists once this record does.
//  - 0x00 "next_database_snapshot_id" -> the next id (u64 BE); never reused.
//  - 0x00 "virtual_clock" -> version 1, then the virtual clock's time (u64 BE
//    microseconds): where --clock virtual resumes after a restart.
//
// Thread-safety: pure functions and values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/table.h"

namespace stator::storage {

// DO NOT CHANGE: persisted.
inline constexpr uint8_t kDatabaseSnapshotFormatV1 = 1;
inline constexpr uint8_t kVirtualClockFormatV1 = 1;

// One table of a database snapshot.
struct DatabaseSnapshotTable {
  model::TableDef table;  // its definition when the snapshot was taken
  int64_t item_count = 0;
  int64_t size_bytes = 0;  // sum of DynamoDB item sizes
};

struct DatabaseSnapshotInfo {
  uint64_t id = 0;                            // from the record's key; never reused
  std::string name;                           // unique among database snapshots
  int64_t micros = 0;                         // when it was taken, by the engine's clock
  std::vector<DatabaseSnapshotTable> tables;  // sorted by name
};

std::string DatabaseSnapshotKey(uint64_t snapshot_id);
// The range of a snapshot's data records.
std::string DatabaseSnapshotRecordsBegin(uint64_t snapshot_id);
std::string DatabaseSnapshotRecordsEnd(uint64_t snapshot_id);
// The range of every snapshot description.
std::string DatabaseSnapshotsBegin();
std::string DatabaseSnapshotsEnd();

std::string EncodeDatabaseSnapshotInfo(const DatabaseSnapshotInfo& info);
// Corruption if `key` or `value` is not a database snapshot record.
Result<DatabaseSnapshotInfo> DecodeDatabaseSnapshotInfo(std::string_view key,
                                                        std::string_view value);

std::string EncodeVirtualClock(int64_t micros);
// Corruption if `value` is not a virtual clock record.
Result<int64_t> DecodeVirtualClock(std::string_view value);

}  // namespace stator::storage

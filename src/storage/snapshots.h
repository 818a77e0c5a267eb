// Snapshots: frozen copies of one table's items with its definition, taken at
// one instant between writes. On-demand backups are snapshots, and so are the
// base snapshots of point-in-time recovery, which the change log's later
// records bring forward to any second (docs/design/backups.md,
// docs/design/pitr.md).
//
// Records:
//  - 0x07 | snapshot id (u64 BE) | the item's key within its table (its item
//    record key without the 0x02 | table id prefix) -> the item, encoded as in
//    the table (item-encoding.md).
//  - 0x08 | snapshot id (u64 BE) -> SnapshotInfo, written after its items: a
//    snapshot exists once this record does.
//  - 0x09 | table id (u64 BE) -> RetiredTable: a deleted table whose
//    point-in-time history (base snapshots and change log) is still kept.
//
// Thread-safety: pure functions and values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/table.h"

namespace stator::storage {

// DO NOT CHANGE: persisted.
inline constexpr uint8_t kSnapshotFormatV1 = 1;
inline constexpr uint8_t kRetiredTableFormatV1 = 1;
enum class SnapshotKind : uint8_t {
  kUser = 1,      // CreateBackup
  kSystem = 2,    // taken by Stator itself (the backup of a deleted table)
  kPitrBase = 3,  // a point-in-time recovery base, never listed as a backup
};

struct SnapshotInfo {
  uint64_t id = 0;  // from the record's key; never reused
  SnapshotKind kind = SnapshotKind::kUser;
  std::string name;       // the backup's name
  model::TableDef table;  // the table's definition when it was taken
  int64_t micros = 0;     // when it was taken
  // Every change-log record of the table numbered up to `sequence` is in the
  // snapshot; none after it is.
  uint64_t sequence = 0;
  int64_t item_count = 0;
  int64_t size_bytes = 0;  // sum of DynamoDB item sizes
};

struct RetiredTable {
  model::TableDef table;  // its definition when deleted
  int64_t deleted_micros = 0;
};

std::string SnapshotKey(uint64_t snapshot_id);
std::string SnapshotItemsBegin(uint64_t snapshot_id);
std::string SnapshotItemsEnd(uint64_t snapshot_id);
std::string RetiredTableKey(uint64_t table_id);
// The first key of each namespace and the key just past it.
std::string SnapshotsBegin();
std::string SnapshotsEnd();
std::string RetiredTablesBegin();
std::string RetiredTablesEnd();

std::string EncodeSnapshotInfo(const SnapshotInfo& info);
// Corruption if `key` or `value` is not a snapshot record.
Result<SnapshotInfo> DecodeSnapshotInfo(std::string_view key, std::string_view value);

std::string EncodeRetiredTable(const RetiredTable& retired);
Result<RetiredTable> DecodeRetiredTable(std::string_view value);

}  // namespace stator::storage

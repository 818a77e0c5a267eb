#include "storage/database_snapshots.h"

#include "common/coding.h"
#include "storage/catalog_codec.h"
#include "storage/keys.h"

namespace stator::storage {
std::string DatabaseSnapshotKey(uint64_t snapshot_id) {
  return IdKey(Namespace::kDatabaseSnapshot, snapshot_id);
}
std::string DatabaseSnapshotRecordsBegin(uint64_t snapshot_id) {
  return IdKey(Namespace::kDatabaseSnapshotRecord, snapshot_id);
}
std::string DatabaseSnapshotRecordsEnd(uint64_t snapshot_id) {
  return IdKey(Namespace::kDatabaseSnapshotRecord, snapshot_id + 1);
}
std::string DatabaseSnapshotsBegin() {
  return std::string(1, static_cast<char>(Namespace::kDatabaseSnapshot));
}
std::string DatabaseSnapshotsEnd() {
  return std::string(1, static_cast<char>(static_cast<uint8_t>(Namespace::kDatabaseSnapshot) + 1));
}

std::string EncodeDatabaseSnapshotInfo(const DatabaseSnapshotInfo& info) {
  std::string out(1, static_cast<char>(kDatabaseSnapshotFormatV1));
  PutLengthPrefixed(&out, info.name);
  PutVarint64(&out, static_cast<uint64_t>(info.micros));
  PutVarint64(&out, info.tables.size());
  for (const DatabaseSnapshotTable& t : info.tables) {
    PutLengthPrefixed(&out, EncodeTableDef(t.table));
    PutVarint64(&out, static_cast<uint64_t>(t.item_count));
    PutVarint64(&out, static_cast<uint64_t>(t.size_bytes));
  }
  return out;
}

Result<DatabaseSnapshotInfo> DecodeDatabaseSnapshotInfo(std::string_view key,
                                                        std::string_view value) {
  const Status bad = Status::Corruption("database snapshot: malformed record");
  DatabaseSnapshotInfo info;
  if (key.size() != 9 ||
      static_cast<uint8_t>(key[0]) != static_cast<uint8_t>(Namespace::kDatabaseSnapshot)) {
    return bad;
  }
  key.remove_prefix(1);
  if (!GetFixed64BE(&key, &info.id)) return bad;
  if (value.empty() || static_cast<uint8_t>(value[0]) != kDatabaseSnapshotFormatV1) return bad;
  value.remove_prefix(1);
  std::string_view name;
  uint64_t count = 0;
  // Each table takes at least three bytes: a bound on the count before reserving.
  if (!GetLengthPrefixed(&value, &name) || !GetVarint64Signed(&value, &info.micros) ||
      !GetVarint64(&value, &count) || count > value.size() / 3) {
    return bad;
  }
  info.name = std::string(name);
  for (uint64_t i = 0; i < count; ++i) {
    DatabaseSnapshotTable t;
    std::string_view table;
    if (!GetLengthPrefixed(&value, &table)) return bad;
    STATOR_ASSIGN_OR_RETURN(t.table, DecodeTableDef(table));
    if (!GetVarint64Signed(&value, &t.item_count) || !GetVarint64Signed(&value, &t.size_bytes)) {
      return bad;
    }
    info.tables.push_back(std::move(t));
  }
  if (!value.empty()) return bad;
  return info;
}

std::string EncodeVirtualClock(int64_t micros) {
  std::string out(1, static_cast<char>(kVirtualClockFormatV1));
  PutFixed64BE(&out, static_cast<uint64_t>(micros));
  return out;
}

Result<int64_t> DecodeVirtualClock(std::string_view value) {
  const Status bad = Status::Corruption("virtual clock: malformed record");
  if (value.size() != 9 || static_cast<uint8_t>(value[0]) != kVirtualClockFormatV1) return bad;
  value.remove_prefix(1);
  uint64_t micros = 0;
  if (!GetFixed64BE(&value, &micros)) return bad;
  return static_cast<int64_t>(micros);
}

}  // namespace stator::storage

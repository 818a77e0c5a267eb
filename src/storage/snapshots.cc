#include "storage/snapshots.h"

#include "common/coding.h"
#include "storage/catalog_codec.h"
#include "storage/keys.h"

namespace stator::storage {
std::string SnapshotKey(uint64_t snapshot_id) {
  return IdKey(Namespace::kSnapshot, snapshot_id);
}
std::string SnapshotItemsBegin(uint64_t snapshot_id) {
  return IdKey(Namespace::kSnapshotItem, snapshot_id);
}
std::string SnapshotItemsEnd(uint64_t snapshot_id) {
  return IdKey(Namespace::kSnapshotItem, snapshot_id + 1);
}
std::string RetiredTableKey(uint64_t table_id) {
  return IdKey(Namespace::kRetiredTable, table_id);
}
std::string SnapshotsBegin() { return std::string(1, static_cast<char>(Namespace::kSnapshot)); }
std::string SnapshotsEnd() {
  return std::string(1, static_cast<char>(static_cast<uint8_t>(Namespace::kSnapshot) + 1));
}
std::string RetiredTablesBegin() {
  return std::string(1, static_cast<char>(Namespace::kRetiredTable));
}
std::string RetiredTablesEnd() {
  return std::string(1, static_cast<char>(static_cast<uint8_t>(Namespace::kRetiredTable) + 1));
}

std::string EncodeSnapshotInfo(const SnapshotInfo& info) {
  std::string out(1, static_cast<char>(kSnapshotFormatV1));
  out.push_back(static_cast<char>(info.kind));
  PutLengthPrefixed(&out, info.name);
  PutLengthPrefixed(&out, EncodeTableDef(info.table));
  PutVarint64(&out, static_cast<uint64_t>(info.micros));
  PutVarint64(&out, info.sequence);
  PutVarint64(&out, static_cast<uint64_t>(info.item_count));
  PutVarint64(&out, static_cast<uint64_t>(info.size_bytes));
  return out;
}

Result<SnapshotInfo> DecodeSnapshotInfo(std::string_view key, std::string_view value) {
  const Status bad = Status::Corruption("snapshot: malformed record");
  SnapshotInfo info;
  if (key.size() != 9 || static_cast<uint8_t>(key[0]) != static_cast<uint8_t>(Namespace::kSnapshot))
    return bad;
  key.remove_prefix(1);
  if (!GetFixed64BE(&key, &info.id)) return bad;
  if (value.size() < 2 || static_cast<uint8_t>(value[0]) != kSnapshotFormatV1) return bad;
  const auto kind = static_cast<uint8_t>(value[1]);
  if (kind < 1 || kind > 3) return bad;
  info.kind = static_cast<SnapshotKind>(kind);
  value.remove_prefix(2);
  std::string_view name;
  std::string_view table;
  if (!GetLengthPrefixed(&value, &name) || !GetLengthPrefixed(&value, &table)) return bad;
  info.name = std::string(name);
  STATOR_ASSIGN_OR_RETURN(info.table, DecodeTableDef(table));
  if (!GetVarint64Signed(&value, &info.micros) || !GetVarint64(&value, &info.sequence) ||
      !GetVarint64Signed(&value, &info.item_count) || !GetVarint64Signed(&value, &info.size_bytes) ||
      !value.empty()) {
    return bad;
  }
  return info;
}

std::string EncodeRetiredTable(const RetiredTable& retired) {
  std::string out(1, static_cast<char>(kRetiredTableFormatV1));
  PutVarint64(&out, static_cast<uint64_t>(retired.deleted_micros));
  PutLengthPrefixed(&out, EncodeTableDef(retired.table));
  return out;
}

Result<RetiredTable> DecodeRetiredTable(std::string_view value) {
  const Status bad = Status::Corruption("retired table: malformed record");
  if (value.empty() || static_cast<uint8_t>(value[0]) != kRetiredTableFormatV1) return bad;
  value.remove_prefix(1);
  RetiredTable retired;
  std::string_view table;
  if (!GetVarint64Signed(&value, &retired.deleted_micros) || !GetLengthPrefixed(&value, &table) ||
      !value.empty()) {
    return bad;
  }
  STATOR_ASSIGN_OR_RETURN(retired.table, DecodeTableDef(table));
  return retired;
}

}  // namespace stator::storage

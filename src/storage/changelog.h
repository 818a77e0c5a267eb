// The change log: one record per item change of a table that logs changes
// (a stream is enabled), written in the same atomic batch as the change
// (docs/design/changelog.md). Streams read it; point-in-time recovery will.
//
// Record key: 0x05 | table id (u64 BE) | sequence number (u64 BE, from 1).
// Sequence number 0 holds the table's trim point instead: the sequence number
// below which its records were deleted (u64 BE). Sequence numbers come from
// one engine-wide counter, so a table's records sort in the
// order their writes were assigned numbers; the engine only shows readers the
// records below every write still in flight, so a reader never skips one.
//
// Thread-safety: pure functions and values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/attribute_value.h"

namespace stator::storage {

// DO NOT CHANGE: persisted.
inline constexpr uint8_t kChangeRecordFormatV1 = 1;
enum class ChangeEvent : uint8_t { kInsert = 1, kModify = 2, kRemove = 3 };

struct ChangeRecord {
  uint64_t sequence = 0;  // from the record's key
  ChangeEvent event = ChangeEvent::kInsert;
  int64_t micros = 0;                    // commit time
  bool by_service = false;               // made by Stator itself (TTL expiry), not by a request
  model::Item keys;                      // the item's table key attributes
  std::optional<model::Item> old_image;  // absent for an INSERT
  std::optional<model::Item> new_image;  // absent for a REMOVE
};

std::string ChangeKey(uint64_t table_id, uint64_t sequence);
// The first key of a table's records and the key just past them.
std::string TableChangesBegin(uint64_t table_id);
std::string TableChangesEnd(uint64_t table_id);

// The value of a record (everything but its sequence number).
std::string EncodeChangeRecord(const ChangeRecord& record);
// Corruption if `key` or `value` is not a change record.
Result<ChangeRecord> DecodeChangeRecord(std::string_view key, std::string_view value);

}  // namespace stator::storage

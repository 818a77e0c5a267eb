// The layout of every RocksDB record Stator writes (docs/design/key-encoding.md).
// Each record key starts with one namespace byte; within the item namespace
// keys are table id, partition hash, encoded partition key, encoded sort key,
// so a table is one contiguous range (DeleteTable is one DeleteRange) and the
// items of one partition key are contiguous and sorted by sort key.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/attribute_value.h"
#include "model/table.h"

namespace stator::storage {

// DO NOT CHANGE THESE VALUES: they are embedded in the on-disk data.
enum class Namespace : uint8_t {
  kMeta = 0x00,       // database-wide metadata (format version, id counters)
  kCatalog = 0x01,    // table name -> TableDef
  kItem = 0x02,       // table id, hash, pk, sk -> item
  kTableStats = 0x03, // table id -> item count and size (merge operands)
  kIndex = 0x04,      // reserved: secondary-index entries
  kChangeLog = 0x05,  // reserved: change log (streams, point-in-time recovery)
  kTtl = 0x06,        // reserved: expiry-time index for TTL
};

inline constexpr uint8_t kStorageFormatVersion = 1;

std::string MetaKey(std::string_view name);
std::string CatalogKey(std::string_view table_name);
std::string TableStatsKey(uint64_t table_id);

// The first key of a table's item range and the key just past it.
std::string TableItemsBegin(uint64_t table_id);
std::string TableItemsEnd(uint64_t table_id);

// The record key of the item whose key attributes are in `key` (which must
// hold the table's hash and, if any, range attribute with the schema types).
std::string ItemKey(const model::TableDef& table, const model::Item& key);

}  // namespace stator::storage

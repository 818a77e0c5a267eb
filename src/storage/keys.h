// The layout of every RocksDB record Stator writes (docs/design/key-encoding.md).
// Each record key starts with one namespace byte; within the item namespace
// keys are table id, partition hash, encoded partition key, encoded sort key,
// so a table is one contiguous range (DeleteTable is one DeleteRange) and the
// items of one partition key are contiguous and sorted by sort key.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/attribute_value.h"
#include "model/table.h"

namespace stator::storage {

// DO NOT CHANGE THESE VALUES: they are embedded in the on-disk data.
enum class Namespace : uint8_t {
  kMeta = 0x00,        // database-wide metadata (format version, id counters)
  kCatalog = 0x01,     // table name -> TableDef
  kItem = 0x02,        // table id, hash, pk, sk -> item
  kTableStats = 0x03,  // table id -> item count and size (merge operands)
  kIndex = 0x04,  // table id, index id, hash, index pk, index sk, table pk, table sk -> projection
  kChangeLog = 0x05,     // change log (streams, point-in-time recovery)
  kTtl = 0x06,           // reserved: expiry-time index for TTL
  kSnapshotItem = 0x07,  // snapshot id, item key within its table -> item (storage/snapshots.h)
  kSnapshot = 0x08,      // snapshot id -> SnapshotInfo
  kRetiredTable = 0x09,  // table id -> RetiredTable (a deleted table's kept history)
  kExport = 0x0A,        // export id -> the export's record, opaque to storage (ops/exports.h)
  // snapshot id, a table's data record key -> its value (storage/database_snapshots.h)
  kDatabaseSnapshotRecord = 0x0B,
  kDatabaseSnapshot = 0x0C,  // snapshot id -> DatabaseSnapshotInfo
};

inline constexpr uint8_t kStorageFormatVersion = 1;

std::string MetaKey(std::string_view name);
// <ns><id as 8 big-endian bytes>: the key of a record kept by an id (a snapshot, a retired
// table), and the start of the records under it.
std::string IdKey(Namespace ns, uint64_t id);
std::string CatalogKey(std::string_view table_name);
std::string TableStatsKey(uint64_t table_id);

// The first key of a table's item range and the key just past it.
std::string TableItemsBegin(uint64_t table_id);
std::string TableItemsEnd(uint64_t table_id);

// The record key of the item whose key attributes are in `key` (which must
// hold the table's hash and, if any, range attribute with the schema types).
std::string ItemKey(const model::TableDef& table, const model::Item& key);

// Per-index statistics: 0x03 | table id | index id (inside the table's stats range).
std::string IndexStatsKey(uint64_t table_id, uint32_t index_id);
// The size of one item collection of a table with local indexes (its items
// and their local-index entries sharing `partition`):
// 0x03 | table id | kCollectionStatsMarker | enc(partition key). Index ids
// never reach the marker.
inline constexpr uint32_t kCollectionStatsMarker = 0xFFFFFFFF;
std::string ItemCollectionStatsKey(uint64_t table_id, const model::AttributeValue& partition);
// The key just past every stats record of a table (its table and index stats).
std::string TableStatsEnd(uint64_t table_id);

// The first key of an index's entries and the key just past them; of all a
// table's index entries.
std::string IndexEntriesBegin(uint64_t table_id, uint32_t index_id);
std::string IndexEntriesEnd(uint64_t table_id, uint32_t index_id);
std::string TableIndexesBegin(uint64_t table_id);
std::string TableIndexesEnd(uint64_t table_id);

// The prefix shared by every record of one partition: of the table's items
// (index == nullptr) or of an index's entries. `partition` holds the values of
// the (table or index) partition-key attributes, in schema order, of their
// types: one value, or up to four for an index with a multi-attribute key.
std::string PartitionPrefix(const model::TableDef& table, const model::IndexDef* index,
                            const std::vector<model::AttributeValue>& partition);
std::string PartitionPrefix(const model::TableDef& table, const model::IndexDef* index,
                            const model::AttributeValue& partition);

// The key of `item`'s entry in `index`, or nullopt when the item is not in
// the index: it lacks a key attribute of the index, or one has the wrong type
// or is empty (a write never stores such an item; a backfill skips it).
std::optional<std::string> IndexEntryKey(const model::TableDef& table, const model::IndexDef& index,
                                         const model::Item& item);

// The range [begin, end) of the records of segment `segment` of
// `total_segments` of a table's items or an index's entries: a slice of the
// 64-bit partition-hash space, so segments are disjoint and cover the table.
std::pair<std::string, std::string> SegmentRange(const model::TableDef& table,
                                                 const model::IndexDef* index, uint32_t segment,
                                                 uint32_t total_segments);
// The segment of `total_segments` that a partition key (its values, as for
// PartitionPrefix) falls in.
uint32_t SegmentOf(const std::vector<model::AttributeValue>& partition, uint32_t total_segments);

// The smallest key greater than every key that starts with `prefix`
// ("" when there is none, i.e. prefix is all 0xFF).
std::string PrefixSuccessor(std::string prefix);

}  // namespace stator::storage

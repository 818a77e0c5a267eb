// TableDef: everything Stator knows about a table's definition — key schema,
// attribute definitions, indexes, billing, streams, encryption, class,
// deletion protection and creation-time tags. It is persisted in the catalog
// (docs/design/catalog-encoding.md) and immutable once published: an update
// publishes a new TableDef.
//
// Thread-safety: plain data; shared as std::shared_ptr<const TableDef>.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/attribute_value.h"

namespace stator::model {

// DO NOT CHANGE the numeric values of the enums below: they are persisted.
enum class BillingMode : uint8_t { kProvisioned = 1, kPayPerRequest = 2 };
enum class ProjectionType : uint8_t { kAll = 1, kKeysOnly = 2, kInclude = 3 };
enum class StreamViewType : uint8_t {
  kNone = 0,
  kKeysOnly = 1,
  kNewImage = 2,
  kOldImage = 3,
  kNewAndOldImages = 4,
};
enum class TableClass : uint8_t { kStandard = 1, kStandardInfrequentAccess = 2 };
// A global secondary index added by UpdateTable is CREATING while its entries
// are backfilled from the table, then ACTIVE.
// kDeleting is never stored: it only describes an index UpdateTable removed.
enum class IndexStatus : uint8_t { kActive = 1, kCreating = 2, kDeleting = 3 };

struct KeyElement {
  std::string name;
  Type type = Type::kS;  // S, N or B
};

// A table's or index's key. Tables and local indexes have one partition-key
// attribute and at most one sort-key attribute; a global index may have up to
// four of each (DynamoDB's multi-attribute keys): `hash` and `range` are then
// the first of each, `more_hash` and `more_range` the others, in schema order.
struct KeySchema {
  KeyElement hash;
  std::optional<KeyElement> range;
  std::vector<KeyElement> more_hash;   // global indexes only
  std::vector<KeyElement> more_range;  // global indexes only; never without `range`

  // The partition-key attributes, then the sort-key attributes, in schema order.
  std::vector<const KeyElement*> HashElements() const {
    std::vector<const KeyElement*> out = {&hash};
    for (const auto& e : more_hash) out.push_back(&e);
    return out;
  }
  std::vector<const KeyElement*> RangeElements() const {
    std::vector<const KeyElement*> out;
    if (range) out.push_back(&*range);
    for (const auto& e : more_range) out.push_back(&e);
    return out;
  }
  std::vector<const KeyElement*> Elements() const {
    std::vector<const KeyElement*> out = HashElements();
    for (const KeyElement* e : RangeElements()) out.push_back(e);
    return out;
  }
  bool Contains(const std::string& name) const {
    for (const KeyElement* e : Elements()) {
      if (e->name == name) return true;
    }
    return false;
  }
  bool multi_attribute() const { return !more_hash.empty() || !more_range.empty(); }
};

struct AttributeDefinition {
  std::string name;
  Type type = Type::kS;
};

struct Projection {
  ProjectionType type = ProjectionType::kAll;
  std::vector<std::string> non_key_attributes;  // INCLUDE only
};

struct Throughput {
  int64_t read_units = 0;  // 0 under PAY_PER_REQUEST
  int64_t write_units = 0;
  int64_t last_increase_micros = 0;  // 0 = never
  int64_t last_decrease_micros = 0;
  int64_t decreases_today = 0;
};

struct IndexDef {
  std::string name;
  KeySchema key;
  Projection projection;
  Throughput throughput;  // GSIs only
  IndexStatus status = IndexStatus::kActive;
  uint32_t id = 0;  // unique within the table, never reused; prefixes the index's entries
};

struct StreamSpec {
  bool enabled = false;
  StreamViewType view_type = StreamViewType::kNone;
  std::string label;  // ISO-8601 creation time of the current stream, "" if none
};

inline constexpr int64_t kDayMicros = 24LL * 60 * 60 * 1000 * 1000;
// How long a stream's records (and a disabled stream) stay readable.
inline constexpr int64_t kStreamRetentionMicros = kDayMicros;

// One stream of a table, current or disabled within the last 24 hours: a view
// of the table's change log (docs/design/changelog.md), the records with
// sequence numbers from first_sequence up to (not including) end_sequence.
// The engine fills in both when it publishes the definition that enables or
// disables the stream.
struct StreamDef {
  std::string label;  // ISO-8601 creation time: the last part of the stream's ARN
  StreamViewType view_type = StreamViewType::kNone;
  int64_t created_micros = 0;
  int64_t disabled_micros = 0;  // 0 while enabled
  uint64_t first_sequence = 0;  // 0: not yet published
  uint64_t end_sequence = 0;    // 0 while enabled
  bool enabled() const { return disabled_micros == 0; }
  // Whether it can still be listed and read at `now`: enabled, or disabled
  // less than 24 hours ago.
  bool ReadableAt(int64_t now) const {
    return enabled() || disabled_micros + kStreamRetentionMicros > now;
  }
};

// Time to live: items whose `attribute` holds a number of epoch seconds in the
// past are deleted by a background sweep while enabled.
struct TtlSpec {
  bool enabled = false;
  std::string attribute;       // kept after disabling, for the next UpdateTimeToLive check
  int64_t updated_micros = 0;  // the last UpdateTimeToLive (0: never)
};

// Point-in-time recovery (docs/design/pitr.md): while enabled, the table's
// changes are logged and kept, with periodic base snapshots, for
// `recovery_days`, so it can be restored to any second of that window.
struct PitrSpec {
  bool enabled = false;
  int recovery_days = 35;      // 1-35
  int64_t enabled_micros = 0;  // when it was last enabled (0 while disabled)
  int64_t RecoveryMicros() const { return recovery_days * kDayMicros; }
};

// Where a restored table's data came from (DescribeTable's RestoreSummary).
struct RestoreInfo {
  std::string source_backup_arn;  // "" for a point-in-time restore
  std::string source_table_arn;
  int64_t restore_micros = 0;  // the backup's time, or the point in time restored
};

struct SseSpec {
  bool enabled = false;           // false: AWS-owned key, no SSEDescription
  std::string kms_master_key_id;  // as given
};

struct TableDef {
  uint64_t table_id = 0;  // internal id, never reused; prefixes every record
  std::string name;
  std::string uuid;  // DynamoDB's TableId
  int64_t creation_micros = 0;
  std::vector<AttributeDefinition> attribute_definitions;
  KeySchema key;
  BillingMode billing_mode = BillingMode::kProvisioned;
  int64_t billing_mode_update_micros = 0;  // last switch to PAY_PER_REQUEST
  Throughput throughput;
  std::vector<IndexDef> local_indexes;
  std::vector<IndexDef> global_indexes;
  StreamSpec stream;
  std::vector<StreamDef> streams;  // oldest first; the enabled one (if any) last
  TtlSpec ttl;
  PitrSpec pitr;
  std::optional<RestoreInfo> restore;  // a restored table only
  SseSpec sse;
  TableClass table_class = TableClass::kStandard;
  int64_t table_class_update_micros = 0;
  bool deletion_protection = false;
  std::vector<std::pair<std::string, std::string>> tags;
  uint32_t next_index_id = 1;  // the id the next index will get

  bool has_range() const { return key.range.has_value(); }
  // The local or global index named `name`, or null.
  const IndexDef* FindIndex(std::string_view index_name) const {
    for (const auto* list : {&local_indexes, &global_indexes}) {
      for (const IndexDef& def : *list) {
        if (def.name == index_name) return &def;
      }
    }
    return nullptr;
  }
  bool stream_enabled() const { return !streams.empty() && streams.back().enabled(); }
  // Whether item changes are recorded in the change log (a stream or
  // point-in-time recovery is enabled).
  bool logs_changes() const { return stream_enabled() || pitr.enabled; }
};

}  // namespace stator::model

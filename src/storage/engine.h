// Engine: Stator's storage — the table catalog and the items of every table
// in one RocksDB database (on disk, or in memory with --in-memory).
//
// Contract:
//  - Every item write is one atomic RocksDB WriteBatch holding the item record
//    and the table's statistics delta; later features add index entries,
//    change-log records and TTL bookkeeping to that same batch (see Mutate).
//  - Acknowledged writes survive a crash of the process (RocksDB WAL); with
//    `sync` they also survive power loss.
//  - DeleteTable costs the same whatever the table's size: the catalog entry
//    and one DeleteRange over the table's key range, in one batch. Table ids
//    are never reused, so a new table of the same name never sees old data.
//  - The engine knows nothing of JSON, HTTP or DynamoDB's wire messages
//    beyond the Status codes it returns.
//
// Thread-safety: an Engine is safe for concurrent use by any number of
// threads without external synchronisation. Writes to the same item are
// serialised (per-item striped locks); catalog changes are serialised with
// each other and with item writes (a shared/exclusive catalog lock).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/attribute_value.h"
#include "model/table.h"

namespace stator::storage {

struct EngineOptions {
  std::string path;             // database directory (ignored when in_memory)
  bool in_memory = false;       // nothing touches disk
  bool sync = false;            // fsync the WAL on every write group
  size_t block_cache_bytes = 32 << 20;
  size_t write_buffer_bytes = 16 << 20;
};

struct TableStats {
  int64_t item_count = 0;
  int64_t size_bytes = 0;  // sum of DynamoDB item sizes
};

using TablePtr = std::shared_ptr<const model::TableDef>;

// What a read-modify-write decides to do with an item, given its current value.
struct WriteDecision {
  enum class Kind { kNone, kPut, kDelete };
  Kind kind = Kind::kNone;
  model::Item new_item;  // kPut only; must carry the same key attributes

  static WriteDecision None() { return {}; }
  static WriteDecision Delete() { return {Kind::kDelete, {}}; }
  static WriteDecision Put(model::Item item) { return {Kind::kPut, std::move(item)}; }
};

// Called with the item's current value (nullopt if absent) while the item is
// locked. Returning an error aborts the write and the error is returned from
// Mutate (e.g. a failed condition).
using Mutator = std::function<Result<WriteDecision>(const std::optional<model::Item>& current)>;

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options, const Clock* clock);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // --- Catalog ---
  // All tables, sorted by name.
  std::vector<TablePtr> ListTables() const;
  // nullptr if there is no such table.
  TablePtr FindTable(std::string_view name) const;
  // Assigns def.table_id and persists. kResourceInUse if the name is taken.
  Result<TablePtr> CreateTable(model::TableDef def);
  // Replaces the definition of an existing table (same name and id).
  Result<TablePtr> ReplaceTable(model::TableDef def);
  // Removes the table and all its items. kResourceNotFound if absent.
  Status DeleteTable(std::string_view name);
  TableStats GetStats(uint64_t table_id) const;

  // --- Items ---
  // `key` holds exactly the table's key attributes, already validated.
  Result<std::optional<model::Item>> GetItem(const model::TableDef& table,
                                             const model::Item& key) const;
  // Atomic read-modify-write of one item: reads the current item, calls
  // `mutator` and applies its decision, with no other writer of the same item
  // in between. kResourceNotFound if the table was deleted meanwhile.
  Status Mutate(const model::TableDef& table, const model::Item& key, const Mutator& mutator);

  // Makes every acknowledged write durable (WAL synced). Called on shutdown.
  Status Flush();

 private:
  class Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace stator::storage

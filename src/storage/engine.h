// Engine: Stator's storage — the table catalog and the items of every table
// in one RocksDB database (on disk, or in memory with --in-memory).
//
// Contract:
//  - Every item write is one atomic RocksDB WriteBatch holding the item record,
//    the table's statistics delta, the entries of every secondary index (with
//    their statistics), in a table with local indexes its item collection's
//    size, and in a table with a stream its change-log record: an index never disagrees with its
//    table after any acknowledged write or crash (docs/design/indexes.md). Later features add
//    change-log records and TTL bookkeeping to that same batch.
//  - A global secondary index added by ReplaceTable with status CREATING is
//    backfilled by a background thread while the table keeps serving, then
//    made ACTIVE. Writes maintain it from the moment it is published.
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
// Transactions claim their items while they apply (see Transact).
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
#include "storage/changelog.h"
#include "storage/database_snapshots.h"
#include "storage/snapshots.h"

namespace stator::storage {

struct EngineOptions {
  std::string path;        // database directory (ignored when in_memory)
  bool in_memory = false;  // nothing touches disk
  bool sync = false;       // fsync the WAL on every write group
  // 32 bytes: encrypt every file under `path` with AES-256-CTR (storage/encryption.h);
  // empty: no encryption. A directory opens only with the key it was created with.
  std::string encryption_key;
  size_t block_cache_bytes = 32 << 20;
  size_t write_buffer_bytes = 16 << 20;
  // The largest item collection (items and local-index entries sharing a
  // partition key, in tables with local indexes): DynamoDB's 10 GB.
  int64_t item_collection_limit_bytes = int64_t{10} << 30;
};

struct TableStats {
  int64_t item_count = 0;
  int64_t size_bytes = 0;  // sum of DynamoDB item sizes
};

using TablePtr = std::shared_ptr<const model::TableDef>;

// A range of record keys of one table's items or one index's entries (see
// storage/keys.h for how to build them), read in key order or reversed.
struct ReadRange {
  std::string begin;  // inclusive
  std::string end;    // exclusive
  bool reverse = false;
};

// Called for each record in order; return false to stop.
using RecordVisitor = std::function<Result<bool>(std::string_view record_key, model::Item item)>;

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

// Called for each change-log record in order; return false to stop.
using ChangeVisitor = std::function<Result<bool>(const ChangeRecord& record)>;

// One write of Engine::Transact: the item of `table` with `key` (exactly the
// table's validated key attributes) and what to do with it.
struct TransactionWrite {
  TablePtr table;
  model::Item key;
  Mutator mutator;  // kNone for an item only checked
  // Not OK: the write was refused before it could address its item (e.g. a
  // key of the wrong type); it cancels the transaction with this reason and
  // its item is neither locked nor read.
  Status refusal;
};

// One item of Engine::ReadConsistent.
struct TransactionRead {
  TablePtr table;
  model::Item key;
  Status refusal;  // as TransactionWrite::refusal
};

// RocksDB's health, for metrics.
struct EngineHealth {
  bool compaction_pending = false;
  int64_t pending_compaction_bytes = 0;  // estimated bytes compaction must rewrite
  int64_t running_compactions = 0;
  int64_t memtable_bytes = 0;  // active and immutable memtables
  int64_t sst_bytes = 0;       // live table files
};

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
  // Replaces the definition of an existing table (same name and id). Indexes
  // with id 0 are new: they get ids, and those with status CREATING are
  // backfilled in the background. Indexes no longer present lose their
  // entries in the same batch. With `expected`, the replacement happens only if
  // the table's definition is still that one (else kAborted, and the caller
  // recomputes its change from the current definition).
  Result<TablePtr> ReplaceTable(model::TableDef def, const TablePtr& expected = nullptr);
  // Removes the table and all its items. kResourceNotFound if absent. A table
  // with point-in-time recovery enabled or a stream readable keeps its
  // history (base snapshots and change log) as a RetiredTable, its streams
  // disabled, until its recovery period and its streams' 24 hours are over.
  // With `final_snapshot`, a kSystem snapshot so labelled keeps the table's
  // items as they were just before the deletion.
  Status DeleteTable(std::string_view name,
                     const std::optional<std::string>& final_snapshot = std::nullopt);
  TableStats GetStats(uint64_t table_id) const;
  TableStats GetIndexStats(uint64_t table_id, uint32_t index_id) const;
  EngineHealth Health() const;
  // The size of the item collection of `partition` (its items and their
  // local-index entries) in a table with local indexes; 0 otherwise.
  int64_t ItemCollectionBytes(uint64_t table_id, const model::AttributeValue& partition) const;

  // --- Items ---
  // `key` holds exactly the table's key attributes, already validated.
  Result<std::optional<model::Item>> GetItem(const model::TableDef& table,
                                             const model::Item& key) const;
  // Atomic read-modify-write of one item: reads the current item, calls
  // `mutator` and applies its decision, with no other writer of the same item
  // in between. kResourceNotFound if the table was deleted meanwhile;
  // kTransactionConflict if a transaction is applying the item (Transact);
  // kItemCollectionSizeLimitExceeded if the write would grow its item
  // collection past the limit (writes that shrink it are always allowed).
  // `by_service`: the change is Stator's own (a TTL deletion), as its
  // change-log record says.
  Status Mutate(const model::TableDef& table, const model::Item& key, const Mutator& mutator,
                bool by_service = false);

  // Applies `writes` (on distinct items, of one or more tables) all or none,
  // in one atomic batch: every mutator sees its item's current value with
  // all the items locked together, then every decision is written at once.
  // Returns OK when applied; kTransactionCanceled when any write was refused,
  // with `reasons` holding, per write, OK or why: kTransactionConflict when
  // another transaction is applying the same item (no mutator runs then), or
  // the mutator's error (every mutator runs, so each refusal is reported), or
  // kItemCollectionSizeLimitExceeded for each write growing a collection that
  // would pass the limit.
  // kResourceNotFound when a table was deleted meanwhile.
  //
  // While a transaction applies, its items are claimed: a Mutate of one of
  // them fails with kTransactionConflict instead of waiting, and so does a
  // ReadConsistent that includes one. Items are locked in one global order,
  // so transactions never deadlock with each other or with Mutate.
  Status Transact(const std::vector<TransactionWrite>& writes, std::vector<Status>* reasons);

  // Reads the items of `reads` from one consistent snapshot across tables
  // (nullopt for an absent item). kTransactionCanceled, with `reasons` per
  // read, when any read was refused up front or a transaction is applying
  // any of the items (kTransactionConflict for each such item);
  // kResourceNotFound when a table was deleted.
  Status ReadConsistent(const std::vector<TransactionRead>& reads,
                        std::vector<std::optional<model::Item>>* items,
                        std::vector<Status>* reasons) const;

  // Visits the records of `range` from one consistent snapshot. Memory stays
  // bounded by one record whatever the range's size.
  Status Iterate(const ReadRange& range, const RecordVisitor& visit) const;

  // --- Change log (tables with an enabled stream; docs/design/changelog.md) ---
  // The highest sequence number readers may see: every record up to it is
  // written, and none below it will still appear.
  uint64_t VisibleSequence() const;
  // Visits the records of table `table_id` with sequence numbers in [from, end)
  // (end clipped to VisibleSequence() + 1), in order, until `visit` returns false.
  Status ReadChanges(uint64_t table_id, uint64_t from, uint64_t end,
                     const ChangeVisitor& visit) const;
  // Deletes the table's records written before `before_micros`.
  Status TrimChanges(uint64_t table_id, int64_t before_micros);
  // Keeps each table's history within its needs, by the engine's clock: drops
  // change-log records neither a stream (24 hours) nor point-in-time recovery
  // (its recovery period, from its oldest needed base snapshot) needs; takes a
  // new base snapshot of a table with point-in-time recovery when it has none
  // or its newest is a day old or followed by many records; drops base
  // snapshots no longer needed, and the whole history of a deleted table once
  // its recovery period is over. Run periodically.
  Status MaintainHistory();
  // The sequence number below which the table's records were trimmed (0: none).
  uint64_t TrimmedBelow(uint64_t table_id) const;

  // --- Snapshots (storage/snapshots.h; docs/design/backups.md, pitr.md) ---
  // Copies table `name`'s items, as of one instant between writes, into a new
  // snapshot. Writes go on while it copies and are not in it.
  // kResourceNotFound if there is no such table.
  Result<SnapshotInfo> CreateSnapshot(std::string_view name, SnapshotKind kind, std::string label);
  // Every snapshot, oldest first.
  std::vector<SnapshotInfo> ListSnapshots() const;
  std::optional<SnapshotInfo> FindSnapshot(uint64_t snapshot_id) const;
  // Removes a snapshot and its items. kNotFound if absent.
  Status DeleteSnapshot(uint64_t snapshot_id);

  // Deleted tables whose history (point-in-time recovery, streams) is still
  // kept, by table id.
  std::vector<RetiredTable> ListRetiredTables() const;

  // What a restore reads: a snapshot's items, then (with replay_until_micros)
  // the changes its table's log records after the snapshot, up to those made
  // at `replay_until_micros`.
  struct RestoreSource {
    uint64_t snapshot_id = 0;
    std::optional<int64_t> replay_until_micros;
  };
  // Visits every item of the source's state, each once, in no set order.
  // Memory grows with the number of items the replay changes, not with the
  // snapshot's size.
  Status ReadRestoreSource(const RestoreSource& source,
                           const std::function<Result<bool>(model::Item item)>& visit) const;
  // Creates table `def` (as CreateTable; every index ACTIVE) holding the
  // source's items with their index entries. The table appears only once it
  // is complete. kResourceInUse if the name is taken; kNotFound if the
  // snapshot is gone.
  Result<TablePtr> RestoreTable(model::TableDef def, const RestoreSource& source);

  // --- Database snapshots and reset (storage/database_snapshots.h;
  //     docs/design/database-snapshots.md) ---
  // These calls are serialised with each other and with MaintainHistory.
  //
  // Copies every table — definition, items, index entries, statistics — as of
  // one instant between writes into a new snapshot named `name`. Writes go on
  // while it copies and are not in it. kResourceInUse if the name is taken.
  Result<DatabaseSnapshotInfo> CreateDatabaseSnapshot(std::string name);
  // Every database snapshot, oldest first.
  std::vector<DatabaseSnapshotInfo> ListDatabaseSnapshots() const;
  std::optional<DatabaseSnapshotInfo> FindDatabaseSnapshot(std::string_view name) const;
  // Removes a database snapshot and its records. kNotFound if absent.
  Status DeleteDatabaseSnapshot(std::string_view name);
  // Returns the table set to the snapshot's: every live table is dropped with
  // its history, and every table of the snapshot comes back with its items,
  // index entries and statistics under a new table id, all published in one
  // atomic catalog change once the copies are complete. Each restored table's
  // history starts afresh (see RestartHistory in engine_admin.cc): its enabled
  // stream keeps its ARN but covers only later changes, point-in-time recovery
  // starts now. Returns the restored tables. kNotFound if there is no such
  // snapshot.
  Result<std::vector<TablePtr>> RestoreDatabaseSnapshot(std::string_view name);
  // Empties every live table in one atomic batch — items, index entries,
  // statistics, change log — keeping its definition and id; histories start
  // afresh as after a restore, and a stream iterator from before fails with
  // kTrimmedDataAccess. Returns the tables.
  Result<std::vector<TablePtr>> ResetTables();

  // --- The virtual clock's time (--clock virtual), kept across restarts ---
  // nullopt when never saved.
  Result<std::optional<int64_t>> LoadVirtualClock() const;
  Status SaveVirtualClock(int64_t micros);

  // --- Export records: opaque to the engine (ops/exports.h encodes them) ---
  // Stores (or replaces) the record of export `export_id`.
  Status PutExportRecord(std::string_view export_id, std::string_view record);
  // Every export record, by export id.
  Result<std::vector<std::string>> ListExportRecords() const;

  // Makes every acknowledged write durable (WAL synced). Called on shutdown.
  Status Flush();

 private:
  class Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace stator::storage

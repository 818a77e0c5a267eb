// Engine::Impl: the engine's state and the declarations of its mechanisms,
// shared by the files that implement them by concern: engine.cc (catalog,
// items, index backfills), engine_changelog.cc, engine_transactions.cc,
// engine_snapshots.cc (snapshots, restores, point-in-time history, export
// records) and engine_open.cc (start-up). Private to the storage module:
// nothing outside src/storage includes it.
//
// Thread-safety: as Engine (storage/engine.h).
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_set>

#include "common/coding.h"
#include "model/index_projection.h"
#include "model/item_codec.h"
#include "model/item_size.h"
#include "storage/catalog_codec.h"
#include "storage/changelog.h"
#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/snapshots.h"
#include "storage/table_stats.h"

namespace stator::storage {

inline Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  return Status::IOError(s.ToString());
}

inline constexpr size_t kLockStripes = 1024;

template <typename Fn>
void ForEachIndex(const model::TableDef& table, Fn&& fn) {
  for (const auto* indexes : {&table.local_indexes, &table.global_indexes}) {
    for (const auto& index : *indexes) fn(index);
  }
}

inline constexpr std::string_view kFormatKeyName = "format";
inline constexpr std::string_view kNextTableIdName = "next_table_id";
inline constexpr std::string_view kCollectionStatsName = "collection_stats";
inline constexpr std::string_view kNextSnapshotIdName = "next_snapshot_id";
inline constexpr std::string_view kNextDatabaseSnapshotIdName = "next_database_snapshot_id";
inline constexpr std::string_view kVirtualClockName = "virtual_clock";

// Adds to `batch` the deletion of every record of table id `table_id`:
// statistics, items, index entries and change log.
inline void AddDropTableRecords(rocksdb::WriteBatch* batch, uint64_t table_id) {
  batch->DeleteRange(TableStatsKey(table_id), TableStatsEnd(table_id));
  batch->DeleteRange(TableItemsBegin(table_id), TableItemsEnd(table_id));
  batch->DeleteRange(TableIndexesBegin(table_id), TableIndexesEnd(table_id));
  batch->DeleteRange(TableChangesBegin(table_id), TableChangesEnd(table_id));
}

// A RocksDB iterator over the keys in [begin, end), as of `snapshot` if any.
// It owns its bounds, which RocksDB reads for as long as it iterates, so it
// is neither copied nor moved.
// RocksDB counts every key comparison, block read and write into thread-local
// statistics (rocksdb::PerfContext, IOStatsContext) unless the thread says
// otherwise: its default level is kEnableCount. Stator reads none of them, and
// counting cost a few percent of a GetItem, so every read and write first turns
// them off for its thread (the level is a thread-local; setting it is a store).
inline void SkipPerfCounters() { rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable); }

class RangeIterator {
 public:
  RangeIterator(rocksdb::DB* db, std::string begin, std::string end,
                const rocksdb::Snapshot* snapshot = nullptr)
      : begin_(std::move(begin)), end_(std::move(end)), lower_(begin_), upper_(end_) {
    SkipPerfCounters();
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    ro.iterate_lower_bound = &lower_;
    ro.iterate_upper_bound = &upper_;
    it_.reset(db->NewIterator(ro));
  }
  RangeIterator(const RangeIterator&) = delete;
  RangeIterator& operator=(const RangeIterator&) = delete;

  rocksdb::Iterator* operator->() const { return it_.get(); }
  std::string_view key() const { return {it_->key().data(), it_->key().size()}; }
  std::string_view value() const { return {it_->value().data(), it_->value().size()}; }

 private:
  std::string begin_;
  std::string end_;
  rocksdb::Slice lower_;
  rocksdb::Slice upper_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

class Engine::Impl {
 public:
  Impl(EngineOptions options, const Clock* clock) : options_(std::move(options)), clock_(clock) {}

  ~Impl();

  Status Open();

  // --- catalog ---

  std::vector<TablePtr> ListTables() const;

  TablePtr FindTable(std::string_view name) const;

  Result<TablePtr> CreateTable(model::TableDef def);

  Result<TablePtr> ReplaceTable(model::TableDef def, const TablePtr& expected);

  Status DeleteTable(std::string_view name, const std::optional<std::string>& final_snapshot);

  TableStats GetStats(uint64_t table_id) const { return ReadStats(TableStatsKey(table_id)); }
  TableStats GetIndexStats(uint64_t table_id, uint32_t index_id) const;
  EngineHealth Health() const;
  int64_t ItemCollectionBytes(uint64_t table_id, const model::AttributeValue& partition) const;

  uint64_t VisibleSequence() const;

  Status ReadChanges(uint64_t table_id, uint64_t from, uint64_t end,
                     const ChangeVisitor& visit) const;

  Status TrimChanges(uint64_t table_id, int64_t before_micros);

  // One past the table's last record made before `micros` (0: none). Records
  // are in time order within a table (numbered as they are written), so the
  // records before a time are a prefix.
  uint64_t CutBefore(uint64_t table_id, int64_t micros) const;

  // Deletes the table's records numbered below `cut` and moves its trim point
  // past the last of them (it never moves past records that do not exist, so
  // a reader's position beyond them stays valid).
  Status TrimChangesBelow(uint64_t table_id, uint64_t cut);

  Status MaintainHistory();

  uint64_t TrimmedBelow(uint64_t table_id) const;

  TableStats ReadStats(const std::string& key,
                       const rocksdb::ReadOptions& ro = rocksdb::ReadOptions()) const;

  // --- items ---

  Result<std::optional<model::Item>> GetItem(const model::TableDef& table,
                                             const model::Item& key) const;

  Status Mutate(const model::TableDef& table, const model::Item& key, const Mutator& mutator,
                bool by_service);

  Status Transact(const std::vector<TransactionWrite>& writes, std::vector<Status>* reasons);

  Status ReadConsistent(const std::vector<TransactionRead>& reads,
                        std::vector<std::optional<model::Item>>* items,
                        std::vector<Status>* reasons) const;

  Status Iterate(const ReadRange& range, const RecordVisitor& visit) const;

  Status Flush();

 private:
  Status Write(rocksdb::WriteBatch* batch) {
    SkipPerfCounters();
    return FromRocks(db_->Write(write_options_, batch));
  }

  // Writes the entries the indexes `index_ids` of the table lack, item by
  // item under the item's lock, from a snapshot of the table's records.
  // Items written meanwhile are maintained by Mutate (the indexes are
  // already published), so an entry already present is left alone. Stops
  // early when the table goes away or the engine shuts down.
  Status Backfill(const std::string& table_name, uint64_t table_id,
                  const std::vector<uint32_t>& index_ids);

  // Marks the indexes ACTIVE in the table's definition, if both still exist.
  Status ActivateIndexes(const std::string& table_name, uint64_t table_id,
                         const std::vector<uint32_t>& index_ids);

  // --- snapshots (engine_snapshots.cc) ---
 public:
  Result<SnapshotInfo> CreateSnapshot(std::string_view name, SnapshotKind kind, std::string label);
  std::vector<SnapshotInfo> ListSnapshots() const;
  std::optional<SnapshotInfo> FindSnapshot(uint64_t snapshot_id) const;
  Status DeleteSnapshot(uint64_t snapshot_id);
  std::vector<RetiredTable> ListRetiredTables() const;
  Status ReadRestoreSource(const Engine::RestoreSource& source,
                           const std::function<Result<bool>(model::Item item)>& visit) const;
  Result<TablePtr> RestoreTable(model::TableDef def, const Engine::RestoreSource& source);
  Status PutExportRecord(std::string_view export_id, std::string_view record);
  Result<std::vector<std::string>> ListExportRecords() const;

  // --- database snapshots, reset, virtual clock (engine_admin.cc) ---
  Result<DatabaseSnapshotInfo> CreateDatabaseSnapshot(std::string name);
  std::vector<DatabaseSnapshotInfo> ListDatabaseSnapshots() const;
  std::optional<DatabaseSnapshotInfo> FindDatabaseSnapshot(std::string_view name) const;
  Status DeleteDatabaseSnapshot(std::string_view name);
  Result<std::vector<TablePtr>> RestoreDatabaseSnapshot(std::string_view name);
  Result<std::vector<TablePtr>> ResetTables();
  Result<std::optional<int64_t>> LoadVirtualClock() const;
  Status SaveVirtualClock(int64_t micros);

 private:
  Status LoadDatabaseSnapshots();
  // Copies the data records of `tables` as of `snapshot` under database
  // snapshot `snapshot_id`, and sets each table's counts.
  Status CopyTablesOut(uint64_t snapshot_id, const rocksdb::Snapshot* snapshot,
                       std::vector<DatabaseSnapshotTable>* tables);
  // Writes the data records of database snapshot `snapshot_id` under the
  // table ids `new_ids` maps the snapshot's ids to.
  Status CopyTablesIn(uint64_t snapshot_id, const std::map<uint64_t, uint64_t>& new_ids);
  // Deletes the base snapshots of point-in-time recovery of the tables in
  // `table_ids` numbered before `sequence`, then takes a first base of each
  // table of `tables` with point-in-time recovery.
  Status RestartPitr(const std::set<uint64_t>& table_ids, uint64_t sequence,
                     const std::vector<TablePtr>& tables);

  Status LoadSnapshots();
  // A snapshot's instant: its facts and a RocksDB snapshot of that instant.
  struct SnapshotPoint {
    SnapshotInfo info;  // without id, counts and sizes
    const rocksdb::Snapshot* snapshot = nullptr;
  };
  // Marks the instant for a snapshot of `table`. Requires catalog_mu_
  // exclusively, so that no item write is in flight.
  SnapshotPoint MarkSnapshot(const model::TableDef& table, SnapshotKind kind, std::string label);
  // Copies the items as of `point` into a new snapshot; releases the RocksDB snapshot.
  Result<SnapshotInfo> FillSnapshot(SnapshotPoint point);
  // Deletes every record of a table id that was never published or is gone:
  // items, index entries, statistics.
  Status DropTableData(uint64_t table_id);
  // Maintains one table's (live or retired) point-in-time history; sets
  // `*cut` to the sequence number below which it needs no record.
  // `table_bases`: the table's base snapshots, oldest first.
  Status MaintainPitr(const model::TableDef& def, bool live, int64_t now,
                      const std::vector<SnapshotInfo>& table_bases, uint64_t* cut);

  void BackfillInBackground(const std::string& table_name, uint64_t table_id,
                            const std::vector<uint32_t>& index_ids);

  Result<std::optional<model::Item>> ReadItem(
      const std::string& record_key, const rocksdb::ReadOptions& ro = rocksdb::ReadOptions()) const;

  static size_t StripeIndex(const std::string& record_key);
  std::mutex& StripeFor(const std::string& record_key) { return stripes_[StripeIndex(record_key)]; }

  // The live definition of `table` (nullptr when it was deleted or
  // replaced by a table of the same name), not the caller's copy: an index
  // published since the request looked the table up must be maintained too.
  // Requires catalog_mu_.
  const model::TableDef* LiveTable(const model::TableDef& table) const;

  // How much a write grows (or shrinks) one item collection.
  struct CollectionGrowth {
    std::string stats_key;  // ItemCollectionStatsKey; empty: the table has no local index
    int64_t bytes = 0;
  };

  // Adds to `batch` what `decision` does to the item at `record_key`, whose
  // value is `current`: the item record, the table's statistics, every index
  // entry and the item collection's size. Adds nothing when nothing changes.
  // In a table that logs changes, a real change (not a rewrite of the same
  // item) also becomes a record in `changes`, without its sequence number.
  CollectionGrowth AddItemChange(rocksdb::WriteBatch* batch, const model::TableDef& live,
                                 const std::string& record_key,
                                 const std::optional<model::Item>& current,
                                 const WriteDecision& decision,
                                 std::vector<ChangeRecord>* changes) const;

  // The change-log record of `decision` on an item whose value is `current`,
  // or nullopt when nothing changes.
  std::optional<ChangeRecord> ChangeOf(const model::TableDef& live,
                                       const std::optional<model::Item>& current,
                                       const WriteDecision& decision) const;

  // Writes `batch` with the change-log records of `logged` (table id, record),
  // numbered now. Readers see a record only once every write numbered before
  // it is done (VisibleSequence), so none is skipped.
  Status WriteWithChanges(rocksdb::WriteBatch* batch,
                          const std::vector<std::pair<uint64_t, ChangeRecord*>>& logged);
  Status WriteWithChanges(rocksdb::WriteBatch* batch, uint64_t table_id,
                          std::vector<ChangeRecord>* changes);

  // Gives the streams a definition enables or disables their sequence-number
  // bounds. Requires catalog_mu_ exclusively: no write is in flight.
  void PlaceStreams(model::TableDef* def);

  // kItemCollectionSizeLimitExceeded when growing the collection of
  // `stats_key` by `bytes` passes the limit. Writes to other items of the
  // collection may race this check, so a collection can pass the limit by
  // at most what those concurrent writes add.
  Status CheckCollectionLimit(const std::string& stats_key, int64_t bytes) const;

  // --- transaction claims ---
  // An item a transaction is applying is "claimed" from before it locks
  // anything until after its batch is written. Single writes and other
  // transactions that meet a claim get TransactionConflict, as DynamoDB
  // reports a collision with an in-flight transaction; they never wait on it.

  bool IsHeldByTransaction(const std::string& record_key) const;

  // Claims all of `record_keys`, or none: false (with kTransactionConflict
  // in `reasons` for each item already claimed) when any is taken.
  bool Claim(const std::vector<std::string>& record_keys, std::vector<Status>* reasons);

  void Unclaim(const std::vector<std::string>& record_keys);

  struct ClaimRelease {
    Impl* impl;
    const std::vector<std::string>* keys;
    ~ClaimRelease() { impl->Unclaim(*keys); }
  };

  Status CheckFormat();

  Status LoadCatalog();

  // The next sequence number: past every record and stream bound on disk.
  // Streams of an older catalog record start here, and are saved so.
  Status InitSequences();

  // Databases written before item collections were measured lack their
  // records: they are computed once, at open, for every table with local
  // indexes (a scan of those tables), then a meta record marks them present.
  Status EnsureCollectionStats();

  EngineOptions options_;
  const Clock* clock_;
  std::unique_ptr<rocksdb::Env> env_;  // the in-memory or encrypted Env, if not the default; outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;

  // Item writes take catalog_mu_ shared through LockCatalogForWrite, catalog
  // changes exclusively through LockCatalogExclusive; both pass this
  // turnstile, which a catalog change holds while it waits. A waiting change
  // thus stops new writes from entering, and a steady stream of writes, each
  // holding the lock shared across its RocksDB write, cannot starve it.
  mutable std::mutex catalog_turnstile_;
  std::shared_lock<std::shared_mutex> LockCatalogForWrite() const {
    { std::lock_guard turnstile(catalog_turnstile_); }
    return std::shared_lock(catalog_mu_);
  }
  std::unique_lock<std::shared_mutex> LockCatalogExclusive() {
    std::lock_guard turnstile(catalog_turnstile_);
    return std::unique_lock(catalog_mu_);
  }
  mutable std::shared_mutex catalog_mu_;
  std::map<std::string, TablePtr, std::less<>> tables_;  // GUARDED_BY(catalog_mu_)
  uint64_t next_table_id_ = 1;                           // GUARDED_BY(catalog_mu_)

  std::array<std::mutex, kLockStripes> stripes_;

  mutable std::mutex sequence_mu_;
  uint64_t next_sequence_ = 1;    // GUARDED_BY(sequence_mu_): the next change-log record's
  std::set<uint64_t> in_flight_;  // GUARDED_BY(sequence_mu_): first numbers of unfinished writes

  mutable std::mutex claims_mu_;
  std::unordered_set<std::string> claims_;  // GUARDED_BY(claims_mu_)
  std::atomic<size_t> active_claims_{0};    // claims_.size(), readable without the lock

  // Deleted tables whose point-in-time history is kept, by table id.
  std::map<uint64_t, RetiredTable> retired_;  // GUARDED_BY(catalog_mu_)

  mutable std::mutex snapshots_mu_;
  std::map<uint64_t, SnapshotInfo> snapshots_;  // GUARDED_BY(snapshots_mu_), by id
  uint64_t next_snapshot_id_ = 1;               // GUARDED_BY(snapshots_mu_)

  // Serialises database snapshots, restores, resets and MaintainHistory: each
  // reads or rewrites many tables' records and histories. Taken before any
  // other lock.
  std::mutex admin_mu_;
  mutable std::mutex db_snapshots_mu_;
  std::map<uint64_t, DatabaseSnapshotInfo> db_snapshots_;  // GUARDED_BY(db_snapshots_mu_), by id
  uint64_t next_db_snapshot_id_ = 1;                       // GUARDED_BY(db_snapshots_mu_)

  std::atomic<bool> stopping_{false};
  std::vector<std::thread> backfills_;  // joined at destruction; GUARDED_BY(catalog_mu_) to add
};

}  // namespace stator::storage

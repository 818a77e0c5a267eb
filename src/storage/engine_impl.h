// Engine::Impl: the engine's state and mechanisms, shared by the files that
// implement the engine (engine.cc: catalog, items, transactions, change log;
// engine_snapshots.cc: snapshots and restores). Private to the storage module:
// nothing outside src/storage includes it.
//
// Thread-safety: as Engine (storage/engine.h).
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
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

// Adds to `batch` what turning `old_item` into `new_item` (either may be
// absent) changes in every index of `table`, with the index statistics.
// Returns how many bytes the local-index entries grew by (or shrank: < 0).
inline int64_t AddIndexChanges(rocksdb::WriteBatch* batch, const model::TableDef& table,
                               const std::optional<model::Item>& old_item,
                               const std::optional<model::Item>& new_item) {
  int64_t local_bytes = 0;
  auto change = [&](const model::IndexDef& index, bool local) {
    std::optional<std::string> old_key =
        old_item ? IndexEntryKey(table, index, *old_item) : std::nullopt;
    std::optional<std::string> new_key =
        new_item ? IndexEntryKey(table, index, *new_item) : std::nullopt;
    if (!old_key && !new_key) return;
    // An ALL index stores the item itself: no projected copy is made.
    const bool all = index.projection.type == model::ProjectionType::kAll;
    int64_t count = 0;
    int64_t bytes = 0;
    model::Item old_projected;
    const model::Item* old_entry = nullptr;
    if (old_key) {
      if (!all) old_projected = model::ProjectForIndex(table, index, *old_item);
      old_entry = all ? &*old_item : &old_projected;
      count -= 1;
      bytes -= static_cast<int64_t>(model::ItemSize(*old_entry));
    }
    if (new_key) {
      model::Item new_projected;
      if (!all) new_projected = model::ProjectForIndex(table, index, *new_item);
      const model::Item& entry = all ? *new_item : new_projected;
      count += 1;
      bytes += static_cast<int64_t>(model::ItemSize(entry));
      if (!old_key || *old_key != *new_key || !(entry == *old_entry)) {
        std::string value;
        model::EncodeItem(entry, &value);
        batch->Put(*new_key, value);
      }
    }
    if (old_key && (!new_key || *old_key != *new_key)) batch->Delete(*old_key);
    if (count != 0 || bytes != 0) {
      batch->Merge(IndexStatsKey(table.table_id, index.id), EncodeStatsDelta(count, bytes));
    }
    if (local) local_bytes += bytes;
  };
  for (const auto& index : table.local_indexes) change(index, true);
  for (const auto& index : table.global_indexes) change(index, false);
  return local_bytes;
}
inline constexpr std::string_view kFormatKeyName = "format";
inline constexpr std::string_view kNextTableIdName = "next_table_id";
inline constexpr std::string_view kCollectionStatsName = "collection_stats";
inline constexpr std::string_view kNextSnapshotIdName = "next_snapshot_id";

class Engine::Impl {
 public:
  Impl(EngineOptions options, const Clock* clock) : options_(std::move(options)), clock_(clock) {}

  ~Impl() {
    stopping_ = true;
    for (auto& t : backfills_) t.join();
    if (db_ != nullptr) {
      Flush().IgnoreError();
      db_->Close().PermitUncheckedError();
    }
  }

  Status Open() {
    rocksdb::Options opts;
    opts.create_if_missing = true;
    opts.merge_operator = NewStatsMergeOperator();
    opts.write_buffer_size = options_.write_buffer_bytes;
    opts.max_background_jobs = 2;
    opts.enable_pipelined_write = true;
    rocksdb::BlockBasedTableOptions table_options;
    table_options.block_cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
    table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table_options.whole_key_filtering = true;
    opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
    std::string path = options_.path;
    if (options_.in_memory) {
      mem_env_.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
      opts.env = mem_env_.get();
      path = "/stator-in-memory";
    }
    write_options_.sync = options_.sync && !options_.in_memory;
    write_options_.disableWAL = options_.in_memory;

    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open(opts, path, &db);
    if (!s.ok()) return Status::IOError("cannot open data directory " + path + ": " + s.ToString());
    db_.reset(db);
    STATOR_RETURN_IF_ERROR(CheckFormat());
    STATOR_RETURN_IF_ERROR(LoadCatalog());
    STATOR_RETURN_IF_ERROR(LoadSnapshots());
    return InitSequences();
  }

  // --- catalog ---

  std::vector<TablePtr> ListTables() const {
    std::shared_lock lock(catalog_mu_);
    std::vector<TablePtr> out;
    out.reserve(tables_.size());
    for (const auto& [name, def] : tables_) out.push_back(def);
    return out;
  }

  TablePtr FindTable(std::string_view name) const {
    std::shared_lock lock(catalog_mu_);
    auto it = tables_.find(name);
    return it == tables_.end() ? nullptr : it->second;
  }

  Result<TablePtr> CreateTable(model::TableDef def) {
    std::unique_lock lock(catalog_mu_);
    if (tables_.count(def.name) != 0) {
      return Status::ResourceInUse("Table already exists: " + def.name);
    }
    def.table_id = next_table_id_;
    def.next_index_id = 1;
    for (auto* indexes : {&def.local_indexes, &def.global_indexes}) {
      for (auto& index : *indexes) {
        index.id = def.next_index_id++;
        index.status = model::IndexStatus::kActive;  // a new table has nothing to backfill
      }
    }
    PlaceStreams(&def);
    rocksdb::WriteBatch batch;
    std::string next;
    PutFixed64BE(&next, next_table_id_ + 1);
    batch.Put(MetaKey(kNextTableIdName), next);
    batch.Put(CatalogKey(def.name), EncodeTableDef(def));
    STATOR_RETURN_IF_ERROR(Write(&batch));
    ++next_table_id_;
    auto ptr = std::make_shared<const model::TableDef>(std::move(def));
    tables_[ptr->name] = ptr;
    return ptr;
  }

  Result<TablePtr> ReplaceTable(model::TableDef def, const TablePtr& expected) {
    std::unique_lock lock(catalog_mu_);
    auto it = tables_.find(def.name);
    if (it == tables_.end() || it->second->table_id != def.table_id) {
      return Status::ResourceNotFound("Requested resource not found: Table: " + def.name +
                                      " not found");
    }
    if (expected != nullptr && it->second != expected) {
      return Status(Code::kAborted, "table definition changed concurrently");
    }
    const model::TableDef& old = *it->second;
    def.next_index_id = std::max(def.next_index_id, old.next_index_id);
    std::vector<uint32_t> to_backfill;
    for (auto* indexes : {&def.local_indexes, &def.global_indexes}) {
      for (auto& index : *indexes) {
        if (index.id != 0) continue;
        index.id = def.next_index_id++;
        if (index.status == model::IndexStatus::kCreating) to_backfill.push_back(index.id);
      }
    }
    PlaceStreams(&def);
    rocksdb::WriteBatch batch;
    batch.Put(CatalogKey(def.name), EncodeTableDef(def));
    ForEachIndex(old, [&](const model::IndexDef& gone) {
      bool kept = false;
      ForEachIndex(def, [&](const model::IndexDef& index) { kept |= index.id == gone.id; });
      if (kept) return;
      batch.DeleteRange(IndexEntriesBegin(def.table_id, gone.id),
                        IndexEntriesEnd(def.table_id, gone.id));
      batch.Delete(IndexStatsKey(def.table_id, gone.id));
    });
    STATOR_RETURN_IF_ERROR(Write(&batch));
    auto ptr = std::make_shared<const model::TableDef>(std::move(def));
    it->second = ptr;
    if (!to_backfill.empty()) {
      backfills_.emplace_back([this, name = ptr->name, id = ptr->table_id, to_backfill] {
        BackfillInBackground(name, id, to_backfill);
      });
    }
    return ptr;
  }

  Status DeleteTable(std::string_view name, const std::optional<std::string>& final_snapshot) {
    std::unique_lock lock(catalog_mu_);
    auto it = tables_.find(name);
    if (it == tables_.end()) {
      return Status::ResourceNotFound("Requested resource not found: Table: " + std::string(name) +
                                      " not found");
    }
    uint64_t id = it->second->table_id;
    std::optional<SnapshotPoint> last;
    if (final_snapshot) last = MarkSnapshot(*it->second, SnapshotKind::kSystem, *final_snapshot);
    rocksdb::WriteBatch batch;
    batch.Delete(CatalogKey(name));
    batch.DeleteRange(TableStatsKey(id), TableStatsEnd(id));
    batch.DeleteRange(TableItemsBegin(id), TableItemsEnd(id));
    batch.DeleteRange(TableIndexesBegin(id), TableIndexesEnd(id));
    std::optional<RetiredTable> retired;
    const int64_t now = clock_->NowMicros();
    bool live_streams = false;  // readable for 24 hours after the deletion, as DynamoDB's
    for (const model::StreamDef& st : it->second->streams) {
      live_streams |= st.enabled() || st.disabled_micros + model::kStreamRetentionMicros > now;
    }
    if (it->second->pitr.enabled || live_streams) {
      // Its history stays: restorable for the recovery period, and its
      // streams readable, now disabled, for their 24 hours.
      retired = RetiredTable{*it->second, now};
      for (model::StreamDef& st : retired->table.streams) {
        if (!st.enabled()) continue;
        st.disabled_micros = now;
        std::lock_guard seq_lock(sequence_mu_);
        st.end_sequence = next_sequence_;
      }
      batch.Put(RetiredTableKey(id), EncodeRetiredTable(*retired));
    } else {
      batch.DeleteRange(TableChangesBegin(id), TableChangesEnd(id));
    }
    Status written = Write(&batch);
    if (!written.ok()) {
      if (last) db_->ReleaseSnapshot(last->snapshot);
      return written;
    }
    tables_.erase(it);
    if (retired) retired_[id] = std::move(*retired);
    lock.unlock();
    // The copy reads the instant before the deletion, without blocking writers.
    if (last) return FillSnapshot(std::move(*last)).status();
    return Status::OK();
  }

  TableStats GetStats(uint64_t table_id) const { return ReadStats(TableStatsKey(table_id)); }
  TableStats GetIndexStats(uint64_t table_id, uint32_t index_id) const {
    return ReadStats(IndexStatsKey(table_id, index_id));
  }
  int64_t ItemCollectionBytes(uint64_t table_id, const model::AttributeValue& partition) const {
    return ReadStats(ItemCollectionStatsKey(table_id, partition)).size_bytes;
  }

  uint64_t VisibleSequence() const {
    std::lock_guard lock(sequence_mu_);
    return in_flight_.empty() ? next_sequence_ - 1 : *in_flight_.begin() - 1;
  }

  Status ReadChanges(uint64_t table_id, uint64_t from, uint64_t end,
                     const ChangeVisitor& visit) const {
    from = std::max<uint64_t>(from, 1);  // 0 names the trim point, not a record
    end = std::min(end, VisibleSequence() + 1);
    if (from >= end) return Status::OK();
    rocksdb::ReadOptions ro;
    const std::string lower = ChangeKey(table_id, from);
    const std::string upper = ChangeKey(table_id, end);
    rocksdb::Slice lower_slice(lower);
    rocksdb::Slice upper_slice(upper);
    ro.iterate_lower_bound = &lower_slice;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      STATOR_ASSIGN_OR_RETURN(
          ChangeRecord r,
          DecodeChangeRecord(std::string_view(it->key().data(), it->key().size()),
                             std::string_view(it->value().data(), it->value().size())));
      STATOR_ASSIGN_OR_RETURN(bool more, visit(r));
      if (!more) break;
    }
    return FromRocks(it->status());
  }

  Status TrimChanges(uint64_t table_id, int64_t before_micros) {
    return TrimChangesBelow(table_id, CutBefore(table_id, before_micros));
  }

  // One past the table's last record made before `micros` (0: none). Records
  // are in time order within a table (numbered as they are written), so the
  // records before a time are a prefix.
  uint64_t CutBefore(uint64_t table_id, int64_t micros) const {
    uint64_t cut = 0;
    ReadChanges(table_id, 0, UINT64_MAX, [&](const ChangeRecord& r) {
      if (r.micros >= micros) return Result<bool>(false);
      cut = r.sequence + 1;
      return Result<bool>(true);
    }).IgnoreError();
    return cut;
  }

  // Deletes the table's records numbered below `cut` and moves its trim point
  // past the last of them (it never moves past records that do not exist, so
  // a reader's position beyond them stays valid).
  Status TrimChangesBelow(uint64_t table_id, uint64_t cut) {
    cut = std::min(cut, VisibleSequence() + 1);
    if (cut <= 1) return Status::OK();
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    it->SeekForPrev(ChangeKey(table_id, cut - 1));
    if (!it->Valid()) return FromRocks(it->status());
    const std::string first = ChangeKey(table_id, 1);
    if (it->key().compare(first) < 0) return Status::OK();
    std::string_view last_key(it->key().data(), it->key().size());
    last_key.remove_prefix(first.size() - 8);
    uint64_t last = 0;
    if (!GetFixed64BE(&last_key, &last)) return Status::Corruption("bad change-log key");
    if (last + 1 <= TrimmedBelow(table_id)) return Status::OK();
    rocksdb::WriteBatch batch;
    batch.DeleteRange(first, ChangeKey(table_id, last + 1));
    std::string point;
    PutFixed64BE(&point, last + 1);
    batch.Put(ChangeKey(table_id, 0), point);
    return Write(&batch);
  }

  Status MaintainHistory();

  uint64_t TrimmedBelow(uint64_t table_id) const {
    std::string value;
    if (!db_->Get(rocksdb::ReadOptions(), ChangeKey(table_id, 0), &value).ok()) return 0;
    std::string_view in(value);
    uint64_t cut = 0;
    return GetFixed64BE(&in, &cut) ? cut : 0;
  }

  TableStats ReadStats(const std::string& key,
                       const rocksdb::ReadOptions& ro = rocksdb::ReadOptions()) const {
    TableStats stats;
    std::string value;
    if (db_->Get(ro, key, &value).ok()) {
      if (!DecodeStats(value, &stats.item_count, &stats.size_bytes)) stats = {};
    }
    return stats;
  }

  // --- items ---

  Result<std::optional<model::Item>> GetItem(const model::TableDef& table,
                                             const model::Item& key) const {
    return ReadItem(ItemKey(table, key));
  }

  Status Mutate(const model::TableDef& table, const model::Item& key, const Mutator& mutator,
                bool by_service) {
    std::string record_key = ItemKey(table, key);
    // The catalog lock (shared) keeps DeleteTable from interleaving with the
    // write, so no item can be written under a table id after its deletion.
    std::shared_lock catalog_lock(catalog_mu_);
    const model::TableDef* live = LiveTable(table);
    if (live == nullptr) return Status::ResourceNotFound("Requested resource not found");
    if (IsHeldByTransaction(record_key)) {
      return Status(Code::kTransactionConflict, "Transaction is ongoing for the item");
    }
    std::lock_guard item_lock(StripeFor(record_key));
    STATOR_ASSIGN_OR_RETURN(std::optional<model::Item> current, ReadItem(record_key));
    STATOR_ASSIGN_OR_RETURN(WriteDecision decision, mutator(current));
    rocksdb::WriteBatch batch;
    std::vector<ChangeRecord> changes;
    CollectionGrowth growth = AddItemChange(&batch, *live, record_key, current, decision, &changes);
    for (ChangeRecord& r : changes) r.by_service = by_service;
    if (batch.Count() == 0) return Status::OK();
    STATOR_RETURN_IF_ERROR(CheckCollectionLimit(growth.stats_key, growth.bytes));
    return WriteWithChanges(&batch, live->table_id, &changes);
  }

  Status Transact(const std::vector<TransactionWrite>& writes, std::vector<Status>* reasons) {
    reasons->assign(writes.size(), Status::OK());
    bool refused = false;
    std::vector<size_t> addressed;  // the writes that were not refused up front
    std::vector<std::string> record_keys;
    for (size_t i = 0; i < writes.size(); ++i) {
      if (!writes[i].refusal.ok()) {
        (*reasons)[i] = writes[i].refusal;
        refused = true;
        continue;
      }
      addressed.push_back(i);
      record_keys.push_back(ItemKey(*writes[i].table, writes[i].key));
    }

    std::shared_lock catalog_lock(catalog_mu_);
    std::vector<const model::TableDef*> live;
    for (size_t i : addressed) {
      live.push_back(LiveTable(*writes[i].table));
      if (live.back() == nullptr) return Status::ResourceNotFound("Requested resource not found");
    }
    // Claim every item for this transaction: an item another transaction
    // holds is a conflict, reported for that item alone.
    std::vector<Status> conflicts(record_keys.size());
    if (!Claim(record_keys, &conflicts)) {
      for (size_t k = 0; k < addressed.size(); ++k) (*reasons)[addressed[k]] = conflicts[k];
      return Status(Code::kTransactionCanceled, "");
    }
    ClaimRelease release{this, &record_keys};

    std::vector<size_t> stripes;
    for (const std::string& key : record_keys) stripes.push_back(StripeIndex(key));
    std::sort(stripes.begin(), stripes.end());
    stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
    // Ascending stripe order everywhere a thread holds more than one stripe,
    // so transactions never deadlock with each other or with single writes.
    std::vector<std::unique_lock<std::mutex>> locks;
    locks.reserve(stripes.size());
    for (size_t s : stripes) locks.emplace_back(stripes_[s]);

    std::vector<std::optional<model::Item>> current(addressed.size());
    std::vector<WriteDecision> decisions(addressed.size());
    for (size_t k = 0; k < addressed.size(); ++k) {
      STATOR_ASSIGN_OR_RETURN(current[k], ReadItem(record_keys[k]));
      Result<WriteDecision> decision = writes[addressed[k]].mutator(current[k]);
      if (!decision.ok()) {
        (*reasons)[addressed[k]] = decision.status();
        refused = true;
        continue;
      }
      decisions[k] = std::move(decision).value();
    }
    if (refused) return Status(Code::kTransactionCanceled, "");
    rocksdb::WriteBatch batch;
    std::vector<CollectionGrowth> growth(addressed.size());
    std::map<std::string, int64_t> collections;  // stats key -> the transaction's growth
    std::vector<std::vector<ChangeRecord>> changes(addressed.size());
    for (size_t k = 0; k < addressed.size(); ++k) {
      growth[k] =
          AddItemChange(&batch, *live[k], record_keys[k], current[k], decisions[k], &changes[k]);
      if (!growth[k].stats_key.empty()) collections[growth[k].stats_key] += growth[k].bytes;
    }
    for (size_t k = 0; k < addressed.size(); ++k) {
      if (growth[k].bytes <= 0) continue;
      Status s = CheckCollectionLimit(growth[k].stats_key, collections[growth[k].stats_key]);
      if (!s.ok()) {
        (*reasons)[addressed[k]] = s;
        refused = true;
      }
    }
    if (refused) return Status(Code::kTransactionCanceled, "");
    if (batch.Count() == 0) return Status::OK();
    std::vector<std::pair<uint64_t, ChangeRecord*>> logged;  // table id, record
    for (size_t k = 0; k < addressed.size(); ++k) {
      for (ChangeRecord& r : changes[k]) logged.emplace_back(live[k]->table_id, &r);
    }
    return WriteWithChanges(&batch, logged);
  }

  Status ReadConsistent(const std::vector<TransactionRead>& reads,
                        std::vector<std::optional<model::Item>>* items,
                        std::vector<Status>* reasons) const {
    reasons->assign(reads.size(), Status::OK());
    items->assign(reads.size(), std::nullopt);
    std::vector<std::string> record_keys(reads.size());
    bool refused = false;
    for (size_t i = 0; i < reads.size(); ++i) {
      if (!reads[i].refusal.ok()) {
        (*reasons)[i] = reads[i].refusal;
        refused = true;
      } else {
        record_keys[i] = ItemKey(*reads[i].table, reads[i].key);
      }
    }
    {
      std::lock_guard lock(claims_mu_);
      for (size_t i = 0; i < reads.size(); ++i) {
        if (reads[i].refusal.ok() && claims_.count(record_keys[i]) != 0) {
          (*reasons)[i] = Status(Code::kTransactionConflict, "Transaction is ongoing for the item");
          refused = true;
        }
      }
    }
    if (refused) return Status(Code::kTransactionCanceled, "");
    // Every write is one atomic batch, so a snapshot holds all of a
    // transaction's writes or none of them.
    std::shared_lock catalog_lock(catalog_mu_);
    for (const TransactionRead& r : reads) {
      if (LiveTable(*r.table) == nullptr) {
        return Status::ResourceNotFound("Requested resource not found");
      }
    }
    const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    Status status;
    for (size_t i = 0; i < reads.size() && status.ok(); ++i) {
      auto item = ReadItem(record_keys[i], ro);
      if (!item.ok()) {
        status = item.status();
      } else {
        (*items)[i] = std::move(item).value();
      }
    }
    db_->ReleaseSnapshot(snapshot);
    return status;
  }

  Status Iterate(const ReadRange& range, const RecordVisitor& visit) const {
    rocksdb::ReadOptions ro;
    rocksdb::Slice lower(range.begin);
    rocksdb::Slice upper(range.end);
    ro.iterate_lower_bound = &lower;
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    if (range.reverse) {
      it->SeekToLast();
    } else {
      it->SeekToFirst();
    }
    while (it->Valid()) {
      auto item = model::DecodeItem(std::string_view(it->value().data(), it->value().size()));
      if (!item.ok()) return item.status();
      STATOR_ASSIGN_OR_RETURN(bool more, visit(std::string_view(it->key().data(), it->key().size()),
                                               std::move(item).value()));
      if (!more) break;
      if (range.reverse) {
        it->Prev();
      } else {
        it->Next();
      }
    }
    return FromRocks(it->status());
  }

  Status Flush() {
    if (options_.in_memory) return Status::OK();
    return FromRocks(db_->FlushWAL(/*sync=*/true));
  }

 private:
  Status Write(rocksdb::WriteBatch* batch) { return FromRocks(db_->Write(write_options_, batch)); }

  // Writes the entries the indexes `index_ids` of the table lack, item by
  // item under the item's lock, from a snapshot of the table's records.
  // Items written meanwhile are maintained by Mutate (the indexes are
  // already published), so an entry already present is left alone. Stops
  // early when the table goes away or the engine shuts down.
  Status Backfill(const std::string& table_name, uint64_t table_id,
                  const std::vector<uint32_t>& index_ids) {
    rocksdb::ReadOptions ro;
    const std::string begin = TableItemsBegin(table_id);
    const std::string end = TableItemsEnd(table_id);
    rocksdb::Slice lower(begin);
    rocksdb::Slice upper(end);
    ro.iterate_lower_bound = &lower;
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    for (it->SeekToFirst(); it->Valid() && !stopping_; it->Next()) {
      const std::string record_key = it->key().ToString();
      std::shared_lock catalog_lock(catalog_mu_);
      auto t = tables_.find(table_name);
      if (t == tables_.end() || t->second->table_id != table_id) return Status::OK();
      const model::TableDef& live = *t->second;
      std::lock_guard item_lock(StripeFor(record_key));
      STATOR_ASSIGN_OR_RETURN(std::optional<model::Item> current, ReadItem(record_key));
      if (!current) continue;
      rocksdb::WriteBatch batch;
      for (const auto* indexes : {&live.local_indexes, &live.global_indexes}) {
        for (const auto& index : *indexes) {
          if (std::find(index_ids.begin(), index_ids.end(), index.id) == index_ids.end()) continue;
          // Items whose key attributes have the wrong type or are empty are
          // skipped, as DynamoDB's backfill does.
          std::optional<std::string> key = IndexEntryKey(live, index, *current);
          if (!key) continue;
          std::string existing;
          if (db_->Get(rocksdb::ReadOptions(), *key, &existing).ok()) continue;
          model::Item entry = model::ProjectForIndex(live, index, *current);
          std::string value;
          model::EncodeItem(entry, &value);
          batch.Put(*key, value);
          batch.Merge(IndexStatsKey(table_id, index.id),
                      EncodeStatsDelta(1, static_cast<int64_t>(model::ItemSize(entry))));
        }
      }
      if (batch.Count() > 0) STATOR_RETURN_IF_ERROR(Write(&batch));
    }
    return FromRocks(it->status());
  }

  // Marks the indexes ACTIVE in the table's definition, if both still exist.
  Status ActivateIndexes(const std::string& table_name, uint64_t table_id,
                         const std::vector<uint32_t>& index_ids) {
    std::unique_lock lock(catalog_mu_);
    auto t = tables_.find(table_name);
    if (t == tables_.end() || t->second->table_id != table_id) return Status::OK();
    model::TableDef def = *t->second;
    for (auto* indexes : {&def.local_indexes, &def.global_indexes}) {
      for (auto& index : *indexes) {
        if (std::find(index_ids.begin(), index_ids.end(), index.id) != index_ids.end()) {
          index.status = model::IndexStatus::kActive;
        }
      }
    }
    rocksdb::WriteBatch batch;
    batch.Put(CatalogKey(def.name), EncodeTableDef(def));
    STATOR_RETURN_IF_ERROR(Write(&batch));
    t->second = std::make_shared<const model::TableDef>(std::move(def));
    return Status::OK();
  }

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

 private:
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
  Status MaintainPitr(const model::TableDef& def, bool live, int64_t now, uint64_t* cut);

  void BackfillInBackground(const std::string& table_name, uint64_t table_id,
                            const std::vector<uint32_t>& index_ids) {
    Status s = Backfill(table_name, table_id, index_ids);
    if (s.ok() && !stopping_) s = ActivateIndexes(table_name, table_id, index_ids);
    // A failed backfill leaves the index CREATING; the next start retries it.
    (void)s;
  }

  Result<std::optional<model::Item>> ReadItem(
      const std::string& record_key,
      const rocksdb::ReadOptions& ro = rocksdb::ReadOptions()) const {
    rocksdb::PinnableSlice value;
    auto s = db_->Get(ro, db_->DefaultColumnFamily(), record_key, &value);
    if (s.IsNotFound()) return std::optional<model::Item>();
    if (!s.ok()) return FromRocks(s);
    auto item = model::DecodeItem(std::string_view(value.data(), value.size()));
    if (!item.ok()) return item.status();
    return std::optional<model::Item>(std::move(item).value());
  }

  static size_t StripeIndex(const std::string& record_key) {
    return std::hash<std::string>()(record_key) % kLockStripes;
  }
  std::mutex& StripeFor(const std::string& record_key) { return stripes_[StripeIndex(record_key)]; }

  // The live definition of `table` (nullptr when it was deleted or
  // replaced by a table of the same name), not the caller's copy: an index
  // published since the request looked the table up must be maintained too.
  // Requires catalog_mu_.
  const model::TableDef* LiveTable(const model::TableDef& table) const {
    auto it = tables_.find(table.name);
    if (it == tables_.end() || it->second->table_id != table.table_id) return nullptr;
    return it->second.get();
  }

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
                                 std::vector<ChangeRecord>* changes) const {
    CollectionGrowth growth;
    if (live.logs_changes()) {
      std::optional<ChangeRecord> r = ChangeOf(live, current, decision);
      if (r) changes->push_back(std::move(*r));
    }
    int64_t old_size = current ? static_cast<int64_t>(model::ItemSize(*current)) : 0;
    const model::Item* any = nullptr;
    switch (decision.kind) {
      case WriteDecision::Kind::kNone:
        return growth;
      case WriteDecision::Kind::kPut: {
        std::string value;
        model::EncodeItem(decision.new_item, &value);
        batch->Put(record_key, value);
        int64_t new_size = static_cast<int64_t>(model::ItemSize(decision.new_item));
        batch->Merge(TableStatsKey(live.table_id),
                     EncodeStatsDelta(current ? 0 : 1, new_size - old_size));
        growth.bytes = new_size - old_size;
        growth.bytes += AddIndexChanges(batch, live, current, decision.new_item);
        any = &decision.new_item;
        break;
      }
      case WriteDecision::Kind::kDelete:
        if (!current) return growth;
        batch->Delete(record_key);
        batch->Merge(TableStatsKey(live.table_id), EncodeStatsDelta(-1, -old_size));
        growth.bytes = -old_size + AddIndexChanges(batch, live, current, std::nullopt);
        any = &*current;
        break;
    }
    if (live.local_indexes.empty()) return growth;
    growth.stats_key = ItemCollectionStatsKey(live.table_id, any->at(live.key.hash.name));
    if (growth.bytes != 0) batch->Merge(growth.stats_key, EncodeStatsDelta(0, growth.bytes));
    return growth;
  }

  // The change-log record of `decision` on an item whose value is `current`,
  // or nullopt when nothing changes.
  std::optional<ChangeRecord> ChangeOf(const model::TableDef& live,
                                       const std::optional<model::Item>& current,
                                       const WriteDecision& decision) const {
    ChangeRecord r;
    const model::Item* any = nullptr;
    switch (decision.kind) {
      case WriteDecision::Kind::kNone:
        return std::nullopt;
      case WriteDecision::Kind::kPut:
        if (current && *current == decision.new_item) return std::nullopt;
        r.event = current ? ChangeEvent::kModify : ChangeEvent::kInsert;
        r.old_image = current;
        r.new_image = decision.new_item;
        any = &decision.new_item;
        break;
      case WriteDecision::Kind::kDelete:
        if (!current) return std::nullopt;
        r.event = ChangeEvent::kRemove;
        r.old_image = current;
        any = &*current;
        break;
    }
    for (const model::KeyElement* e : live.key.Elements())
      r.keys.emplace(e->name, any->at(e->name));
    r.micros = clock_->NowMicros();
    return r;
  }

  // Writes `batch` with the change-log records of `logged` (table id, record),
  // numbered now. Readers see a record only once every write numbered before
  // it is done (VisibleSequence), so none is skipped.
  Status WriteWithChanges(rocksdb::WriteBatch* batch,
                          const std::vector<std::pair<uint64_t, ChangeRecord*>>& logged) {
    if (logged.empty()) return Write(batch);
    uint64_t first = 0;
    {
      std::lock_guard lock(sequence_mu_);
      first = next_sequence_;
      next_sequence_ += logged.size();
      in_flight_.insert(first);
    }
    for (size_t i = 0; i < logged.size(); ++i) {
      logged[i].second->sequence = first + i;
      batch->Put(ChangeKey(logged[i].first, first + i), EncodeChangeRecord(*logged[i].second));
    }
    Status s = Write(batch);
    std::lock_guard lock(sequence_mu_);
    in_flight_.erase(first);
    return s;
  }
  Status WriteWithChanges(rocksdb::WriteBatch* batch, uint64_t table_id,
                          std::vector<ChangeRecord>* changes) {
    std::vector<std::pair<uint64_t, ChangeRecord*>> logged;
    for (ChangeRecord& r : *changes) logged.emplace_back(table_id, &r);
    return WriteWithChanges(batch, logged);
  }

  // Gives the streams a definition enables or disables their sequence-number
  // bounds. Requires catalog_mu_ exclusively: no write is in flight.
  void PlaceStreams(model::TableDef* def) {
    std::lock_guard lock(sequence_mu_);
    for (model::StreamDef& st : def->streams) {
      if (st.first_sequence == 0) st.first_sequence = next_sequence_;
      if (!st.enabled() && st.end_sequence == 0) st.end_sequence = next_sequence_;
    }
  }

  // kItemCollectionSizeLimitExceeded when growing the collection of
  // `stats_key` by `bytes` passes the limit. Writes to other items of the
  // collection may race this check, so a collection can pass the limit by
  // at most what those concurrent writes add.
  Status CheckCollectionLimit(const std::string& stats_key, int64_t bytes) const {
    if (stats_key.empty() || bytes <= 0) return Status::OK();
    if (ReadStats(stats_key).size_bytes + bytes <= options_.item_collection_limit_bytes) {
      return Status::OK();
    }
    return Status(Code::kItemCollectionSizeLimitExceeded, "Item collection size limit exceeded");
  }

  // --- transaction claims ---
  // An item a transaction is applying is "claimed" from before it locks
  // anything until after its batch is written. Single writes and other
  // transactions that meet a claim get TransactionConflict, as DynamoDB
  // reports a collision with an in-flight transaction; they never wait on it.

  bool IsHeldByTransaction(const std::string& record_key) const {
    // Cheap when no transaction runs: single writes then skip the set. A
    // claim made just after this check is still safe: the write then waits
    // for the item's stripe and is ordered before or after the transaction.
    if (active_claims_.load(std::memory_order_acquire) == 0) return false;
    std::lock_guard lock(claims_mu_);
    return claims_.count(record_key) != 0;
  }

  // Claims all of `record_keys`, or none: false (with kTransactionConflict
  // in `reasons` for each item already claimed) when any is taken.
  bool Claim(const std::vector<std::string>& record_keys, std::vector<Status>* reasons) {
    std::lock_guard lock(claims_mu_);
    bool ok = true;
    for (size_t i = 0; i < record_keys.size(); ++i) {
      if (claims_.count(record_keys[i]) != 0) {
        (*reasons)[i] = Status(Code::kTransactionConflict, "Transaction is ongoing for the item");
        ok = false;
      }
    }
    if (!ok) return false;
    for (const std::string& key : record_keys) claims_.insert(key);
    active_claims_.fetch_add(record_keys.size(), std::memory_order_release);
    return true;
  }

  void Unclaim(const std::vector<std::string>& record_keys) {
    std::lock_guard lock(claims_mu_);
    for (const std::string& key : record_keys) claims_.erase(key);
    active_claims_.fetch_sub(record_keys.size(), std::memory_order_release);
  }

  struct ClaimRelease {
    Impl* impl;
    const std::vector<std::string>* keys;
    ~ClaimRelease() { impl->Unclaim(*keys); }
  };

  Status CheckFormat() {
    std::string value;
    auto s = db_->Get(rocksdb::ReadOptions(), MetaKey(kFormatKeyName), &value);
    if (s.IsNotFound()) {
      rocksdb::WriteBatch batch;
      batch.Put(MetaKey(kFormatKeyName), std::string(1, static_cast<char>(kStorageFormatVersion)));
      return Write(&batch);
    }
    STATOR_RETURN_IF_ERROR(FromRocks(s));
    if (value.size() != 1 || static_cast<uint8_t>(value[0]) != kStorageFormatVersion) {
      return Status::Corruption("data directory has an unsupported storage format version");
    }
    return Status::OK();
  }

  Status LoadCatalog() {
    std::string value;
    auto s = db_->Get(rocksdb::ReadOptions(), MetaKey(kNextTableIdName), &value);
    if (s.ok()) {
      std::string_view in(value);
      if (!GetFixed64BE(&in, &next_table_id_)) return Status::Corruption("bad next_table_id");
    } else if (!s.IsNotFound()) {
      return FromRocks(s);
    }
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    std::string prefix = CatalogKey("");
    std::vector<TablePtr> upgraded;  // read from a version 1 record
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      auto def = DecodeTableDef(std::string_view(it->value().data(), it->value().size()));
      if (!def.ok()) return def.status();
      auto ptr = std::make_shared<const model::TableDef>(std::move(def).value());
      tables_[ptr->name] = ptr;
      if (static_cast<uint8_t>(it->value()[0]) == kCatalogFormatV1) upgraded.push_back(ptr);
    }
    STATOR_RETURN_IF_ERROR(FromRocks(it->status()));
    // Version 1 kept no index entries: build them now, before serving.
    for (const TablePtr& table : upgraded) {
      std::vector<uint32_t> ids;
      ForEachIndex(*table, [&](const model::IndexDef& index) { ids.push_back(index.id); });
      if (!ids.empty()) STATOR_RETURN_IF_ERROR(Backfill(table->name, table->table_id, ids));
      rocksdb::WriteBatch batch;
      batch.Put(CatalogKey(table->name), EncodeTableDef(*table));
      STATOR_RETURN_IF_ERROR(Write(&batch));
    }
    STATOR_RETURN_IF_ERROR(EnsureCollectionStats());
    // Backfills a previous run did not finish resume in the background.
    for (const auto& [name, table] : tables_) {
      std::vector<uint32_t> ids;
      ForEachIndex(*table, [&](const model::IndexDef& index) {
        if (index.status == model::IndexStatus::kCreating) ids.push_back(index.id);
      });
      if (ids.empty()) continue;
      backfills_.emplace_back([this, name = table->name, id = table->table_id, ids] {
        BackfillInBackground(name, id, ids);
      });
    }
    return Status::OK();
  }

  // The next sequence number: past every record and stream bound on disk.
  // Streams of an older catalog record start here, and are saved so.
  Status InitSequences() {
    uint64_t next = 1;
    // Past the last record of a table's log (its trim point aside).
    auto past_log = [&](uint64_t table_id) -> Status {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
      it->SeekForPrev(TableChangesEnd(table_id));
      if (it->Valid() && it->key().starts_with(TableChangesBegin(table_id)) &&
          it->key().ToString() != ChangeKey(table_id, 0)) {
        auto r = DecodeChangeRecord(std::string_view(it->key().data(), it->key().size()),
                                    std::string_view(it->value().data(), it->value().size()));
        if (!r.ok()) return r.status();
        next = std::max(next, r->sequence + 1);
      }
      return FromRocks(it->status());
    };
    for (const auto& [name, table] : tables_) {
      for (const auto& st : table->streams) {
        next = std::max({next, st.first_sequence, st.end_sequence});
      }
      STATOR_RETURN_IF_ERROR(past_log(table->table_id));
    }
    for (const auto& [id, retired] : retired_) STATOR_RETURN_IF_ERROR(past_log(id));
    for (const auto& [id, snapshot] : snapshots_) next = std::max(next, snapshot.sequence + 1);
    next_sequence_ = next;
    for (auto& [name, table] : tables_) {
      bool unplaced = false;
      for (const auto& st : table->streams) unplaced |= st.first_sequence == 0;
      if (!unplaced) continue;
      model::TableDef def = *table;
      PlaceStreams(&def);
      rocksdb::WriteBatch batch;
      batch.Put(CatalogKey(def.name), EncodeTableDef(def));
      STATOR_RETURN_IF_ERROR(Write(&batch));
      table = std::make_shared<const model::TableDef>(std::move(def));
    }
    return Status::OK();
  }

  // Databases written before item collections were measured lack their
  // records: they are computed once, at open, for every table with local
  // indexes (a scan of those tables), then a meta record marks them present.
  Status EnsureCollectionStats() {
    std::string marker;
    auto s = db_->Get(rocksdb::ReadOptions(), MetaKey(kCollectionStatsName), &marker);
    if (s.ok()) return Status::OK();
    if (!s.IsNotFound()) return FromRocks(s);
    rocksdb::WriteBatch batch;
    for (const auto& [name, table] : tables_) {
      if (table->local_indexes.empty()) continue;
      std::map<std::string, int64_t> sizes;  // stats key -> bytes
      auto add = [&](const ReadRange& range) {
        return Iterate(range, [&](std::string_view, model::Item item) -> Result<bool> {
          sizes[ItemCollectionStatsKey(table->table_id, item.at(table->key.hash.name))] +=
              static_cast<int64_t>(model::ItemSize(item));
          return true;
        });
      };
      STATOR_RETURN_IF_ERROR(
          add({TableItemsBegin(table->table_id), TableItemsEnd(table->table_id)}));
      for (const auto& index : table->local_indexes) {
        STATOR_RETURN_IF_ERROR(add({IndexEntriesBegin(table->table_id, index.id),
                                    IndexEntriesEnd(table->table_id, index.id)}));
      }
      for (const auto& [key, bytes] : sizes) batch.Put(key, EncodeStatsDelta(0, bytes));
    }
    batch.Put(MetaKey(kCollectionStatsName), std::string(1, '\x01'));
    return Write(&batch);
  }

  EngineOptions options_;
  const Clock* clock_;
  std::unique_ptr<rocksdb::Env> mem_env_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;

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

  std::atomic<bool> stopping_{false};
  std::vector<std::thread> backfills_;  // joined at destruction; GUARDED_BY(catalog_mu_) to add
};

}  // namespace stator::storage

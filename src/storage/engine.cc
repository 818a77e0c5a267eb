// The engine: the catalog, item reads and writes with their index entries,
// statistics and item collections, index backfills; and the public Engine
// forwarding to its Impl.
#include "storage/engine.h"

#include "storage/engine_impl.h"

namespace stator::storage {

namespace {

// Adds to `batch` what turning `old_item` into `new_item` (either may be
// absent) changes in every index of `table`, with the index statistics.
// Returns how many bytes the local-index entries grew by (or shrank: < 0).
int64_t AddIndexChanges(rocksdb::WriteBatch* batch, const model::TableDef& table,
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

}  // namespace

Engine::Impl::~Impl() {
  stopping_ = true;
  for (auto& t : backfills_) t.join();
  if (db_ != nullptr) {
    Flush().IgnoreError();
    db_->Close().PermitUncheckedError();
  }
}

std::vector<TablePtr> Engine::Impl::ListTables() const {
  std::shared_lock lock(catalog_mu_);
  std::vector<TablePtr> out;
  out.reserve(tables_.size());
  for (const auto& [name, def] : tables_) out.push_back(def);
  return out;
}

TablePtr Engine::Impl::FindTable(std::string_view name) const {
  std::shared_lock lock(catalog_mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

Result<TablePtr> Engine::Impl::CreateTable(model::TableDef def) {
  auto lock = LockCatalogExclusive();
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

Result<TablePtr> Engine::Impl::ReplaceTable(model::TableDef def, const TablePtr& expected) {
  auto lock = LockCatalogExclusive();
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

Status Engine::Impl::DeleteTable(std::string_view name,
                                 const std::optional<std::string>& final_snapshot) {
  auto lock = LockCatalogExclusive();
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
    live_streams |= st.ReadableAt(now);
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

TableStats Engine::Impl::GetIndexStats(uint64_t table_id, uint32_t index_id) const {
  return ReadStats(IndexStatsKey(table_id, index_id));
}

int64_t Engine::Impl::ItemCollectionBytes(uint64_t table_id,
                                          const model::AttributeValue& partition) const {
  return ReadStats(ItemCollectionStatsKey(table_id, partition)).size_bytes;
}

TableStats Engine::Impl::ReadStats(const std::string& key, const rocksdb::ReadOptions& ro) const {
  TableStats stats;
  std::string value;
  SkipPerfCounters();
  if (db_->Get(ro, key, &value).ok()) {
    if (!DecodeStats(value, &stats.item_count, &stats.size_bytes)) stats = {};
  }
  return stats;
}

Result<std::optional<model::Item>> Engine::Impl::GetItem(const model::TableDef& table,
                                                         const model::Item& key) const {
  return ReadItem(ItemKey(table, key));
}

Status Engine::Impl::Mutate(const model::TableDef& table, const model::Item& key,
                            const Mutator& mutator, bool by_service) {
  std::string record_key = ItemKey(table, key);
  // The catalog lock (shared) keeps DeleteTable from interleaving with the
  // write, so no item can be written under a table id after its deletion.
  auto catalog_lock = LockCatalogForWrite();
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

Status Engine::Impl::Iterate(const ReadRange& range, const RecordVisitor& visit) const {
  RangeIterator it(db_.get(), range.begin, range.end);
  if (range.reverse) {
    it->SeekToLast();
  } else {
    it->SeekToFirst();
  }
  while (it->Valid()) {
    auto item = model::DecodeItem(it.value());
    if (!item.ok()) return item.status();
    STATOR_ASSIGN_OR_RETURN(bool more, visit(it.key(), std::move(item).value()));
    if (!more) break;
    if (range.reverse) {
      it->Prev();
    } else {
      it->Next();
    }
  }
  return FromRocks(it->status());
}

Status Engine::Impl::Flush() {
  if (options_.in_memory) return Status::OK();
  return FromRocks(db_->FlushWAL(/*sync=*/true));
}

Status Engine::Impl::Backfill(const std::string& table_name, uint64_t table_id,
                              const std::vector<uint32_t>& index_ids) {
  RangeIterator it(db_.get(), TableItemsBegin(table_id), TableItemsEnd(table_id));
  for (it->SeekToFirst(); it->Valid() && !stopping_; it->Next()) {
    const std::string record_key = it->key().ToString();
    auto catalog_lock = LockCatalogForWrite();
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

Status Engine::Impl::ActivateIndexes(const std::string& table_name, uint64_t table_id,
                                     const std::vector<uint32_t>& index_ids) {
  auto lock = LockCatalogExclusive();
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

void Engine::Impl::BackfillInBackground(const std::string& table_name, uint64_t table_id,
                                        const std::vector<uint32_t>& index_ids) {
  Status s = Backfill(table_name, table_id, index_ids);
  if (s.ok() && !stopping_) s = ActivateIndexes(table_name, table_id, index_ids);
  // A failed backfill leaves the index CREATING; the next start retries it.
  (void)s;
}

Result<std::optional<model::Item>> Engine::Impl::ReadItem(const std::string& record_key,
                                                          const rocksdb::ReadOptions& ro) const {
  rocksdb::PinnableSlice value;
  SkipPerfCounters();
  auto s = db_->Get(ro, db_->DefaultColumnFamily(), record_key, &value);
  if (s.IsNotFound()) return std::optional<model::Item>();
  if (!s.ok()) return FromRocks(s);
  auto item = model::DecodeItem(std::string_view(value.data(), value.size()));
  if (!item.ok()) return item.status();
  return std::optional<model::Item>(std::move(item).value());
}

size_t Engine::Impl::StripeIndex(const std::string& record_key) {
  return std::hash<std::string>()(record_key) % kLockStripes;
}

const model::TableDef* Engine::Impl::LiveTable(const model::TableDef& table) const {
  auto it = tables_.find(table.name);
  if (it == tables_.end() || it->second->table_id != table.table_id) return nullptr;
  return it->second.get();
}

Engine::Impl::CollectionGrowth Engine::Impl::AddItemChange(
    rocksdb::WriteBatch* batch, const model::TableDef& live, const std::string& record_key,
    const std::optional<model::Item>& current, const WriteDecision& decision,
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

Status Engine::Impl::CheckCollectionLimit(const std::string& stats_key, int64_t bytes) const {
  if (stats_key.empty() || bytes <= 0) return Status::OK();
  if (ReadStats(stats_key).size_bytes + bytes <= options_.item_collection_limit_bytes) {
    return Status::OK();
  }
  return Status(Code::kItemCollectionSizeLimitExceeded, "Item collection size limit exceeded");
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options, const Clock* clock) {
  auto impl = std::make_unique<Impl>(options, clock);
  STATOR_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

std::vector<TablePtr> Engine::ListTables() const { return impl_->ListTables(); }
TablePtr Engine::FindTable(std::string_view name) const { return impl_->FindTable(name); }
Result<TablePtr> Engine::CreateTable(model::TableDef def) {
  return impl_->CreateTable(std::move(def));
}
Result<TablePtr> Engine::ReplaceTable(model::TableDef def, const TablePtr& expected) {
  return impl_->ReplaceTable(std::move(def), expected);
}
Status Engine::DeleteTable(std::string_view name,
                           const std::optional<std::string>& final_snapshot) {
  return impl_->DeleteTable(name, final_snapshot);
}
TableStats Engine::GetStats(uint64_t table_id) const { return impl_->GetStats(table_id); }
uint64_t Engine::VisibleSequence() const { return impl_->VisibleSequence(); }

Status Engine::ReadChanges(uint64_t table_id, uint64_t from, uint64_t end,
                           const ChangeVisitor& visit) const {
  return impl_->ReadChanges(table_id, from, end, visit);
}

Status Engine::TrimChanges(uint64_t table_id, int64_t before_micros) {
  return impl_->TrimChanges(table_id, before_micros);
}

uint64_t Engine::TrimmedBelow(uint64_t table_id) const { return impl_->TrimmedBelow(table_id); }

Status Engine::MaintainHistory() { return impl_->MaintainHistory(); }
Status Engine::PutExportRecord(std::string_view export_id, std::string_view record) {
  return impl_->PutExportRecord(export_id, record);
}
Result<std::vector<std::string>> Engine::ListExportRecords() const {
  return impl_->ListExportRecords();
}
Result<SnapshotInfo> Engine::CreateSnapshot(std::string_view name, SnapshotKind kind,
                                            std::string label) {
  return impl_->CreateSnapshot(name, kind, std::move(label));
}
std::vector<SnapshotInfo> Engine::ListSnapshots() const { return impl_->ListSnapshots(); }
std::optional<SnapshotInfo> Engine::FindSnapshot(uint64_t snapshot_id) const {
  return impl_->FindSnapshot(snapshot_id);
}
Status Engine::DeleteSnapshot(uint64_t snapshot_id) { return impl_->DeleteSnapshot(snapshot_id); }
std::vector<RetiredTable> Engine::ListRetiredTables() const { return impl_->ListRetiredTables(); }
Status Engine::ReadRestoreSource(const RestoreSource& source,
                                 const std::function<Result<bool>(model::Item item)>& visit) const {
  return impl_->ReadRestoreSource(source, visit);
}
Result<TablePtr> Engine::RestoreTable(model::TableDef def, const RestoreSource& source) {
  return impl_->RestoreTable(std::move(def), source);
}

int64_t Engine::ItemCollectionBytes(uint64_t table_id,
                                    const model::AttributeValue& partition) const {
  return impl_->ItemCollectionBytes(table_id, partition);
}

TableStats Engine::GetIndexStats(uint64_t table_id, uint32_t index_id) const {
  return impl_->GetIndexStats(table_id, index_id);
}

EngineHealth Engine::Health() const { return impl_->Health(); }

EngineHealth Engine::Impl::Health() const {
  EngineHealth health;
  auto property = [this](const std::string& name) {
    uint64_t value = 0;
    return db_->GetIntProperty(name, &value) ? static_cast<int64_t>(value) : 0;
  };
  health.compaction_pending = property(rocksdb::DB::Properties::kCompactionPending) != 0;
  health.pending_compaction_bytes =
      property(rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
  health.running_compactions = property(rocksdb::DB::Properties::kNumRunningCompactions);
  health.memtable_bytes = property(rocksdb::DB::Properties::kCurSizeAllMemTables);
  health.sst_bytes = property(rocksdb::DB::Properties::kLiveSstFilesSize);
  return health;
}
Status Engine::Iterate(const ReadRange& range, const RecordVisitor& visit) const {
  return impl_->Iterate(range, visit);
}
Result<std::optional<model::Item>> Engine::GetItem(const model::TableDef& table,
                                                   const model::Item& key) const {
  return impl_->GetItem(table, key);
}
Status Engine::Mutate(const model::TableDef& table, const model::Item& key, const Mutator& mutator,
                      bool by_service) {
  return impl_->Mutate(table, key, mutator, by_service);
}

Status Engine::Transact(const std::vector<TransactionWrite>& writes, std::vector<Status>* reasons) {
  return impl_->Transact(writes, reasons);
}

Status Engine::ReadConsistent(const std::vector<TransactionRead>& reads,
                              std::vector<std::optional<model::Item>>* items,
                              std::vector<Status>* reasons) const {
  return impl_->ReadConsistent(reads, items, reasons);
}
Status Engine::Flush() { return impl_->Flush(); }

}  // namespace stator::storage

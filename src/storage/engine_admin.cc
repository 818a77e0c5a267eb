// The engine's side of Stator's admin API: database snapshots (taking,
// listing, restoring, deleting), resetting every table, and the virtual
// clock's saved time (docs/design/database-snapshots.md).
#include "storage/engine_impl.h"

namespace stator::storage {
namespace {

// Copies and restores write batches of about this many records.
constexpr int kBatchRecords = 1000;
// A data record's key: namespace byte, table id (u64 BE), then the rest.
constexpr size_t kTableIdEnd = 9;

// The ranges of a table's data records a database snapshot holds.
std::vector<std::pair<std::string, std::string>> DataRanges(uint64_t table_id) {
  return {{TableItemsBegin(table_id), TableItemsEnd(table_id)},
          {TableStatsKey(table_id), TableStatsEnd(table_id)},
          {TableIndexesBegin(table_id), TableIndexesEnd(table_id)}};
}

// A table whose data is replaced starts its history afresh: its enabled
// stream, if any, keeps its label (and so its ARN) and view type but covers
// only the changes made from now on (PlaceStreams numbers it); disabled
// streams, whose records are gone, are forgotten; point-in-time recovery, if
// enabled, starts its window now.
void RestartHistory(model::TableDef* def, int64_t now) {
  std::vector<model::StreamDef> kept;
  if (def->stream_enabled()) {
    model::StreamDef stream = def->streams.back();
    stream.first_sequence = 0;
    stream.end_sequence = 0;
    kept.push_back(std::move(stream));
  }
  def->streams = std::move(kept);
  if (def->pitr.enabled) def->pitr.enabled_micros = now;
}

Status NoSuchSnapshot(std::string_view name) {
  return Status::NotFound("no database snapshot named '" + std::string(name) + "'");
}

}  // namespace

Status Engine::Impl::LoadDatabaseSnapshots() {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), MetaKey(kNextDatabaseSnapshotIdName), &value);
  std::lock_guard lock(db_snapshots_mu_);
  if (s.ok()) {
    std::string_view in(value);
    if (!GetFixed64BE(&in, &next_db_snapshot_id_)) {
      return Status::Corruption("bad next_database_snapshot_id");
    }
  } else if (!s.IsNotFound()) {
    return FromRocks(s);
  }
  RangeIterator it(db_.get(), DatabaseSnapshotsBegin(), DatabaseSnapshotsEnd());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    STATOR_ASSIGN_OR_RETURN(DatabaseSnapshotInfo info,
                            DecodeDatabaseSnapshotInfo(it.key(), it.value()));
    db_snapshots_[info.id] = std::move(info);
  }
  return FromRocks(it->status());
}

std::vector<DatabaseSnapshotInfo> Engine::Impl::ListDatabaseSnapshots() const {
  std::lock_guard lock(db_snapshots_mu_);
  std::vector<DatabaseSnapshotInfo> out;
  for (const auto& [id, info] : db_snapshots_) out.push_back(info);
  return out;
}

std::optional<DatabaseSnapshotInfo> Engine::Impl::FindDatabaseSnapshot(
    std::string_view name) const {
  std::lock_guard lock(db_snapshots_mu_);
  for (const auto& [id, info] : db_snapshots_) {
    if (info.name == name) return info;
  }
  return std::nullopt;
}

Result<DatabaseSnapshotInfo> Engine::Impl::CreateDatabaseSnapshot(std::string name) {
  std::lock_guard admin(admin_mu_);
  if (FindDatabaseSnapshot(name)) {
    return Status::ResourceInUse("a database snapshot named '" + name + "' exists");
  }
  DatabaseSnapshotInfo info;
  info.name = std::move(name);
  const rocksdb::Snapshot* snapshot = nullptr;
  {
    // Exclusively, for a moment: no item write is in flight, so the RocksDB
    // snapshot holds every table as of one instant between writes.
    auto lock = LockCatalogExclusive();
    info.micros = clock_->NowMicros();
    snapshot = db_->GetSnapshot();
    for (const auto& [table_name, table] : tables_) info.tables.push_back({*table, 0, 0});
  }
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snap;
    ~Release() { db->ReleaseSnapshot(snap); }
  } release{db_.get(), snapshot};
  {
    std::lock_guard lock(db_snapshots_mu_);
    info.id = next_db_snapshot_id_;
    std::string next;
    PutFixed64BE(&next, info.id + 1);
    rocksdb::WriteBatch batch;
    batch.Put(MetaKey(kNextDatabaseSnapshotIdName), next);
    STATOR_RETURN_IF_ERROR(Write(&batch));
    ++next_db_snapshot_id_;
  }
  Status s = CopyTablesOut(info.id, snapshot, &info.tables);
  if (s.ok()) {
    // The snapshot exists from this record on.
    rocksdb::WriteBatch batch;
    batch.Put(DatabaseSnapshotKey(info.id), EncodeDatabaseSnapshotInfo(info));
    s = Write(&batch);
  }
  if (!s.ok()) {
    rocksdb::WriteBatch cleanup;
    cleanup.DeleteRange(DatabaseSnapshotRecordsBegin(info.id), DatabaseSnapshotRecordsEnd(info.id));
    Write(&cleanup).IgnoreError();
    return s;
  }
  std::lock_guard lock(db_snapshots_mu_);
  db_snapshots_[info.id] = info;
  return info;
}

Status Engine::Impl::CopyTablesOut(uint64_t snapshot_id, const rocksdb::Snapshot* snapshot,
                                   std::vector<DatabaseSnapshotTable>* tables) {
  const std::string prefix = DatabaseSnapshotRecordsBegin(snapshot_id);
  rocksdb::WriteBatch batch;
  std::string key;
  for (DatabaseSnapshotTable& t : *tables) {
    for (const auto& [begin, end] : DataRanges(t.table.table_id)) {
      RangeIterator it(db_.get(), begin, end, snapshot);
      for (it->SeekToFirst(); it->Valid() && !stopping_; it->Next()) {
        key.assign(prefix);
        key.append(it.key());
        batch.Put(key, it->value());
        if (batch.Count() >= kBatchRecords) {
          STATOR_RETURN_IF_ERROR(Write(&batch));
          batch.Clear();
        }
      }
      STATOR_RETURN_IF_ERROR(FromRocks(it->status()));
      if (stopping_) return Status::IOError("shutting down");
    }
    rocksdb::ReadOptions at_snapshot;
    at_snapshot.snapshot = snapshot;
    TableStats stats = ReadStats(TableStatsKey(t.table.table_id), at_snapshot);
    t.item_count = stats.item_count;
    t.size_bytes = stats.size_bytes;
  }
  return Write(&batch);
}

Status Engine::Impl::DeleteDatabaseSnapshot(std::string_view name) {
  std::lock_guard admin(admin_mu_);
  std::optional<DatabaseSnapshotInfo> info = FindDatabaseSnapshot(name);
  if (!info) return NoSuchSnapshot(name);
  rocksdb::WriteBatch batch;
  batch.Delete(DatabaseSnapshotKey(info->id));
  batch.DeleteRange(DatabaseSnapshotRecordsBegin(info->id), DatabaseSnapshotRecordsEnd(info->id));
  STATOR_RETURN_IF_ERROR(Write(&batch));
  std::lock_guard lock(db_snapshots_mu_);
  db_snapshots_.erase(info->id);
  return Status::OK();
}

Status Engine::Impl::CopyTablesIn(uint64_t snapshot_id,
                                  const std::map<uint64_t, uint64_t>& new_ids) {
  const std::string begin = DatabaseSnapshotRecordsBegin(snapshot_id);
  const size_t prefix = begin.size();
  RangeIterator it(db_.get(), begin, DatabaseSnapshotRecordsEnd(snapshot_id));
  rocksdb::WriteBatch batch;
  std::string key;
  for (it->SeekToFirst(); it->Valid() && !stopping_; it->Next()) {
    std::string_view record = it.key().substr(prefix);
    uint64_t old_id = 0;
    std::string_view id_bytes =
        record.size() < kTableIdEnd ? std::string_view() : record.substr(1, kTableIdEnd - 1);
    if (!GetFixed64BE(&id_bytes, &old_id) || new_ids.count(old_id) == 0) {
      return Status::Corruption("database snapshot: a record of no table it holds");
    }
    key.assign(record.substr(0, 1));
    PutFixed64BE(&key, new_ids.at(old_id));
    key.append(record.substr(kTableIdEnd));
    batch.Put(key, it->value());
    if (batch.Count() >= kBatchRecords) {
      STATOR_RETURN_IF_ERROR(Write(&batch));
      batch.Clear();
    }
  }
  STATOR_RETURN_IF_ERROR(FromRocks(it->status()));
  if (stopping_) return Status::IOError("shutting down");
  return Write(&batch);
}

Result<std::vector<TablePtr>> Engine::Impl::RestoreDatabaseSnapshot(std::string_view name) {
  std::lock_guard admin(admin_mu_);
  std::optional<DatabaseSnapshotInfo> info = FindDatabaseSnapshot(name);
  if (!info) return NoSuchSnapshot(name);
  // New ids for the snapshot's tables, saved before anything is written
  // under them: until published, nothing else can address them.
  std::map<uint64_t, uint64_t> new_ids;
  {
    auto lock = LockCatalogExclusive();
    uint64_t next = next_table_id_;
    for (const DatabaseSnapshotTable& t : info->tables) new_ids[t.table.table_id] = next++;
    std::string saved;
    PutFixed64BE(&saved, next);
    rocksdb::WriteBatch batch;
    batch.Put(MetaKey(kNextTableIdName), saved);
    STATOR_RETURN_IF_ERROR(Write(&batch));
    next_table_id_ = next;
  }
  if (Status s = CopyTablesIn(info->id, new_ids); !s.ok()) {
    for (const auto& [old_id, new_id] : new_ids) DropTableData(new_id).IgnoreError();
    return s;
  }
  // One batch replaces every live table by the restored ones; readers and
  // writers see the table set before it or after it.
  std::set<uint64_t> dropped;
  std::vector<TablePtr> restored;
  {
    auto lock = LockCatalogExclusive();
    const int64_t now = clock_->NowMicros();
    rocksdb::WriteBatch batch;
    for (const auto& [table_name, table] : tables_) {
      batch.Delete(CatalogKey(table_name));
      AddDropTableRecords(&batch, table->table_id);
      dropped.insert(table->table_id);
    }
    for (const DatabaseSnapshotTable& t : info->tables) {
      model::TableDef def = t.table;
      def.table_id = new_ids.at(def.table_id);
      RestartHistory(&def, now);
      PlaceStreams(&def);
      batch.Put(CatalogKey(def.name), EncodeTableDef(def));
      restored.push_back(std::make_shared<const model::TableDef>(std::move(def)));
    }
    STATOR_RETURN_IF_ERROR(Write(&batch));
    tables_.clear();
    for (const TablePtr& table : restored) {
      tables_[table->name] = table;
      // A global index still being built when the snapshot was taken goes on
      // being built; its entries copied so far are kept.
      std::vector<uint32_t> ids;
      ForEachIndex(*table, [&](const model::IndexDef& index) {
        if (index.status == model::IndexStatus::kCreating) ids.push_back(index.id);
      });
      if (ids.empty()) continue;
      backfills_.emplace_back([this, table_name = table->name, id = table->table_id, ids] {
        BackfillInBackground(table_name, id, ids);
      });
    }
  }
  STATOR_RETURN_IF_ERROR(RestartPitr(dropped, UINT64_MAX, restored));
  return restored;
}

Result<std::vector<TablePtr>> Engine::Impl::ResetTables() {
  std::lock_guard admin(admin_mu_);
  std::set<uint64_t> reset;
  std::vector<TablePtr> tables;
  uint64_t restart = 0;
  {
    auto lock = LockCatalogExclusive();
    const int64_t now = clock_->NowMicros();
    {
      // One number is skipped, so that every stream position handed out
      // before (at most the next number) lies below the new trim point.
      std::lock_guard seq_lock(sequence_mu_);
      restart = ++next_sequence_;
    }
    std::string trim_point;
    PutFixed64BE(&trim_point, restart);
    rocksdb::WriteBatch batch;
    for (const auto& [table_name, table] : tables_) {
      model::TableDef def = *table;
      AddDropTableRecords(&batch, def.table_id);
      RestartHistory(&def, now);
      PlaceStreams(&def);
      if (!def.streams.empty()) batch.Put(ChangeKey(def.table_id, 0), trim_point);
      batch.Put(CatalogKey(def.name), EncodeTableDef(def));
      reset.insert(def.table_id);
      tables.push_back(std::make_shared<const model::TableDef>(std::move(def)));
    }
    STATOR_RETURN_IF_ERROR(Write(&batch));
    for (const TablePtr& table : tables) tables_[table->name] = table;
  }
  // A base taken before the reset recorded a sequence number below restart - 1.
  STATOR_RETURN_IF_ERROR(RestartPitr(reset, restart - 1, tables));
  return tables;
}

Status Engine::Impl::RestartPitr(const std::set<uint64_t>& table_ids, uint64_t sequence,
                                 const std::vector<TablePtr>& tables) {
  for (const SnapshotInfo& s : ListSnapshots()) {
    if (s.kind == SnapshotKind::kPitrBase && table_ids.count(s.table.table_id) != 0 &&
        s.sequence < sequence) {
      Status deleted = DeleteSnapshot(s.id);
      if (!deleted.ok() && !deleted.IsNotFound()) return deleted;
    }
  }
  for (const TablePtr& table : tables) {
    if (!table->pitr.enabled) continue;
    Result<SnapshotInfo> base = CreateSnapshot(table->name, SnapshotKind::kPitrBase, "");
    // A table deleted meanwhile needs none.
    if (!base.ok() && base.status().code() != Code::kResourceNotFound) return base.status();
  }
  return Status::OK();
}

Result<std::optional<int64_t>> Engine::Impl::LoadVirtualClock() const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), MetaKey(kVirtualClockName), &value);
  if (s.IsNotFound()) return std::optional<int64_t>();
  STATOR_RETURN_IF_ERROR(FromRocks(s));
  STATOR_ASSIGN_OR_RETURN(int64_t micros, DecodeVirtualClock(value));
  return std::optional<int64_t>(micros);
}

Status Engine::Impl::SaveVirtualClock(int64_t micros) {
  rocksdb::WriteBatch batch;
  batch.Put(MetaKey(kVirtualClockName), EncodeVirtualClock(micros));
  return Write(&batch);
}

// --- Engine's forwarders ---

Result<DatabaseSnapshotInfo> Engine::CreateDatabaseSnapshot(std::string name) {
  return impl_->CreateDatabaseSnapshot(std::move(name));
}
std::vector<DatabaseSnapshotInfo> Engine::ListDatabaseSnapshots() const {
  return impl_->ListDatabaseSnapshots();
}
std::optional<DatabaseSnapshotInfo> Engine::FindDatabaseSnapshot(std::string_view name) const {
  return impl_->FindDatabaseSnapshot(name);
}
Status Engine::DeleteDatabaseSnapshot(std::string_view name) {
  return impl_->DeleteDatabaseSnapshot(name);
}
Result<std::vector<TablePtr>> Engine::RestoreDatabaseSnapshot(std::string_view name) {
  return impl_->RestoreDatabaseSnapshot(name);
}
Result<std::vector<TablePtr>> Engine::ResetTables() { return impl_->ResetTables(); }
Result<std::optional<int64_t>> Engine::LoadVirtualClock() const {
  return impl_->LoadVirtualClock();
}
Status Engine::SaveVirtualClock(int64_t micros) { return impl_->SaveVirtualClock(micros); }

}  // namespace stator::storage

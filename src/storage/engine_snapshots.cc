// The engine's snapshots, restores and point-in-time history
// (docs/design/backups.md, docs/design/pitr.md), and export records.
#include "storage/engine_impl.h"

namespace stator::storage {
namespace {

// A table with point-in-time recovery gets a new base snapshot when its newest
// is this old, or followed by this many records: a restore replays at most
// about a day, or this many changes, whatever the recovery period.
constexpr int64_t kBaseEveryMicros = model::kDayMicros;
constexpr uint64_t kBaseAfterRecords = 100000;
// Copies and restores write batches of about this many records.
constexpr int kBatchRecords = 1000;

// The key prefix of an item record and of a snapshot item record (namespace
// byte and u64 id): what follows is the item's key within its table.
constexpr size_t kIdPrefixBytes = 9;

std::string KeyWithinTable(std::string_view record_key) {
  return std::string(record_key.substr(kIdPrefixBytes));
}

}  // namespace

Status Engine::Impl::LoadSnapshots() {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), MetaKey(kNextSnapshotIdName), &value);
  if (s.ok()) {
    std::string_view in(value);
    if (!GetFixed64BE(&in, &next_snapshot_id_)) return Status::Corruption("bad next_snapshot_id");
  } else if (!s.IsNotFound()) {
    return FromRocks(s);
  }
  auto load = [&](const std::string& begin, const std::string& end, auto&& fn) -> Status {
    RangeIterator it(db_.get(), begin, end);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      STATOR_RETURN_IF_ERROR(fn(it.key(), it.value()));
    }
    return FromRocks(it->status());
  };
  std::lock_guard lock(snapshots_mu_);
  STATOR_RETURN_IF_ERROR(
      load(SnapshotsBegin(), SnapshotsEnd(), [&](std::string_view k, std::string_view v) {
        STATOR_ASSIGN_OR_RETURN(SnapshotInfo info, DecodeSnapshotInfo(k, v));
        snapshots_[info.id] = std::move(info);
        return Status::OK();
      }));
  return load(RetiredTablesBegin(), RetiredTablesEnd(),
              [&](std::string_view k, std::string_view v) -> Status {
                STATOR_ASSIGN_OR_RETURN(RetiredTable retired, DecodeRetiredTable(v));
                retired_[retired.table.table_id] = std::move(retired);
                (void)k;
                return Status::OK();
              });
}

Engine::Impl::SnapshotPoint Engine::Impl::MarkSnapshot(const model::TableDef& table,
                                                       SnapshotKind kind, std::string label) {
  SnapshotPoint point;
  point.info.kind = kind;
  point.info.name = std::move(label);
  point.info.table = table;
  point.info.micros = clock_->NowMicros();
  point.snapshot = db_->GetSnapshot();
  std::lock_guard seq_lock(sequence_mu_);
  point.info.sequence = next_sequence_ - 1;
  return point;
}

Result<SnapshotInfo> Engine::Impl::CreateSnapshot(std::string_view name, SnapshotKind kind,
                                                  std::string label) {
  SnapshotPoint point;
  {
    // Exclusively: no item write is in flight, so the RocksDB snapshot and
    // the sequence number name the same instant.
    auto lock = LockCatalogExclusive();
    auto it = tables_.find(name);
    if (it == tables_.end()) {
      return Status::ResourceNotFound("Requested resource not found: Table: " + std::string(name) +
                                      " not found");
    }
    point = MarkSnapshot(*it->second, kind, std::move(label));
  }
  return FillSnapshot(std::move(point));
}

Result<SnapshotInfo> Engine::Impl::FillSnapshot(SnapshotPoint point) {
  SnapshotInfo info = std::move(point.info);
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snap;
    ~Release() { db->ReleaseSnapshot(snap); }
  } release{db_.get(), point.snapshot};
  {
    std::lock_guard lock(snapshots_mu_);
    info.id = next_snapshot_id_++;
    std::string next;
    PutFixed64BE(&next, next_snapshot_id_);
    rocksdb::WriteBatch batch;
    batch.Put(MetaKey(kNextSnapshotIdName), next);
    STATOR_RETURN_IF_ERROR(Write(&batch));
  }
  const std::string prefix = SnapshotItemsBegin(info.id);
  Status s = [&]() -> Status {
    RangeIterator it(db_.get(), TableItemsBegin(info.table.table_id),
                     TableItemsEnd(info.table.table_id), point.snapshot);
    rocksdb::WriteBatch batch;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      batch.Put(prefix + KeyWithinTable(it.key()), it->value());
      if (batch.Count() >= kBatchRecords) {
        STATOR_RETURN_IF_ERROR(Write(&batch));
        batch.Clear();
      }
    }
    STATOR_RETURN_IF_ERROR(FromRocks(it->status()));
    rocksdb::ReadOptions at_point;
    at_point.snapshot = point.snapshot;
    TableStats stats = ReadStats(TableStatsKey(info.table.table_id), at_point);
    info.item_count = stats.item_count;
    info.size_bytes = stats.size_bytes;
    // The snapshot exists from this record on.
    batch.Put(SnapshotKey(info.id), EncodeSnapshotInfo(info));
    return Write(&batch);
  }();
  if (!s.ok()) {
    rocksdb::WriteBatch cleanup;
    cleanup.DeleteRange(SnapshotItemsBegin(info.id), SnapshotItemsEnd(info.id));
    Write(&cleanup).IgnoreError();
    return s;
  }
  std::lock_guard lock(snapshots_mu_);
  snapshots_[info.id] = info;
  return info;
}

std::vector<SnapshotInfo> Engine::Impl::ListSnapshots() const {
  std::lock_guard lock(snapshots_mu_);
  std::vector<SnapshotInfo> out;
  out.reserve(snapshots_.size());
  for (const auto& [id, info] : snapshots_) out.push_back(info);
  return out;
}

std::optional<SnapshotInfo> Engine::Impl::FindSnapshot(uint64_t snapshot_id) const {
  std::lock_guard lock(snapshots_mu_);
  auto it = snapshots_.find(snapshot_id);
  if (it == snapshots_.end()) return std::nullopt;
  return it->second;
}

Status Engine::Impl::DeleteSnapshot(uint64_t snapshot_id) {
  std::lock_guard lock(snapshots_mu_);
  auto it = snapshots_.find(snapshot_id);
  if (it == snapshots_.end()) return Status::NotFound("no such snapshot");
  rocksdb::WriteBatch batch;
  batch.Delete(SnapshotKey(snapshot_id));
  batch.DeleteRange(SnapshotItemsBegin(snapshot_id), SnapshotItemsEnd(snapshot_id));
  STATOR_RETURN_IF_ERROR(Write(&batch));
  snapshots_.erase(it);
  return Status::OK();
}

std::vector<RetiredTable> Engine::Impl::ListRetiredTables() const {
  std::shared_lock lock(catalog_mu_);
  std::vector<RetiredTable> out;
  for (const auto& [id, retired] : retired_) out.push_back(retired);
  return out;
}

Status Engine::Impl::ReadRestoreSource(
    const Engine::RestoreSource& source,
    const std::function<Result<bool>(model::Item item)>& visit) const {
  std::optional<SnapshotInfo> info = FindSnapshot(source.snapshot_id);
  if (!info) return Status::NotFound("no such snapshot");
  // The replayed changes, by the item's key within its table: its last
  // state (nullopt: deleted). They take the place of the snapshot's items.
  std::map<std::string, std::optional<model::Item>> changed;
  if (source.replay_until_micros) {
    const int64_t until = *source.replay_until_micros;
    STATOR_RETURN_IF_ERROR(ReadChanges(info->table.table_id, info->sequence + 1, UINT64_MAX,
                                       [&](const ChangeRecord& r) -> Result<bool> {
                                         // Stopping at the first later record keeps the result a
                                         // state the table really had, even if two writes' clock
                                         // readings crossed.
                                         if (r.micros > until) return false;
                                         changed[KeyWithinTable(ItemKey(info->table, r.keys))] =
                                             r.new_image;
                                         return true;
                                       }));
  }
  const std::string begin = SnapshotItemsBegin(info->id);
  const std::string end = SnapshotItemsEnd(info->id);
  bool more = true;
  STATOR_RETURN_IF_ERROR(
      Iterate(ReadRange{begin, end}, [&](std::string_view key, model::Item item) -> Result<bool> {
        if (changed.count(KeyWithinTable(key)) != 0) return true;
        STATOR_ASSIGN_OR_RETURN(more, visit(std::move(item)));
        return more;
      }));
  for (auto& [key, item] : changed) {
    if (!more) break;
    if (item) {
      STATOR_ASSIGN_OR_RETURN(more, visit(std::move(*item)));
    }
  }
  return Status::OK();
}

Status Engine::Impl::DropTableData(uint64_t table_id) {
  rocksdb::WriteBatch batch;
  AddDropTableRecords(&batch, table_id);
  return Write(&batch);
}

Result<TablePtr> Engine::Impl::RestoreTable(model::TableDef def,
                                            const Engine::RestoreSource& source) {
  if (!FindSnapshot(source.snapshot_id)) return Status::NotFound("no such snapshot");
  {
    auto lock = LockCatalogExclusive();
    if (tables_.count(def.name) != 0) {
      return Status::ResourceInUse("Table already exists: " + def.name);
    }
    def.table_id = next_table_id_;
    std::string next;
    PutFixed64BE(&next, next_table_id_ + 1);
    rocksdb::WriteBatch batch;
    batch.Put(MetaKey(kNextTableIdName), next);
    STATOR_RETURN_IF_ERROR(Write(&batch));
    ++next_table_id_;
  }
  def.next_index_id = 1;
  for (auto* indexes : {&def.local_indexes, &def.global_indexes}) {
    for (auto& index : *indexes) {
      index.id = def.next_index_id++;
      index.status = model::IndexStatus::kActive;  // built here, before the table appears
    }
  }
  // The table is unpublished while it fills: nothing else writes its id, so
  // its items need no locks and log no changes.
  model::TableDef filling = def;
  filling.streams.clear();
  filling.pitr = {};
  Status s = [&]() -> Status {
    rocksdb::WriteBatch batch;
    std::vector<ChangeRecord> unused;
    STATOR_RETURN_IF_ERROR(ReadRestoreSource(source, [&](model::Item item) -> Result<bool> {
      const std::string record_key = ItemKey(filling, item);
      AddItemChange(&batch, filling, record_key, std::nullopt, WriteDecision::Put(std::move(item)),
                    &unused);
      if (batch.Count() >= kBatchRecords) {
        STATOR_RETURN_IF_ERROR(Write(&batch));
        batch.Clear();
      }
      return !stopping_;
    }));
    if (stopping_) return Status::IOError("shutting down");
    return Write(&batch);
  }();
  if (!s.ok()) {
    DropTableData(def.table_id).IgnoreError();
    return s;
  }
  auto lock = LockCatalogExclusive();
  if (tables_.count(def.name) != 0) {
    DropTableData(def.table_id).IgnoreError();
    return Status::ResourceInUse("Table already exists: " + def.name);
  }
  PlaceStreams(&def);
  rocksdb::WriteBatch batch;
  batch.Put(CatalogKey(def.name), EncodeTableDef(def));
  STATOR_RETURN_IF_ERROR(Write(&batch));
  auto ptr = std::make_shared<const model::TableDef>(std::move(def));
  tables_[ptr->name] = ptr;
  return ptr;
}

Status Engine::Impl::MaintainPitr(const model::TableDef& def, bool live, int64_t now,
                                  const std::vector<SnapshotInfo>& table_bases, uint64_t* cut) {
  const uint64_t id = def.table_id;
  // The usable bases, oldest first; those from before the current enabling
  // (a gap in the log follows them) or of a disabled PITR are dropped.
  std::vector<SnapshotInfo> bases;
  for (const SnapshotInfo& s : table_bases) {
    if (def.pitr.enabled && s.micros >= def.pitr.enabled_micros) {
      bases.push_back(s);
    } else {
      STATOR_RETURN_IF_ERROR(DeleteSnapshot(s.id));
    }
  }
  if (!def.pitr.enabled) return Status::OK();
  if (live) {
    bool due = bases.empty() || now - bases.back().micros >= kBaseEveryMicros;
    if (!due) {
      uint64_t records = 0;
      STATOR_RETURN_IF_ERROR(ReadChanges(
          id, bases.back().sequence + 1, UINT64_MAX,
          [&](const ChangeRecord&) { return Result<bool>(++records < kBaseAfterRecords); }));
      due = records >= kBaseAfterRecords;
    }
    if (due) {
      Result<SnapshotInfo> base = CreateSnapshot(def.name, SnapshotKind::kPitrBase, "");
      // The table may have gone meanwhile; the next round sees it retired.
      if (base.ok()) bases.push_back(std::move(base).value());
    }
  }
  if (bases.empty()) {
    *cut = 0;  // keep everything until a base exists
    return Status::OK();
  }
  // Restores start from the newest base at or before the time they want;
  // the oldest time still wanted is the start of the recovery period.
  const int64_t window_start = now - def.pitr.RecoveryMicros();
  size_t keep = 0;
  for (size_t i = 0; i < bases.size(); ++i) {
    if (bases[i].micros <= window_start) keep = i;
  }
  for (size_t i = 0; i < keep; ++i) STATOR_RETURN_IF_ERROR(DeleteSnapshot(bases[i].id));
  *cut = bases[keep].sequence + 1;
  return Status::OK();
}

Status Engine::Impl::MaintainHistory() {
  std::lock_guard admin(admin_mu_);
  const int64_t now = clock_->NowMicros();
  std::vector<TablePtr> live;
  std::vector<RetiredTable> retired;
  {
    std::shared_lock lock(catalog_mu_);
    for (const auto& [name, table] : tables_) live.push_back(table);
    for (const auto& [id, r] : retired_) retired.push_back(r);
  }
  // Every table's base snapshots, oldest first, listed once a round.
  std::map<uint64_t, std::vector<SnapshotInfo>> bases;
  for (SnapshotInfo& s : ListSnapshots()) {
    if (s.kind == SnapshotKind::kPitrBase) bases[s.table.table_id].push_back(std::move(s));
  }
  auto bases_of = [&bases](uint64_t id) -> const std::vector<SnapshotInfo>& {
    static const std::vector<SnapshotInfo> kNone;
    auto it = bases.find(id);
    return it == bases.end() ? kNone : it->second;
  };
  // Trims a table's log to what its streams (24 hours) and its point-in-time
  // recovery need.
  auto maintain = [&](const model::TableDef& def, bool is_live) -> Status {
    uint64_t cut = UINT64_MAX;  // no record below it is needed
    if (!def.streams.empty()) cut = CutBefore(def.table_id, now - model::kStreamRetentionMicros);
    uint64_t pitr_cut = UINT64_MAX;
    STATOR_RETURN_IF_ERROR(MaintainPitr(def, is_live, now, bases_of(def.table_id), &pitr_cut));
    return TrimChangesBelow(def.table_id, std::min(cut, pitr_cut));
  };
  for (const TablePtr& table : live) STATOR_RETURN_IF_ERROR(maintain(*table, true));
  for (const RetiredTable& r : retired) {
    const uint64_t id = r.table.table_id;
    int64_t kept_until = r.deleted_micros;
    if (r.table.pitr.enabled) kept_until += r.table.pitr.RecoveryMicros();
    if (!r.table.streams.empty()) {
      kept_until = std::max(kept_until, r.deleted_micros + model::kStreamRetentionMicros);
    }
    if (kept_until > now) {
      STATOR_RETURN_IF_ERROR(maintain(r.table, false));
      continue;
    }
    // Its recovery period and its streams' 24 hours are over: the history goes.
    for (const SnapshotInfo& s : bases_of(id)) STATOR_RETURN_IF_ERROR(DeleteSnapshot(s.id));
    auto lock = LockCatalogExclusive();
    rocksdb::WriteBatch batch;
    batch.Delete(RetiredTableKey(id));
    batch.DeleteRange(TableChangesBegin(id), TableChangesEnd(id));
    STATOR_RETURN_IF_ERROR(Write(&batch));
    retired_.erase(id);
  }
  return Status::OK();
}

Status Engine::Impl::PutExportRecord(std::string_view export_id, std::string_view record) {
  std::string key(1, static_cast<char>(Namespace::kExport));
  key.append(export_id);
  rocksdb::WriteBatch batch;
  batch.Put(key, rocksdb::Slice(record.data(), record.size()));
  return Write(&batch);
}

Result<std::vector<std::string>> Engine::Impl::ListExportRecords() const {
  const std::string begin(1, static_cast<char>(Namespace::kExport));
  const std::string end(1, static_cast<char>(static_cast<uint8_t>(Namespace::kExport) + 1));
  RangeIterator it(db_.get(), begin, end);
  std::vector<std::string> out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) out.push_back(it->value().ToString());
  STATOR_RETURN_IF_ERROR(FromRocks(it->status()));
  return out;
}

}  // namespace stator::storage

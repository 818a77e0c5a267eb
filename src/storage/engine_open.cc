// Opening the engine: the encryption key check and encrypted Env
// (storage/encryption.h), the storage format check, loading the catalog and the
// snapshots, resuming sequence numbers and backfills, one-time migrations.
#include "storage/encryption.h"
#include "storage/engine_impl.h"

namespace stator::storage {

Status Engine::Impl::Open() {
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
    if (!options_.encryption_key.empty()) {
      return Status::Validation("encryption at rest needs a data directory, not memory");
    }
    env_.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
    opts.env = env_.get();
    path = "/stator-in-memory";
  } else {
    // Before RocksDB touches the directory, so that a wrong key changes nothing.
    STATOR_RETURN_IF_ERROR(CheckEncryptionKey(path, options_.encryption_key));
    if (!options_.encryption_key.empty()) {
      // env_ holds whichever Env the database runs on, and outlives db_.
      STATOR_RETURN_IF_ERROR(UseEncryption(path, options_.encryption_key, &opts, &env_));
    }
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
  STATOR_RETURN_IF_ERROR(LoadDatabaseSnapshots());
  return InitSequences();
}

Status Engine::Impl::CheckFormat() {
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

Status Engine::Impl::LoadCatalog() {
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

Status Engine::Impl::InitSequences() {
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

Status Engine::Impl::EnsureCollectionStats() {
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
    STATOR_RETURN_IF_ERROR(add({TableItemsBegin(table->table_id), TableItemsEnd(table->table_id)}));
    for (const auto& index : table->local_indexes) {
      STATOR_RETURN_IF_ERROR(add({IndexEntriesBegin(table->table_id, index.id),
                                  IndexEntriesEnd(table->table_id, index.id)}));
    }
    for (const auto& [key, bytes] : sizes) batch.Put(key, EncodeStatsDelta(0, bytes));
  }
  batch.Put(MetaKey(kCollectionStatsName), std::string(1, '\x01'));
  return Write(&batch);
}

}  // namespace stator::storage

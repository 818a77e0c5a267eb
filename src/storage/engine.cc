#include "storage/engine.h"

#include <array>
#include <map>
#include <mutex>
#include <shared_mutex>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "common/coding.h"
#include "model/item_codec.h"
#include "model/item_size.h"
#include "storage/catalog_codec.h"
#include "storage/keys.h"
#include "storage/table_stats.h"

namespace stator::storage {
namespace {

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  return Status::IOError(s.ToString());
}


constexpr size_t kLockStripes = 1024;
constexpr std::string_view kFormatKeyName = "format";
constexpr std::string_view kNextTableIdName = "next_table_id";

}  // namespace

class Engine::Impl {
 public:
  Impl(EngineOptions options, const Clock* clock) : options_(std::move(options)), clock_(clock) {}

  ~Impl() {
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
    return LoadCatalog();
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

  Result<TablePtr> ReplaceTable(model::TableDef def) {
    std::unique_lock lock(catalog_mu_);
    auto it = tables_.find(def.name);
    if (it == tables_.end() || it->second->table_id != def.table_id) {
      return Status::ResourceNotFound("Requested resource not found: Table: " + def.name +
                                      " not found");
    }
    rocksdb::WriteBatch batch;
    batch.Put(CatalogKey(def.name), EncodeTableDef(def));
    STATOR_RETURN_IF_ERROR(Write(&batch));
    auto ptr = std::make_shared<const model::TableDef>(std::move(def));
    it->second = ptr;
    return ptr;
  }

  Status DeleteTable(std::string_view name) {
    std::unique_lock lock(catalog_mu_);
    auto it = tables_.find(name);
    if (it == tables_.end()) {
      return Status::ResourceNotFound("Requested resource not found: Table: " + std::string(name) +
                                      " not found");
    }
    uint64_t id = it->second->table_id;
    rocksdb::WriteBatch batch;
    batch.Delete(CatalogKey(name));
    batch.Delete(TableStatsKey(id));
    batch.DeleteRange(TableItemsBegin(id), TableItemsEnd(id));
    STATOR_RETURN_IF_ERROR(Write(&batch));
    tables_.erase(it);
    return Status::OK();
  }

  TableStats GetStats(uint64_t table_id) const {
    TableStats stats;
    std::string value;
    if (db_->Get(rocksdb::ReadOptions(), TableStatsKey(table_id), &value).ok()) {
      if (!DecodeStats(value, &stats.item_count, &stats.size_bytes)) stats = {};
    }
    return stats;
  }

  // --- items ---

  Result<std::optional<model::Item>> GetItem(const model::TableDef& table,
                                             const model::Item& key) const {
    return ReadItem(ItemKey(table, key));
  }

  Status Mutate(const model::TableDef& table, const model::Item& key, const Mutator& mutator) {
    std::string record_key = ItemKey(table, key);
    // The catalog lock (shared) keeps DeleteTable from interleaving with the
    // write, so no item can be written under a table id after its deletion.
    std::shared_lock catalog_lock(catalog_mu_);
    auto it = tables_.find(table.name);
    if (it == tables_.end() || it->second->table_id != table.table_id) {
      return Status::ResourceNotFound("Requested resource not found");
    }
    std::lock_guard item_lock(StripeFor(record_key));
    STATOR_ASSIGN_OR_RETURN(std::optional<model::Item> current, ReadItem(record_key));
    STATOR_ASSIGN_OR_RETURN(WriteDecision decision, mutator(current));

    int64_t old_size = current ? static_cast<int64_t>(model::ItemSize(*current)) : 0;
    rocksdb::WriteBatch batch;
    switch (decision.kind) {
      case WriteDecision::Kind::kNone:
        return Status::OK();
      case WriteDecision::Kind::kPut: {
        std::string value;
        model::EncodeItem(decision.new_item, &value);
        batch.Put(record_key, value);
        int64_t new_size = static_cast<int64_t>(model::ItemSize(decision.new_item));
        batch.Merge(TableStatsKey(table.table_id),
                    EncodeStatsDelta(current ? 0 : 1, new_size - old_size));
        break;
      }
      case WriteDecision::Kind::kDelete:
        if (!current) return Status::OK();
        batch.Delete(record_key);
        batch.Merge(TableStatsKey(table.table_id), EncodeStatsDelta(-1, -old_size));
        break;
    }
    return Write(&batch);
  }

  Status Flush() {
    if (options_.in_memory) return Status::OK();
    return FromRocks(db_->FlushWAL(/*sync=*/true));
  }

 private:
  Status Write(rocksdb::WriteBatch* batch) { return FromRocks(db_->Write(write_options_, batch)); }

  Result<std::optional<model::Item>> ReadItem(const std::string& record_key) const {
    rocksdb::PinnableSlice value;
    auto s = db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), record_key, &value);
    if (s.IsNotFound()) return std::optional<model::Item>();
    if (!s.ok()) return FromRocks(s);
    auto item = model::DecodeItem(std::string_view(value.data(), value.size()));
    if (!item.ok()) return item.status();
    return std::optional<model::Item>(std::move(item).value());
  }

  std::mutex& StripeFor(const std::string& record_key) {
    return stripes_[std::hash<std::string>()(record_key) % kLockStripes];
  }

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
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      auto def = DecodeTableDef(std::string_view(it->value().data(), it->value().size()));
      if (!def.ok()) return def.status();
      auto ptr = std::make_shared<const model::TableDef>(std::move(def).value());
      tables_[ptr->name] = ptr;
    }
    return FromRocks(it->status());
  }

  EngineOptions options_;
  [[maybe_unused]] const Clock* clock_;
  std::unique_ptr<rocksdb::Env> mem_env_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;

  mutable std::shared_mutex catalog_mu_;
  std::map<std::string, TablePtr, std::less<>> tables_;  // GUARDED_BY(catalog_mu_)
  uint64_t next_table_id_ = 1;                           // GUARDED_BY(catalog_mu_)

  std::array<std::mutex, kLockStripes> stripes_;
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options, const Clock* clock) {
  auto impl = std::make_unique<Impl>(options, clock);
  STATOR_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

std::vector<TablePtr> Engine::ListTables() const { return impl_->ListTables(); }
TablePtr Engine::FindTable(std::string_view name) const { return impl_->FindTable(name); }
Result<TablePtr> Engine::CreateTable(model::TableDef def) { return impl_->CreateTable(std::move(def)); }
Result<TablePtr> Engine::ReplaceTable(model::TableDef def) { return impl_->ReplaceTable(std::move(def)); }
Status Engine::DeleteTable(std::string_view name) { return impl_->DeleteTable(name); }
TableStats Engine::GetStats(uint64_t table_id) const { return impl_->GetStats(table_id); }
Result<std::optional<model::Item>> Engine::GetItem(const model::TableDef& table,
                                                   const model::Item& key) const {
  return impl_->GetItem(table, key);
}
Status Engine::Mutate(const model::TableDef& table, const model::Item& key, const Mutator& mutator) {
  return impl_->Mutate(table, key, mutator);
}
Status Engine::Flush() { return impl_->Flush(); }

}  // namespace stator::storage

// Transactions (docs/design/transactions.md): all-or-nothing writes across
// items and tables, consistent reads, and the claims that keep single writes
// out of a transaction's items while it applies.
#include "storage/engine_impl.h"

namespace stator::storage {

Status Engine::Impl::Transact(const std::vector<TransactionWrite>& writes,
                              std::vector<Status>* reasons) {
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

  auto catalog_lock = LockCatalogForWrite();
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

Status Engine::Impl::ReadConsistent(const std::vector<TransactionRead>& reads,
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
  auto catalog_lock = LockCatalogForWrite();
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

bool Engine::Impl::IsHeldByTransaction(const std::string& record_key) const {
  // Cheap when no transaction runs: single writes then skip the set. A
  // claim made just after this check is still safe: the write then waits
  // for the item's stripe and is ordered before or after the transaction.
  if (active_claims_.load(std::memory_order_acquire) == 0) return false;
  std::lock_guard lock(claims_mu_);
  return claims_.count(record_key) != 0;
}

bool Engine::Impl::Claim(const std::vector<std::string>& record_keys,
                         std::vector<Status>* reasons) {
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

void Engine::Impl::Unclaim(const std::vector<std::string>& record_keys) {
  std::lock_guard lock(claims_mu_);
  for (const std::string& key : record_keys) claims_.erase(key);
  active_claims_.fetch_sub(record_keys.size(), std::memory_order_release);
}

}  // namespace stator::storage

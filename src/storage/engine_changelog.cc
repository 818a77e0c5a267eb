// The change log (docs/design/changelog.md): numbering and writing records
// with their changes, reading them in order, trimming.
#include "storage/engine_impl.h"

namespace stator::storage {

uint64_t Engine::Impl::VisibleSequence() const {
  std::lock_guard lock(sequence_mu_);
  return in_flight_.empty() ? next_sequence_ - 1 : *in_flight_.begin() - 1;
}

Status Engine::Impl::ReadChanges(uint64_t table_id, uint64_t from, uint64_t end,
                                 const ChangeVisitor& visit) const {
  from = std::max<uint64_t>(from, 1);  // 0 names the trim point, not a record
  end = std::min(end, VisibleSequence() + 1);
  if (from >= end) return Status::OK();
  RangeIterator it(db_.get(), ChangeKey(table_id, from), ChangeKey(table_id, end));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    STATOR_ASSIGN_OR_RETURN(ChangeRecord r, DecodeChangeRecord(it.key(), it.value()));
    STATOR_ASSIGN_OR_RETURN(bool more, visit(r));
    if (!more) break;
  }
  return FromRocks(it->status());
}

Status Engine::Impl::TrimChanges(uint64_t table_id, int64_t before_micros) {
  return TrimChangesBelow(table_id, CutBefore(table_id, before_micros));
}

uint64_t Engine::Impl::CutBefore(uint64_t table_id, int64_t micros) const {
  uint64_t cut = 0;
  ReadChanges(table_id, 0, UINT64_MAX, [&](const ChangeRecord& r) {
    if (r.micros >= micros) return Result<bool>(false);
    cut = r.sequence + 1;
    return Result<bool>(true);
  }).IgnoreError();
  return cut;
}

Status Engine::Impl::TrimChangesBelow(uint64_t table_id, uint64_t cut) {
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

uint64_t Engine::Impl::TrimmedBelow(uint64_t table_id) const {
  std::string value;
  if (!db_->Get(rocksdb::ReadOptions(), ChangeKey(table_id, 0), &value).ok()) return 0;
  std::string_view in(value);
  uint64_t cut = 0;
  return GetFixed64BE(&in, &cut) ? cut : 0;
}

std::optional<ChangeRecord> Engine::Impl::ChangeOf(const model::TableDef& live,
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
  for (const model::KeyElement* e : live.key.Elements()) r.keys.emplace(e->name, any->at(e->name));
  r.micros = clock_->NowMicros();
  return r;
}

Status Engine::Impl::WriteWithChanges(
    rocksdb::WriteBatch* batch, const std::vector<std::pair<uint64_t, ChangeRecord*>>& logged) {
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

Status Engine::Impl::WriteWithChanges(rocksdb::WriteBatch* batch, uint64_t table_id,
                                      std::vector<ChangeRecord>* changes) {
  std::vector<std::pair<uint64_t, ChangeRecord*>> logged;
  for (ChangeRecord& r : *changes) logged.emplace_back(table_id, &r);
  return WriteWithChanges(batch, logged);
}

void Engine::Impl::PlaceStreams(model::TableDef* def) {
  std::lock_guard lock(sequence_mu_);
  for (model::StreamDef& st : def->streams) {
    if (st.first_sequence == 0) st.first_sequence = next_sequence_;
    if (!st.enabled() && st.end_sequence == 0) st.end_sequence = next_sequence_;
  }
}

}  // namespace stator::storage

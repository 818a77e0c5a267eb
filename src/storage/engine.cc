#include "storage/engine.h"

#include "storage/engine_impl.h"

namespace stator::storage {

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

#include "ops/tables.h"

#include <algorithm>

#include "common/ids.h"
#include "common/time_format.h"
#include "ops/table_checks.h"
#include "validation/limits.h"

namespace stator::ops {
Status TableNotFound(const std::string& name) {
  return Status::ResourceNotFound("Requested resource not found: Table: " + name + " not found");
}

Result<TableChange> ChangeTableDefinition(
    const RequestContext& ctx, const std::string& name,
    const std::function<Result<bool>(model::TableDef&)>& edit) {
  while (true) {
    storage::TablePtr current = ctx.engine().FindTable(name);
    if (current == nullptr) return TableNotFound(name);
    model::TableDef def = *current;
    STATOR_ASSIGN_OR_RETURN(bool changed, edit(def));
    if (!changed) return TableChange{current, current};
    Result<storage::TablePtr> replaced = ctx.engine().ReplaceTable(std::move(def), current);
    if (replaced.ok()) return TableChange{current, std::move(replaced).value()};
    const Code code = replaced.status().code();
    if (code != Code::kAborted && code != Code::kResourceNotFound) return replaced.status();
  }
}

TableDescription Describe(const RequestContext& ctx, storage::TablePtr def, std::string status) {
  TableDescription d;
  d.stats = ctx.engine().GetStats(def->table_id);
  for (const auto* indexes : {&def->local_indexes, &def->global_indexes}) {
    for (const auto& index : *indexes) {
      d.index_stats[index.id] = ctx.engine().GetIndexStats(def->table_id, index.id);
    }
  }
  d.table_arn = ctx.TableArn(def->name);
  d.def = std::move(def);
  d.status = std::move(status);
  return d;
}

Result<storage::TablePtr> FindTableForItemOp(const RequestContext& ctx, const std::string& name) {
  storage::TablePtr table = ctx.engine().FindTable(name);
  if (table == nullptr) return Status::ResourceNotFound("Requested resource not found");
  return table;
}

Result<TableDescription> CreateTable(const RequestContext& ctx, const CreateTableRequest& req) {
  STATOR_ASSIGN_OR_RETURN(model::TableDef def, BuildTableDef(req));
  int64_t now = ctx.NowMicros();
  def.uuid = NewUuid();
  def.creation_micros = now;
  if (req.billing_mode) def.billing_mode_update_micros = now;
  if (req.table_class) def.table_class_update_micros = now;
  if (def.stream.enabled) {
    def.stream.label = FormatIsoMillis(now);
    def.streams.push_back({def.stream.label, def.stream.view_type, now, 0, 0, 0});
  }
  STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, ctx.engine().CreateTable(std::move(def)));
  // DynamoDB answers CREATING; the table is usable (ACTIVE) at once here, as
  // DescribeTable then reports.
  return Describe(ctx, std::move(table), "CREATING");
}

Result<TableDescription> DescribeTable(const RequestContext& ctx, const std::string& table_name) {
  storage::TablePtr table = ctx.engine().FindTable(table_name);
  if (table == nullptr) return TableNotFound(table_name);
  return Describe(ctx, std::move(table), "ACTIVE");
}

Result<TableDescription> UpdateTable(const RequestContext& ctx, const UpdateTableRequest& req) {
  // Concurrent UpdateTables never lose each other's changes (e.g. two index
  // creations): each is published over the definition it was computed from.
  STATOR_ASSIGN_OR_RETURN(
      TableChange change,
      ChangeTableDefinition(ctx, req.table_name, [&](model::TableDef& def) -> Result<bool> {
        STATOR_ASSIGN_OR_RETURN(def, ApplyTableUpdate(def, req, ctx.NowMicros()));
        return true;
      }));
  const storage::TablePtr& current = change.before;
  storage::TablePtr updated = change.after;
  // Capacity changes take a while on DynamoDB: the response says UPDATING
  // and still shows the throughput in force before the change.
  bool capacity_change = req.billing_mode || req.throughput;
  // An index being deleted still shows in the answer, DELETING.
  std::vector<model::IndexDef> deleting;
  for (const auto& old : current->global_indexes) {
    bool kept = std::any_of(updated->global_indexes.begin(), updated->global_indexes.end(),
                            [&](const model::IndexDef& i) { return i.id == old.id; });
    if (!kept) {
      deleting.push_back(old);
      deleting.back().status = model::IndexStatus::kDeleting;
    }
  }
  if (!deleting.empty()) {
    auto shown = std::make_shared<model::TableDef>(*updated);
    for (auto& i : deleting) shown->global_indexes.push_back(std::move(i));
    updated = std::move(shown);
  }
  if (!capacity_change) return Describe(ctx, std::move(updated), "ACTIVE");
  auto shown = std::make_shared<model::TableDef>(*updated);
  shown->throughput.read_units = current->throughput.read_units;
  shown->throughput.write_units = current->throughput.write_units;
  shown->billing_mode = current->billing_mode;
  return Describe(ctx, std::move(shown), "UPDATING");
}

Result<TableDescription> DeleteTable(const RequestContext& ctx, const std::string& table_name) {
  storage::TablePtr table = ctx.engine().FindTable(table_name);
  if (table == nullptr) return TableNotFound(table_name);
  if (table->deletion_protection) {
    return Status::Validation(
        "Resource cannot be deleted as it is currently protected against deletion. Disable "
        "deletion protection first.");
  }
  TableDescription desc = Describe(ctx, table, "DELETING");
  // As DynamoDB, deleting a table with point-in-time recovery keeps a SYSTEM
  // backup of its last state (ops/backups.h).
  std::optional<std::string> final_backup;
  if (table->pitr.enabled) final_backup = table_name + "$DeletedTableBackup";
  STATOR_RETURN_IF_ERROR(ctx.engine().DeleteTable(table_name, final_backup));
  // DynamoDB's DeleteTable answer leaves the indexes out.
  auto shown = std::make_shared<model::TableDef>(*table);
  shown->local_indexes.clear();
  shown->global_indexes.clear();
  desc.def = std::move(shown);
  return desc;
}

Result<ListTablesResponse> ListTables(const RequestContext& ctx, const ListTablesRequest& req) {
  int64_t limit = req.limit.value_or(validation::kListTablesMaxLimit);
  ListTablesResponse resp;
  std::vector<storage::TablePtr> tables = ctx.engine().ListTables();
  auto it = tables.begin();
  if (req.exclusive_start_table_name) {
    it = std::upper_bound(
        tables.begin(), tables.end(), *req.exclusive_start_table_name,
        [](const std::string& name, const storage::TablePtr& t) { return name < t->name; });
  }
  for (; it != tables.end(); ++it) {
    if (static_cast<int64_t>(resp.table_names.size()) == limit) {
      // Only when more tables remain, as DynamoDB.
      resp.last_evaluated_table_name = resp.table_names.back();
      break;
    }
    resp.table_names.push_back((*it)->name);
  }
  return resp;
}

DescribeLimitsResponse DescribeLimits(const RequestContext& /*ctx*/) {
  return DescribeLimitsResponse{validation::kAccountMaxReadUnits, validation::kAccountMaxWriteUnits,
                                validation::kTableMaxReadUnits, validation::kTableMaxWriteUnits};
}

Endpoint DescribeEndpoints(const RequestContext& ctx) {
  return Endpoint{"dynamodb." + ctx.region + ".amazonaws.com", 1440};
}

}  // namespace stator::ops

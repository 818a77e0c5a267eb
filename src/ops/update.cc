#include "ops/update.h"

#include "expr/parser.h"
#include "expr/updater.h"
#include "model/item_size.h"
#include "ops/projection.h"
#include "ops/tables.h"
#include "validation/keys.h"
#include "validation/limits.h"

namespace stator::ops {
namespace {

// Parses and resolves the update and the condition with one resolver, so a
// name or value counts as used when either expression uses it.
Status ResolveExpressions(const UpdateItemRequest& req, expr::ResolvedUpdate* update,
                          WriteCondition* condition) {
  const WriteConditionParams& p = req.condition;
  expr::Resolver resolver(p.names ? &*p.names : nullptr, p.values ? &*p.values : nullptr);
  if (req.update_expression) {
    STATOR_ASSIGN_OR_RETURN(expr::UpdateExpr parsed, expr::ParseUpdate(*req.update_expression));
    STATOR_ASSIGN_OR_RETURN(*update, resolver.Resolve(parsed));
  } else if (req.legacy_update) {
    *update = *req.legacy_update;
  }
  STATOR_ASSIGN_OR_RETURN(*condition, ResolveWriteCondition(p, resolver));
  return resolver.CheckAllUsed();
}

bool IsIndexKey(const model::TableDef& table, const std::string& name) {
  for (const auto* indexes : {&table.local_indexes, &table.global_indexes}) {
    for (const auto& index : *indexes) {
      if (index.key.Contains(name)) return true;
    }
  }
  return false;
}

// Key attributes are never updated; index key attributes only as a whole.
Status CheckKeyPaths(const model::TableDef& table, const expr::ResolvedUpdate& update) {
  for (const expr::UpdateAction& a : update.actions) {
    const std::string& top = a.path.elements[0].name;
    if (top == table.key.hash.name || (table.key.range && top == table.key.range->name)) {
      return Status::Validation(
          "One or more parameter values were invalid: Cannot update attribute " + top +
          ". This attribute is part of the key");
    }
    if (a.path.elements.size() > 1 && IsIndexKey(table, top)) {
      return Status::Validation(
          "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
          "allowed: IndexKey: " +
          top);
    }
  }
  return Status::OK();
}

// The index key attributes of the updated item, with the messages DynamoDB
// gives an update (which differ from PutItem's for an existing item and for
// an UpdateExpression).
Status CheckIndexKeys(const model::TableDef& table, const model::Item& updated, bool existed,
                      bool expression) {
  auto problem = validation::FindIndexKeyProblem(table, updated);
  if (!problem) return Status::OK();
  if (problem->kind == validation::IndexKeyProblem::Kind::kTypeMismatch && existed) {
    return Status::Validation(
        "The update expression attempted to update the secondary index key to unsupported type");
  }
  if (problem->kind == validation::IndexKeyProblem::Kind::kEmpty && expression) {
    return Status::Validation(
        std::string("One or more parameter values are not valid. The update expression "
                    "attempted to update a secondary index key to a value that is not "
                    "supported. The AttributeValue for a key attribute cannot contain an "
                    "empty ") +
        (problem->actual == model::Type::kS ? "string" : "binary") + " value.");
  }
  return validation::IndexKeyProblemStatus(*problem);
}

// On a missing item DynamoDB writes the key plus whatever the update sets or
// adds; an update that can only take attributes away writes nothing.
bool CreatesItem(const expr::ResolvedUpdate& update) {
  if (update.actions.empty()) return true;
  for (const expr::UpdateAction& a : update.actions) {
    if (a.kind == expr::UpdateAction::Kind::kSet || a.kind == expr::UpdateAction::Kind::kAdd) {
      return true;
    }
  }
  return false;
}

// UPDATED_OLD / UPDATED_NEW: the updated paths, as they were or are, in the
// item's shape; nullopt when none of them has a value.
std::optional<model::Item> UpdatedAttributes(const expr::ResolvedUpdate& update,
                                             const std::optional<model::Item>& item) {
  if (!item) return std::nullopt;
  ProjectionSpec spec;
  spec.all = false;
  for (const expr::UpdateAction& a : update.actions) spec.paths.push_back(a.path);
  model::Item projected = ApplyProjection(spec, *item);
  if (projected.empty()) return std::nullopt;
  return projected;
}

}  // namespace

Result<PreparedUpdate> ResolveUpdate(const UpdateItemRequest& req) {
  PreparedUpdate prepared;
  STATOR_RETURN_IF_ERROR(ResolveExpressions(req, &prepared.update, &prepared.condition));
  prepared.key = req.key;
  prepared.dialect =
      req.legacy_update ? expr::UpdateDialect::kAttributeUpdates : expr::UpdateDialect::kExpression;
  return prepared;
}

Status CheckUpdateAgainstTable(const model::TableDef& table, const PreparedUpdate& prepared) {
  STATOR_RETURN_IF_ERROR(validation::ValidateKey(table, prepared.key));
  return CheckKeyPaths(table, prepared.update);
}

Result<PreparedUpdate> PrepareUpdate(const RequestContext& ctx, const UpdateItemRequest& req) {
  STATOR_ASSIGN_OR_RETURN(PreparedUpdate prepared, ResolveUpdate(req));
  STATOR_ASSIGN_OR_RETURN(prepared.table, FindTableForItemOp(ctx, req.table_name));
  STATOR_RETURN_IF_ERROR(CheckUpdateAgainstTable(*prepared.table, prepared));
  return prepared;
}

Result<storage::WriteDecision> DecideUpdate(const PreparedUpdate& prepared,
                                            const std::optional<model::Item>& current,
                                            std::optional<model::Item>* new_item) {
  STATOR_RETURN_IF_ERROR(CheckWriteCondition(prepared.condition, current));
  new_item->reset();
  if (!current && !CreatesItem(prepared.update)) return storage::WriteDecision::None();
  STATOR_ASSIGN_OR_RETURN(
      model::Item updated,
      expr::ApplyUpdate(prepared.update, current ? *current : prepared.key, prepared.dialect));
  if (model::ItemSize(updated) > validation::kMaxItemBytes) {
    return Status::Validation("Item size to update has exceeded the maximum allowed size");
  }
  STATOR_RETURN_IF_ERROR(CheckIndexKeys(*prepared.table, updated, current.has_value(),
                                        prepared.dialect == expr::UpdateDialect::kExpression));
  *new_item = updated;
  return storage::WriteDecision::Put(std::move(updated));
}

Result<WriteItemResponse> UpdateItem(const RequestContext& ctx, const UpdateItemRequest& req) {
  STATOR_ASSIGN_OR_RETURN(PreparedUpdate prepared, PrepareUpdate(ctx, req));
  const storage::TablePtr& table = prepared.table;
  const expr::ResolvedUpdate& update = prepared.update;
  std::optional<model::Item> old_item;
  std::optional<model::Item> new_item;
  STATOR_RETURN_IF_ERROR(ctx.engine().Mutate(
      *table, req.key,
      [&](const std::optional<model::Item>& current) -> Result<storage::WriteDecision> {
        old_item = current;
        return DecideUpdate(prepared, current, &new_item);
      }));

  WriteItemResponse resp;
  resp.consumed_capacity =
      MakeWriteConsumed(req.return_consumed_capacity, *table, old_item, new_item);
  if (req.return_item_collection_metrics) {
    STATOR_ASSIGN_OR_RETURN(resp.item_collection_metrics,
                            MeasureItemCollection(ctx, *table, req.key));
  }
  switch (req.return_values) {
    case ReturnValues::kAllOld:
      resp.attributes = old_item;
      break;
    case ReturnValues::kAllNew:
      resp.attributes = new_item;
      break;
    case ReturnValues::kUpdatedOld:
      resp.attributes = UpdatedAttributes(update, old_item);
      break;
    case ReturnValues::kUpdatedNew:
      resp.attributes = UpdatedAttributes(update, new_item);
      break;
    case ReturnValues::kNone:
      break;
  }
  return resp;
}

}  // namespace stator::ops

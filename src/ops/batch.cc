#include "ops/batch.h"

#include <algorithm>

#include "model/item_size.h"
#include "ops/tables.h"
#include "validation/keys.h"

namespace stator::ops {
namespace {

constexpr std::string_view kDuplicates = "Provided list of item keys contains duplicates";

bool Contains(const std::vector<model::Item>& items, const model::Item& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// --- BatchGetItem ---

// Checks every table and key before anything is read.
Result<std::vector<storage::TablePtr>> FindGetTables(const RequestContext& ctx,
                                                     const BatchGetItemRequest& req) {
  std::vector<storage::TablePtr> tables;
  for (const BatchGetTable& t : req.tables) {
    STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, FindTableForItemOp(ctx, t.table_name));
    for (const model::Item& key : t.keys) {
      STATOR_RETURN_IF_ERROR(validation::ValidateKey(*table, key));
    }
    STATOR_RETURN_IF_ERROR(CheckKeyPathsScalar(*table, t.projection.paths));
    tables.push_back(std::move(table));
  }
  return tables;
}

// How much of the 16 MB answer the items read so far take, across tables.
struct ResponseBudget {
  size_t bytes = 0;
  bool full = false;  // an item did not fit: nothing more is read
};

// The reads of one table. Keys are read in order until an item would take
// the answer past the limit; that key and every later one go to
// `unprocessed`, and are not charged.
Status ReadTable(const RequestContext& ctx, const model::TableDef& table, const BatchGetTable& t,
                 ResponseBudget* budget, std::vector<model::Item>* found,
                 BatchGetTable* unprocessed, double* units) {
  const bool consistent = t.consistent_read.value_or(false);
  for (const model::Item& key : t.keys) {
    if (!budget->full) {
      STATOR_ASSIGN_OR_RETURN(std::optional<model::Item> item, ctx.engine().GetItem(table, key));
      std::optional<model::Item> projected;
      if (item) projected = ApplyProjection(t.projection, *item);
      const size_t size = projected ? model::ItemSize(*projected) : 0;
      budget->full = budget->bytes + size > kMaxBatchGetResponseBytes;
      if (!budget->full) {
        budget->bytes += size;
        *units += ReadUnits(item ? model::ItemSize(*item) : 0, consistent);
        if (projected) found->push_back(std::move(*projected));
        continue;
      }
    }
    unprocessed->keys.push_back(key);
  }
  return Status::OK();
}

// --- BatchWriteItem ---

// A put's key attributes, checked as DynamoDB checks them in a batch: a
// missing or mistyped key attribute is reported as a schema mismatch (PutItem
// names the attribute instead); the rest as PutItem does.
Status ValidatePutItem(const model::TableDef& table, const model::Item& item) {
  STATOR_RETURN_IF_ERROR(validation::ValidateItemSize(item));
  for (const model::KeyElement* element :
       {&table.key.hash, table.key.range ? &*table.key.range : nullptr}) {
    if (element == nullptr) continue;
    auto it = item.find(element->name);
    if (it == item.end() || it->second.type() != element->type) {
      return Status::Validation("The provided key element does not match the schema");
    }
  }
  return validation::ValidateItemKey(table, item);
}

struct PlannedTable {
  storage::TablePtr table;
  std::vector<model::Item> keys;  // one per request, in order
};

// Every table, item, key and duplicate, before the first write.
Result<std::vector<PlannedTable>> PlanWrites(const RequestContext& ctx,
                                             const BatchWriteItemRequest& req) {
  std::vector<PlannedTable> plan;
  for (const BatchWriteTable& t : req.tables) {
    PlannedTable p;
    STATOR_ASSIGN_OR_RETURN(p.table, FindTableForItemOp(ctx, t.table_name));
    for (const WriteRequest& w : t.requests) {
      model::Item key;
      if (w.kind == WriteRequest::Kind::kPut) {
        STATOR_RETURN_IF_ERROR(ValidatePutItem(*p.table, w.item));
        key = validation::ExtractKey(*p.table, w.item);
      } else {
        STATOR_RETURN_IF_ERROR(validation::ValidateKey(*p.table, w.item));
        key = w.item;
      }
      if (Contains(p.keys, key)) return Status::Validation(std::string(kDuplicates));
      p.keys.push_back(std::move(key));
    }
    plan.push_back(std::move(p));
  }
  return plan;
}

// One put or delete, as PutItem and DeleteItem perform it (without a
// condition); adds its capacity to `total`.
Status ApplyWrite(const RequestContext& ctx, const model::TableDef& table, const model::Item& key,
                  const WriteRequest& w, ReturnConsumedCapacity mode, ConsumedCapacity* total) {
  std::optional<model::Item> old_item;
  const bool put = w.kind == WriteRequest::Kind::kPut;
  STATOR_RETURN_IF_ERROR(ctx.engine().Mutate(
      table, key, [&](const std::optional<model::Item>& current) -> Result<storage::WriteDecision> {
        old_item = current;
        return put ? storage::WriteDecision::Put(w.item) : storage::WriteDecision::Delete();
      }));
  std::optional<ConsumedCapacity> c =
      MakeWriteConsumed(mode, table, old_item,
                        put ? std::optional<model::Item>(w.item) : std::optional<model::Item>());
  if (c) AddConsumedUnits(*c, total);
  return Status::OK();
}

// ReturnItemCollectionMetrics=SIZE: each item collection the table's writes
// touched, once.
Result<std::vector<ItemCollectionMetrics>> MeasureCollections(const RequestContext& ctx,
                                                              const PlannedTable& p) {
  std::vector<ItemCollectionMetrics> out;
  std::vector<model::Item> seen;
  const std::string& hash = p.table->key.hash.name;
  for (const model::Item& key : p.keys) {
    model::Item partition;
    partition.emplace(hash, key.at(hash));
    if (Contains(seen, partition)) continue;
    seen.push_back(partition);
    STATOR_ASSIGN_OR_RETURN(std::optional<ItemCollectionMetrics> m,
                            MeasureItemCollection(ctx, *p.table, partition));
    if (m) out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace

Status BatchKeyTally::Add(const model::Item& key) {
  if (Contains(table_keys_, key)) return Status::Validation(std::string(kDuplicates));
  table_keys_.push_back(key);
  if (++total_ > max_total_) return Status::Validation(too_many_message_);
  return Status::OK();
}

Result<BatchGetItemResponse> BatchGetItem(const RequestContext& ctx,
                                          const BatchGetItemRequest& req) {
  STATOR_ASSIGN_OR_RETURN(std::vector<storage::TablePtr> tables, FindGetTables(ctx, req));

  BatchGetItemResponse resp;
  const ReturnConsumedCapacity mode = req.return_consumed_capacity;
  if (mode != ReturnConsumedCapacity::kNone) resp.consumed_capacity.emplace();
  ResponseBudget budget;
  for (size_t i = 0; i < tables.size(); ++i) {
    const BatchGetTable& t = req.tables[i];
    std::vector<model::Item> found;
    BatchGetTable unprocessed = t;
    unprocessed.keys.clear();
    double units = 0;
    STATOR_RETURN_IF_ERROR(ReadTable(ctx, *tables[i], t, &budget, &found, &unprocessed, &units));
    resp.responses.emplace_back(t.table_name, std::move(found));
    if (!unprocessed.keys.empty()) resp.unprocessed.push_back(std::move(unprocessed));
    if (auto c = MakeReadConsumed(mode, t.table_name, units)) resp.consumed_capacity->push_back(*c);
  }
  return resp;
}

Result<BatchWriteItemResponse> BatchWriteItem(const RequestContext& ctx,
                                              const BatchWriteItemRequest& req) {
  STATOR_ASSIGN_OR_RETURN(std::vector<PlannedTable> plan, PlanWrites(ctx, req));

  BatchWriteItemResponse resp;
  const ReturnConsumedCapacity mode = req.return_consumed_capacity;
  if (mode != ReturnConsumedCapacity::kNone) resp.consumed_capacity.emplace();
  for (size_t i = 0; i < plan.size(); ++i) {
    const PlannedTable& p = plan[i];
    const BatchWriteTable& t = req.tables[i];
    ConsumedCapacity total;
    total.table_name = p.table->name;
    total.with_detail = mode == ReturnConsumedCapacity::kIndexes;
    BatchWriteTable unprocessed{t.table_name, {}};
    for (size_t j = 0; j < t.requests.size(); ++j) {
      Status s = ApplyWrite(ctx, *p.table, p.keys[j], t.requests[j], mode, &total);
      // A write that meets a running transaction is left for the client to
      // send again, as DynamoDB returns the writes it could not process.
      if (s.code() == Code::kTransactionConflict) {
        unprocessed.requests.push_back(t.requests[j]);
        continue;
      }
      STATOR_RETURN_IF_ERROR(s);
    }
    if (!unprocessed.requests.empty()) resp.unprocessed.push_back(std::move(unprocessed));
    if (resp.consumed_capacity) resp.consumed_capacity->push_back(std::move(total));
  }
  if (req.return_item_collection_metrics) {
    for (const PlannedTable& p : plan) {
      if (p.table->local_indexes.empty()) continue;
      STATOR_ASSIGN_OR_RETURN(std::vector<ItemCollectionMetrics> m, MeasureCollections(ctx, p));
      resp.item_collection_metrics.emplace_back(p.table->name, std::move(m));
    }
  }
  return resp;
}

}  // namespace stator::ops

#include "ops/transactions.h"

#include <algorithm>

#include "model/item_size.h"
#include "ops/tables.h"
#include "ops/update.h"
#include "validation/keys.h"

namespace stator::ops {
namespace {

constexpr std::string_view kMultipleOperations =
    "Transaction request cannot include multiple operations on one item";

// One action after validation: its table, its item's key and what it does.
struct PreparedAction {
  storage::TablePtr table;
  model::Item key;
  WriteCondition condition;              // Put, Delete, ConditionCheck
  std::optional<PreparedUpdate> update;  // Update
  Status refusal;  // a problem against the table's schema: a cancellation reason
  // Filled while the items are locked.
  std::optional<model::Item> old_item;
  std::optional<model::Item> new_item;
};

// What a transaction's actions can be checked for from the request alone:
// the expressions and the item's size.
Result<PreparedAction> ResolveAction(const TransactWriteAction& a) {
  PreparedAction p;
  if (a.kind == TransactWriteAction::Kind::kUpdate) {
    UpdateItemRequest u;
    u.table_name = a.table_name;
    u.key = a.key;
    u.update_expression = a.update_expression;
    u.condition = a.condition;
    STATOR_ASSIGN_OR_RETURN(p.update, ResolveUpdate(u));
  } else {
    if (a.kind == TransactWriteAction::Kind::kPut) {
      STATOR_RETURN_IF_ERROR(validation::ValidateItemSize(a.item));
    }
    STATOR_ASSIGN_OR_RETURN(p.condition, ResolveWriteCondition(a.condition));
  }
  return p;
}

// The item an action addresses, as far as the request tells: a Put's key
// attributes (nullopt when one is missing) or the Key parameter.
std::optional<model::Item> AddressedKey(const model::TableDef& table,
                                        const TransactWriteAction& a) {
  if (a.kind != TransactWriteAction::Kind::kPut) return a.key;
  if (a.item.count(table.key.hash.name) == 0) return std::nullopt;
  if (table.key.range && a.item.count(table.key.range->name) == 0) return std::nullopt;
  return validation::ExtractKey(table, a.item);
}

// The checks against the table's schema that DynamoDB reports as a
// cancellation reason (ValidationError) rather than as an error of the request.
Status CheckAgainstTable(const model::TableDef& table, const TransactWriteAction& a,
                         const PreparedAction& p) {
  switch (a.kind) {
    case TransactWriteAction::Kind::kPut:
      return validation::ValidateItemKey(table, a.item);
    case TransactWriteAction::Kind::kUpdate:
      return CheckUpdateAgainstTable(table, *p.update);
    default:
      return validation::ValidateKey(table, a.key);
  }
}

// The bytes a transaction carries towards its 4 MB limit: each Put's item
// and each other action's key.
size_t PayloadBytes(const TransactWriteItemsRequest& req) {
  size_t bytes = 0;
  for (const TransactWriteAction& a : req.actions) {
    bytes += model::ItemSize(a.kind == TransactWriteAction::Kind::kPut ? a.item : a.key);
  }
  return bytes;
}

// Validates every action in DynamoDB's phases: the expressions of all actions,
// the payload size, then table by table the lookups and duplicate items, the
// empty key values, and last the schema checks that become cancellation
// reasons (kept in each action's `refusal`).
Result<std::vector<PreparedAction>> PrepareActions(const RequestContext& ctx,
                                                   const TransactWriteItemsRequest& req) {
  std::vector<PreparedAction> prepared;
  prepared.reserve(req.actions.size());
  for (const TransactWriteAction& a : req.actions) {
    STATOR_ASSIGN_OR_RETURN(PreparedAction p, ResolveAction(a));
    prepared.push_back(std::move(p));
  }
  if (size_t bytes = PayloadBytes(req); bytes > kMaxTransactionRequestBytes) {
    return Status::Validation("Transaction payload size cannot exceed 4MB. Payload Size: " +
                              std::to_string(bytes));
  }
  std::vector<std::optional<model::Item>> keys;
  for (size_t i = 0; i < req.actions.size(); ++i) {
    STATOR_ASSIGN_OR_RETURN(prepared[i].table, FindTableForItemOp(ctx, req.actions[i].table_name));
    keys.push_back(AddressedKey(*prepared[i].table, req.actions[i]));
    for (size_t j = 0; j < i && keys[i]; ++j) {
      if (prepared[j].table->table_id == prepared[i].table->table_id && keys[j] == keys[i]) {
        return Status::Validation(std::string(kMultipleOperations));
      }
    }
  }
  for (size_t i = 0; i < req.actions.size(); ++i) {
    const TransactWriteAction& a = req.actions[i];
    STATOR_RETURN_IF_ERROR(validation::CheckNoEmptyKeyValues(
        *prepared[i].table, a.kind == TransactWriteAction::Kind::kPut ? a.item : a.key,
        a.kind == TransactWriteAction::Kind::kPut));
  }
  for (size_t i = 0; i < req.actions.size(); ++i) {
    PreparedAction& p = prepared[i];
    p.refusal = CheckAgainstTable(*p.table, req.actions[i], p);
    if (p.refusal.ok()) p.key = *keys[i];
    if (p.update) {
      p.update->table = p.table;
      p.update->key = p.key;
    }
  }
  return prepared;
}

// The decision of action `a` for its item's `current` value.
Result<storage::WriteDecision> Decide(const TransactWriteAction& a, PreparedAction& p,
                                      const std::optional<model::Item>& current) {
  p.old_item = current;
  p.new_item.reset();
  if (p.update) return DecideUpdate(*p.update, current, &p.new_item);
  STATOR_RETURN_IF_ERROR(CheckWriteCondition(p.condition, current));
  switch (a.kind) {
    case TransactWriteAction::Kind::kPut:
      p.new_item = a.item;
      return storage::WriteDecision::Put(a.item);
    case TransactWriteAction::Kind::kDelete:
      return storage::WriteDecision::Delete();
    default:
      return storage::WriteDecision::None();
  }
}

// The reason an action is reported with; `condition_check` for a
// ConditionCheck, whose failure message ends with a period (the others' do not).
CancellationReason ReasonFor(const Status& s, bool condition_check) {
  CancellationReason r;
  switch (s.code()) {
    case Code::kOk:
      return r;
    case Code::kConditionalCheckFailed:
      r.code = "ConditionalCheckFailed";
      r.message = condition_check ? s.message() + "." : s.message();
      if (const auto* d = dynamic_cast<const ConditionFailedDetail*>(s.detail())) r.item = d->item;
      return r;
    case Code::kTransactionConflict:
      r.code = "TransactionConflict";
      r.message = "Transaction is ongoing for the item.";
      return r;
    case Code::kItemCollectionSizeLimitExceeded:
      r.code = "ItemCollectionSizeLimitExceeded";
      r.message = "Collection size exceeded.";
      return r;
    default:
      r.code = "ValidationError";
      r.message = s.message();
      return r;
  }
}

}  // namespace

Status TransactionCanceled(std::vector<CancellationReason> reasons) {
  std::string codes;
  for (const CancellationReason& r : reasons) codes += (codes.empty() ? "" : ", ") + r.code;
  auto detail = std::make_shared<TransactionCanceledDetail>();
  detail->reasons = std::move(reasons);
  return Status(Code::kTransactionCanceled,
                "Transaction cancelled, please refer cancellation reasons for specific reasons [" +
                    codes + "]")
      .WithDetail(std::move(detail));
}

namespace {

// Adds `c` to the entry of its table in `totals`, created in first-use order.
void AddToTable(const ConsumedCapacity& c, std::vector<ConsumedCapacity>* totals) {
  auto it = std::find_if(totals->begin(), totals->end(),
                         [&](const ConsumedCapacity& t) { return t.table_name == c.table_name; });
  if (it == totals->end()) {
    ConsumedCapacity empty;
    empty.table_name = c.table_name;
    empty.with_detail = c.with_detail;
    empty.kind = c.kind;
    totals->push_back(std::move(empty));
    it = totals->end() - 1;
  }
  AddConsumedUnits(c, &*it);
}

// A transactional read of an item of `size` bytes (0: absent): two units per
// 4 KB, an absent item costing as much as a small one.
ConsumedCapacity TransactionalRead(ReturnConsumedCapacity mode, const std::string& table_name,
                                   size_t size) {
  ConsumedCapacity c = *MakeReadConsumed(mode, table_name, 2 * ReadUnits(size, true));
  c.kind = ConsumedCapacity::Kind::kRead;
  return c;
}

// The capacity of the actions `applied` (table and item size of each) read
// again for a repeated ClientRequestToken: DynamoDB then reports read units.
std::vector<ConsumedCapacity> ReplayCapacity(
    ReturnConsumedCapacity mode, const std::vector<TransactionTokens::Action>& applied) {
  std::vector<ConsumedCapacity> out;
  if (mode == ReturnConsumedCapacity::kNone) return out;
  for (const auto& a : applied) AddToTable(TransactionalRead(mode, a.table_name, a.size), &out);
  return out;
}

struct Applied {
  TransactWriteItemsResponse response;
  std::vector<TransactionTokens::Action> actions;
};

Result<Applied> Apply(const RequestContext& ctx, const TransactWriteItemsRequest& req) {
  STATOR_ASSIGN_OR_RETURN(std::vector<PreparedAction> prepared, PrepareActions(ctx, req));

  std::vector<storage::TransactionWrite> writes;
  writes.reserve(prepared.size());
  for (size_t i = 0; i < prepared.size(); ++i) {
    writes.push_back(storage::TransactionWrite{prepared[i].table, prepared[i].key,
                                               [&, i](const std::optional<model::Item>& current) {
                                                 return Decide(req.actions[i], prepared[i],
                                                               current);
                                               },
                                               prepared[i].refusal});
  }
  std::vector<Status> outcomes;
  Status status = ctx.engine().Transact(writes, &outcomes);
  if (status.code() == Code::kTransactionCanceled) {
    std::vector<CancellationReason> reasons;
    reasons.reserve(outcomes.size());
    for (size_t i = 0; i < outcomes.size(); ++i) {
      reasons.push_back(ReasonFor(
          outcomes[i], req.actions[i].kind == TransactWriteAction::Kind::kConditionCheck));
    }
    return TransactionCanceled(std::move(reasons));
  }
  STATOR_RETURN_IF_ERROR(status);

  Applied applied;
  TransactWriteItemsResponse& resp = applied.response;
  for (const PreparedAction& p : prepared) {
    size_t size = std::max(p.old_item ? model::ItemSize(*p.old_item) : 0,
                           p.new_item ? model::ItemSize(*p.new_item) : 0);
    applied.actions.push_back({p.table->name, size});
    auto c = MakeWriteConsumed(req.return_consumed_capacity, *p.table, p.old_item, p.new_item);
    if (!c) continue;
    // Transactional writes cost the table twice the units of standard
    // ones; index entries are written once, at the standard cost.
    c->table_units *= 2;
    c->kind = ConsumedCapacity::Kind::kWrite;
    AddToTable(*c, &resp.consumed_capacity);
  }
  if (req.return_item_collection_metrics) {
    for (const PreparedAction& p : prepared) {
      STATOR_ASSIGN_OR_RETURN(std::optional<ItemCollectionMetrics> m,
                              MeasureItemCollection(ctx, *p.table, p.key));
      if (!m) continue;
      auto& list = resp.item_collection_metrics[p.table->name];
      if (std::find_if(list.begin(), list.end(), [&](const ItemCollectionMetrics& e) {
            return e.key == m->key;
          }) == list.end()) {
        list.push_back(std::move(*m));
      }
    }
  }
  return applied;
}

}  // namespace

TransactionTokens::Claim TransactionTokens::Begin(const std::string& token,
                                                  const std::string& fingerprint,
                                                  int64_t now_micros,
                                                  std::vector<Action>* applied) {
  std::lock_guard lock(mu_);
  Expire(now_micros);
  auto [it, inserted] = entries_.try_emplace(token);
  Entry& e = it->second;
  if (inserted) {
    e.fingerprint = fingerprint;
    return Claim::kNew;
  }
  if (e.fingerprint != fingerprint) return Claim::kMismatch;
  if (!e.done) return Claim::kInProgress;
  *applied = e.actions;
  return Claim::kReplay;
}

void TransactionTokens::Finish(const std::string& token, int64_t now_micros,
                               std::vector<Action> applied) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(token);
  if (it == entries_.end()) return;
  it->second.done = true;
  it->second.expires_micros = now_micros + kClientRequestTokenLifetimeMicros;
  it->second.actions = std::move(applied);
  expiries_.emplace_back(it->second.expires_micros, token);
}

void TransactionTokens::Abandon(const std::string& token) {
  std::lock_guard lock(mu_);
  entries_.erase(token);
}

void TransactionTokens::Expire(int64_t now_micros) {
  // Entries finish in time order (a clock stepping back only delays expiry).
  while (!expiries_.empty() && expiries_.front().first <= now_micros) {
    auto it = entries_.find(expiries_.front().second);
    // The entry may be a newer one for the same token, reserved after this one expired.
    if (it != entries_.end() && it->second.done &&
        it->second.expires_micros == expiries_.front().first) {
      entries_.erase(it);
    }
    expiries_.pop_front();
  }
}

Result<TransactWriteItemsResponse> TransactWriteItems(const RequestContext& ctx,
                                                      const TransactWriteItemsRequest& req) {
  TransactionTokens* tokens = ctx.env->transaction_tokens;
  if (!req.client_request_token || tokens == nullptr) {
    STATOR_ASSIGN_OR_RETURN(Applied applied, Apply(ctx, req));
    return std::move(applied.response);
  }
  const std::string& token = *req.client_request_token;
  std::vector<TransactionTokens::Action> earlier;
  switch (tokens->Begin(token, req.fingerprint, ctx.NowMicros(), &earlier)) {
    case TransactionTokens::Claim::kReplay: {
      TransactWriteItemsResponse resp;
      resp.consumed_capacity = ReplayCapacity(req.return_consumed_capacity, earlier);
      return resp;
    }
    case TransactionTokens::Claim::kMismatch:
      return Status(Code::kIdempotentParameterMismatch,
                    "DynamoDB rejected the request because you retried a request with a "
                    "different payload but with an idempotent token that was already used.");
    case TransactionTokens::Claim::kInProgress:
      return Status(Code::kTransactionInProgress,
                    "Transaction from previous request is still in progress");
    case TransactionTokens::Claim::kNew:
      break;
  }
  // A request that fails (validation, cancellation) leaves its token unused.
  Result<Applied> applied = Apply(ctx, req);
  if (!applied.ok()) {
    tokens->Abandon(token);
    return applied.status();
  }
  tokens->Finish(token, ctx.NowMicros(), std::move(applied.value().actions));
  return std::move(applied.value().response);
}

Result<TransactGetItemsResponse> TransactGetItems(const RequestContext& ctx,
                                                  const TransactGetItemsRequest& req) {
  // Tables and duplicate items first, then empty key values (errors of the
  // request), then the schema (cancellation reasons).
  std::vector<storage::TransactionRead> reads;
  reads.reserve(req.actions.size());
  for (const TransactGetAction& a : req.actions) {
    STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, FindTableForItemOp(ctx, a.table_name));
    for (const storage::TransactionRead& earlier : reads) {
      if (earlier.table->table_id == table->table_id && earlier.key == a.key) {
        return Status::Validation(std::string(kMultipleOperations));
      }
    }
    reads.push_back(storage::TransactionRead{std::move(table), a.key, Status::OK()});
  }
  for (const storage::TransactionRead& r : reads) {
    STATOR_RETURN_IF_ERROR(validation::CheckNoEmptyKeyValues(*r.table, r.key, false));
  }
  for (size_t i = 0; i < reads.size(); ++i) {
    reads[i].refusal = validation::ValidateKey(*reads[i].table, reads[i].key);
    if (reads[i].refusal.ok()) {
      reads[i].refusal = CheckKeyPathsScalar(*reads[i].table, req.actions[i].projection.paths);
    }
  }
  std::vector<std::optional<model::Item>> items;
  std::vector<Status> outcomes;
  Status read = ctx.engine().ReadConsistent(reads, &items, &outcomes);
  if (read.code() == Code::kTransactionCanceled) {
    std::vector<CancellationReason> reasons;
    reasons.reserve(outcomes.size());
    for (const Status& s : outcomes) reasons.push_back(ReasonFor(s, false));
    return TransactionCanceled(std::move(reasons));
  }
  STATOR_RETURN_IF_ERROR(read);

  TransactGetItemsResponse resp;
  resp.items.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (req.return_consumed_capacity != ReturnConsumedCapacity::kNone) {
      // Charged on the whole item, whatever the projection.
      size_t size = items[i] ? model::ItemSize(*items[i]) : 0;
      AddToTable(TransactionalRead(req.return_consumed_capacity, reads[i].table->name, size),
                 &resp.consumed_capacity);
    }
    resp.items.push_back(
        items[i] ? std::optional<model::Item>(ApplyProjection(req.actions[i].projection, *items[i]))
                 : std::nullopt);
  }
  return resp;
}

}  // namespace stator::ops

// Transactions: TransactWriteItems and TransactGetItems.
//
// TransactWriteItems applies up to 100 Put, Update, Delete and ConditionCheck
// actions, on distinct items of one or more tables, all or none. Every action
// is validated (tables, keys, expressions) before any item is read; then
// Engine::Transact locks the items together, checks every condition against
// the current items and writes all the changes (items, index entries,
// statistics) in one atomic batch. When any action is refused the request
// fails with TransactionCanceledException, whose CancellationReasons give one
// entry per action in request order.
//
// TransactGetItems reads up to 100 items from one consistent snapshot.
//
// A ClientRequestToken makes TransactWriteItems idempotent for 10 minutes:
// the same token with the same request answers success again without
// applying anything; with a different request it is refused
// (IdempotentParameterMismatchException). TransactionTokens remembers them.
//
// Isolation and conflicts are described in docs/design/transactions.md.
//
// Thread-safety: the operations may be called concurrently; TransactionTokens
// is internally synchronised.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "model/attribute_value.h"
#include "ops/capacity.h"
#include "ops/conditions.h"
#include "ops/context.h"
#include "ops/items.h"
#include "ops/projection.h"

namespace stator::ops {

inline constexpr size_t kMaxTransactionActions = 100;
inline constexpr size_t kMaxTransactionRequestBytes = 4 * 1024 * 1024;
inline constexpr int64_t kClientRequestTokenLifetimeMicros = 10LL * 60 * 1000 * 1000;

struct TransactWriteAction {
  enum class Kind { kConditionCheck, kPut, kDelete, kUpdate };
  Kind kind = Kind::kPut;
  std::string table_name;
  model::Item item;                              // kPut
  model::Item key;                               // the others
  std::optional<std::string> update_expression;  // kUpdate
  // ConditionExpression, the names and values every expression of the action
  // shares, and ReturnValuesOnConditionCheckFailure.
  WriteConditionParams condition;
};

struct TransactWriteItemsRequest {
  std::vector<TransactWriteAction> actions;
  std::optional<std::string> client_request_token;
  // A digest of the request's actions in a canonical form, compared when a
  // token is reused (protocol's business: it knows the wire form).
  std::string fingerprint;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  bool return_item_collection_metrics = false;
};

struct TransactWriteItemsResponse {
  std::vector<ConsumedCapacity> consumed_capacity;  // one per table, in first-use order
  // Table name -> the item collections written, on tables with local indexes.
  std::map<std::string, std::vector<ItemCollectionMetrics>> item_collection_metrics;
};

struct TransactGetAction {
  std::string table_name;
  model::Item key;
  ProjectionSpec projection;
};

struct TransactGetItemsRequest {
  std::vector<TransactGetAction> actions;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

struct TransactGetItemsResponse {
  std::vector<std::optional<model::Item>> items;  // per action, in request order
  std::vector<ConsumedCapacity> consumed_capacity;
};

// One entry of a TransactionCanceledException's CancellationReasons.
struct CancellationReason {
  std::string code = "None";
  std::optional<std::string> message;
  std::optional<model::Item> item;  // ALL_OLD on a failed condition
};

struct TransactionCanceledDetail : ErrorDetail {
  std::vector<CancellationReason> reasons;
};

// TransactionCanceledException with `reasons`, one per action in request order; its message
// lists their codes.
Status TransactionCanceled(std::vector<CancellationReason> reasons);

// The ClientRequestTokens seen in the last 10 minutes, with the request each
// came with and what it applied.
class TransactionTokens {
 public:
  enum class Claim { kNew, kReplay, kMismatch, kInProgress };
  // An applied action: its table and the larger of its item's sizes before
  // and after, for the read capacity a repeated request reports.
  struct Action {
    std::string table_name;
    size_t size = 0;
  };

  // Looks `token` up at `now_micros`. kNew reserves it for this request until
  // Finish or Abandon; kReplay fills `applied` with what the first request did.
  Claim Begin(const std::string& token, const std::string& fingerprint, int64_t now_micros,
              std::vector<Action>* applied);
  // The request that reserved `token` was applied at `now_micros`: the token
  // answers for it for 10 minutes.
  void Finish(const std::string& token, int64_t now_micros, std::vector<Action> applied);
  // The request that reserved `token` failed: the token may be used again.
  void Abandon(const std::string& token);

 private:
  struct Entry {
    std::string fingerprint;
    int64_t expires_micros = 0;
    bool done = false;
    std::vector<Action> actions;
  };
  void Expire(int64_t now_micros);

  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
  // (expiry, token) of the finished entries in the order they finished: SDKs
  // send a token with every request, so expiry must not scan them all.
  std::deque<std::pair<int64_t, std::string>> expiries_;  // GUARDED_BY(mu_)
};

Result<TransactWriteItemsResponse> TransactWriteItems(const RequestContext& ctx,
                                                      const TransactWriteItemsRequest& req);
Result<TransactGetItemsResponse> TransactGetItems(const RequestContext& ctx,
                                                  const TransactGetItemsRequest& req);

}  // namespace stator::ops

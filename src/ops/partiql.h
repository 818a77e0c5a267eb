// PartiQL operations: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.
//
// A statement is parsed (partiql/parser.h) and planned into the item operations the JSON API
// has, which then do all the work with their own validation, index maintenance, change log and
// capacity accounting:
//   - SELECT whose WHERE fixes the partition key with = (or IN) becomes a Query per partition
//     key value, with one sort-key condition as its key condition and the rest as a filter;
//     any other SELECT is a Scan with the WHERE as its filter. ORDER BY the sort key (ASC or
//     DESC) needs a Query. Limit, NextToken, ConsistentRead pass through.
//   - INSERT is a PutItem under attribute_not_exists(partition key): an existing item is a
//     DuplicateItemException.
//   - UPDATE and DELETE name the whole primary key with = in WHERE; the other conjuncts, and
//     the item's existence, are the write's condition (ConditionalCheckFailedException).
//     UPDATE's SET and REMOVE become an UpdateExpression (set_add/set_delete are ADD/DELETE,
//     list_append and + - stay as they are). RETURNING maps to ReturnValues.
//   - BatchExecuteStatement runs up to 25 statements, reads (full-key SELECTs) or writes, not
//     both, each answering on its own; ExecuteTransaction runs up to 100 as one
//     TransactGetItems (all SELECTs) or TransactWriteItems (writes and EXISTS condition
//     checks).
//
// Thread-safety: may be called concurrently.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/attribute_value.h"
#include "ops/capacity.h"
#include "ops/context.h"
#include "ops/partiql_expressions.h"

namespace stator::ops {

inline constexpr size_t kMaxBatchStatements = 25;
inline constexpr size_t kMaxTransactionStatements = 100;

struct ExecuteStatementRequest {
  std::string statement;
  std::optional<PartiqlParameters> parameters;
  bool consistent_read = false;
  std::optional<std::string> next_token;
  std::optional<int64_t> limit;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
  bool return_old_on_failure = false;  // ReturnValuesOnConditionCheckFailure=ALL_OLD
};

struct ExecuteStatementResponse {
  std::vector<model::Item> items;
  std::optional<std::string> next_token;
  std::optional<model::Item> last_evaluated_key;
  std::optional<ConsumedCapacity> consumed_capacity;
};

Result<ExecuteStatementResponse> ExecuteStatement(const RequestContext& ctx,
                                                  const ExecuteStatementRequest& req);

struct BatchStatement {
  std::string statement;
  std::optional<PartiqlParameters> parameters;
  bool consistent_read = false;
  bool return_old_on_failure = false;
};

struct BatchExecuteStatementRequest {
  std::vector<BatchStatement> statements;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

// One statement's answer: its error, or its table and (for a read that found it) its item.
struct BatchStatementResult {
  struct Error {
    std::string code;  // ConditionalCheckFailed, DuplicateItem, ValidationError, ...
    std::string message;
    std::optional<model::Item> item;  // ALL_OLD on a failed condition
  };
  std::optional<Error> error;
  std::optional<std::string> table_name;
  std::optional<model::Item> item;
};

struct BatchExecuteStatementResponse {
  std::vector<BatchStatementResult> responses;  // in request order
  std::optional<std::vector<ConsumedCapacity>> consumed_capacity;  // per table
};

Result<BatchExecuteStatementResponse> BatchExecuteStatement(
    const RequestContext& ctx, const BatchExecuteStatementRequest& req);

struct TransactionStatement {
  std::string statement;
  std::optional<PartiqlParameters> parameters;
  bool return_old_on_failure = false;
};

struct ExecuteTransactionRequest {
  std::vector<TransactionStatement> statements;
  std::optional<std::string> client_request_token;
  std::string fingerprint;  // as TransactWriteItemsRequest::fingerprint
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

struct ExecuteTransactionResponse {
  // Reads only: one entry per statement, the item or nothing.
  std::optional<std::vector<std::optional<model::Item>>> responses;
  std::vector<ConsumedCapacity> consumed_capacity;
};

Result<ExecuteTransactionResponse> ExecuteTransaction(const RequestContext& ctx,
                                                      const ExecuteTransactionRequest& req);

// What one statement touches, for access policies: the IAM action (PartiQLSelect for SELECT and
// EXISTS, PartiQLInsert, PartiQLUpdate, PartiQLDelete), its table and index, the top-level
// attributes it names, and the partition-key values it names (nullopt when the table is
// unknown or the statement reads without fixing the partition key, as for a Scan), and whether
// it is a full table scan (the dynamodb:FullTableScan condition key).
struct PartiqlStatementFacts {
  std::string action;
  std::string table;
  std::optional<std::string> index;
  std::set<std::string> attributes;
  std::optional<std::vector<model::AttributeValue>> leading_keys;
  bool full_table_scan = false;  // a SELECT that fixes no partition key: a Scan
};

// Fails as ExecuteStatement would for a statement that does not parse or whose parameters do
// not match it.
Result<PartiqlStatementFacts> DescribePartiqlStatement(
    const RequestContext& ctx, const std::string& statement,
    const std::optional<PartiqlParameters>& parameters);

}  // namespace stator::ops

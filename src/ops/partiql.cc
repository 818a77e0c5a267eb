#include "ops/partiql.h"

#include "ops/partiql_plan.h"

namespace stator::ops {
namespace {

std::vector<model::Item> ReturnedItems(std::optional<model::Item> attributes) {
  std::vector<model::Item> out;
  if (attributes && !attributes->empty()) out.push_back(std::move(*attributes));
  return out;
}

// Runs an INSERT, UPDATE or DELETE.
Result<ExecuteStatementResponse> RunWrite(const RequestContext& ctx,
                                          const partiql::Statement& statement,
                                          const ExecuteStatementRequest& req,
                                          const PartiqlParameters& params) {
  ExecuteStatementResponse out;
  if (const auto* s = std::get_if<partiql::InsertStatement>(&statement.body)) {
    STATOR_ASSIGN_OR_RETURN(PutItemRequest put, PlanInsert(ctx, *s, params));
    put.return_consumed_capacity = req.return_consumed_capacity;
    auto resp = PutItem(ctx, put);
    if (!resp.ok()) {
      return resp.status().code() == Code::kConditionalCheckFailed ? DuplicateItem()
                                                                   : resp.status();
    }
    out.consumed_capacity = std::move(resp->consumed_capacity);
    return out;
  }
  Result<WriteItemResponse> resp = Status::Internal("no write");
  if (const auto* s = std::get_if<partiql::UpdateStatement>(&statement.body)) {
    STATOR_ASSIGN_OR_RETURN(UpdateItemRequest update,
                            PlanUpdate(ctx, *s, params, req.return_old_on_failure));
    update.return_consumed_capacity = req.return_consumed_capacity;
    resp = UpdateItem(ctx, update);
  } else if (const auto* s = std::get_if<partiql::DeleteStatement>(&statement.body)) {
    STATOR_ASSIGN_OR_RETURN(DeleteItemRequest del,
                            PlanDelete(ctx, *s, params, req.return_old_on_failure));
    del.return_consumed_capacity = req.return_consumed_capacity;
    resp = DeleteItem(ctx, del);
  } else {
    return Status::Validation("EXISTS can only be used in ExecuteTransaction write requests.");
  }
  if (!resp.ok()) return resp.status();
  out.items = ReturnedItems(std::move(resp->attributes));
  out.consumed_capacity = std::move(resp->consumed_capacity);
  return out;
}

// The generated expressions are DynamoDB's wording of the statement: an error found in one
// (an operand's type, say) is reported as PartiQL reports it, without "Invalid
// <kind>Expression: " in front.
Status WithoutExpressionPrefix(const Status& status) {
  static constexpr std::string_view kPrefixes[] = {
      "Invalid ConditionExpression: ", "Invalid FilterExpression: ",
      "Invalid KeyConditionExpression: ", "Invalid UpdateExpression: ",
      "Invalid ProjectionExpression: "};
  const std::string& message = status.message();
  for (std::string_view prefix : kPrefixes) {
    if (message.rfind(prefix, 0) == 0) return Status(status.code(), message.substr(prefix.size()));
  }
  return status;
}

// BatchStatementError's Code: DynamoDB's exception name without "Exception".
std::string BatchErrorCode(const Status& status) {
  switch (status.code()) {
    case Code::kConditionalCheckFailed:
      return "ConditionalCheckFailed";
    case Code::kDuplicateItem:
      return "DuplicateItem";
    case Code::kResourceNotFound:
      return "ResourceNotFound";
    case Code::kItemCollectionSizeLimitExceeded:
      return "ItemCollectionSizeLimitExceeded";
    case Code::kTransactionConflict:
      return "TransactionConflict";
    case Code::kProvisionedThroughputExceeded:
      return "ProvisionedThroughputExceeded";
    case Code::kThrottling:
      return "ThrottlingError";
    case Code::kRequestTooLarge:
      return "RequestLimitExceeded";
    case Code::kAccessDenied:
      return "AccessDenied";
    case Code::kValidation:
      return "ValidationError";
    default:
      return "InternalServerError";
  }
}

// Whether a statement that failed with `status` got as far as running: DynamoDB names the
// table only in those answers.
bool RanBeforeFailing(const Status& status) {
  return status.code() == Code::kConditionalCheckFailed ||
         status.code() == Code::kDuplicateItem ||
         status.code() == Code::kItemCollectionSizeLimitExceeded ||
         status.code() == Code::kTransactionConflict;
}

void AddTableCapacity(const std::optional<ConsumedCapacity>& c,
                      std::vector<ConsumedCapacity>* per_table) {
  if (!c) return;
  for (ConsumedCapacity& existing : *per_table) {
    if (existing.table_name == c->table_name) {
      AddConsumedUnits(*c, &existing);
      return;
    }
  }
  per_table->push_back(*c);
}

// One statement of a BatchExecuteStatement, parsed already.
BatchStatementResult RunBatchStatement(const RequestContext& ctx, const BatchStatement& b,
                                       const partiql::Statement& statement,
                                       ReturnConsumedCapacity capacity_mode,
                                       std::vector<ConsumedCapacity>* capacity) {
  BatchStatementResult result;
  const PartiqlParameters params = b.parameters.value_or(PartiqlParameters{});
  Status status;
  if (const auto* s = std::get_if<partiql::SelectStatement>(&statement.body)) {
    auto get = PlanGet(ctx, *s, params, "BatchExecuteStatement");
    if (get.ok()) {
      get->consistent_read = b.consistent_read;
      get->return_consumed_capacity = capacity_mode;
      auto resp = GetItem(ctx, *get);
      if (resp.ok()) {
        if (resp->item) {
          result.item = s->star ? std::move(*resp->item)
                                : ProjectToLeafNames(s->projection, *resp->item);
        }
        AddTableCapacity(resp->consumed_capacity, capacity);
      }
      status = resp.status();
    } else {
      status = get.status();
    }
  } else {
    // ReturnValuesOnConditionCheckFailure has no effect inside a batch, as in DynamoDB.
    ExecuteStatementRequest one;
    one.statement = b.statement;
    one.return_consumed_capacity = capacity_mode;
    auto resp = RunWrite(ctx, statement, one, params);
    if (resp.ok()) {
      if (!resp->items.empty()) result.item = std::move(resp->items.front());
      AddTableCapacity(resp->consumed_capacity, capacity);
    }
    status = resp.status();
  }
  if (status.ok() || RanBeforeFailing(status)) result.table_name = TableOf(statement);
  if (!status.ok()) {
    result.error = BatchStatementResult::Error{BatchErrorCode(status),
                                               WithoutExpressionPrefix(status).message(),
                                               std::nullopt};
  }
  return result;
}

// A statement's validation error inside ExecuteTransaction names the statement.
Status InStatement(size_t i, const Status& status) {
  if (status.code() != Code::kValidation) return status;
  return Status::Validation("Validation failed in TransactStatements[" + std::to_string(i) +
                            "]: " + WithoutExpressionPrefix(status).message());
}

Result<TransactWriteAction> PlanTransactionWrite(const RequestContext& ctx,
                                                 const partiql::Statement& statement,
                                                 const TransactionStatement& t) {
  const PartiqlParameters params = t.parameters.value_or(PartiqlParameters{});
  TransactWriteAction a;
  if (const auto* s = std::get_if<partiql::InsertStatement>(&statement.body)) {
    STATOR_ASSIGN_OR_RETURN(PutItemRequest put, PlanInsert(ctx, *s, params));
    a.kind = TransactWriteAction::Kind::kPut;
    a.table_name = std::move(put.table_name);
    a.item = std::move(put.item);
    a.condition = std::move(put.condition);
    return a;
  }
  const Status no_returning =
      Status::Validation("RETURNING clause is not supported in ExecuteTransaction.");
  if (const auto* s = std::get_if<partiql::UpdateStatement>(&statement.body)) {
    if (s->returning != partiql::Returning::kNone) return no_returning;
    STATOR_ASSIGN_OR_RETURN(UpdateItemRequest update,
                            PlanUpdate(ctx, *s, params, t.return_old_on_failure));
    a.kind = TransactWriteAction::Kind::kUpdate;
    a.table_name = std::move(update.table_name);
    a.key = std::move(update.key);
    a.update_expression = std::move(update.update_expression);
    a.condition = std::move(update.condition);
    return a;
  }
  if (const auto* s = std::get_if<partiql::DeleteStatement>(&statement.body)) {
    if (s->returning != partiql::Returning::kNone) return no_returning;
    STATOR_ASSIGN_OR_RETURN(DeleteItemRequest del,
                            PlanDelete(ctx, *s, params, t.return_old_on_failure));
    a.kind = TransactWriteAction::Kind::kDelete;
    a.table_name = std::move(del.table_name);
    a.key = std::move(del.key);
    a.condition = std::move(del.condition);
    return a;
  }
  return PlanConditionCheck(ctx, std::get<partiql::ExistsStatement>(statement.body), params,
                            t.return_old_on_failure);
}

Result<ExecuteStatementResponse> ExecuteOneStatement(const RequestContext& ctx,
                                                     const ExecuteStatementRequest& req) {
  STATOR_ASSIGN_OR_RETURN(partiql::Statement statement,
                          ParseWithParameters(req.statement, req.parameters));
  const PartiqlParameters params = req.parameters.value_or(PartiqlParameters{});
  if (const auto* s = std::get_if<partiql::SelectStatement>(&statement.body)) {
    return RunSelect(ctx, *s, req, params);
  }
  return RunWrite(ctx, statement, req, params);
}

}  // namespace

Result<ExecuteStatementResponse> ExecuteStatement(const RequestContext& ctx,
                                                  const ExecuteStatementRequest& req) {
  auto resp = ExecuteOneStatement(ctx, req);
  if (!resp.ok()) return WithoutExpressionPrefix(resp.status());
  return resp;
}

Result<BatchExecuteStatementResponse> BatchExecuteStatement(
    const RequestContext& ctx, const BatchExecuteStatementRequest& req) {
  // Every statement is parsed first: reads and writes may not be mixed.
  std::vector<Result<partiql::Statement>> parsed;
  bool any_read = false, any_write = false;
  for (const BatchStatement& b : req.statements) {
    parsed.push_back(ParseWithParameters(b.statement, b.parameters));
    if (!parsed.back().ok()) continue;
    (IsRead(*parsed.back()) ? any_read : any_write) = true;
  }
  if (any_read && any_write) {
    return Status::Validation("Read and write requests together in the same batch is not supported.");
  }
  BatchExecuteStatementResponse out;
  std::vector<ConsumedCapacity> capacity;
  for (size_t i = 0; i < req.statements.size(); ++i) {
    if (!parsed[i].ok()) {
      BatchStatementResult failed;
      failed.error = BatchStatementResult::Error{BatchErrorCode(parsed[i].status()),
                                                 parsed[i].status().message(), std::nullopt};
      out.responses.push_back(std::move(failed));
      continue;
    }
    BatchStatementResult result =
        RunBatchStatement(ctx, req.statements[i], *parsed[i], req.return_consumed_capacity,
                          &capacity);
    out.responses.push_back(std::move(result));
  }
  if (req.return_consumed_capacity != ReturnConsumedCapacity::kNone && !capacity.empty()) {
    out.consumed_capacity = std::move(capacity);
  }
  return out;
}

Result<ExecuteTransactionResponse> ExecuteTransaction(const RequestContext& ctx,
                                                      const ExecuteTransactionRequest& req) {
  std::vector<partiql::Statement> statements;
  bool any_read = false, any_write = false;
  for (size_t i = 0; i < req.statements.size(); ++i) {
    const TransactionStatement& t = req.statements[i];
    auto s = ParseWithParameters(t.statement, t.parameters);
    if (!s.ok()) return InStatement(i, s.status());
    (IsRead(*s) ? any_read : any_write) = true;
    statements.push_back(std::move(*s));
  }
  if (any_read && any_write) {
    return Status::Validation(
        "ExecuteTransaction API does not support both read and write operations in the same "
        "request.");
  }
  ExecuteTransactionResponse out;
  if (any_read) {
    TransactGetItemsRequest get;
    get.return_consumed_capacity = req.return_consumed_capacity;
    for (size_t i = 0; i < statements.size(); ++i) {
      const PartiqlParameters params = req.statements[i].parameters.value_or(PartiqlParameters{});
      const auto& select = std::get<partiql::SelectStatement>(statements[i].body);
      if (select.index) {
        return InStatement(
            i, Status::Validation("Reads on indices are not supported within transactions."));
      }
      auto g = PlanGet(ctx, select, params, "ExecuteTransaction");
      if (!g.ok()) return InStatement(i, g.status());
      get.actions.push_back({g->table_name, std::move(g->key), std::move(g->projection)});
    }
    STATOR_ASSIGN_OR_RETURN(TransactGetItemsResponse resp, TransactGetItems(ctx, get));
    for (size_t i = 0; i < resp.items.size(); ++i) {
      const auto& select = std::get<partiql::SelectStatement>(statements[i].body);
      if (resp.items[i] && !select.star) {
        resp.items[i] = ProjectToLeafNames(select.projection, *resp.items[i]);
      }
    }
    out.responses = std::move(resp.items);
    out.consumed_capacity = std::move(resp.consumed_capacity);
    return out;
  }

  TransactWriteItemsRequest write;
  write.client_request_token = req.client_request_token;
  write.fingerprint = req.fingerprint;
  write.return_consumed_capacity = req.return_consumed_capacity;
  for (size_t i = 0; i < statements.size(); ++i) {
    auto action = PlanTransactionWrite(ctx, statements[i], req.statements[i]);
    if (!action.ok()) return InStatement(i, action.status());
    write.actions.push_back(std::move(*action));
  }
  auto resp = TransactWriteItems(ctx, write);
  if (!resp.ok()) {
    // An INSERT whose item exists is a ValidationError reason, not a failed condition; and an
    // EXISTS reports its failure as the other statements do, where TransactWriteItems' own
    // ConditionCheck adds a period.
    const auto* detail = dynamic_cast<const TransactionCanceledDetail*>(resp.status().detail());
    if (detail == nullptr) return resp.status();
    std::vector<CancellationReason> reasons = detail->reasons;
    for (size_t i = 0; i < reasons.size() && i < statements.size(); ++i) {
      if (reasons[i].code != "ConditionalCheckFailed") continue;
      if (std::holds_alternative<partiql::InsertStatement>(statements[i].body)) {
        // DynamoDB's CancellationReason codes have no DuplicateItem.
        reasons[i] = {"ValidationError", "Duplicate primary key exists in table", std::nullopt};
      } else if (reasons[i].message && reasons[i].message->ends_with('.')) {
        reasons[i].message->pop_back();
      }
    }
    return TransactionCanceled(std::move(reasons));
  }
  out.consumed_capacity = std::move(resp->consumed_capacity);
  return out;
}

}  // namespace stator::ops

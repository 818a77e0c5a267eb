// The planning half of the PartiQL operations (ops/partiql.h): each statement kind turned into
// the request of the item operation that runs it. Internal to ops.
//
// Thread-safety: pure functions of the request and the current table definitions.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "ops/context.h"
#include "ops/items.h"
#include "ops/partiql.h"
#include "ops/partiql_expressions.h"
#include "ops/transactions.h"
#include "ops/update.h"
#include "partiql/ast.h"

namespace stator::ops {

// Parses `text` and checks that the parameters match its ?s.
Result<partiql::Statement> ParseWithParameters(const std::string& text,
                                               const std::optional<PartiqlParameters>& params);

// The table a statement names, and whether it reads (SELECT) or writes.
const std::string& TableOf(const partiql::Statement& s);
bool IsRead(const partiql::Statement& s);

// DynamoDB's answers for a PartiQL statement on a missing table, and for an INSERT whose item
// exists.
Status PartiqlTableNotFound();
Status DuplicateItem();

Result<PutItemRequest> PlanInsert(const RequestContext& ctx, const partiql::InsertStatement& s,
                                  const PartiqlParameters& params);
Result<UpdateItemRequest> PlanUpdate(const RequestContext& ctx, const partiql::UpdateStatement& s,
                                     const PartiqlParameters& params, bool return_old);
Result<DeleteItemRequest> PlanDelete(const RequestContext& ctx, const partiql::DeleteStatement& s,
                                     const PartiqlParameters& params, bool return_old);
// EXISTS(SELECT ...) as a transaction's ConditionCheck.
Result<TransactWriteAction> PlanConditionCheck(const RequestContext& ctx,
                                               const partiql::ExistsStatement& s,
                                               const PartiqlParameters& params, bool return_old);
// A full-key SELECT as a GetItem; `context` names the operation in messages.
Result<GetItemRequest> PlanGet(const RequestContext& ctx, const partiql::SelectStatement& s,
                               const PartiqlParameters& params, const char* context);

// Runs a SELECT through ExecuteStatement's Query or Scan plan, one page.
Result<ExecuteStatementResponse> RunSelect(const RequestContext& ctx,
                                           const partiql::SelectStatement& s,
                                           const ExecuteStatementRequest& req,
                                           const PartiqlParameters& params);

}  // namespace stator::ops

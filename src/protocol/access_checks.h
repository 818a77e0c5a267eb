// Access checks: what a request must be allowed to do under --policy-file
// (docs/security.md, "Access policies").
//
// AccessChecks turns an operation and its JSON body into the authorizations
// DynamoDB asks IAM for: an action ("dynamodb:GetItem"), a resource ARN and
// the request's condition keys. It first runs the operation's own decoder, so
// a request that fails validation gets exactly the error it gets without
// policies (validation comes before authorization). Then:
//   - item operations: the action of the same name on the table ARN
//     (arn:aws:dynamodb:REGION:ACCOUNT:table/T, REGION the request's), or on
//     the index ARN (.../table/T/index/I) for Query and Scan of an index;
//   - BatchGetItem / BatchWriteItem: that action once per table;
//   - TransactWriteItems: each action's own permission (PutItem, UpdateItem,
//     DeleteItem, ConditionCheckItem); TransactGetItems: GetItem per item;
//     with dynamodb:EnclosingOperation naming the transaction;
//   - ExecuteStatement, BatchExecuteStatement, ExecuteTransaction: for each
//     statement, dynamodb:PartiQLSelect (SELECT, EXISTS), PartiQLInsert,
//     PartiQLUpdate or PartiQLDelete on its table ARN (the index ARN for a
//     SELECT from an index), with Attributes and LeadingKeys as below, and for
//     PartiQLSelect dynamodb:FullTableScan ("true" when the SELECT fixes no
//     partition key and so scans);
//   - table operations: the table ARN (a given table ARN as is); backups: the
//     backup ARN, RestoreTableFromBackup also on the new table; point-in-time
//     restores: the source table, and the new table; a restore also needs the
//     write permissions DynamoDB documents for the new table (PutItem,
//     UpdateItem, DeleteItem, GetItem, Query, Scan, BatchWriteItem); exports:
//     the table or export ARN; tags: the ResourceArn; Streams: the stream ARN;
//   - ListTables, ListBackups, ListExports, ListStreams, DescribeLimits,
//     DescribeEndpoints: resource "*".
// Condition keys of item operations:
//   - dynamodb:LeadingKeys: the partition-key values the request names (of the
//     queried index for Query); absent for Scan and when the table (or index)
//     does not exist, so the operation itself answers ResourceNotFound;
//   - dynamodb:Attributes: the top-level attribute names the request reads or
//     writes: its keys and item attributes and every name in its projection,
//     condition, filter, key-condition and update expressions (placeholders
//     resolved) and in the legacy parameters;
//   - dynamodb:Select (reads): as given, else SPECIFIC_ATTRIBUTES with a
//     projection, else ALL_ATTRIBUTES (ALL_PROJECTED_ATTRIBUTES on an index);
//   - dynamodb:ReturnValues (PutItem, UpdateItem, DeleteItem): as given, else
//     NONE;
//   - dynamodb:ReturnConsumedCapacity: when the request gives it.
//
// Authorize evaluates the checks in order for the user owning the access key
// and answers the first one denied with AccessDeniedException and IAM's text:
//   User: arn:aws:iam::ACCOUNT:user/NAME is not authorized to perform: ACTION
//   on resource: RESOURCE because no identity-based policy allows the ACTION
//   action            (or: with an explicit deny in an identity-based policy)
// A key that belongs to no user is named by its access key id in the ARN.
//
// Thread-safety: pure functions, except that AccessChecks reads table
// definitions through the engine (safe for concurrent use).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/policy.h"
#include "common/status.h"
#include "ops/context.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

struct AccessCheck {
  std::string action;    // "dynamodb:GetItem"
  std::string resource;  // an ARN, or "*"
  auth::ConditionContext context;
};

// The checks `operation` (its name without the X-Amz-Target prefix) needs for
// `body`, or the error the operation's decoder answers for it.
Result<std::vector<AccessCheck>> AccessChecks(std::string_view operation, const Json& body,
                                              const ops::RequestContext& ctx);

// OK when `access_key_id`'s user may do every check; AccessDeniedException
// for the first it may not.
Status Authorize(const auth::PolicySet& policies, std::string_view access_key_id,
                 const std::vector<AccessCheck>& checks, const ops::RequestContext& ctx);

// AccessChecks, then Authorize: the dispatcher's one call.
Status CheckAccess(const auth::PolicySet& policies, std::string_view access_key_id,
                   std::string_view operation, const Json& body, const ops::RequestContext& ctx);

}  // namespace stator::protocol

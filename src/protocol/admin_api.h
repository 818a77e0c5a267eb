// Stator's admin API: JSON over HTTP on the path prefix /_stator/, beside
// DynamoDB's protocol (which only ever POSTs to "/"), so SDKs never meet it.
// It drives what no DynamoDB offers and test suites need (ops/admin.h):
//
//   GET    /_stator/snapshots                  list database snapshots
//   POST   /_stator/snapshots                  {"name": N}: take one
//   GET    /_stator/snapshots/{name}           describe one
//   DELETE /_stator/snapshots/{name}           drop one
//   POST   /_stator/snapshots/{name}/restore   return the database to it
//   POST   /_stator/reset                      empty every table, keep definitions
//   GET    /_stator/clock                      {"mode", "now", "iso"}
//   POST   /_stator/clock                      {"advance_seconds": S} or {"set": EPOCH_SECONDS}
//
// Successes answer 200 with a JSON object. Errors answer
// {"error": NAME, "message": TEXT}: 400 ValidationError (bad JSON, unknown or
// wrong members, a bad name, a clock move refused), 404 NotFound (no such
// path or snapshot), 405 MethodNotAllowed (with Allow), 409 AlreadyExists (a
// snapshot name taken), 403 with DynamoDB's exception name when a signature
// or policy refuses the request, 500 InternalError.
//
// Access: with --auth, every admin request must be signed (SigV4, service
// "dynamodb") by a known key, exactly as DynamoDB requests are
// (request_signature.h); with --policy-file its user must also be allowed the
// action "stator:<Action>" (ListSnapshots, CreateSnapshot, DescribeSnapshot,
// DeleteSnapshot, RestoreSnapshot, Reset, DescribeClock, MoveClock) on
// resource "*". Without --auth anyone who reaches the port may use it, as
// anyone may use the tables.
//
// Thread-safety: AnswerAdmin may be called concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "auth/policy.h"
#include "ops/context.h"
#include "protocol/wire.h"

namespace stator::protocol {

inline constexpr std::string_view kAdminPathPrefix = "/_stator";

// Whether `path` is /_stator or under /_stator/.
bool IsAdminPath(std::string_view path);

struct AdminAccess {
  const auth::CredentialStore* credentials = nullptr;  // non-null: signatures required (--auth)
  const auth::PolicySet* policies = nullptr;           // non-null: actions checked (--policy-file)
  int64_t now_seconds = 0;                             // the real time, for signatures
};

WireResponse AnswerAdmin(const ops::OpsEnv& env, const AdminAccess& access,
                         const WireRequest& request);

// For the client of the admin commands (server/admin_client.h), which must
// not read JSON itself: an answer's body indented for people (as is when it
// is not JSON), and an error answer's "ERROR: message".
std::string PrettyAdminAnswer(std::string_view body);
std::string AdminErrorText(std::string_view body);

}  // namespace stator::protocol

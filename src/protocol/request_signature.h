// A request's SigV4 signature checked as DynamoDB checks it: its form always
// (ParseRequestSignature), and with known credentials (--auth) the signature
// itself (VerifySignature). The dispatcher and the admin API share it, so
// that both demand the same signed requests.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>

#include "auth/authorization_header.h"
#include "auth/credentials.h"
#include "common/status.h"
#include "protocol/wire.h"

namespace stator::protocol {

// The request's parsed signature, or DynamoDB's error for it. `credentials`
// nullptr: any well-formed signature passes. `now_seconds`: the real time.
Result<auth::AuthorizationHeader> CheckSignature(const WireRequest& request,
                                                 const auth::CredentialStore* credentials,
                                                 int64_t now_seconds);

}  // namespace stator::protocol

// The policy file (--policy-file, docs/security.md "Access policies") decoded
// into the auth policy model (auth/policy.h):
//
//   {"Users": [{"UserName": "alice",
//               "AccessKeyIds": ["AKIAALICE"],
//               "Policies": [{"Version": "2012-10-17",
//                             "Statement": [{"Effect": "Allow",
//                                            "Action": "dynamodb:GetItem",
//                                            "Resource": "arn:aws:dynamodb:*:*:table/T",
//                                            "Condition": {...}}]}]}]}
//
// As in IAM, Statement, Action, NotAction, Resource, NotResource and each
// condition key's values may be one value or a list, and condition values may
// be strings, numbers or booleans (read as their text). A file that does not
// fit is refused whole with a message naming the place, e.g.
//   Users[0].Policies[0].Statement[1]: Effect must be "Allow" or "Deny", not "allow"
// — unknown members, a missing Effect, Action or Resource, both Action and
// NotAction, an unsupported condition operator, a Principal (not allowed in
// an identity-based policy), an access key id given to two users, ...
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "auth/policy.h"
#include "common/status.h"

namespace stator::protocol {

// Decodes a policy file's text. Errors are kValidation with the message above.
Result<auth::PolicySet> DecodePolicyFile(std::string_view text);

}  // namespace stator::protocol

// Random identifiers: table ids (UUIDs) and request ids.
//
// Thread-safety: safe for concurrent use (thread-local generators).
#pragma once

#include <string>

namespace stator {

// A random version-4 UUID, lower-case, e.g. "0b0a8c1e-8c8e-4f5e-9a55-0f4b4ff1c2a7".
std::string NewUuid();
// 52 characters of [0-9A-Z], the form of DynamoDB's x-amzn-RequestId.
std::string NewRequestId();

}  // namespace stator

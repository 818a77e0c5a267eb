// SHA-256 (OpenSSL), e.g. to remember a request by a fixed-size digest.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace stator {

// The 32-byte digest of `bytes`, as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace stator

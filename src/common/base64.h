// Standard base64 (RFC 4648, with padding), as DynamoDB uses for B/BS values.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace stator {

std::string Base64Encode(std::string_view bytes);

// Strict decoding. On failure returns false and sets *error to DynamoDB's
// SerializationException text for the value.
[[nodiscard]] bool Base64Decode(std::string_view text, std::string* out, std::string* error);

}  // namespace stator

// Byte coding helpers shared by every persisted format: little-endian
// varints and big-endian fixed-width integers (big-endian where the bytes
// take part in key order).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stator {

void PutVarint64(std::string* out, uint64_t v);
// Reads a varint from the front of *in and advances it; false on truncation.
[[nodiscard]] bool GetVarint64(std::string_view* in, uint64_t* v);
// The same for a signed value written as PutVarint64(static_cast<uint64_t>(v)).
[[nodiscard]] bool GetVarint64Signed(std::string_view* in, int64_t* v);

void PutFixed32BE(std::string* out, uint32_t v);
void PutFixed64BE(std::string* out, uint64_t v);
[[nodiscard]] bool GetFixed64BE(std::string_view* in, uint64_t* v);

// A varint length followed by the bytes.
void PutLengthPrefixed(std::string* out, std::string_view bytes);
[[nodiscard]] bool GetLengthPrefixed(std::string_view* in, std::string_view* bytes);

}  // namespace stator

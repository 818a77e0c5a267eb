// Order-preserving, self-delimiting encodings of key attribute values (S, N,
// B), so that RocksDB's bytewise order over encoded keys is DynamoDB's key
// order and range conditions map straight onto iterator bounds. Specified in
// docs/design/key-encoding.md.
//
// S and B: the bytes with 0x00 escaped as 00 FF, ended by 00 01.
// N: Number::EncodeOrdered (docs/design/number-encoding.md).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/attribute_value.h"

namespace stator::model {

// `value` must be of type S, N or B.
void EncodeKeyValue(const AttributeValue& value, std::string* out);
// Reads one encoded value of `type` from the front of *in and advances it.
Result<AttributeValue> DecodeKeyValue(Type type, std::string_view* in);

// The escaped bytes of `prefix` without the terminator: every encoding of a
// string or binary value that begins with `prefix` begins with these bytes.
void EncodeKeyPrefix(std::string_view prefix, std::string* out);

// A stable 64-bit hash of an encoded partition-key value; it orders items in
// the hash-partitioned layout, so it must never change for existing data.
uint64_t PartitionHash(std::string_view encoded_partition_key);

}  // namespace stator::model

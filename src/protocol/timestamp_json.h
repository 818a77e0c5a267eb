// Timestamp members of requests: epoch seconds as JSON numbers with a
// fraction (botocore's form), or strings holding one, as DynamoDB's
// deserialiser accepts them (ExportTime, RestoreDateTime, ...).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/json_shape.h"

namespace stator::protocol {

// The member `key` of `obj` in microseconds since the epoch, rounded to the
// nearest microsecond and clamped to int64_t; nullopt when absent or null, or
// when not a timestamp (the SerializationException is then recorded in `r`).
std::optional<int64_t> ReadTimestamp(ShapeReader& r, const Json& obj, std::string_view key);

}  // namespace stator::protocol

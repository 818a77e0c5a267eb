// Wall-clock time as DynamoDB prints it in identifiers (stream labels).
#pragma once

#include <cstdint>
#include <string>

namespace stator {

// "2026-11-25T04:55:09.123" (UTC, millisecond precision), DynamoDB's stream label form.
std::string FormatIsoMillis(int64_t micros_since_epoch);

}  // namespace stator

// Every DynamoDB limit Stator enforces, in one place. Values follow
// DynamoDB's service quotas and API reference.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stator::validation {

inline constexpr size_t kMaxItemBytes = 400 * 1024;
inline constexpr size_t kMaxPartitionKeyBytes = 2048;
inline constexpr size_t kMaxSortKeyBytes = 1024;
inline constexpr int kMaxNestingDepth = 32;

inline constexpr size_t kMinTableNameLength = 3;
inline constexpr size_t kMaxTableNameLength = 255;
inline constexpr size_t kMaxKeyAttributeNameBytes = 255;

inline constexpr int kMaxLocalIndexes = 5;
inline constexpr int kMaxGlobalIndexes = 20;
inline constexpr int kMaxProjectedNonKeyAttributes = 100;

inline constexpr int64_t kMaxProvisionedUnits = 1'000'000'000'000;  // 10^12, "out of bounds" above
inline constexpr int64_t kListTablesMaxLimit = 100;

inline constexpr size_t kMaxRequestBodyBytes = 16 * 1024 * 1024;

inline constexpr int kMaxTags = 50;
inline constexpr size_t kMaxTagKeyLength = 128;
inline constexpr size_t kMaxTagValueLength = 256;

// DescribeLimits' answers (DynamoDB's default account quotas).
inline constexpr int64_t kAccountMaxReadUnits = 80000;
inline constexpr int64_t kAccountMaxWriteUnits = 80000;
inline constexpr int64_t kTableMaxReadUnits = 40000;
inline constexpr int64_t kTableMaxWriteUnits = 40000;

}  // namespace stator::validation

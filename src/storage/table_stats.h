// Per-table statistics record (item count and total item size), kept exact
// by merging a delta into it in the same batch as every item write, so no
// write has to read-modify-write a shared counter.
//
// Record value: two little-endian fixed 64-bit signed integers (count, bytes).
#pragma once

#include <rocksdb/merge_operator.h>

#include <memory>
#include <string>
#include <string_view>

namespace stator::storage {

std::string EncodeStatsDelta(int64_t count, int64_t bytes);
// False if `value` is not a stats record.
bool DecodeStats(std::string_view value, int64_t* count, int64_t* bytes);

// Adds stats deltas; the merge operator of the database.
std::shared_ptr<rocksdb::MergeOperator> NewStatsMergeOperator();

}  // namespace stator::storage

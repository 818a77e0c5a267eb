// Query and Scan: reads of many items from a table or a secondary index,
// one page at a time.
//
// Both validate the whole request first (expressions, Select combinations,
// the index, the ExclusiveStartKey, the key condition against the queried
// key schema) and then stream one page from a storage snapshot: at most
// `Limit` items evaluated and at most 1 MB of item data read (the item that
// crosses 1 MB is included), before the filter. LastEvaluatedKey is the key
// of the last item evaluated (with the index key for an index) whenever the
// page stopped early. Memory is bounded by the page, never by the table.
//
// Thread-safety: may be called concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "expr/legacy.h"
#include "expr/resolver.h"
#include "model/attribute_value.h"
#include "ops/capacity.h"
#include "ops/context.h"

namespace stator::ops {

enum class Select { kAllAttributes, kAllProjectedAttributes, kSpecificAttributes, kCount };

// What Query and Scan share.
struct ReadRequest {
  std::string table_name;
  std::optional<std::string> index_name;
  std::optional<Select> select;
  std::optional<std::string> projection_expression;
  std::optional<std::vector<std::string>> attributes_to_get;
  std::optional<std::string> filter_expression;
  // QueryFilter / ScanFilter (+ ConditionalOperator): the raw entries, empty
  // when only ConditionalOperator was sent (its rules still apply).
  std::optional<expr::LegacyConditions> legacy_filter;
  std::optional<std::string> conditional_operator;
  std::optional<expr::NameMap> names;
  std::optional<expr::ValueMap> values;
  std::optional<int64_t> limit;
  bool consistent_read = false;
  std::optional<model::Item> exclusive_start_key;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::kNone;
};

struct QueryRequest : ReadRequest {
  std::optional<std::string> key_condition_expression;
  std::optional<expr::LegacyConditions> key_conditions;  // legacy KeyConditions
  bool scan_index_forward = true;
  // PartiQL's SELECT filters on key attributes too (never set from the wire).
  bool filter_may_use_keys = false;
};

struct ScanRequest : ReadRequest {
  std::optional<int64_t> segment;
  std::optional<int64_t> total_segments;
};

struct ReadResponse {
  std::optional<std::vector<model::Item>> items;  // absent for Select COUNT
  int64_t count = 0;
  int64_t scanned_count = 0;
  std::optional<model::Item> last_evaluated_key;
  std::optional<ConsumedCapacity> consumed_capacity;
};

Result<ReadResponse> Query(const RequestContext& ctx, const QueryRequest& req);
Result<ReadResponse> Scan(const RequestContext& ctx, const ScanRequest& req);

}  // namespace stator::ops

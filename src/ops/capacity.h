// DynamoDB's capacity-unit arithmetic and the ConsumedCapacity reported when a
// request asks for ReturnConsumedCapacity.
//
// Reads: one unit per 4 KB (rounded up) of item size, at least one; half that
// for eventually consistent reads. Writes: one unit per 1 KB (rounded up) of
// the larger of the old and new item, at least one.
//
// Thread-safety: pure functions and values.
#pragma once

#include <optional>
#include <string>

namespace stator::ops {

enum class ReturnConsumedCapacity { kNone, kTotal, kIndexes };

struct ConsumedCapacity {
  std::string table_name;
  double capacity_units = 0;
  double read_units = 0;   // reported only for INDEXES detail
  double write_units = 0;  // reported only for INDEXES detail
  bool with_table_detail = false;  // INDEXES: adds "Table": {"CapacityUnits": ...}
  bool is_read = true;
};

double ReadUnits(size_t item_size, bool consistent);
double WriteUnits(size_t item_size);

// nullopt when `mode` is NONE.
std::optional<ConsumedCapacity> MakeConsumed(ReturnConsumedCapacity mode,
                                             const std::string& table_name, double units,
                                             bool is_read);

}  // namespace stator::ops

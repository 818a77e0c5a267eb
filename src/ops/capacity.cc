#include "ops/capacity.h"

namespace stator::ops {

double ReadUnits(size_t item_size, bool consistent) {
  size_t units = item_size == 0 ? 1 : (item_size + 4095) / 4096;
  return consistent ? static_cast<double>(units) : static_cast<double>(units) / 2.0;
}

double WriteUnits(size_t item_size) {
  size_t units = item_size == 0 ? 1 : (item_size + 1023) / 1024;
  return static_cast<double>(units);
}

std::optional<ConsumedCapacity> MakeConsumed(ReturnConsumedCapacity mode,
                                             const std::string& table_name, double units,
                                             bool is_read) {
  if (mode == ReturnConsumedCapacity::kNone) return std::nullopt;
  ConsumedCapacity c;
  c.table_name = table_name;
  c.capacity_units = units;
  c.is_read = is_read;
  c.with_table_detail = mode == ReturnConsumedCapacity::kIndexes;
  return c;
}

}  // namespace stator::ops

// DynamoDB's capacity-unit arithmetic and the ConsumedCapacity reported when a
// request asks for ReturnConsumedCapacity.
//
// Reads: one unit per 4 KB (rounded up) of item size, at least one; half that
// for eventually consistent reads. Writes: one unit per 1 KB (rounded up) of
// the larger of the old and new item, at least one. A write also charges each
// secondary index whose entry it writes or removes, by the size of the
// projected entry (two writes when the index key changes).
//
// Thread-safety: pure functions and values.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "model/attribute_value.h"
#include "model/table.h"

namespace stator::ops {

enum class ReturnConsumedCapacity { kNone, kTotal, kIndexes };

struct ConsumedCapacity {
  std::string table_name;
  double table_units = 0;
  std::map<std::string, double> local_indexes;   // index name -> units
  std::map<std::string, double> global_indexes;  // index name -> units
  bool with_detail = false;                      // INDEXES: per table and index, not just the total
  // Transactional answers also name the kind of units at each level
  // (ReadCapacityUnits / WriteCapacityUnits next to CapacityUnits).
  enum class Kind { kUnnamed, kRead, kWrite };
  Kind kind = Kind::kUnnamed;

  double Total() const;
};

// Adds the units of `c` (table and each index) to `total`.
void AddConsumedUnits(const ConsumedCapacity& c, ConsumedCapacity* total);

double ReadUnits(size_t item_size, bool consistent);
double WriteUnits(size_t item_size);

// nullopt when `mode` is NONE.
std::optional<ConsumedCapacity> MakeReadConsumed(ReturnConsumedCapacity mode,
                                                 const std::string& table_name, double units);

// The capacity of a single-item write that turned `old_item` into `new_item`
// (either may be absent). nullopt when `mode` is NONE.
std::optional<ConsumedCapacity> MakeWriteConsumed(ReturnConsumedCapacity mode,
                                                  const model::TableDef& table,
                                                  const std::optional<model::Item>& old_item,
                                                  const std::optional<model::Item>& new_item);

}  // namespace stator::ops

// What a secondary index stores of an item: the table's key attributes, the
// index's key attributes, and the projected non-key attributes (all of them
// for ALL, those named for INCLUDE, none for KEYS_ONLY).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "model/attribute_value.h"
#include "model/table.h"

namespace stator::model {

// Whether `name` is kept by the index's projection (key attributes always are).
bool IndexProjects(const TableDef& table, const IndexDef& index, std::string_view name);

// The attributes of `item` the index keeps.
Item ProjectForIndex(const TableDef& table, const IndexDef& index, const Item& item);

}  // namespace stator::model

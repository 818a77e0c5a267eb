// DynamoDB's item-size arithmetic ("Item sizes and formats" in DynamoDB's
// developer guide). Sizes drive the 400 KB item limit and capacity units.
//
// Rules: an attribute counts the UTF-8 bytes of its name plus its value.
// S: UTF-8 bytes. B: raw bytes. N: Number::StorageSize(). BOOL, NULL: 1.
// Sets: the sum of their members' sizes. M and L: 3 bytes plus, per element,
// 1 byte plus the element (and, for M, its name).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "model/attribute_value.h"

namespace stator::model {

size_t ValueSize(const AttributeValue& value);
size_t AttributeSize(std::string_view name, const AttributeValue& value);
size_t ItemSize(const Item& item);

inline constexpr size_t kMaxItemSize = 400 * 1024;

}  // namespace stator::model

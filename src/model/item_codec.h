// The binary item encoding stored as the value of every item record.
// Specified in docs/design/item-encoding.md; the first byte is the format
// version (kItemFormatV1) so later formats can coexist with old records.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "model/attribute_value.h"

namespace stator::model {

// DO NOT CHANGE: persisted.
inline constexpr uint8_t kItemFormatV1 = 1;

// Appends the encoding of `item` to *out.
void EncodeItem(const Item& item, std::string* out);
// Decodes a whole record; Corruption if the bytes are not a valid encoding.
Result<Item> DecodeItem(std::string_view bytes);

// A single value (used by other persisted formats, e.g. change-log images).
void EncodeValue(const AttributeValue& value, std::string* out);
Result<AttributeValue> DecodeValue(std::string_view* in);

}  // namespace stator::model

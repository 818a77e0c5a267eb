// AttributeValue <-> DynamoDB JSON ({"S": "x"}, {"N": "1"}, {"M": {...}}, ...).
//
// Decoding is two-phase, as DynamoDB's: CheckValueShape records JSON type
// errors (SerializationException) for the whole value tree; DecodeValue then
// applies the semantic rules (exactly one type, NULL true, non-empty sets
// without duplicates, valid numbers, nesting depth) with DynamoDB's
// ValidationException messages.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "model/attribute_value.h"
#include "protocol/json_shape.h"
#include "protocol/json_writer.h"

namespace stator::protocol {

inline constexpr std::string_view kAttributeValueMapType =
    "java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>";

// Phase 1: `v` stands where an AttributeValue structure is expected.
void CheckValueShape(ShapeReader& reader, const Json& v);
// Phase 1 for a map of attribute values (Item, Key, ExpressionAttributeValues).
const Json* ItemMember(ShapeReader& reader, const Json& obj, std::string_view key);

// Phase 3.
Result<model::AttributeValue> DecodeValue(const Json& v);

// Whether a DecodeValue/DecodeItem error is about a number or a number set (malformed, out
// of range, empty) or a set's duplicate members: DynamoDB reports those as they are where it
// wraps the other value errors (an ExclusiveStartKey's "The provided starting key is
// invalid: ...").
bool IsNumberOrDuplicateError(const Status& s);
// A map of attribute values, shape-checked already.
Result<model::Item> DecodeItem(const Json& obj);

Json EncodeValue(const model::AttributeValue& value);
Json EncodeItem(const model::Item& item);
// The same bytes as EncodeValue(value).dump() and EncodeItem(item).dump(), without the DOM.
void WriteValue(JsonWriter& w, const model::AttributeValue& value);
void WriteItem(JsonWriter& w, const model::Item& item);

}  // namespace stator::protocol

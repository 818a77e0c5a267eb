// libFuzzer target for attribute values on the wire and on disk.
//
// The input is JSON text, parsed without exceptions. It is decoded as the protocol decodes
// a request's "Item" (phase 1 shape check, then DecodeItem) and as a single AttributeValue.
// Whatever decodes must survive, unchanged, the round trips item -> item_codec bytes ->
// item and item -> DynamoDB JSON -> item, and have an item size. Error messages must be
// sendable. The raw bytes are also fed to the item codec's decoder as a corrupt record.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/attribute_value.h"
#include "model/item_codec.h"
#include "model/item_size.h"
#include "protocol/attribute_value_json.h"
#include "protocol/json_shape.h"
#include "wire_text_check.h"

namespace stator::fuzz {
namespace {

using protocol::Json;

[[noreturn]] void Fail(const char* what, const Json& input) {
  std::fprintf(stderr, "%s; input: %s\n", what,
               input.dump(-1, ' ', false, Json::error_handler_t::replace).c_str());
  std::abort();
}

void CheckStatus(const Status& status, const Json& input) {
  if (status.ok()) return;
  if (status.code() != Code::kValidation && status.code() != Code::kSerialization) {
    Fail("decoding failed with neither ValidationException nor SerializationException", input);
  }
  CheckWireText(status.message());  // JSON text is valid UTF-8
}

void CheckItemRoundTrips(const model::Item& item, const Json& input) {
  std::string bytes;
  model::EncodeItem(item, &bytes);
  auto decoded = model::DecodeItem(bytes);
  if (!decoded.ok() || !(*decoded == item)) Fail("item_codec round trip changed the item", input);

  (void)model::ItemSize(item);

  Json wire = protocol::EncodeItem(item);
  (void)wire.dump();  // throws, so crashes, on invalid UTF-8
  protocol::ShapeReader reader;
  Json body = {{"Item", wire}};
  const Json* map = protocol::ItemMember(reader, body, "Item");
  if (map == nullptr) Fail("an encoded item fails the shape check", input);
  auto again = protocol::DecodeItem(*map);
  if (!again.ok() || !(*again == item)) Fail("JSON round trip changed the item", input);
}

void FuzzItem(const Json& input) {
  protocol::ShapeReader reader;
  Json body = {{"Item", input}};
  const Json* map = protocol::ItemMember(reader, body, "Item");
  CheckStatus(reader.status(), input);
  if (map == nullptr) return;
  auto item = protocol::DecodeItem(*map);
  CheckStatus(item.status(), input);
  if (item.ok()) CheckItemRoundTrips(*item, input);
}

void FuzzValue(const Json& input) {
  protocol::ShapeReader reader;
  protocol::CheckValueShape(reader, input);
  CheckStatus(reader.status(), input);
  if (!reader.ok()) return;
  auto value = protocol::DecodeValue(input);
  CheckStatus(value.status(), input);
  if (value.ok()) CheckItemRoundTrips({{"v", *value}}, input);
}

}  // namespace
}  // namespace stator::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  stator::model::DecodeItem(text).status().IgnoreError();

  auto input = stator::protocol::Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) return 0;
  stator::fuzz::FuzzItem(input);
  stator::fuzz::FuzzValue(input);
  return 0;
}

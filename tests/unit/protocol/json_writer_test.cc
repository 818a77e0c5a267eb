// JsonWriter and the answers rendered with it (RenderGetItem, RenderWriteItem,
// RenderRead) against the nlohmann DOM they replace: byte for byte the same as
// dump(-1, ' ', false, replace) of the Encode functions' JSON.
#include "protocol/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "protocol/attribute_value_json.h"
#include "protocol/item_json.h"
#include "protocol/query_json.h"

namespace stator::protocol {
namespace {

using model::AttributeValue;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string WriteString(std::string_view s) {
  std::string out;
  JsonWriter(&out).String(s);
  return out;
}

std::string WriteDouble(double d) {
  std::string out;
  JsonWriter(&out).Double(d);
  return out;
}

TEST(JsonWriterTest, StringsAsNlohmannEscapesThem) {
  const std::vector<std::string> cases = {
      "", "plain", "quote\"back\\slash", "\b\f\n\r\t", std::string("nul\0x", 5), "\x01\x1f\x7f",
      "caf\xc3\xa9", "\xe2\x82\xac euro", "\xf0\x9f\x98\x80 emoji", "\xed\x9f\xbf",  // U+D7FF
      "\xee\x80\x80",                                                                // U+E000
      "\xf4\x8f\xbf\xbf",                                                            // U+10FFFF
      // Not UTF-8: stray continuation, truncated, overlong, surrogate, above U+10FFFF, 0xFF.
      "a\x80z", "\xc3", "x\xe2\x82", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
      "\xf0\x8f\xbf\xbf", "\xff\xfe", "ok\xc3\xa9\xc3(\"q\"\n"};
  for (const std::string& s : cases) {
    EXPECT_EQ(WriteString(s), Dump(Json(s))) << testing::PrintToString(s);
  }
}

TEST(JsonWriterTest, RandomBytesAsNlohmannEscapesThem) {
  std::mt19937 rng(9);
  // Bytes weighted towards the interesting ones: controls, quotes, lead and continuation bytes.
  const std::string alphabet = std::string("a\"\\\n\x01\x1f\x7f", 7) +
                               "\x80\xbf\xc2\xc3\xdf\xe0\xe2\xed\xef\xf0\xf4\xf5\xff\xa0\x90\x8f";
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    int length = static_cast<int>(rng() % 12);
    for (int k = 0; k < length; ++k) s.push_back(alphabet[rng() % alphabet.size()]);
    ASSERT_EQ(WriteString(s), Dump(Json(s))) << testing::PrintToString(s);
  }
  // Long plain runs (copied eight bytes at a time) with a rare special byte anywhere.
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 40, 'a');
    for (char& c : s) {
      if (rng() % 16 == 0)
        c = alphabet[rng() % alphabet.size()];
      else if (rng() % 2 == 0)
        c = static_cast<char>(0x20 + rng() % 0x60);  // any plain ASCII
    }
    ASSERT_EQ(WriteString(s), Dump(Json(s))) << testing::PrintToString(s);
  }
}

TEST(JsonWriterTest, NumbersAsNlohmannPrintsThem) {
  const std::vector<double> doubles = {0.0,
                                       -0.0,
                                       0.5,
                                       1.0,
                                       2.5,
                                       3.0,
                                       0.1,
                                       1e-5,
                                       1e15,
                                       1e16,
                                       123456789.125,
                                       1.0 / 3,
                                       std::numeric_limits<double>::max(),
                                       std::numeric_limits<double>::denorm_min(),
                                       std::numeric_limits<double>::quiet_NaN(),
                                       std::numeric_limits<double>::infinity()};
  for (double d : doubles) EXPECT_EQ(WriteDouble(d), Dump(Json(d))) << d;
  std::mt19937_64 rng(9);
  for (int i = 0; i < 10000; ++i) {
    double d = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 120) - 80);
    ASSERT_EQ(WriteDouble(d), Dump(Json(d))) << d;
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{42}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    std::string out;
    JsonWriter(&out).Int(v);
    EXPECT_EQ(out, Dump(Json(v)));
  }
}

TEST(JsonWriterTest, NestingAndCommas) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.EndArray();
  w.Key("b");
  w.BeginArray();
  w.Int(1);
  w.BeginObject();
  w.EndObject();
  w.Bool(false);
  w.EndArray();
  w.Key("c");
  w.BeginObject();
  w.Key("d");
  w.String("e");
  w.EndObject();
  w.EndObject();
  EXPECT_EQ(out, R"({"a":[],"b":[1,{},false],"c":{"d":"e"}})");
}

model::Number N(const char* text) { return model::Number::Parse(text).value(); }

// An item with every type, nested maps and lists, and names that sort in
// interesting ways (prefixes, upper before lower case, UTF-8).
model::Item EveryType() {
  model::Map inner = {{"z", AttributeValue::S("deep")}, {"a", AttributeValue::N(N("-1.5e10"))}};
  return {{"pk", AttributeValue::S("k0000001")},
          {"p", AttributeValue::S("tab\there \"quoted\" caf\xc3\xa9")},
          {"Name", AttributeValue::N(N("123.450"))},
          {"b", AttributeValue::B(std::string("\x00\xff\x10", 3))},
          {"t", AttributeValue::Bool(true)},
          {"f", AttributeValue::Bool(false)},
          {"nul", AttributeValue::MakeNull()},
          {"m", AttributeValue::M(inner)},
          {"empty_m", AttributeValue::M({})},
          {"l", AttributeValue::L({AttributeValue::S("x"), AttributeValue::M(inner),
                                   AttributeValue::L({}), AttributeValue::N(N("7"))})},
          {"ss", AttributeValue::SS({"b", "a", "\xe2\x82\xac"})},
          {"ns", AttributeValue::NS({N("1"), N("0.001"), N("1E+5")})},
          {"bs", AttributeValue::BS({"\x01", std::string("\x00\x00", 2)})},
          {"\xc3\xa9t\xc3\xa9", AttributeValue::S("")},
          {"bad\xff", AttributeValue::S("bad\xc0 value")}};
}

model::Item Key() { return {{"pk", AttributeValue::S("k0000001")}}; }

std::string Written(const model::Item& item) {
  std::string out;
  JsonWriter w(&out);
  WriteItem(w, item);
  return out;
}

TEST(JsonWriterTest, ItemsAsEncodeItem) {
  EXPECT_EQ(Written(EveryType()), Dump(EncodeItem(EveryType())));
  EXPECT_EQ(Written({}), Dump(EncodeItem({})));
  EXPECT_EQ(Written(Key()), Dump(EncodeItem(Key())));
}

// The capacities a hot operation can answer with.
std::vector<ops::ConsumedCapacity> Capacities() {
  std::vector<ops::ConsumedCapacity> out;
  for (auto kind : {ops::ConsumedCapacity::Kind::kUnnamed, ops::ConsumedCapacity::Kind::kRead,
                    ops::ConsumedCapacity::Kind::kWrite}) {
    for (bool detail : {false, true}) {
      for (int indexes = 0; indexes < 4; ++indexes) {
        ops::ConsumedCapacity c;
        c.table_name = "bench";
        c.table_units = 0.5;
        c.kind = kind;
        c.with_detail = detail;
        if (indexes & 1) c.local_indexes = {{"lsi", 1.0}, {"Alsi", 0.5}};
        if (indexes & 2) c.global_indexes = {{"gsi", 2.0}};
        out.push_back(c);
      }
    }
  }
  return out;
}

// What the dispatcher sent before: the Encode function's JSON, without
// ConsumedCapacity when the client did not ask for it.
std::string Expected(Json json, bool with_capacity) {
  if (!with_capacity) json.erase("ConsumedCapacity");
  return Dump(json);
}

TEST(JsonWriterTest, GetItemAnswersAsEncodeGetItem) {
  std::vector<std::optional<ops::ConsumedCapacity>> capacities = {std::nullopt};
  for (const auto& c : Capacities()) capacities.emplace_back(c);
  for (const auto& capacity : capacities) {
    for (const std::optional<model::Item>& item :
         {std::optional<model::Item>(), std::optional<model::Item>(EveryType())}) {
      ops::GetItemResponse resp;
      resp.item = item;
      resp.consumed_capacity = capacity;
      for (bool with : {false, true}) {
        EXPECT_EQ(RenderGetItem(resp, with), Expected(EncodeGetItem(resp), with));
      }
    }
  }
}

TEST(JsonWriterTest, WriteItemAnswersAsEncodeWriteItem) {
  std::vector<std::optional<ops::ConsumedCapacity>> capacities = {std::nullopt};
  for (const auto& c : Capacities()) capacities.emplace_back(c);
  ops::ItemCollectionMetrics metrics;
  metrics.key = Key();
  metrics.size_low_gb = 0.0;
  metrics.size_high_gb = 1.0;
  for (const auto& capacity : capacities) {
    for (int mask = 0; mask < 4; ++mask) {
      ops::WriteItemResponse resp;
      if (mask & 1) resp.attributes = EveryType();
      if (mask & 2) resp.item_collection_metrics = metrics;
      resp.consumed_capacity = capacity;
      for (bool with : {false, true}) {
        EXPECT_EQ(RenderWriteItem(resp, with), Expected(EncodeWriteItem(resp), with));
      }
    }
  }
}

TEST(JsonWriterTest, ReadAnswersAsEncodeRead) {
  for (int mask = 0; mask < 8; ++mask) {
    ops::ReadResponse resp;
    if (mask & 1) resp.items = std::vector<model::Item>{EveryType(), Key(), {}};
    if (mask & 2) resp.last_evaluated_key = Key();
    if (mask & 4) resp.consumed_capacity = Capacities()[mask];
    resp.count = mask & 1 ? 3 : 0;
    resp.scanned_count = 10 + mask;
    for (bool with : {false, true}) {
      EXPECT_EQ(RenderRead(resp, with), Expected(EncodeRead(resp), with));
    }
  }
  ops::ReadResponse empty;
  empty.items.emplace();
  EXPECT_EQ(RenderRead(empty, true), R"({"Count":0,"Items":[],"ScannedCount":0})");
}

}  // namespace
}  // namespace stator::protocol

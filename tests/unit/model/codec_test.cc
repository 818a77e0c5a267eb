#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "model/item_codec.h"
#include "model/item_size.h"
#include "model/key_codec.h"

namespace stator::model {
namespace {

Number N(std::string_view text) { return Number::Parse(text).value(); }

Item SampleItem() {
  Item nested;
  nested["s"] = AttributeValue::S("");
  nested["l"] = AttributeValue::L({AttributeValue::MakeNull(), AttributeValue::Bool(false)});
  Item item;
  item["pk"] = AttributeValue::S("user#1");
  item["n"] = AttributeValue::N(N("-12.50"));
  item["b"] = AttributeValue::B(std::string("\0\xff\x01", 3));
  item["t"] = AttributeValue::Bool(true);
  item["z"] = AttributeValue::MakeNull();
  item["m"] = AttributeValue::M(nested);
  item["ss"] = AttributeValue::SS({"b", "a"});
  item["ns"] = AttributeValue::NS({N("1"), N("2.5")});
  item["bs"] = AttributeValue::BS({std::string("\0", 1), "x"});
  return item;
}

TEST(ItemCodecTest, RoundTripsEveryType) {
  Item item = SampleItem();
  std::string bytes;
  EncodeItem(item, &bytes);
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), kItemFormatV1);
  auto decoded = DecodeItem(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(*decoded, item);
  // Set members keep their order.
  EXPECT_EQ(decoded->at("ss").ss(), (std::vector<std::string>{"b", "a"}));
}

TEST(ItemCodecTest, RejectsEveryTruncationAndUnknownVersion) {
  std::string bytes;
  EncodeItem(SampleItem(), &bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto decoded = DecodeItem(std::string_view(bytes.data(), n));
    EXPECT_FALSE(decoded.ok()) << n;
  }
  std::string other = bytes;
  other[0] = 2;
  EXPECT_EQ(DecodeItem(other).status().code(), Code::kCorruption);
  EXPECT_FALSE(DecodeItem(bytes + "x").ok());
}

TEST(ItemCodecTest, RandomBytesNeverCrash) {
  std::mt19937 gen(7);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(gen() % 40, '\0');
    for (auto& c : bytes) c = static_cast<char>(gen());
    if (!bytes.empty()) bytes[0] = static_cast<char>(kItemFormatV1);
    DecodeItem(bytes).status().IgnoreError();
  }
}

std::string Key(const AttributeValue& v) {
  std::string out;
  EncodeKeyValue(v, &out);
  return out;
}

TEST(KeyCodecTest, StringsAndBinaryOrderByUnsignedBytes) {
  std::vector<std::string> values = {"", std::string("\0", 1), std::string("\0\0", 2), "a",
                                     std::string("a\0", 2), "a\x01", "ab", "b", "\x7f", "\x80",
                                     "\xff", "\xff\xff"};
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    EXPECT_LT(Key(AttributeValue::S(values[i])), Key(AttributeValue::S(values[i + 1]))) << i;
    EXPECT_LT(Key(AttributeValue::B(values[i])), Key(AttributeValue::B(values[i + 1]))) << i;
  }
}

TEST(KeyCodecTest, RoundTripsAndIsSelfDelimiting) {
  for (const auto& v : {AttributeValue::S(std::string("a\0b", 3)), AttributeValue::B("\xff\0"),
                        AttributeValue::N(N("-3.25e-7")), AttributeValue::N(N("0"))}) {
    std::string bytes = Key(v) + "trailing";
    std::string_view in(bytes);
    auto decoded = DecodeKeyValue(v.type(), &in);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, v);
    EXPECT_EQ(in, "trailing");
  }
  std::string_view bad("abc");
  EXPECT_FALSE(DecodeKeyValue(Type::kS, &bad).ok());
}

TEST(KeyCodecTest, PrefixEncodingPrefixesEveryExtension) {
  for (std::string prefix : {std::string("ab"), std::string("a\0", 2), std::string()}) {
    std::string enc;
    EncodeKeyPrefix(prefix, &enc);
    for (std::string rest : {std::string(""), std::string("c"), std::string("\0", 1)}) {
      EXPECT_EQ(Key(AttributeValue::S(prefix + rest)).rfind(enc, 0), 0u);
    }
  }
}

TEST(KeyCodecTest, NumbersOrderNumerically) {
  std::vector<std::string> texts = {"-1e10", "-2", "-1.5", "-1", "-0.001", "0", "1e-130",
                                    "0.5", "1", "1.0001", "2", "10", "9.9e125"};
  for (size_t i = 0; i + 1 < texts.size(); ++i) {
    EXPECT_LT(Key(AttributeValue::N(N(texts[i]))), Key(AttributeValue::N(N(texts[i + 1]))))
        << texts[i];
  }
}

TEST(KeyCodecTest, PartitionHashIsStable) {
  // Persisted layout depends on these values never changing.
  EXPECT_EQ(PartitionHash(""), PartitionHash(""));
  EXPECT_NE(PartitionHash("a"), PartitionHash("b"));
  EXPECT_EQ(PartitionHash(Key(AttributeValue::S("user#1"))),
            PartitionHash(Key(AttributeValue::S("user#1"))));
}

TEST(ItemSizeTest, FollowsDynamoDbRules) {
  EXPECT_EQ(AttributeSize("a", AttributeValue::S("abc")), 4u);
  EXPECT_EQ(AttributeSize("é", AttributeValue::S("é")), 4u);  // UTF-8 bytes
  EXPECT_EQ(ValueSize(AttributeValue::Bool(true)), 1u);
  EXPECT_EQ(ValueSize(AttributeValue::MakeNull()), 1u);
  EXPECT_EQ(ValueSize(AttributeValue::N(N("12.3456"))), 4u);
  EXPECT_EQ(ValueSize(AttributeValue::L({AttributeValue::S("a"), AttributeValue::N(N("1"))})), 8u);
  Map m;
  m["x"] = AttributeValue::S("ab");
  EXPECT_EQ(ValueSize(AttributeValue::M(m)), 7u);
  EXPECT_EQ(ValueSize(AttributeValue::SS({"ab", "c"})), 3u);
  EXPECT_EQ(ValueSize(AttributeValue::L({})), 3u);
  EXPECT_EQ(ValueSize(AttributeValue::NS({N("1"), N("-12.5")})), 6u);
  Map inner;
  inner["x"] = AttributeValue::L({AttributeValue::M({})});
  EXPECT_EQ(ValueSize(AttributeValue::M(inner)), 12u);
}

TEST(AttributeValueTest, SetsCompareAsSetsAndNumbersByValue) {
  EXPECT_EQ(AttributeValue::SS({"a", "b"}), AttributeValue::SS({"b", "a"}));
  EXPECT_FALSE(AttributeValue::SS({"a"}) == AttributeValue::SS({"a", "b"}));
  EXPECT_EQ(AttributeValue::N(N("1.0")), AttributeValue::N(N("1")));
  EXPECT_FALSE(AttributeValue::S("1") == AttributeValue::N(N("1")));
  EXPECT_EQ(TypeName(Type::kBS), "BS");
}

}  // namespace
}  // namespace stator::model

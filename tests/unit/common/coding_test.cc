#include "common/coding.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/crc32.h"
#include "common/ids.h"
#include "common/sha256.h"
#include "common/time_format.h"

namespace stator {
namespace {

TEST(CodingTest, VarintRoundTripsAndRejectsTruncation) {
  for (uint64_t v : {0ULL, 1ULL, 127ULL, 128ULL, 300ULL, 1ULL << 35, ~0ULL}) {
    std::string buf;
    PutVarint64(&buf, v);
    std::string_view in(buf);
    uint64_t out = 0;
    ASSERT_TRUE(GetVarint64(&in, &out));
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
    std::string_view truncated(buf.data(), buf.size() - 1);
    EXPECT_FALSE(GetVarint64(&truncated, &out) && buf.size() > 1 && truncated.size() == 0 &&
                 out == v);
  }
}

TEST(CodingTest, Fixed64BigEndianSortsNumerically) {
  std::string a, b;
  PutFixed64BE(&a, 255);
  PutFixed64BE(&b, 256);
  EXPECT_LT(a, b);
  std::string_view in(b);
  uint64_t v = 0;
  ASSERT_TRUE(GetFixed64BE(&in, &v));
  EXPECT_EQ(v, 256u);
}

TEST(CodingTest, LengthPrefixedRejectsOverlongLength) {
  std::string buf;
  PutVarint64(&buf, 10);
  buf += "abc";
  std::string_view in(buf), out;
  EXPECT_FALSE(GetLengthPrefixed(&in, &out));
}

TEST(Base64Test, RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t n = 0; n < 10; ++n) {
    std::string slice = bytes.substr(0, n);
    std::string decoded, error;
    ASSERT_TRUE(Base64Decode(Base64Encode(slice), &decoded, &error)) << error;
    EXPECT_EQ(decoded, slice);
  }
  std::string decoded, error;
  ASSERT_TRUE(Base64Decode(Base64Encode(bytes), &decoded, &error));
  EXPECT_EQ(decoded, bytes);
  EXPECT_EQ(Base64Encode("\x01\x02"), "AQI=");
}

TEST(Base64Test, RejectsWithDynamoDbMessages) {
  std::string out, error;
  EXPECT_FALSE(Base64Decode("23456", &out, &error));
  EXPECT_EQ(error, "Base64 encoded length is expected a multiple of 4 bytes but found: 5");
  EXPECT_FALSE(Base64Decode("=+/=", &out, &error));
  EXPECT_EQ(error, "Invalid last non-pad Base64 character dectected");
  EXPECT_FALSE(Base64Decode("+/+=", &out, &error));
  EXPECT_EQ(error, "Invalid last non-pad Base64 character dectected");
  EXPECT_FALSE(Base64Decode("ab!d", &out, &error));
}

TEST(Crc32Test, MatchesZlibReferenceValues) {
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  // The health answer DynamoDB sends in us-east-1, whose CRC is known.
  EXPECT_EQ(Crc32("healthy: dynamodb.us-east-1.amazonaws.com "), 3128867991u);
}

TEST(IdsTest, UuidsAreVersion4AndRequestIdsUpperAlnum) {
  std::string uuid = NewUuid();
  ASSERT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
  EXPECT_NE(NewUuid(), uuid);
  std::string id = NewRequestId();
  ASSERT_EQ(id.size(), 52u);
  for (char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'));
}

TEST(TimeFormatTest, FormatsUtcMillis) {
  EXPECT_EQ(FormatIsoMillis(1590601774056000), "2020-05-27T17:49:34.056");
}

TEST(Sha256Test, KnownDigests) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace stator

// Request inflating, Accept-Encoding negotiation and response compression,
// alone and through the dispatcher.
#include "protocol/compression.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/crc32.h"
#include "protocol/dispatcher.h"

namespace stator::protocol {
namespace {

constexpr size_t kCap = 16 * 1024 * 1024;

std::string Inflate(ContentCoding coding, std::string_view body) {
  std::string out;
  EXPECT_EQ(DecodeBody(CodingName(coding), body, kCap, &out), DecodeOutcome::kOk);
  return out;
}

TEST(DecodeBodyTest, GzipAndDeflateRoundTrip) {
  std::string text = R"({"TableName":"tbl"})";
  for (ContentCoding coding : {ContentCoding::kGzip, ContentCoding::kDeflate}) {
    std::string packed = CompressBody(coding, text);
    EXPECT_NE(packed, text);
    EXPECT_EQ(Inflate(coding, packed), text);
  }
  EXPECT_EQ(static_cast<unsigned char>(CompressBody(ContentCoding::kGzip, text)[0]), 0x1f);
}

TEST(DecodeBodyTest, NamesAreCaseInsensitiveAndListsUndoneLastFirst) {
  std::string text(100000, 'a');
  std::string out;
  ASSERT_EQ(DecodeBody("GZip", CompressBody(ContentCoding::kGzip, text), kCap, &out),
            DecodeOutcome::kOk);
  EXPECT_EQ(out, text);
  std::string twice =
      CompressBody(ContentCoding::kGzip, CompressBody(ContentCoding::kDeflate, text));
  ASSERT_EQ(DecodeBody("deflate, identity ,gzip", twice, kCap, &out), DecodeOutcome::kOk);
  EXPECT_EQ(out, text);
  ASSERT_EQ(DecodeBody("identity", text, kCap, &out), DecodeOutcome::kOk);
  EXPECT_EQ(out, text);
}

TEST(DecodeBodyTest, ConcatenatedGzipMembersAreOneBody) {
  std::string both =
      CompressBody(ContentCoding::kGzip, "{\"a\":") + CompressBody(ContentCoding::kGzip, "1}");
  EXPECT_EQ(Inflate(ContentCoding::kGzip, both), "{\"a\":1}");
}

TEST(DecodeBodyTest, BadBodiesAndEncodings) {
  std::string packed = CompressBody(ContentCoding::kGzip, "{\"a\":1}");
  std::string out;
  EXPECT_EQ(DecodeBody("gzip", "{\"a\":1}", kCap, &out), DecodeOutcome::kCorrupt);
  EXPECT_EQ(DecodeBody("gzip", "", kCap, &out), DecodeOutcome::kCorrupt);
  EXPECT_EQ(DecodeBody("gzip", packed.substr(0, packed.size() - 1), kCap, &out),
            DecodeOutcome::kCorrupt);
  EXPECT_EQ(DecodeBody("gzip", packed + "junk", kCap, &out), DecodeOutcome::kCorrupt);
  EXPECT_EQ(DecodeBody("deflate", packed, kCap, &out), DecodeOutcome::kCorrupt);
  EXPECT_EQ(DecodeBody("garbage", packed, kCap, &out), DecodeOutcome::kUnknownEncoding);
  EXPECT_EQ(DecodeBody("x-gzip", packed, kCap, &out), DecodeOutcome::kUnknownEncoding);
  EXPECT_TRUE(out.empty());
}

TEST(DecodeBodyTest, StopsAtTheCap) {
  std::string zeros(20 * 1024 * 1024, '\0');
  std::string bomb = CompressBody(ContentCoding::kGzip, zeros);
  ASSERT_LT(bomb.size(), 100000u);
  std::string out;
  EXPECT_EQ(DecodeBody("gzip", bomb, kCap, &out), DecodeOutcome::kTooLarge);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(DecodeBody("gzip", bomb, zeros.size(), &out), DecodeOutcome::kOk);
  EXPECT_EQ(out.size(), zeros.size());
}

// DynamoDB's choices, as observed by ScyllaDB's test_compressed_response.py.
TEST(ChooseResponseCodingTest, FollowsDynamoDb) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"", ""},
      {"identity", ""},
      {"br", ""},
      {"zstd", ""},
      {"compress", ""},
      {"x-gzip", ""},
      {"gzip", "gzip"},
      {"deflate", "deflate"},
      {"gzip, deflate", "gzip"},
      {"br, identity, deflate, gzip", "deflate"},
      {"GZIP, identity", "gzip"},
      {"dog, gzip ,, cat", "gzip"},
      {"gzip;q=0.8, deflate;q=0.5", "gzip"},
      {"br, gzip;q=0, deflate; q = 0.5 , identity;q=0", "deflate"},
      {"*", "gzip"},
      {"*, deflate;q=0.5", "gzip"},
      {"*, deflate", "deflate"},
      {"*, identity", "gzip"},
      {"*, gzip;q=0.5", "deflate"},
      {"gzip ;q=0", ""},
      {"identity;q=0", ""},
      {"*;q=0", ""},
      {"*;q=0.5,identity", "gzip"},
      {"gzip;q=0.5,identity;q=0.8", "gzip"},
      {"br;q=0.8,identity;q=0.5,*;q=0", ""},
      {"\"gzip\"", ""},
      {"gzip br", ""},
      {"gzip:q=1", ""},
      {"deflate;q=0.5, gzip;q=31", "gzip"},
      {"gzip;q=31,deflate;q=51", "gzip"},
      {"deflate;q=0.5, gzip;q=0.2", "deflate"},
      {"deflate;q=0.5, gzip;q=1;q=0.2", "gzip"},
      {"deflate;q=0.5,gzip;q=0.", "deflate"},
      {"deflate;q=0.5,gzip;q=0.x", "gzip"},
      {"deflate;q=-0.5,gzip;q=0.2", "gzip"},
      {"gzip;nq=1;q=0 ", ""},
      {"gzip;q=0, gzip;q=1, gzip;q=0", "gzip"},
      {"br,identity;q=0.5,gzip;q=0.0001", "gzip"},
  };
  for (const auto& [accept, expected] : cases) {
    EXPECT_EQ(CodingName(ChooseResponseCoding(accept)), expected) << accept;
  }
}

class DispatcherCompressionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions options;
    options.in_memory = true;
    engine_ = storage::Engine::Open(options, &clock_).value();
    ops::OpsEnv env;
    env.engine = engine_.get();
    env.clock = &clock_;
    env.account_id = "123456789012";
    dispatcher_ = std::make_unique<Dispatcher>(env);
  }

  WireResponse Send(std::string_view op, std::string_view body,
                    std::string_view content_encoding = "", std::string_view accept = "") {
    target_ = "DynamoDB_20120810." + std::string(op);
    WireRequest req;
    req.method = "POST";
    req.target = target_;
    req.content_type = "application/x-amz-json-1.0";
    req.authorization =
        "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc";
    req.has_date = true;
    req.body = body;
    req.content_encoding = content_encoding;
    req.accept_encoding = accept;
    return dispatcher_->Handle(req);
  }

  static std::string Header(const WireResponse& resp, std::string_view name) {
    for (const auto& [key, value] : resp.headers) {
      if (key == name) return value;
    }
    return "";
  }

  ManualClock clock_{1700000000123456};
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::string target_;
};

TEST_F(DispatcherCompressionTest, InflatesRequestsAndCompressesLargeAnswers) {
  std::string create =
      R"({"TableName":"tbl","AttributeDefinitions":[{"AttributeName":"p","AttributeType":"S"}],)"
      R"("KeySchema":[{"AttributeName":"p","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})";
  WireResponse created =
      Send("CreateTable", CompressBody(ContentCoding::kDeflate, create), "deflate");
  ASSERT_EQ(created.status, 200) << created.body;
  std::string big(5000, 'x');
  std::string put = R"({"TableName":"tbl","Item":{"p":{"S":"k"},"v":{"S":")" + big + R"("}}})";
  ASSERT_EQ(Send("PutItem", CompressBody(ContentCoding::kGzip, put), "gzip").status, 200);

  std::string get = R"({"TableName":"tbl","Key":{"p":{"S":"k"}}})";
  WireResponse plain = Send("GetItem", get);
  EXPECT_EQ(Header(plain, "Content-Encoding"), "");
  WireResponse packed = Send("GetItem", get, "", "gzip");
  ASSERT_EQ(packed.status, 200);
  EXPECT_EQ(Header(packed, "Content-Encoding"), "gzip");
  EXPECT_EQ(Header(packed, "x-amz-crc32"), std::to_string(Crc32(packed.body)));
  EXPECT_EQ(Inflate(ContentCoding::kGzip, packed.body), plain.body);

  // Small answers and errors stay as they are.
  WireResponse small =
      Send("GetItem", R"({"TableName":"tbl","Key":{"p":{"S":"none"}}})", "", "gzip");
  EXPECT_EQ(Header(small, "Content-Encoding"), "");
}

TEST_F(DispatcherCompressionTest, UndecodableBodiesAreInternalErrors) {
  WireResponse corrupt = Send("ListTables", "{}", "gzip");
  EXPECT_EQ(corrupt.status, 500);
  EXPECT_NE(corrupt.body.find("InternalServerError"), std::string::npos) << corrupt.body;
  EXPECT_EQ(Send("ListTables", "{}", "garbage").status, 500);
  std::string bomb = CompressBody(ContentCoding::kGzip, std::string(20 * 1024 * 1024, ' '));
  WireResponse large = Send("ListTables", bomb, "gzip");
  EXPECT_EQ(large.status, 413);
  EXPECT_EQ(large.body, "");
}

}  // namespace
}  // namespace stator::protocol

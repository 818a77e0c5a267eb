#include "auth/authorization_header.h"

#include <gtest/gtest.h>

namespace stator::auth {
namespace {

TEST(AuthorizationHeaderTest, ParsesCredentialScope) {
  auto h = ParseAuthorizationHeader(
      "AWS4-HMAC-SHA256 Credential=AKID/20260101/ap-south-1/dynamodb/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=deadbeef",
      true);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->access_key_id, "AKID");
  EXPECT_EQ(h->region, "ap-south-1");
  EXPECT_EQ(h->signed_headers, "host;x-amz-date");
  EXPECT_EQ(h->signature, "deadbeef");
}

TEST(AuthorizationHeaderTest, DynamoDbErrors) {
  EXPECT_EQ(ParseAuthorizationHeader("", true).status().code(), Code::kMissingAuthenticationToken);
  EXPECT_EQ(ParseAuthorizationHeader("X", true).status().message(),
            "Request is missing Authentication Token");
  EXPECT_EQ(ParseAuthorizationHeader("AWS4-", false).status().message(),
            "Authorization header requires 'Credential' parameter. Authorization header requires "
            "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
            "header. Authorization=AWS4-");
  EXPECT_EQ(ParseAuthorizationHeader("AWS4- Signature=b Credential=a", true).status().message(),
            "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- "
            "Signature=b Credential=a");
  EXPECT_EQ(ParseAuthorizationHeader(
                "AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host, Signature=x", true)
                .status()
                .message(),
            "Credential must have exactly 5 slash-delimited elements, e.g. "
            "keyid/date/region/service/term, got 'a/b/c/d'");
}

}  // namespace
}  // namespace stator::auth

// Parsing of the SigV4 Authorization header's form (not its signature):
//   AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request,
//       SignedHeaders=host;x-amz-date, Signature=abc...
// with DynamoDB's errors for a missing or malformed header. Signature
// verification builds on the parsed form.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace stator::auth {

struct AuthorizationHeader {
  std::string algorithm;       // "AWS4-HMAC-SHA256"
  std::string access_key_id;
  std::string date;            // credential scope date, yyyymmdd
  std::string region;          // credential scope region
  std::string service;         // credential scope service
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;
};

// `has_date`: the request carries an X-Amz-Date or Date header.
Result<AuthorizationHeader> ParseAuthorizationHeader(std::string_view header, bool has_date);

// The signature of a request, from its Authorization header or, for a
// presigned request, from its query string (X-Amz-Algorithm, X-Amz-Credential,
// X-Amz-Signature, X-Amz-SignedHeaders, X-Amz-Date), with DynamoDB's errors
// when both or neither are usable. `query` is the part after '?'.
Result<AuthorizationHeader> ParseRequestSignature(std::string_view header, std::string_view query,
                                                  bool has_date);

}  // namespace stator::auth

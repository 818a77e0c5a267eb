// AWS Signature Version 4 verification, as DynamoDB does it, over plain
// strings: no I/O, no clock (the caller passes the current time).
//
// The canonical request follows AWS's specification: method; canonical URI
// (dot segments and empty segments removed, every byte outside the unreserved
// set percent-encoded, so the path as received is encoded once more, as SDKs
// do for every service but S3); canonical query string (decoded, re-encoded,
// sorted by key then value, without X-Amz-Signature in a presigned request);
// canonical headers (lower-case names in sorted order, values trimmed with
// runs of whitespace collapsed, repeated headers joined by ','); the signed
// header list; and the hex SHA-256 of the body exactly as received. DynamoDB,
// like every service but S3, does not accept x-amz-content-sha256:
// UNSIGNED-PAYLOAD; that header is an ordinary header here.
//
// VerifySignature checks in DynamoDB's order (after the form checks of
// authorization_header.h):
//   1. the request time (X-Amz-Date, else Date): ISO-8601 basic format, and
//      within 15 minutes of now (IncompleteSignature / InvalidSignature);
//      X-Amz-Expires of a presigned request neither extends nor shortens this
//      window, as in AWS's JSON-protocol services;
//   2. 'host' is a signed header (InvalidSignature);
//   3. the credential scope: service `dynamodb` (DynamoDB Streams signs for it
//      too), terminator `aws4_request`, date equal to the request's day; every
//      failing part reported in one message (InvalidSignature). Any region is
//      accepted: it names the region the request is served in;
//   4. the access key is known (UnrecognizedClient);
//   5. the signature (InvalidSignature, with AWS's canonical-string hint);
//   6. the session token sent (X-Amz-Security-Token) equals the key's own, or
//      both are absent (UnrecognizedClient).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/authorization_header.h"
#include "auth/credentials.h"
#include "common/status.h"

namespace stator::auth {

// The parts of an HTTP request a signature covers, as received.
struct HttpRequestView {
  std::string_view method;  // "POST"
  std::string_view path;    // request target before '?'; "" means "/"
  std::string_view query;   // request target after '?', "" if none
  // Headers in arrival order, names as sent; nullptr means none.
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::string_view body;  // the bytes on the wire, still compressed if they were
};

// Requests signed more than this far from the server's time are refused.
inline constexpr int64_t kMaxClockSkewSeconds = 15 * 60;
// The service every DynamoDB (and DynamoDB Streams) request is signed for.
inline constexpr std::string_view kSigningService = "dynamodb";

// --- The canonical request and its parts ---------------------------------

std::string CanonicalUri(std::string_view path);
// Without X-Amz-Signature when `presigned`.
std::string CanonicalQueryString(std::string_view query, bool presigned);
// "name:value\n" for each name of `signed_headers` ("host;x-amz-date").
std::string CanonicalHeaders(const HttpRequestView& request, std::string_view signed_headers);
// `signed_headers` lower-cased, sorted and without repeats.
std::string NormalizedSignedHeaders(std::string_view signed_headers);
std::string CanonicalRequest(const HttpRequestView& request, std::string_view signed_headers,
                             bool presigned);

// --- Signing ---------------------------------------------------------------

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of canonical_request>".
std::string StringToSign(std::string_view amz_date, std::string_view credential_scope,
                         std::string_view canonical_request);
// The 32-byte key HMAC("AWS4" + secret, date) → region → service → "aws4_request".
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);
// Lower-case hex HMAC-SHA256 of `string_to_sign` under `signing_key`.
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);
// Compares in time independent of where the strings differ.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// --- Request times ---------------------------------------------------------

// "20150830T123600Z" → Unix seconds; false unless exactly that form.
bool ParseAmzDate(std::string_view text, int64_t* unix_seconds);
// Unix seconds → "20150830T123600Z".
std::string FormatAmzDate(int64_t unix_seconds);

// --- Verification ----------------------------------------------------------

struct VerifiedRequest {
  std::string access_key_id;
};

// Verifies `request`, whose signature `auth` was parsed from it
// (ParseRequestSignature), against `credentials` at `now_unix_seconds`.
// Errors are DynamoDB's; an InvalidSignature for a wrong signature carries
// the expected canonical request and string to sign, as AWS's does.
Result<VerifiedRequest> VerifySignature(const HttpRequestView& request,
                                        const AuthorizationHeader& auth,
                                        const CredentialStore& credentials,
                                        int64_t now_unix_seconds);

}  // namespace stator::auth

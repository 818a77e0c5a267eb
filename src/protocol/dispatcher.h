// Dispatcher: DynamoDB's JSON protocol over an abstract HTTP exchange.
//
// It checks a request in DynamoDB's order — method and content type, JSON
// syntax, X-Amz-Target, the Authorization header's form, then the body —
// routes it to the operation, and renders the answer or the error exactly as
// DynamoDB does (errors through errors.h). Every response it builds carries
// x-amzn-RequestId and x-amz-crc32. Compressed request bodies are inflated
// first and large answers compressed last (compression.h); x-amz-crc32 then
// covers the bytes on the wire. `GET /metrics` answers with the metrics of
// every request handled (metrics.h), any other GET with a health line.
//
// Thread-safety: Handle may be called concurrently from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "auth/policy.h"
#include "ops/context.h"

namespace stator::protocol {

struct WireRequest {
  std::string_view method;  // "POST", "GET", ...
  std::string_view path;    // the request target before '?', e.g. "/"
  std::string_view query;   // the request target after '?', "" if none
  // Every header as received (names as the client spelled them), for
  // signature verification; nullptr when the caller has none to give.
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::string_view target;                // X-Amz-Target
  std::string_view content_type;          // Content-Type
  std::string_view authorization;         // Authorization
  bool has_date = false;                  // X-Amz-Date or Date present
  std::string_view origin;                // Origin (browser clients)
  std::string_view cors_request_method;   // Access-Control-Request-Method
  std::string_view cors_request_headers;  // Access-Control-Request-Headers
  std::string_view content_encoding;      // Content-Encoding of `body`
  std::string_view accept_encoding;       // Accept-Encoding
  std::string_view body;
};

struct WireResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct DispatcherOptions {
  // Origins browsers may call from (the Origin header's exact value); "*"
  // allows any. Empty: no CORS headers at all, so browsers refuse answers.
  std::vector<std::string> cors_origins = {"*"};
  const auth::PolicySet* policies = nullptr;           // non-null: enforce policies (--policy-file)
  const auth::CredentialStore* credentials = nullptr;  // non-null: verify signatures (--auth)
};

class Metrics;  // protocol/metrics.h

class Dispatcher {
 public:
  explicit Dispatcher(ops::OpsEnv env, DispatcherOptions options = {});
  ~Dispatcher();

  WireResponse Handle(const WireRequest& request) const;
  // The response to a body over the 16 MB limit (validation::kMaxRequestBodyBytes),
  // before or after inflating it.
  WireResponse TooLarge() const;

 private:
  WireResponse Answer(const WireRequest& request) const;
  WireResponse AnswerJson(const WireRequest& request, std::string_view body,
                          const std::string& response_type) const;

  // The Access-Control-Allow-Origin value for `origin`, "" if not allowed.
  std::string AllowedOrigin(std::string_view origin) const;

  ops::OpsEnv env_;
  DispatcherOptions options_;
  std::unique_ptr<Metrics> metrics_;  // never null; updated concurrently by Handle
};

}  // namespace stator::protocol

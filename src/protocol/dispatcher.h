// Dispatcher: DynamoDB's JSON protocol over an abstract HTTP exchange.
//
// It checks a request in DynamoDB's order — method and content type, JSON
// syntax, X-Amz-Target, the Authorization header's form, then the body —
// routes it to the operation, and renders the answer or the error exactly as
// DynamoDB does (errors through errors.h). Every response it builds carries
// x-amzn-RequestId and x-amz-crc32. Compressed request bodies are inflated
// first and large answers compressed last (compression.h); x-amz-crc32 then
// covers the bytes on the wire.
//
// Thread-safety: Handle may be called concurrently from any number of threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ops/context.h"

namespace stator::protocol {

struct WireRequest {
  std::string_view method;                // "POST", "GET", ...
  std::string_view query;                 // the request target after '?', "" if none
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

class Dispatcher {
 public:
  explicit Dispatcher(ops::OpsEnv env);

  WireResponse Handle(const WireRequest& request) const;
  // The response to a body over the 16 MB limit (validation::kMaxRequestBodyBytes),
  // before or after inflating it.
  WireResponse TooLarge() const;

 private:
  WireResponse Answer(const WireRequest& request) const;
  WireResponse AnswerJson(const WireRequest& request, std::string_view body,
                          const std::string& response_type) const;

  ops::OpsEnv env_;
};

}  // namespace stator::protocol

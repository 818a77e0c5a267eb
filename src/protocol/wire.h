// An HTTP exchange as the protocol layer sees it, without any HTTP library's
// types: what the dispatcher (dispatcher.h) and the admin API (admin_api.h)
// answer.
//
// Thread-safety: plain data; a WireRequest views strings its caller owns.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

}  // namespace stator::protocol

// RenderResponseHead against Beast: the head it renders plus the body must be
// the bytes Beast serialises for the same response, framed as session.cc
// frames one.
#include "http/response_head.h"

#include <gtest/gtest.h>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>

namespace stator::http::internal {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// What session.cc's Beast path sends for `response` to an HTTP/1.1 request.
std::string ByBeast(const Response& response, bool keep_alive) {
  bhttp::response<bhttp::string_body> out;
  out.version(11);
  out.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers) {
    if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding")) {
      continue;
    }
    out.insert(name, value);
  }
  out.body() = response.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  std::ostringstream os;
  os << out;
  return os.str();
}

std::string ByHead(const Response& response, bool keep_alive) {
  std::string head;
  EXPECT_TRUE(RenderResponseHead(response, keep_alive, &head));
  return head + response.body;
}

TEST(ResponseHeadTest, SameBytesAsBeast) {
  std::vector<Response> responses;
  Response dynamo;
  dynamo.headers = {{"x-amzn-RequestId", "ABCDEF0123456789"},
                    {"x-amz-crc32", "2745614147"},
                    {"Content-Type", "application/x-amz-json-1.0"}};
  dynamo.body = R"({"Item":{"pk":{"S":"k1"}}})";
  responses.push_back(dynamo);
  Response error = dynamo;
  error.status = 400;
  error.body = R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"})";
  responses.push_back(error);
  Response odd;
  odd.status = 599;  // no reason phrase Beast knows
  odd.headers = {{"content-length", "999"},
                 {"X-Padded", " \tvalue with spaces\t "},
                 {"Transfer-Encoding", "chunked"},
                 {"X-Empty", ""},
                 {"x-blank", "   "},
                 {"Vary", "Origin"}};
  responses.push_back(odd);
  Response empty;
  empty.status = 413;
  responses.push_back(empty);
  for (int status : {200, 201, 404, 500, 503, 999}) {
    Response r = dynamo;
    r.status = status;
    responses.push_back(r);
  }
  for (const Response& r : responses) {
    for (bool keep_alive : {true, false}) {
      EXPECT_EQ(ByHead(r, keep_alive), ByBeast(r, keep_alive)) << r.status << " " << keep_alive;
    }
  }
}

TEST(ResponseHeadTest, LeavesTheRestToBeast) {
  std::string head = "untouched";
  for (int status : {100, 199, 204, 304, 1000, -1}) {
    Response r;
    r.status = status;
    EXPECT_FALSE(RenderResponseHead(r, true, &head)) << status;
  }
  Response closing;
  closing.headers = {{"connection", "close"}};
  EXPECT_FALSE(RenderResponseHead(closing, true, &head));
  Response huge;
  huge.headers = {{"X-Huge", std::string(70000, 'x')}};
  EXPECT_FALSE(RenderResponseHead(huge, true, &head));
  EXPECT_EQ(head, "untouched");
}

}  // namespace
}  // namespace stator::http::internal

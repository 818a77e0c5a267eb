#include "http/response_head.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <limits>
#include <string_view>

namespace stator::http::internal {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// Beast stores a name or value with 2 more bytes in a 16-bit offset.
constexpr size_t kMaxFieldPart = std::numeric_limits<uint16_t>::max() - 2;

// Beast's trim of a field value: spaces and tabs at both ends.
std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

void AppendNumber(std::string* out, size_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), n);
  out->append(buf, end);
}

}  // namespace

bool RenderResponseHead(const Response& response, bool keep_alive, std::string* head) {
  const int status = response.status;
  if (status < 200 || status > 999 || status == 204 || status == 304) return false;
  size_t size = 64;
  for (const auto& [name, value] : response.headers) {
    if (beast::iequals(name, "Connection")) return false;
    if (name.size() > kMaxFieldPart || value.size() > kMaxFieldPart) return false;
    size += name.size() + value.size() + 4;
  }
  std::string out;
  out.reserve(size);
  out.append("HTTP/1.1 ");
  AppendNumber(&out, static_cast<size_t>(status));
  out.push_back(' ');
  auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  out.append(reason.data(), reason.size());
  out.append("\r\n");
  for (const auto& [name, value] : response.headers) {
    if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding")) {
      continue;
    }
    out.append(name);
    out.append(": ");
    out.append(Trim(value));
    out.append("\r\n");
  }
  if (!keep_alive) out.append("Connection: close\r\n");
  out.append("Content-Length: ");
  AppendNumber(&out, response.body.size());
  out.append("\r\n\r\n");
  *head = std::move(out);
  return true;
}

}  // namespace stator::http::internal

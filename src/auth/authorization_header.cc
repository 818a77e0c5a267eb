#include "auth/authorization_header.h"

#include <vector>

namespace stator::auth {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// "AKID/20260101/us-east-1/dynamodb/aws4_request" into *out.
Status ParseCredentialScope(std::string_view credential, AuthorizationHeader* out) {
  std::string_view scope[5];
  size_t parts = 0;
  size_t start = 0;
  for (size_t i = 0; i <= credential.size(); ++i) {
    if (i < credential.size() && credential[i] != '/') continue;
    if (parts < 5) scope[parts] = credential.substr(start, i - start);
    ++parts;
    start = i + 1;
  }
  if (parts != 5) {
    return Status(Code::kIncompleteSignature,
                  "Credential must have exactly 5 slash-delimited elements, e.g. "
                  "keyid/date/region/service/term, got '" +
                      std::string(credential) + "'");
  }
  out->access_key_id = std::string(scope[0]);
  out->date = std::string(scope[1]);
  out->region = std::string(scope[2]);
  out->service = std::string(scope[3]);
  return Status::OK();
}

std::string PercentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int v = 0;
      auto hex = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        v = hi * 16 + lo;
        out.push_back(static_cast<char>(v));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

Result<AuthorizationHeader> ParseQuerySignature(std::string_view query) {
  AuthorizationHeader out;
  std::string credential, date;
  for (std::string_view pair : Split(query, '&')) {
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string value = eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1));
    if (key == "X-Amz-Algorithm") out.algorithm = value;
    if (key == "X-Amz-Credential") credential = value;
    if (key == "X-Amz-Signature") out.signature = value;
    if (key == "X-Amz-SignedHeaders") out.signed_headers = value;
    if (key == "X-Amz-Date") date = value;
  }
  std::string missing;
  const std::pair<const char*, const std::string*> required[] = {
      {"X-Amz-Algorithm", &out.algorithm},
      {"X-Amz-Credential", &credential},
      {"X-Amz-Signature", &out.signature},
      {"X-Amz-SignedHeaders", &out.signed_headers},
      {"X-Amz-Date", &date}};
  for (const auto& [name, value] : required) {
    if (value->empty()) {
      missing += std::string("AWS query-string parameters must include '") + name + "'. ";
    }
  }
  if (!missing.empty()) {
    return Status(Code::kIncompleteSignature, missing + "Re-examine the query-string parameters.");
  }
  STATOR_RETURN_IF_ERROR(ParseCredentialScope(credential, &out));
  return out;
}

bool HasQueryParam(std::string_view query, std::string_view name) {
  if (query.empty()) return false;  // the usual case, without splitting
  for (std::string_view pair : Split(query, '&')) {
    if (pair.substr(0, pair.find('=')) == name) return true;
  }
  return false;
}

}  // namespace

Result<AuthorizationHeader> ParseRequestSignature(std::string_view header, std::string_view query,
                                                  bool has_date) {
  if (HasQueryParam(query, "X-Amz-Algorithm")) {
    if (!header.empty()) {
      return Status(Code::kInvalidSignature,
                    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' "
                    "as HTTP header.");
    }
    return ParseQuerySignature(query);
  }
  return ParseAuthorizationHeader(header, has_date);
}

Result<AuthorizationHeader> ParseAuthorizationHeader(std::string_view header, bool has_date) {
  std::string_view trimmed = Trim(header);
  if (trimmed.substr(0, 5) != "AWS4-") {
    return Status(Code::kMissingAuthenticationToken, "Request is missing Authentication Token");
  }
  AuthorizationHeader out;
  size_t space = trimmed.find_first_of(" ,");
  out.algorithm = std::string(trimmed.substr(0, space));
  std::string_view rest = space == std::string_view::npos ? "" : trimmed.substr(space);
  std::string_view credential;
  // Parameters are separated by spaces, commas, or both.
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == ',')) ++i;
    size_t end = rest.find_first_of(" ,", i);
    std::string_view param = rest.substr(i, end == std::string_view::npos ? rest.npos : end - i);
    i = end == std::string_view::npos ? rest.size() : end;
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = param.substr(0, eq);
    std::string_view value = param.substr(eq + 1);
    if (key == "Credential") credential = value;
    if (key == "Signature") out.signature = std::string(value);
    if (key == "SignedHeaders") out.signed_headers = std::string(value);
  }
  std::string missing;
  if (credential.empty()) missing += "Authorization header requires 'Credential' parameter. ";
  if (out.signature.empty()) missing += "Authorization header requires 'Signature' parameter. ";
  if (out.signed_headers.empty()) {
    missing += "Authorization header requires 'SignedHeaders' parameter. ";
  }
  if (!has_date) {
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!missing.empty()) {
    return Status(Code::kIncompleteSignature, missing + "Authorization=" + std::string(header));
  }
  if (out.algorithm != "AWS4-HMAC-SHA256") {
    return Status(Code::kIncompleteSignature, "Unsupported AWS 'algorithm': '" + out.algorithm +
                                                  "' (only AWS4-HMAC-SHA256 for now). ");
  }
  STATOR_RETURN_IF_ERROR(ParseCredentialScope(credential, &out));
  return out;
}

}  // namespace stator::auth

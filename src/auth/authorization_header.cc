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

}  // namespace

Result<AuthorizationHeader> ParseAuthorizationHeader(std::string_view header, bool has_date) {
  std::string_view trimmed = Trim(header);
  if (trimmed.substr(0, 5) != "AWS4-") {
    return Status(Code::kMissingAuthenticationToken, "Request is missing Authentication Token");
  }
  AuthorizationHeader out;
  size_t space = trimmed.find_first_of(" ,");
  out.algorithm = std::string(trimmed.substr(0, space));
  std::string_view rest = space == std::string_view::npos ? "" : trimmed.substr(space);
  std::string credential;
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
    std::string value(param.substr(eq + 1));
    if (key == "Credential") credential = value;
    if (key == "Signature") out.signature = value;
    if (key == "SignedHeaders") out.signed_headers = value;
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
  std::vector<std::string_view> scope = Split(credential, '/');
  if (scope.size() != 5) {
    return Status(Code::kIncompleteSignature,
                  "Credential must have exactly 5 slash-delimited elements, e.g. "
                  "keyid/date/region/service/term, got '" + credential + "'");
  }
  out.access_key_id = std::string(scope[0]);
  out.date = std::string(scope[1]);
  out.region = std::string(scope[2]);
  out.service = std::string(scope[3]);
  return out;
}

}  // namespace stator::auth

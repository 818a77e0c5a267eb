#include "auth/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>

#include "common/sha256.h"

namespace stator::auth {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
constexpr std::string_view kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
// Unknown access key. A session token that does not belong to the key gets
// the same text without the final period, as DynamoDB answers.
constexpr std::string_view kInvalidToken = "The security token included in the request is invalid";

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), AsciiLower);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// AWS's UriEncode: every byte but the unreserved ones as %XX (upper case).
std::string UriEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes decoded; a '%' not followed by two hex digits stays as is.
std::string PercentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

// The query's parameters, decoded, in order.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  if (query.empty()) return params;
  for (std::string_view piece : Split(query, '&')) {
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    params.emplace_back(PercentDecode(piece.substr(0, eq)),
                        eq == std::string_view::npos ? "" : PercentDecode(piece.substr(eq + 1)));
  }
  return params;
}

// The first value of query parameter `name`, or nullptr.
const std::string* QueryParam(const std::vector<std::pair<std::string, std::string>>& params,
                              std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

// The first header called `name` (any case), or nullptr.
const std::string* FirstHeader(const HttpRequestView& request, std::string_view name) {
  if (request.headers == nullptr) return nullptr;
  for (const auto& [key, value] : *request.headers) {
    if (EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

// SigV4's Trimall: no leading or trailing whitespace, inner runs as one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string HexLower(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (char ch : bytes) {
    auto b = static_cast<unsigned char>(ch);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0F]);
  }
  return out;
}

// --- Civil dates (proleptic Gregorian, UTC) ---------------------------------

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int64_t* m, int64_t* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

int64_t DaysInMonth(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

bool ToUnixSeconds(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s,
                   int64_t* out) {
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    return false;
  }
  *out = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  return true;
}

// Digits [pos, pos + n) of `s` as a number, or -1.
int64_t Digits(std::string_view s, size_t pos, size_t n) {
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// An RFC 1123 Date header: "Sun, 30 Aug 2015 12:36:00 GMT".
bool ParseHttpDate(std::string_view text, int64_t* unix_seconds) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  size_t comma = text.find(", ");
  if (comma == std::string_view::npos) return false;
  std::string_view rest = text.substr(comma + 2);  // "30 Aug 2015 12:36:00 GMT"
  if (rest.size() != 24 || rest[2] != ' ' || rest[6] != ' ' || rest[11] != ' ' || rest[14] != ':' ||
      rest[17] != ':' || rest.substr(20) != " GMT") {
    return false;
  }
  int64_t month = 0;
  for (int64_t i = 0; i < 12; ++i) {
    if (rest.substr(3, 3) == kMonths[i]) month = i + 1;
  }
  int64_t day = Digits(rest, 0, 2), year = Digits(rest, 7, 4), hour = Digits(rest, 12, 2),
          minute = Digits(rest, 15, 2), second = Digits(rest, 18, 2);
  if (month == 0 || day < 0 || year < 0 || hour < 0 || minute < 0 || second < 0) return false;
  return ToUnixSeconds(year, month, day, hour, minute, second, unix_seconds);
}

// --- Verification steps ----------------------------------------------------

struct RequestTime {
  std::string amz_date;  // ISO-8601 basic form, as the string to sign uses it
  int64_t seconds = 0;
};

Status BadDate(std::string_view got) {
  return Status(Code::kIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '" +
                                                std::string(got) +
                                                "'. See http://en.wikipedia.org/wiki/ISO_8601");
}

// X-Amz-Date (from the query of a presigned request), else the Date header.
Result<RequestTime> TimeOf(const HttpRequestView& request, const std::string* query_date,
                           bool presigned) {
  RequestTime time;
  const std::string* amz_date = presigned ? query_date : FirstHeader(request, "x-amz-date");
  if (amz_date != nullptr) {
    if (!ParseAmzDate(*amz_date, &time.seconds)) return BadDate(*amz_date);
    time.amz_date = *amz_date;
    return time;
  }
  const std::string* date = FirstHeader(request, "date");
  if (date == nullptr || !ParseHttpDate(*date, &time.seconds)) {
    return BadDate(date == nullptr ? "" : *date);
  }
  time.amz_date = FormatAmzDate(time.seconds);
  return time;
}

Status CheckSkew(const RequestTime& time, int64_t now) {
  const std::string minutes = std::to_string(kMaxClockSkewSeconds / 60) + " min.)";
  if (time.seconds < now - kMaxClockSkewSeconds) {
    return Status(Code::kInvalidSignature, "Signature expired: " + time.amz_date +
                                               " is now earlier than " +
                                               FormatAmzDate(now - kMaxClockSkewSeconds) + " (" +
                                               FormatAmzDate(now) + " - " + minutes);
  }
  if (time.seconds > now + kMaxClockSkewSeconds) {
    return Status(Code::kInvalidSignature, "Signature not yet current: " + time.amz_date +
                                               " is still later than " +
                                               FormatAmzDate(now + kMaxClockSkewSeconds) + " (" +
                                               FormatAmzDate(now) + " + " + minutes);
  }
  return Status::OK();
}

Status CheckHostSigned(std::string_view signed_headers) {
  for (std::string_view name : Split(signed_headers, ';')) {
    if (EqualsIgnoreCase(name, "host") || name == ":authority") return Status::OK();
  }
  return Status(Code::kInvalidSignature,
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

// The Credential parameter of an Authorization header, "" if none.
std::string_view CredentialParam(std::string_view authorization) {
  constexpr std::string_view kKey = "Credential=";
  for (size_t at = authorization.find(kKey); at != std::string_view::npos;
       at = authorization.find(kKey, at + 1)) {
    if (at > 0 && authorization[at - 1] != ' ' && authorization[at - 1] != ',') continue;
    std::string_view value = authorization.substr(at + kKey.size());
    return value.substr(0, value.find_first_of(" ,"));
  }
  return {};
}

// Every part of the credential scope DynamoDB would not sign for, in one
// message as DynamoDB words it.
Status CheckScope(const AuthorizationHeader& auth, std::string_view terminator,
                  const RequestTime& time) {
  std::string problems;
  if (auth.service != kSigningService) {
    problems +=
        "Credential should be scoped to correct service: '" + std::string(kSigningService) + "'. ";
  }
  if (terminator != kTerminator) {
    problems += "Credential should be scoped with a valid terminator: '" +
                std::string(kTerminator) + "', not '" + std::string(terminator) + "'. ";
  }
  std::string day = time.amz_date.substr(0, 8);
  if (auth.date != day) {
    problems +=
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
        "from HTTP: '" +
        auth.date + "' != '" + day + "', from '" + time.amz_date + "'. ";
  }
  if (problems.empty()) return Status::OK();
  return Status(Code::kInvalidSignature, std::move(problems));
}

}  // namespace

std::string CanonicalUri(std::string_view path) {
  // Dot segments and empty segments go, as SDKs normalise before signing.
  std::vector<std::string_view> segments;
  for (std::string_view segment : Split(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(segment);
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out += UriEncode(segments[i]);
  }
  if (!segments.empty() && path.back() == '/') out.push_back('/');
  return out;
}

std::string CanonicalQueryString(std::string_view query, bool presigned) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [key, value] : ParseQuery(query)) {
    if (presigned && key == "X-Amz-Signature") continue;
    encoded.emplace_back(UriEncode(key), UriEncode(value));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += key + "=" + value;
  }
  return out;
}

std::string NormalizedSignedHeaders(std::string_view signed_headers) {
  std::vector<std::string> names;
  for (std::string_view name : Split(signed_headers, ';')) {
    if (!name.empty()) names.push_back(Lower(name));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

std::string CanonicalHeaders(const HttpRequestView& request, std::string_view signed_headers) {
  std::string out;
  std::string names = NormalizedSignedHeaders(signed_headers);
  for (std::string_view name : Split(names, ';')) {
    if (name.empty()) continue;
    std::string values;
    bool first = true;
    if (request.headers != nullptr) {
      for (const auto& [key, value] : *request.headers) {
        if (!EqualsIgnoreCase(key, name)) continue;
        if (!first) values.push_back(',');
        values += TrimAll(value);
        first = false;
      }
    }
    out += std::string(name) + ":" + values + "\n";
  }
  return out;
}

std::string CanonicalRequest(const HttpRequestView& request, std::string_view signed_headers,
                             bool presigned) {
  std::string out(request.method);
  out += "\n" + CanonicalUri(request.path);
  out += "\n" + CanonicalQueryString(request.query, presigned);
  out += "\n" + CanonicalHeaders(request, signed_headers);
  out += "\n" + NormalizedSignedHeaders(signed_headers);
  out += "\n" + Sha256Hex(request.body);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view credential_scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out += "\n" + std::string(amz_date) + "\n" + std::string(credential_scope) + "\n" +
         Sha256Hex(canonical_request);
  return out;
}

std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string key = Hmac("AWS4" + std::string(secret_access_key), date);
  key = Hmac(key, region);
  key = Hmac(key, service);
  return Hmac(key, kTerminator);
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return HexLower(Hmac(signing_key, string_to_sign));
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool ParseAmzDate(std::string_view text, int64_t* unix_seconds) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return false;
  int64_t year = Digits(text, 0, 4), month = Digits(text, 4, 2), day = Digits(text, 6, 2),
          hour = Digits(text, 9, 2), minute = Digits(text, 11, 2), second = Digits(text, 13, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return false;
  return ToUnixSeconds(year, month, day, hour, minute, second, unix_seconds);
}

std::string FormatAmzDate(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400, rem = unix_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y = 0, m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld%02lld%02lldT%02lld%02lld%02lldZ",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

Result<VerifiedRequest> VerifySignature(const HttpRequestView& request,
                                        const AuthorizationHeader& auth,
                                        const CredentialStore& credentials,
                                        int64_t now_unix_seconds) {
  // As authorization_header.cc decides: X-Amz-Algorithm in the query makes
  // the request presigned.
  const auto query = ParseQuery(request.query);
  const bool presigned = QueryParam(query, "X-Amz-Algorithm") != nullptr;

  STATOR_ASSIGN_OR_RETURN(RequestTime time,
                          TimeOf(request, QueryParam(query, "X-Amz-Date"), presigned));
  STATOR_RETURN_IF_ERROR(CheckSkew(time, now_unix_seconds));
  STATOR_RETURN_IF_ERROR(CheckHostSigned(auth.signed_headers));

  std::string credential;
  if (presigned) {
    const std::string* param = QueryParam(query, "X-Amz-Credential");
    if (param != nullptr) credential = *param;
  } else if (const std::string* header = FirstHeader(request, "authorization")) {
    credential = std::string(CredentialParam(*header));
  }
  std::string_view terminator = credential;
  terminator.remove_prefix(std::min(terminator.size(), terminator.rfind('/') + 1));
  STATOR_RETURN_IF_ERROR(CheckScope(auth, terminator, time));

  const Credential* known = credentials.Find(auth.access_key_id);
  if (known == nullptr) {
    return Status(Code::kUnrecognizedClient, std::string(kInvalidToken) + ".");
  }

  std::string canonical_request = CanonicalRequest(request, auth.signed_headers, presigned);
  std::string scope =
      auth.date + "/" + auth.region + "/" + auth.service + "/" + std::string(terminator);
  std::string string_to_sign = StringToSign(time.amz_date, scope, canonical_request);
  std::string expected =
      SignatureHex(DeriveSigningKey(known->secret_access_key, auth.date, auth.region, auth.service),
                   string_to_sign);
  if (!ConstantTimeEqual(expected, auth.signature)) {
    return Status(Code::kInvalidSignature,
                  std::string(kSignatureMismatch) +
                      "\n\nThe Canonical String for this request should have been\n'" +
                      canonical_request + "'\n\nThe String-to-Sign should have been\n'" +
                      string_to_sign + "'\n");
  }

  const std::string* token = presigned ? QueryParam(query, "X-Amz-Security-Token")
                                       : FirstHeader(request, "x-amz-security-token");
  if (!ConstantTimeEqual(token == nullptr ? "" : *token, known->session_token)) {
    return Status(Code::kUnrecognizedClient, std::string(kInvalidToken));
  }
  return VerifiedRequest{auth.access_key_id};
}

}  // namespace stator::auth

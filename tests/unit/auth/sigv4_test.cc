#include "auth/sigv4.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "common/sha256.h"

namespace stator::auth {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// --- AWS's SigV4 test suite --------------------------------------------------
// Credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region
// us-east-1, service "service", 20150830T123600Z. Every request also carries
// Host: example.amazonaws.com and X-Amz-Date. Paths and queries are given as
// the suite's request files spell them.

constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kSuiteDate = "20150830T123600Z";
constexpr std::string_view kSuiteScope = "20150830/us-east-1/service/aws4_request";
constexpr std::string_view kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SuiteCase {
  const char* name;
  const char* method;
  const char* path;
  const char* query;
  Headers extra_headers;
  const char* body;
  const char* signed_headers;
  const char* signature;
};

const std::vector<SuiteCase>& SuiteCases() {
  static const std::vector<SuiteCase> kCases = {
      {"get-vanilla",
       "GET",
       "/",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/",
       "Param2=value2&Param1=value1",
       {},
       "",
       "host;x-amz-date",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-empty-query-key",
       "GET",
       "/",
       "Param1=value1",
       {},
       "",
       "host;x-amz-date",
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-vanilla-query-unreserved",
       "GET",
       "/",
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "",
       "host;x-amz-date",
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query",
       "GET",
       "/",
       "%E1%88%B4=bar",
       {},
       "",
       "host;x-amz-date",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       "",
       {},
       "",
       "host;x-amz-date",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-utf8",
       "GET",
       "/\xE1\x88\xB4",
       "",
       {},
       "",
       "host;x-amz-date",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-space",
       "GET",
       "/example space/",
       "",
       {},
       "",
       "host;x-amz-date",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"get-relative",
       "GET",
       "/example/..",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-relative-relative",
       "GET",
       "/example1/example2/../..",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash",
       "GET",
       "//",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-dot-slash",
       "GET",
       "/./",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-pointless-dot",
       "GET",
       "/./example",
       "",
       {},
       "",
       "host;x-amz-date",
       "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
      {"get-slashes",
       "GET",
       "//example//",
       "",
       {},
       "",
       "host;x-amz-date",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-header-key-duplicate",
       "GET",
       "/",
       "",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       "",
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order",
       "GET",
       "/",
       "",
       {{"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "",
       "host;my-header1;x-amz-date",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-trim",
       "GET",
       "/",
       "",
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "",
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"post-vanilla",
       "POST",
       "/",
       "",
       {},
       "",
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-header-key-sort",
       "POST",
       "/",
       "",
       {{"My-Header1", "value1"}},
       "",
       "host;my-header1;x-amz-date",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-header-value-case",
       "POST",
       "/",
       "",
       {{"My-Header1", "VALUE1"}},
       "",
       "host;my-header1;x-amz-date",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-vanilla-query",
       "POST",
       "/",
       "Param1=value1",
       {},
       "",
       "host;x-amz-date",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-x-www-form-urlencoded",
       "POST",
       "/",
       "",
       {{"Content-Type", "application/x-www-form-urlencoded"}},
       "Param1=value1",
       "content-type;host;x-amz-date",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
      {"post-x-www-form-urlencoded-parameters",
       "POST",
       "/",
       "",
       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}},
       "Param1=value1",
       "content-type;host;x-amz-date",
       "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"},
  };
  return kCases;
}

Headers SuiteHeaders(const SuiteCase& c) {
  Headers headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", std::string(kSuiteDate)}};
  headers.insert(headers.end(), c.extra_headers.begin(), c.extra_headers.end());
  return headers;
}

TEST(SigV4SuiteTest, MatchesAwsVectors) {
  std::string key = DeriveSigningKey(kSuiteSecret, "20150830", "us-east-1", "service");
  for (const SuiteCase& c : SuiteCases()) {
    SCOPED_TRACE(c.name);
    Headers headers = SuiteHeaders(c);
    HttpRequestView view{c.method, c.path, c.query, &headers, c.body};
    EXPECT_EQ(NormalizedSignedHeaders(c.signed_headers), c.signed_headers);
    std::string canonical = CanonicalRequest(view, c.signed_headers, false);
    EXPECT_EQ(SignatureHex(key, StringToSign(kSuiteDate, kSuiteScope, canonical)), c.signature)
        << canonical;
  }
}

TEST(SigV4SuiteTest, CanonicalRequestsAndStringsToSign) {
  const auto find = [](std::string_view name) -> const SuiteCase& {
    for (const SuiteCase& c : SuiteCases()) {
      if (c.name == name) return c;
    }
    throw std::logic_error("no such case");
  };
  struct Expected {
    const char* name;
    std::string canonical_request;
    std::string string_to_sign_hash;
  };
  const Expected expected[] = {
      {"get-vanilla",
       "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
           std::string(kEmptyHash),
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"},
      {"get-header-value-trim",
       "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
       "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n" +
           std::string(kEmptyHash),
       "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7"},
      {"get-space",
       "GET\n/example%20space/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
       "host;x-amz-date\n" +
           std::string(kEmptyHash),
       "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86"},
      {"post-x-www-form-urlencoded",
       "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
       "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
       "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"},
  };
  for (const Expected& e : expected) {
    SCOPED_TRACE(e.name);
    const SuiteCase& c = find(e.name);
    Headers headers = SuiteHeaders(c);
    HttpRequestView view{c.method, c.path, c.query, &headers, c.body};
    std::string canonical = CanonicalRequest(view, c.signed_headers, false);
    EXPECT_EQ(canonical, e.canonical_request);
    EXPECT_EQ(StringToSign(kSuiteDate, kSuiteScope, canonical),
              "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" +
                  e.string_to_sign_hash);
  }
}

TEST(SigV4PartsTest, QueryStringsAndHeaderNames) {
  EXPECT_EQ(CanonicalQueryString("b=2&a=1&a=0&c", false), "a=0&a=1&b=2&c=");
  EXPECT_EQ(CanonicalQueryString("k=a%2fb%20c&x=%zz", false), "k=a%2Fb%20c&x=%25zz");
  EXPECT_EQ(CanonicalQueryString("X-Amz-Signature=abc&X-Amz-Date=1", true), "X-Amz-Date=1");
  EXPECT_EQ(CanonicalQueryString("X-Amz-Signature=abc", false), "X-Amz-Signature=abc");
  EXPECT_EQ(CanonicalUri(""), "/");
  EXPECT_EQ(NormalizedSignedHeaders("X-Amz-Date;Host;host;;"), "host;x-amz-date");
  // Header names match in any case; absent signed headers have empty values.
  Headers headers = {{"HOST", "h"}, {"x-AMZ-date", "  d  "}};
  HttpRequestView view{"POST", "/", "", &headers, ""};
  EXPECT_EQ(CanonicalHeaders(view, "host;x-amz-date;x-missing"),
            "host:h\nx-amz-date:d\nx-missing:\n");
}

TEST(SigV4PartsTest, AmzDates) {
  int64_t seconds = 0;
  ASSERT_TRUE(ParseAmzDate("20150830T123600Z", &seconds));
  EXPECT_EQ(seconds, 1440938160);
  EXPECT_EQ(FormatAmzDate(seconds), "20150830T123600Z");
  EXPECT_EQ(FormatAmzDate(0), "19700101T000000Z");
  ASSERT_TRUE(ParseAmzDate("20240229T235959Z", &seconds));
  EXPECT_EQ(FormatAmzDate(seconds), "20240229T235959Z");
  for (const char* bad :
       {"201", "20150830T123600", "20150830 123600Z", "20151330T123600Z", "20230229T000000Z",
        "20150830T243600Z", "2015083OT123600Z", "20150830T123660Z"}) {
    EXPECT_FALSE(ParseAmzDate(bad, &seconds)) << bad;
  }
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "ab"));
}

// --- Verification ---------------------------------------------------------------
// A PutItem request exactly as boto3 1.26 (botocore 1.29) signed it for
// http://127.0.0.1:8000 in eu-west-1 with temporary credentials, its clock
// frozen at 20260314T150926Z (1773500966).

constexpr std::string_view kBotoKey = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kBotoSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kBotoToken = "FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDEXAMPLE+token=";
constexpr int64_t kBotoTime = 1773500966;
constexpr std::string_view kBotoBody =
    R"({"TableName": "Music", "Item": {"Artist": {"S": "No One You Know"}, "Song": {"S": "Call  Me   Today"}}})";
constexpr std::string_view kBotoCanonical =
    "POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:127.0.0.1:8000\n"
    "x-amz-date:20260314T150926Z\n"
    "x-amz-security-token:FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDEXAMPLE+token=\n"
    "x-amz-target:DynamoDB_20120810.PutItem\n\n"
    "content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n"
    "90106eaa2205f9cf49894eab5908c552982aa7400bfa938c831e6423c604ad20";
constexpr std::string_view kBotoStringToSign =
    "AWS4-HMAC-SHA256\n20260314T150926Z\n20260314/eu-west-1/dynamodb/aws4_request\n"
    "c3b3904cc1173fd3abecfad68feae7ecb29f6e455049adb488198df99306b199";
constexpr std::string_view kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

Headers BotoHeaders() {
  return {
      {"X-Amz-Target", "DynamoDB_20120810.PutItem"},
      {"Content-Type", "application/x-amz-json-1.0"},
      {"User-Agent", "Boto3/1.26.27 Python/3.11.2 Linux awscrt/1.0.0.dev0 Botocore/1.29.27"},
      {"host", "127.0.0.1:8000"},
      {"X-Amz-Security-Token", std::string(kBotoToken)},
      {"X-Amz-Date", "20260314T150926Z"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260314/eu-west-1/dynamodb/"
       "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
       "x-amz-target, Signature=8bb2ff787e85bb2f54dc0bd78bb16237585d28a67779c2584bd7211807dab2d3"},
      {"amz-sdk-invocation-id", "758dab79-c3b5-4110-a40d-a813ba632214"},
      {"amz-sdk-request", "attempt=1"},
      {"Content-Length", "103"}};
}

CredentialStore Store(std::string_view text) {
  auto store = CredentialStore::FromText(text, "test");
  EXPECT_TRUE(store.ok()) << store.status().message();
  return std::move(store).value();
}

CredentialStore BotoStore() {
  return Store(std::string(kBotoKey) + ":" + std::string(kBotoSecret) + ":" +
               std::string(kBotoToken));
}

const std::string* Find(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

// Parses the request's signature as the dispatcher does, then verifies it.
Result<VerifiedRequest> Verify(const Headers& headers, std::string_view body,
                               const CredentialStore& store, int64_t now,
                               std::string_view query = "") {
  const std::string* authorization = Find(headers, "Authorization");
  auto auth = ParseRequestSignature(authorization ? *authorization : "", query, true);
  if (!auth.ok()) return auth.status();
  HttpRequestView view{"POST", "/", query, &headers, body};
  return VerifySignature(view, *auth, store, now);
}

// A DynamoDB request signed by this library (checked against the vectors
// above), for the cases boto3 will not produce.
struct Signing {
  std::string key_id = "AKID";
  std::string secret = "secret";
  std::string token;
  std::string scope_date = "20260314";
  std::string service = "dynamodb";
  std::string terminator = "aws4_request";
  std::string signed_headers = "host;x-amz-date;x-amz-target";
};

Headers SignedHeaders(const Signing& s, Headers headers, std::string_view amz_date,
                      std::string_view body) {
  HttpRequestView view{"POST", "/", "", &headers, body};
  std::string scope = s.scope_date + "/us-east-1/" + s.service + "/" + s.terminator;
  std::string signature =
      SignatureHex(DeriveSigningKey(s.secret, s.scope_date, "us-east-1", s.service),
                   StringToSign(amz_date, scope, CanonicalRequest(view, s.signed_headers, false)));
  headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + s.key_id + "/" + scope +
                                            ", SignedHeaders=" + s.signed_headers +
                                            ", Signature=" + signature);
  return headers;
}

Headers Basic(const Signing& s, std::string_view amz_date = "20260314T150926Z") {
  Headers headers = {{"Host", "localhost:8000"},
                     {"X-Amz-Date", std::string(amz_date)},
                     {"X-Amz-Target", "DynamoDB_20120810.ListTables"}};
  if (!s.token.empty()) headers.emplace_back("X-Amz-Security-Token", s.token);
  return SignedHeaders(s, std::move(headers), amz_date, "{}");
}

TEST(SigV4VerifyTest, AcceptsBotocoreRequest) {
  auto verified = Verify(BotoHeaders(), kBotoBody, BotoStore(), kBotoTime);
  ASSERT_TRUE(verified.ok()) << verified.status().message();
  EXPECT_EQ(verified->access_key_id, kBotoKey);
}

TEST(SigV4VerifyTest, WrongSecretShowsTheCanonicalStrings) {
  auto store = Store(std::string(kBotoKey) + ":wrong-secret:" + std::string(kBotoToken));
  auto verified = Verify(BotoHeaders(), kBotoBody, store, kBotoTime);
  EXPECT_EQ(verified.status().code(), Code::kInvalidSignature);
  EXPECT_EQ(verified.status().message(),
            std::string(kMismatch) +
                "\n\nThe Canonical String for this request should have been\n'" +
                std::string(kBotoCanonical) + "'\n\nThe String-to-Sign should have been\n'" +
                std::string(kBotoStringToSign) + "'\n");
}

TEST(SigV4VerifyTest, TamperedBodyHeaderOrQueryFails) {
  std::string body(kBotoBody);
  body.back() = ' ';
  auto verified = Verify(BotoHeaders(), body, BotoStore(), kBotoTime);
  EXPECT_EQ(verified.status().code(), Code::kInvalidSignature);
  EXPECT_NE(verified.status().message().find("\n" + Sha256Hex(body) + "'\n\nThe String-to-Sign"),
            std::string::npos)
      << verified.status().message();

  Headers headers = BotoHeaders();
  headers[0].second = "DynamoDB_20120810.DeleteTable";
  EXPECT_EQ(Verify(headers, kBotoBody, BotoStore(), kBotoTime).status().code(),
            Code::kInvalidSignature);
  // A second copy of a signed header changes its canonical value.
  headers = BotoHeaders();
  headers.emplace_back("x-amz-target", "DynamoDB_20120810.DeleteTable");
  EXPECT_EQ(Verify(headers, kBotoBody, BotoStore(), kBotoTime).status().code(),
            Code::kInvalidSignature);
  EXPECT_EQ(Verify(BotoHeaders(), kBotoBody, BotoStore(), kBotoTime, "a=b").status().code(),
            Code::kInvalidSignature);
}

TEST(SigV4VerifyTest, UnknownKeyAndSessionTokens) {
  auto unknown = Verify(BotoHeaders(), kBotoBody, Store("OTHER:x"), kBotoTime);
  EXPECT_EQ(unknown.status().code(), Code::kUnrecognizedClient);
  EXPECT_EQ(unknown.status().message(), "The security token included in the request is invalid.");

  // The signature is right but the token is not the key's own.
  const std::string id_secret = std::string(kBotoKey) + ":" + std::string(kBotoSecret);
  for (const std::string& line : {id_secret, id_secret + ":another-token"}) {
    auto verified = Verify(BotoHeaders(), kBotoBody, Store(line), kBotoTime);
    EXPECT_EQ(verified.status().code(), Code::kUnrecognizedClient) << line;
    EXPECT_EQ(verified.status().message(), "The security token included in the request is invalid");
  }
  // A key with a token used without it.
  Signing s;
  EXPECT_EQ(Verify(Basic(s), "{}", Store("AKID:secret:tok"), kBotoTime).status().message(),
            "The security token included in the request is invalid");
  s.token = "tok";
  s.signed_headers = "host;x-amz-date;x-amz-security-token;x-amz-target";
  EXPECT_TRUE(Verify(Basic(s), "{}", Store("AKID:secret:tok"), kBotoTime).ok());
}

TEST(SigV4VerifyTest, ClockSkew) {
  Signing s;
  CredentialStore store = Store("AKID:secret");
  EXPECT_TRUE(Verify(Basic(s), "{}", store, kBotoTime + 900).ok());
  EXPECT_TRUE(Verify(Basic(s), "{}", store, kBotoTime - 900).ok());
  auto expired = Verify(Basic(s), "{}", store, kBotoTime + 901);
  EXPECT_EQ(expired.status().code(), Code::kInvalidSignature);
  EXPECT_EQ(expired.status().message(),
            "Signature expired: 20260314T150926Z is now earlier than 20260314T150927Z "
            "(20260314T152427Z - 15 min.)");
  EXPECT_EQ(Verify(Basic(s), "{}", store, kBotoTime - 901).status().message(),
            "Signature not yet current: 20260314T150926Z is still later than 20260314T150925Z "
            "(20260314T145425Z + 15 min.)");
  // The figures of a message DynamoDB sent (aws/aws-sdk-js#254).
  s.scope_date = "20140325";
  int64_t now = 0;
  ASSERT_TRUE(ParseAmzDate("20140325T145251Z", &now));
  EXPECT_EQ(Verify(Basic(s, "20140325T143453Z"), "{}", store, now).status().message(),
            "Signature expired: 20140325T143453Z is now earlier than 20140325T143751Z "
            "(20140325T145251Z - 15 min.)");
  // Expiry is checked before the key is looked up, as DynamoDB does.
  EXPECT_EQ(Verify(Basic(s, "20140325T143453Z"), "{}", Store("OTHER:x"), now).status().code(),
            Code::kInvalidSignature);
}

TEST(SigV4VerifyTest, DateFormats) {
  Signing s;
  CredentialStore store = Store("AKID:secret");
  auto bad = Verify(Basic(s, "201"), "{}", store, kBotoTime);
  EXPECT_EQ(bad.status().code(), Code::kIncompleteSignature);
  EXPECT_EQ(bad.status().message(),
            "Date must be in ISO-8601 'basic format'. Got '201'. See "
            "http://en.wikipedia.org/wiki/ISO_8601");
  // Without X-Amz-Date, the Date header dates the request; the string to
  // sign still uses the ISO-8601 basic form.
  s.signed_headers = "date;host;x-amz-target";
  Headers headers = {{"Host", "h"},
                     {"Date", "Sat, 14 Mar 2026 15:09:26 GMT"},
                     {"X-Amz-Target", "DynamoDB_20120810.ListTables"}};
  EXPECT_TRUE(
      Verify(SignedHeaders(s, headers, "20260314T150926Z", "{}"), "{}", store, kBotoTime).ok());
  headers[1].second = "yesterday";
  EXPECT_EQ(Verify(SignedHeaders(s, headers, "20260314T150926Z", "{}"), "{}", store, kBotoTime)
                .status()
                .message(),
            "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See "
            "http://en.wikipedia.org/wiki/ISO_8601");
}

TEST(SigV4VerifyTest, ScopeAndSignedHeaders) {
  CredentialStore store = Store("AKID:secret");
  Signing s;
  s.signed_headers = "x-amz-date;x-amz-target";
  EXPECT_EQ(Verify(Basic(s), "{}", store, kBotoTime).status().message(),
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  s = Signing();
  s.service = "dynamodbstreams";
  EXPECT_EQ(Verify(Basic(s), "{}", store, kBotoTime).status().message(),
            "Credential should be scoped to correct service: 'dynamodb'. ");
  s = Signing();
  s.terminator = "aws5_request";
  s.scope_date = "20260313";
  s.service = "s3";
  auto verified = Verify(Basic(s), "{}", Store("OTHER:x"), kBotoTime);
  EXPECT_EQ(verified.status().code(), Code::kInvalidSignature);
  EXPECT_EQ(verified.status().message(),
            "Credential should be scoped to correct service: 'dynamodb'. Credential should be "
            "scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in "
            "Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            "'20260313' != '20260314', from '20260314T150926Z'. ");
}

TEST(SigV4VerifyTest, UnsignedPayloadIsNotAccepted) {
  // S3's UNSIGNED-PAYLOAD would let a body be swapped; DynamoDB always signs
  // the body's hash.
  Headers headers = {{"Host", "h"},
                     {"X-Amz-Date", "20260314T150926Z"},
                     {"X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"}};
  Signing s;
  s.signed_headers = "host;x-amz-content-sha256;x-amz-date";
  HttpRequestView view{"POST", "/", "", &headers, "{}"};
  std::string canonical = CanonicalRequest(view, s.signed_headers, false);
  canonical.replace(canonical.rfind('\n') + 1, std::string::npos, "UNSIGNED-PAYLOAD");
  std::string scope = "20260314/us-east-1/dynamodb/aws4_request";
  headers.emplace_back(
      "Authorization",
      "AWS4-HMAC-SHA256 Credential=AKID/" + scope + ", SignedHeaders=" + s.signed_headers +
          ", Signature=" +
          SignatureHex(DeriveSigningKey("secret", "20260314", "us-east-1", "dynamodb"),
                       StringToSign("20260314T150926Z", scope, canonical)));
  EXPECT_EQ(Verify(headers, "{}", Store("AKID:secret"), kBotoTime).status().code(),
            Code::kInvalidSignature);
}

TEST(SigV4VerifyTest, PresignedQuery) {
  const std::string scope = "20260314/us-east-1/dynamodb/aws4_request";
  const std::string query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F" + std::string("20260314") +
      "%2Fus-east-1%2Fdynamodb%2Faws4_request&X-Amz-Date=20260314T150926Z&X-Amz-Expires=60"
      "&X-Amz-Security-Token=tok%2B1&X-Amz-SignedHeaders=host";
  Headers headers = {{"Host", "h"}};
  HttpRequestView view{"POST", "/", query, &headers, "{}"};
  std::string signature =
      SignatureHex(DeriveSigningKey("secret", "20260314", "us-east-1", "dynamodb"),
                   StringToSign("20260314T150926Z", scope, CanonicalRequest(view, "host", true)));
  const std::string signed_query = query + "&X-Amz-Signature=" + signature;
  CredentialStore store = Store("AKID:secret:tok+1");
  auto verified = Verify(headers, "{}", store, kBotoTime, signed_query);
  ASSERT_TRUE(verified.ok()) << verified.status().message();
  EXPECT_EQ(verified->access_key_id, "AKID");
  // X-Amz-Expires does not change the 15-minute window (see sigv4.h).
  EXPECT_TRUE(Verify(headers, "{}", store, kBotoTime + 600, signed_query).ok());
  EXPECT_EQ(Verify(headers, "{}", store, kBotoTime + 901, signed_query).status().code(),
            Code::kInvalidSignature);
  // Every other parameter is signed.
  std::string tampered = signed_query;
  tampered.replace(tampered.find("Expires=60"), 10, "Expires=99");
  EXPECT_EQ(Verify(headers, "{}", store, kBotoTime, tampered).status().code(),
            Code::kInvalidSignature);
  EXPECT_EQ(
      Verify(headers, "{}", Store("AKID:secret:other"), kBotoTime, signed_query).status().code(),
      Code::kUnrecognizedClient);
}

}  // namespace
}  // namespace stator::auth

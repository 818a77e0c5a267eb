// The admin API through the dispatcher: routes, methods, JSON in and out,
// errors, and the refusal of unsigned requests under --auth.
#include "protocol/admin_api.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "protocol/dispatcher.h"

namespace stator::protocol {
namespace {

using nlohmann::json;

constexpr char kAuth[] =
    "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc";

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions options;
    options.in_memory = true;
    engine_ = storage::Engine::Open(options, &clock_).value();
    env_.engine = engine_.get();
    env_.clock = &clock_;
    env_.virtual_clock = &clock_;
    dispatcher_ = std::make_unique<Dispatcher>(env_);
  }

  WireResponse Send(std::string_view method, std::string_view path, std::string_view body = "") {
    WireRequest req;
    req.method = method;
    req.path = path;
    req.body = body;
    return dispatcher_->Handle(req);
  }

  // The parsed body of an answer with `status`.
  json Expect(int status, std::string_view method, std::string_view path,
              std::string_view body = "") {
    WireResponse resp = Send(method, path, body);
    EXPECT_EQ(resp.status, status) << method << " " << path << ": " << resp.body;
    std::map<std::string, std::string> headers(resp.headers.begin(), resp.headers.end());
    EXPECT_EQ(headers["Content-Type"], "application/json");
    return json::parse(resp.body, nullptr, false);
  }

  void CreateTable(const std::string& name) {
    std::string body =
        json{{"TableName", name},
             {"AttributeDefinitions", {{{"AttributeName", "pk"}, {"AttributeType", "S"}}}},
             {"KeySchema", {{{"AttributeName", "pk"}, {"KeyType", "HASH"}}}},
             {"BillingMode", "PAY_PER_REQUEST"}}
            .dump();
    WireRequest req;
    req.method = "POST";
    req.path = "/";
    req.target = "DynamoDB_20120810.CreateTable";
    req.content_type = "application/x-amz-json-1.0";
    req.authorization = kAuth;
    req.has_date = true;
    req.body = body;
    ASSERT_EQ(dispatcher_->Handle(req).status, 200);
  }

  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<storage::Engine> engine_;
  ops::OpsEnv env_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(AdminApiTest, PathsUnderThePrefixOnly) {
  EXPECT_TRUE(IsAdminPath("/_stator"));
  EXPECT_TRUE(IsAdminPath("/_stator/clock"));
  EXPECT_FALSE(IsAdminPath("/_statorx"));
  EXPECT_FALSE(IsAdminPath("/"));
  EXPECT_FALSE(IsAdminPath("/metrics"));
}

TEST_F(AdminApiTest, SnapshotLifecycle) {
  CreateTable("music");
  EXPECT_EQ(Expect(200, "GET", "/_stator/snapshots"), json({{"snapshots", json::array()}}));
  json created = Expect(200, "POST", "/_stator/snapshots", R"({"name": "base"})");
  EXPECT_EQ(created["name"], "base");
  EXPECT_EQ(created["created"], 1'700'000'000.0);
  EXPECT_EQ(created["created_iso"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(created["tables"],
            json::parse(R"([{"name": "music", "item_count": 0, "size_bytes": 0}])"));
  EXPECT_EQ(Expect(200, "GET", "/_stator/snapshots/base"), created);
  EXPECT_EQ(Expect(200, "GET", "/_stator/snapshots/")["snapshots"], json::array({created}));
  CreateTable("later");
  json restored = Expect(200, "POST", "/_stator/snapshots/base/restore");
  EXPECT_EQ(restored, json({{"restored", "base"}, {"tables", {"music"}}}));
  EXPECT_EQ(engine_->FindTable("later"), nullptr);
  EXPECT_EQ(Expect(200, "POST", "/_stator/reset", "{}"), json({{"tables", {"music"}}}));
  EXPECT_EQ(Expect(200, "DELETE", "/_stator/snapshots/base"), created);
  EXPECT_EQ(Expect(404, "GET", "/_stator/snapshots/base")["error"], "NotFound");
}

TEST_F(AdminApiTest, ErrorsAreJsonWithSensibleStatuses) {
  json not_found = Expect(404, "GET", "/_stator/nothing");
  EXPECT_EQ(not_found["error"], "NotFound");
  EXPECT_EQ(not_found["message"], "no admin resource at /_stator/nothing");
  Expect(404, "GET", "/_stator");
  Expect(404, "POST", "/_stator/snapshots/a/b");
  Expect(404, "POST", "/_stator/snapshots//restore");

  WireResponse wrong = Send("PUT", "/_stator/snapshots");
  EXPECT_EQ(wrong.status, 405);
  std::map<std::string, std::string> headers(wrong.headers.begin(), wrong.headers.end());
  EXPECT_EQ(headers["Allow"], "GET, POST");
  EXPECT_EQ(json::parse(wrong.body)["error"], "MethodNotAllowed");
  EXPECT_EQ(Send("GET", "/_stator/reset").status, 405);
  EXPECT_EQ(Send("GET", "/_stator/snapshots/x/restore").status, 405);

  for (const char* body : {"{", "[]", "\"x\"", R"({})", R"({"name": 5})", R"({"name": ""})",
                           R"({"name": "a b"})", R"({"name": "ok", "extra": 1})"}) {
    json error = Expect(400, "POST", "/_stator/snapshots", body);
    EXPECT_EQ(error["error"], "ValidationError") << body;
    EXPECT_TRUE(error["message"].is_string()) << body;
  }
  Expect(400, "GET", "/_stator/snapshots/bad%20name");
  Expect(400, "POST", "/_stator/reset", R"({"force": true})");
  Expect(200, "POST", "/_stator/snapshots", R"({"name": "taken"})");
  EXPECT_EQ(Expect(409, "POST", "/_stator/snapshots", R"({"name": "taken"})")["error"],
            "AlreadyExists");
  EXPECT_EQ(Expect(404, "POST", "/_stator/snapshots/missing/restore")["message"],
            "no database snapshot named 'missing'");
  Expect(404, "DELETE", "/_stator/snapshots/missing");
}

TEST_F(AdminApiTest, ClockReadsAndMovesForwardOnly) {
  json clock = Expect(200, "GET", "/_stator/clock");
  EXPECT_EQ(
      clock,
      json({{"mode", "virtual"}, {"now", 1'700'000'000.0}, {"iso", "2023-11-14T22:13:20.000Z"}}));
  json moved = Expect(200, "POST", "/_stator/clock", R"({"advance_seconds": 86400})");
  EXPECT_EQ(moved["now"], 1'700'086'400.0);
  EXPECT_EQ(moved["expired_items"], 0);
  EXPECT_EQ(Expect(200, "POST", "/_stator/clock", R"({"advance_seconds": 0.5})")["now"],
            1'700'086'400.5);
  EXPECT_EQ(Expect(200, "POST", "/_stator/clock", R"({"set": 1800000000})")["iso"],
            "2027-01-15T08:00:00.000Z");
  for (const char* body :
       {R"({})", R"({"set": 1700000000})", R"({"advance_seconds": -1})",
        R"({"advance_seconds": "1"})", R"({"advance_seconds": 1, "set": 1900000000})",
        R"({"advance": 1})", R"({"set": 1e300})", R"({"set": 300000000000})"}) {
    EXPECT_EQ(Expect(400, "POST", "/_stator/clock", body)["error"], "ValidationError") << body;
  }
  EXPECT_EQ(clock_.NowMicros(), 1'800'000'000'000'000);

  env_.virtual_clock = nullptr;  // --clock system
  Dispatcher system(env_);
  WireRequest get;
  get.method = "GET";
  get.path = "/_stator/clock";
  EXPECT_EQ(json::parse(system.Handle(get).body)["mode"], "system");
  WireRequest post = get;
  post.method = "POST";
  post.body = R"({"advance_seconds": 1})";
  WireResponse refused = system.Handle(post);
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("--clock virtual"), std::string::npos);
}

TEST_F(AdminApiTest, UnsignedRequestsAreRefusedUnderAuth) {
  auth::CredentialStore credentials =
      auth::CredentialStore::FromText("AKID:secret\n", "test").value();
  DispatcherOptions options;
  options.credentials = &credentials;
  Dispatcher with_auth(env_, options);
  WireRequest req;
  req.method = "POST";
  req.path = "/_stator/reset";
  WireResponse unsigned_reset = with_auth.Handle(req);
  EXPECT_EQ(unsigned_reset.status, 403);
  EXPECT_EQ(json::parse(unsigned_reset.body)["error"], "MissingAuthenticationTokenException");
  req.authorization = kAuth;  // well-formed, but not a valid signature
  req.has_date = true;
  WireResponse forged = with_auth.Handle(req);
  EXPECT_EQ(forged.status, 403);
  // Unknown paths and methods say so before asking for a signature.
  req.path = "/_stator/nothing";
  EXPECT_EQ(with_auth.Handle(req).status, 404);
}

}  // namespace
}  // namespace stator::protocol

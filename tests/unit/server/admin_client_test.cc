// The admin commands' client: commands into requests, and requests signed
// so that a server with --auth (and --policy-file) accepts them.
#include "server/admin_client.h"

#include <gtest/gtest.h>

#include "protocol/dispatcher.h"
#include "protocol/policy_json.h"

namespace stator::server {
namespace {

struct Case {
  std::vector<std::string> args;
  std::string method;
  std::string path;
  std::string body;
};

TEST(AdminClientTest, CommandsBecomeRequests) {
  const std::vector<Case> cases = {
      {{"snapshot", "create", "base"}, "POST", "/_stator/snapshots", R"({"name": "base"})"},
      {{"snapshot", "restore", "base"}, "POST", "/_stator/snapshots/base/restore", ""},
      {{"snapshot", "delete", "base"}, "DELETE", "/_stator/snapshots/base", ""},
      {{"snapshot", "describe", "a.b-c_1"}, "GET", "/_stator/snapshots/a.b-c_1", ""},
      {{"snapshot", "list"}, "GET", "/_stator/snapshots", ""},
      {{"reset"}, "POST", "/_stator/reset", ""},
      {{"clock"}, "GET", "/_stator/clock", ""},
      {{"clock", "show"}, "GET", "/_stator/clock", ""},
      {{"clock", "advance", "3600"}, "POST", "/_stator/clock", R"({"advance_seconds": 3600})"},
      {{"clock", "advance", "0.25"}, "POST", "/_stator/clock", R"({"advance_seconds": 0.25})"},
      {{"clock", "set", "1800000000"}, "POST", "/_stator/clock", R"({"set": 1800000000})"},
  };
  for (const Case& c : cases) {
    Result<AdminCommand> command = ParseAdminCommand(c.args, {});
    ASSERT_TRUE(command.ok()) << c.args[0] << ": " << command.status().message();
    EXPECT_EQ(command->method, c.method);
    EXPECT_EQ(command->path, c.path);
    EXPECT_EQ(command->body, c.body);
    EXPECT_EQ(command->host, "127.0.0.1");
    EXPECT_EQ(command->port, 8000);
  }
  EXPECT_TRUE(IsAdminCommand({"reset"}));
  EXPECT_FALSE(IsAdminCommand({"--port", "0"}));
  EXPECT_FALSE(IsAdminCommand({}));
}

TEST(AdminClientTest, EndpointFromFlagOrEnvironment) {
  auto from_env = ParseAdminCommand({"reset"}, {"STATOR_ENDPOINT=http://localhost:9001/"});
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->host, "localhost");
  EXPECT_EQ(from_env->port, 9001);
  auto flag = ParseAdminCommand({"reset", "--endpoint", "http://10.0.0.2:8123"},
                                {"STATOR_ENDPOINT=http://localhost:9001"});
  ASSERT_TRUE(flag.ok());
  EXPECT_EQ(flag->host, "10.0.0.2");
  EXPECT_EQ(flag->port, 8123);
  auto equals = ParseAdminCommand({"--endpoint=http://[::1]:8002", "clock"}, {});
  ASSERT_TRUE(equals.ok());
  EXPECT_EQ(equals->host, "::1");
  EXPECT_EQ(equals->port, 8002);
  auto no_port = ParseAdminCommand({"reset", "--endpoint", "http://db"}, {});
  ASSERT_TRUE(no_port.ok());
  EXPECT_EQ(no_port->port, 80);
  for (const char* bad : {"https://localhost:8000", "localhost:8000", "http://", "http://h:0",
                          "http://h:70000", "http://h:80/path"}) {
    EXPECT_FALSE(ParseAdminCommand({"reset", "--endpoint", bad}, {}).ok()) << bad;
  }
}

TEST(AdminClientTest, MalformedCommandsAreRefused) {
  const std::vector<std::vector<std::string>> bad = {
      {"snapshot"},
      {"snapshot", "create"},
      {"snapshot", "create", "a b"},
      {"snapshot", "create", "x", "y"},
      {"snapshot", "rename", "x"},
      {"reset", "now"},
      {"clock", "advance"},
      {"clock", "advance", "ten"},
      {"clock", "advance", "1e3"},
      {"clock", "set", ""},
      {"clock", "rewind", "1"},
      {"reset", "--force"},
      {"reset", "--endpoint"},
  };
  for (const auto& args : bad) {
    EXPECT_EQ(ParseAdminCommand(args, {}).status().code(), Code::kValidation) << args.size();
  }
  auto help = ParseAdminCommand({"snapshot", "--help"}, {});
  ASSERT_TRUE(help.ok());
  EXPECT_TRUE(help->help);
}

// A dispatcher with --auth (and a policy allowing the user only Reset), on a
// virtual clock set far from the real time the client signs with.
class SignedAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions options;
    options.in_memory = true;
    engine_ = storage::Engine::Open(options, &virtual_clock_).value();
    env_.engine = engine_.get();
    env_.clock = &virtual_clock_;
    env_.virtual_clock = &virtual_clock_;
    credentials_.emplace(
        auth::CredentialStore::FromText("AKIDADMIN:adminsecret\n", "test").value());
    policies_ = protocol::DecodePolicyFile(R"({"Users": [{"UserName": "ci",
        "AccessKeyIds": ["AKIDADMIN"], "Policies": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "stator:Reset", "Resource": "*"}]}]}]})")
                    .value();
  }

  // Sends `args` as the client would, signed with `env`'s keys at the real time.
  protocol::WireResponse Send(const protocol::Dispatcher& dispatcher,
                              const std::vector<std::string>& args,
                              const std::vector<std::string>& env) {
    AdminCommand command = ParseAdminCommand(args, {}).value();
    headers_ = AdminRequestHeaders(command, env, kRealSeconds);
    protocol::WireRequest req;
    req.method = command.method;
    req.path = command.path;
    req.headers = &headers_;
    body_ = command.body;
    req.body = body_;
    for (const auto& [name, value] : headers_) {
      if (name == "Authorization") req.authorization = value;
      if (name == "X-Amz-Date") req.has_date = true;
    }
    return dispatcher.Handle(req);
  }

  static constexpr int64_t kRealSeconds = 1'767'225'600;  // 2026-01-01
  ManualClock virtual_clock_{int64_t{2'000'000'000} * 1'000'000};
  ManualClock real_clock_{kRealSeconds * 1'000'000};
  std::unique_ptr<storage::Engine> engine_;
  ops::OpsEnv env_;
  std::optional<auth::CredentialStore> credentials_;
  auth::PolicySet policies_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
};

const std::vector<std::string> kKeys = {
    "AWS_ACCESS_KEY_ID=AKIDADMIN", "AWS_SECRET_ACCESS_KEY=adminsecret", "AWS_REGION=eu-west-1"};

TEST_F(SignedAdminTest, SignedRequestsPassAuthAgainstTheRealTime) {
  protocol::DispatcherOptions options;
  options.credentials = &*credentials_;
  options.signature_clock = &real_clock_;
  protocol::Dispatcher dispatcher(env_, options);
  EXPECT_EQ(Send(dispatcher, {"reset"}, kKeys).status, 200);
  EXPECT_EQ(Send(dispatcher, {"clock", "advance", "60"}, kKeys).status, 200);
  EXPECT_EQ(Send(dispatcher, {"snapshot", "create", "s"}, kKeys).status, 200);
  EXPECT_EQ(Send(dispatcher, {"snapshot", "list"}, kKeys).status, 200);
  // Unsigned, or signed with an unknown key: refused.
  EXPECT_EQ(Send(dispatcher, {"reset"}, {}).status, 403);
  protocol::WireResponse unknown =
      Send(dispatcher, {"reset"}, {"AWS_ACCESS_KEY_ID=OTHER", "AWS_SECRET_ACCESS_KEY=adminsecret"});
  EXPECT_EQ(unknown.status, 403);
  EXPECT_NE(unknown.body.find("UnrecognizedClientException"), std::string::npos);
  // Checked against the operations' (virtual) clock, the signature would be
  // far outside its 15 minutes.
  protocol::DispatcherOptions skewed = options;
  skewed.signature_clock = nullptr;
  protocol::Dispatcher on_virtual_time(env_, skewed);
  protocol::WireResponse late = Send(on_virtual_time, {"reset"}, kKeys);
  EXPECT_EQ(late.status, 403);
  EXPECT_NE(late.body.find("InvalidSignatureException"), std::string::npos);
}

TEST_F(SignedAdminTest, PoliciesNameStatorActions) {
  protocol::DispatcherOptions options;
  options.credentials = &*credentials_;
  options.policies = &policies_;
  options.signature_clock = &real_clock_;
  protocol::Dispatcher dispatcher(env_, options);
  EXPECT_EQ(Send(dispatcher, {"reset"}, kKeys).status, 200);
  protocol::WireResponse denied = Send(dispatcher, {"clock", "advance", "60"}, kKeys);
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("AccessDeniedException"), std::string::npos);
  EXPECT_NE(denied.body.find("stator:MoveClock"), std::string::npos);
}

}  // namespace
}  // namespace stator::server

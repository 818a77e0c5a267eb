// The authorization checks each operation needs, and Authorize's answers.
#include "protocol/access_checks.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "protocol/dispatcher.h"
#include "protocol/item_json.h"
#include "storage/engine.h"

namespace stator::protocol {
namespace {

using nlohmann::json;
using Values = std::vector<std::string>;

constexpr char kOrders[] = "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders";
constexpr char kUsers[] = "arn:aws:dynamodb:eu-west-1:123456789012:table/Users";

class AccessChecksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions options;
    options.in_memory = true;
    engine_ = storage::Engine::Open(options, &clock_).value();
    env_.engine = engine_.get();
    env_.clock = &clock_;
    env_.account_id = "123456789012";
    ctx_.env = &env_;
    ctx_.region = "eu-west-1";
    // Orders: customer (S) + order (N), with a global index on stage.
    model::TableDef orders;
    orders.name = "Orders";
    orders.uuid = "00000000-0000-4000-8000-000000000001";
    orders.key.hash = {"customer", model::Type::kS};
    orders.key.range = model::KeyElement{"order", model::Type::kN};
    orders.attribute_definitions = {
        {"customer", model::Type::kS}, {"order", model::Type::kN}, {"stage", model::Type::kS}};
    model::IndexDef by_status;
    by_status.name = "ByStatus";
    by_status.key.hash = {"stage", model::Type::kS};
    by_status.id = 1;
    orders.global_indexes.push_back(by_status);
    orders.next_index_id = 2;
    ASSERT_TRUE(engine_->CreateTable(orders).ok());
    // Users: id (N).
    model::TableDef users;
    users.name = "Users";
    users.uuid = "00000000-0000-4000-8000-000000000002";
    users.key.hash = {"id", model::Type::kN};
    users.attribute_definitions = {{"id", model::Type::kN}};
    ASSERT_TRUE(engine_->CreateTable(users).ok());
  }

  std::vector<AccessCheck> Checks(std::string_view op, const json& body) {
    auto checks = AccessChecks(op, body, ctx_);
    EXPECT_TRUE(checks.ok()) << op << ": " << checks.status().message();
    return checks.ok() ? *checks : std::vector<AccessCheck>{};
  }

  // The single check `op` needs.
  AccessCheck One(std::string_view op, const json& body) {
    std::vector<AccessCheck> checks = Checks(op, body);
    EXPECT_EQ(checks.size(), 1u) << op;
    return checks.empty() ? AccessCheck{} : checks[0];
  }

  ManualClock clock_{1700000000123456};
  std::unique_ptr<storage::Engine> engine_;
  ops::OpsEnv env_;
  ops::RequestContext ctx_;
};

const json kAliceOrder = {{"customer", {{"S", "alice"}}}, {"order", {{"N", "7"}}}};

TEST_F(AccessChecksTest, GetItem) {
  AccessCheck c = One("GetItem", {{"TableName", "Orders"},
                                  {"Key", kAliceOrder},
                                  {"ProjectionExpression", "#t, note.line[1]"},
                                  {"ExpressionAttributeNames", {{"#t", "total"}}},
                                  {"ReturnConsumedCapacity", "TOTAL"}});
  EXPECT_EQ(c.action, "dynamodb:GetItem");
  EXPECT_EQ(c.resource, kOrders);
  EXPECT_EQ(c.context.at("dynamodb:LeadingKeys"), Values{"alice"});
  EXPECT_EQ(c.context.at("dynamodb:Attributes"), (Values{"customer", "note", "order", "total"}));
  EXPECT_EQ(c.context.at("dynamodb:Select"), Values{"SPECIFIC_ATTRIBUTES"});
  EXPECT_EQ(c.context.at("dynamodb:ReturnConsumedCapacity"), Values{"TOTAL"});
  EXPECT_EQ(c.context.count("dynamodb:ReturnValues"), 0u);

  // Without a projection every attribute comes back.
  AccessCheck all = One("GetItem", {{"TableName", "Orders"}, {"Key", kAliceOrder}});
  EXPECT_EQ(all.context.at("dynamodb:Select"), Values{"ALL_ATTRIBUTES"});
  EXPECT_EQ(all.context.at("dynamodb:Attributes"), (Values{"customer", "order"}));
  EXPECT_EQ(all.context.count("dynamodb:ReturnConsumedCapacity"), 0u);

  // A number key's text; the legacy AttributesToGet.
  AccessCheck user = One("GetItem", {{"TableName", "Users"},
                                     {"Key", {{"id", {{"N", "0042.50"}}}}},
                                     {"AttributesToGet", {"name"}}});
  EXPECT_EQ(user.resource, kUsers);
  EXPECT_EQ(user.context.at("dynamodb:LeadingKeys"), Values{"42.5"});
  EXPECT_EQ(user.context.at("dynamodb:Attributes"), (Values{"id", "name"}));
}

TEST_F(AccessChecksTest, NoLeadingKeysWithoutTheTable) {
  AccessCheck c = One("GetItem", {{"TableName", "Missing"}, {"Key", kAliceOrder}});
  EXPECT_EQ(c.resource, "arn:aws:dynamodb:eu-west-1:123456789012:table/Missing");
  EXPECT_EQ(c.context.count("dynamodb:LeadingKeys"), 0u);
  EXPECT_EQ(c.context.at("dynamodb:Attributes"), (Values{"customer", "order"}));
}

TEST_F(AccessChecksTest, ValidationComesFirst) {
  const json bad = {{"TableName", "Orders"}};  // no Key
  auto checks = AccessChecks("GetItem", bad, ctx_);
  ASSERT_FALSE(checks.ok());
  Status decoded = DecodeGetItem(bad).status();
  EXPECT_EQ(checks.status().code(), decoded.code());
  EXPECT_EQ(checks.status().message(), decoded.message());
  EXPECT_EQ(AccessChecks("ListTables", {{"Limit", 0}}, ctx_).status().code(), Code::kValidation);
}

TEST_F(AccessChecksTest, Writes) {
  AccessCheck put = One(
      "PutItem",
      {{"TableName", "Orders"},
       {"Item", {{"customer", {{"S", "alice"}}}, {"order", {{"N", "1"}}}, {"total", {{"N", "5"}}}}},
       {"ConditionExpression", "attribute_not_exists(#s)"},
       {"ExpressionAttributeNames", {{"#s", "state"}}},
       {"ReturnValues", "ALL_OLD"}});
  EXPECT_EQ(put.action, "dynamodb:PutItem");
  EXPECT_EQ(put.context.at("dynamodb:Attributes"), (Values{"customer", "order", "state", "total"}));
  EXPECT_EQ(put.context.at("dynamodb:LeadingKeys"), Values{"alice"});
  EXPECT_EQ(put.context.at("dynamodb:ReturnValues"), Values{"ALL_OLD"});
  EXPECT_EQ(put.context.count("dynamodb:Select"), 0u);

  AccessCheck update =
      One("UpdateItem",
          {{"TableName", "Orders"},
           {"Key", kAliceOrder},
           {"UpdateExpression", "SET amount = amount + :one, #h = list_append(#h, :l)"},
           {"ConditionExpression", "size(note) < :ten"},
           {"ExpressionAttributeNames", {{"#h", "history"}}},
           {"ExpressionAttributeValues",
            {{":one", {{"N", "1"}}}, {":ten", {{"N", "10"}}}, {":l", {{"L", json::array()}}}}}});
  EXPECT_EQ(update.action, "dynamodb:UpdateItem");
  EXPECT_EQ(update.context.at("dynamodb:Attributes"),
            (Values{"amount", "customer", "history", "note", "order"}));
  EXPECT_EQ(update.context.at("dynamodb:ReturnValues"), Values{"NONE"});

  AccessCheck legacy =
      One("UpdateItem", {{"TableName", "Orders"},
                         {"Key", kAliceOrder},
                         {"AttributeUpdates", {{"secret", {{"Action", "DELETE"}}}}},
                         {"Expected", {{"flag", {{"Exists", false}}}}}});
  EXPECT_EQ(legacy.context.at("dynamodb:Attributes"),
            (Values{"customer", "flag", "order", "secret"}));

  AccessCheck del = One(
      "DeleteItem",
      {{"TableName", "Orders"}, {"Key", {{"customer", {{"S", "bob"}}}, {"order", {{"N", "2"}}}}}});
  EXPECT_EQ(del.action, "dynamodb:DeleteItem");
  EXPECT_EQ(del.context.at("dynamodb:LeadingKeys"), Values{"bob"});
}

TEST_F(AccessChecksTest, QueryAndScan) {
  AccessCheck q = One(
      "Query", {{"TableName", "Orders"},
                {"KeyConditionExpression", "#c = :c AND #o > :o"},
                {"FilterExpression", "amount > :o"},
                {"ExpressionAttributeNames", {{"#c", "customer"}, {"#o", "order"}}},
                {"ExpressionAttributeValues", {{":c", {{"S", "alice"}}}, {":o", {{"N", "3"}}}}}});
  EXPECT_EQ(q.action, "dynamodb:Query");
  EXPECT_EQ(q.resource, kOrders);
  EXPECT_EQ(q.context.at("dynamodb:LeadingKeys"), Values{"alice"});
  EXPECT_EQ(q.context.at("dynamodb:Attributes"), (Values{"amount", "customer", "order"}));
  EXPECT_EQ(q.context.at("dynamodb:Select"), Values{"ALL_ATTRIBUTES"});

  // On an index: its ARN, its partition key, its default Select.
  AccessCheck idx = One("Query", {{"TableName", "Orders"},
                                  {"IndexName", "ByStatus"},
                                  {"KeyConditionExpression", ":s = stage"},
                                  {"ExpressionAttributeValues", {{":s", {{"S", "OPEN"}}}}}});
  EXPECT_EQ(idx.resource, std::string(kOrders) + "/index/ByStatus");
  EXPECT_EQ(idx.context.at("dynamodb:LeadingKeys"), Values{"OPEN"});
  EXPECT_EQ(idx.context.at("dynamodb:Select"), Values{"ALL_PROJECTED_ATTRIBUTES"});

  // Legacy KeyConditions, an explicit Select.
  AccessCheck legacy = One(
      "Query",
      {{"TableName", "Orders"},
       {"KeyConditions",
        {{"customer", {{"ComparisonOperator", "EQ"}, {"AttributeValueList", {{{"S", "carol"}}}}}}}},
       {"Select", "COUNT"}});
  EXPECT_EQ(legacy.context.at("dynamodb:LeadingKeys"), Values{"carol"});
  EXPECT_EQ(legacy.context.at("dynamodb:Select"), Values{"COUNT"});

  // Scan names no partition: no LeadingKeys at all.
  AccessCheck scan =
      One("Scan",
          {{"TableName", "Orders"}, {"IndexName", "ByStatus"}, {"ProjectionExpression", "stage"}});
  EXPECT_EQ(scan.action, "dynamodb:Scan");
  EXPECT_EQ(scan.resource, std::string(kOrders) + "/index/ByStatus");
  EXPECT_EQ(scan.context.count("dynamodb:LeadingKeys"), 0u);
  EXPECT_EQ(scan.context.at("dynamodb:Attributes"), Values{"stage"});
  EXPECT_EQ(scan.context.at("dynamodb:Select"), Values{"SPECIFIC_ATTRIBUTES"});
}

TEST_F(AccessChecksTest, BatchesCheckEachTable) {
  std::vector<AccessCheck> get = Checks(
      "BatchGetItem",
      {{"RequestItems",
        {{"Orders",
          {{"Keys", {kAliceOrder, {{"customer", {{"S", "bob"}}}, {"order", {{"N", "1"}}}}}}}},
         {"Users", {{"Keys", {{{"id", {{"N", "1"}}}}}}, {"ProjectionExpression", "email"}}}}}});
  ASSERT_EQ(get.size(), 2u);
  EXPECT_EQ(get[0].action, "dynamodb:BatchGetItem");
  EXPECT_EQ(get[0].resource, kOrders);
  EXPECT_EQ(get[0].context.at("dynamodb:LeadingKeys"), (Values{"alice", "bob"}));
  EXPECT_EQ(get[0].context.at("dynamodb:Select"), Values{"ALL_ATTRIBUTES"});
  EXPECT_EQ(get[1].resource, kUsers);
  EXPECT_EQ(get[1].context.at("dynamodb:Attributes"), (Values{"email", "id"}));
  EXPECT_EQ(get[1].context.at("dynamodb:Select"), Values{"SPECIFIC_ATTRIBUTES"});

  std::vector<AccessCheck> write = Checks(
      "BatchWriteItem",
      {{"RequestItems",
        {{"Orders",
          {{{"PutRequest",
             {{"Item",
               {{"customer", {{"S", "alice"}}}, {"order", {{"N", "9"}}}, {"x", {{"S", "y"}}}}}}}},
           {{"DeleteRequest",
             {{"Key", {{"customer", {{"S", "dan"}}}, {"order", {{"N", "1"}}}}}}}}}},
         {"Users", {{{"PutRequest", {{"Item", {{"id", {{"N", "5"}}}}}}}}}}}}});
  ASSERT_EQ(write.size(), 2u);
  EXPECT_EQ(write[0].action, "dynamodb:BatchWriteItem");
  EXPECT_EQ(write[0].resource, kOrders);
  EXPECT_EQ(write[0].context.at("dynamodb:LeadingKeys"), (Values{"alice", "dan"}));
  EXPECT_EQ(write[0].context.at("dynamodb:Attributes"), (Values{"customer", "order", "x"}));
  EXPECT_EQ(write[1].resource, kUsers);
  EXPECT_EQ(write[1].context.at("dynamodb:LeadingKeys"), Values{"5"});
}

TEST_F(AccessChecksTest, TransactionsCheckEachActionsOwnPermission) {
  std::vector<AccessCheck> write =
      Checks("TransactWriteItems",
             {{"TransactItems",
               {{{"Put", {{"TableName", "Orders"}, {"Item", kAliceOrder}}}},
                {{"Update",
                  {{"TableName", "Orders"},
                   {"Key", kAliceOrder},
                   {"UpdateExpression", "REMOVE #n"},
                   {"ExpressionAttributeNames", {{"#n", "note"}}}}}},
                {{"Delete", {{"TableName", "Users"}, {"Key", {{"id", {{"N", "3"}}}}}}}},
                {{"ConditionCheck",
                  {{"TableName", "Users"},
                   {"Key", {{"id", {{"N", "4"}}}}},
                   {"ConditionExpression", "attribute_exists(active)"}}}}}}});
  ASSERT_EQ(write.size(), 4u);
  EXPECT_EQ(write[0].action, "dynamodb:PutItem");
  EXPECT_EQ(write[1].action, "dynamodb:UpdateItem");
  EXPECT_EQ(write[1].context.at("dynamodb:Attributes"), (Values{"customer", "note", "order"}));
  EXPECT_EQ(write[2].action, "dynamodb:DeleteItem");
  EXPECT_EQ(write[2].resource, kUsers);
  EXPECT_EQ(write[3].action, "dynamodb:ConditionCheckItem");
  EXPECT_EQ(write[3].context.at("dynamodb:Attributes"), (Values{"active", "id"}));
  EXPECT_EQ(write[3].context.at("dynamodb:LeadingKeys"), Values{"4"});
  for (const AccessCheck& c : write) {
    EXPECT_EQ(c.context.at("dynamodb:EnclosingOperation"), Values{"TransactWriteItems"});
  }

  std::vector<AccessCheck> get =
      Checks("TransactGetItems", {{"TransactItems",
                                   {{{"Get", {{"TableName", "Orders"}, {"Key", kAliceOrder}}}},
                                    {{"Get",
                                      {{"TableName", "Users"},
                                       {"Key", {{"id", {{"N", "1"}}}}},
                                       {"ProjectionExpression", "a"}}}}}}});
  ASSERT_EQ(get.size(), 2u);
  EXPECT_EQ(get[0].action, "dynamodb:GetItem");
  EXPECT_EQ(get[0].context.at("dynamodb:Select"), Values{"ALL_ATTRIBUTES"});
  EXPECT_EQ(get[1].resource, kUsers);
  EXPECT_EQ(get[1].context.at("dynamodb:Select"), Values{"SPECIFIC_ATTRIBUTES"});
  EXPECT_EQ(get[1].context.at("dynamodb:EnclosingOperation"), Values{"TransactGetItems"});
}

TEST_F(AccessChecksTest, TableAccountStreamAndBackupResources) {
  struct Case {
    std::string op;
    json body;
    std::string action, resource;
  };
  const std::string backup = std::string(kOrders) + "/backup/01700000000123-abcdef01";
  const std::string stream = std::string(kOrders) + "/stream/2023-11-14T22:13:20.123";
  const Case cases[] = {
      {"DescribeTable", {{"TableName", "Orders"}}, "dynamodb:DescribeTable", kOrders},
      {"DeleteTable", {{"TableName", "Orders"}}, "dynamodb:DeleteTable", kOrders},
      {"ListTables", json::object(), "dynamodb:ListTables", "*"},
      {"DescribeLimits", json::object(), "dynamodb:DescribeLimits", "*"},
      {"DescribeEndpoints", json::object(), "dynamodb:DescribeEndpoints", "*"},
      {"DescribeTimeToLive", {{"TableName", "Orders"}}, "dynamodb:DescribeTimeToLive", kOrders},
      {"ListTagsOfResource", {{"ResourceArn", kUsers}}, "dynamodb:ListTagsOfResource", kUsers},
      {"CreateBackup",
       {{"TableName", "Orders"}, {"BackupName", "nightly"}},
       "dynamodb:CreateBackup",
       kOrders},
      {"CreateBackup",
       {{"TableName", kUsers}, {"BackupName", "nightly"}},
       "dynamodb:CreateBackup",
       kUsers},
      {"DescribeBackup", {{"BackupArn", backup}}, "dynamodb:DescribeBackup", backup},
      {"DeleteBackup", {{"BackupArn", backup}}, "dynamodb:DeleteBackup", backup},
      {"ListBackups", json::object(), "dynamodb:ListBackups", "*"},
      {"DescribeContinuousBackups",
       {{"TableName", "Orders"}},
       "dynamodb:DescribeContinuousBackups",
       kOrders},
      {"ListExports", json::object(), "dynamodb:ListExports", "*"},
      {"ListStreams", json::object(), "dynamodb:ListStreams", "*"},
      {"DescribeStream", {{"StreamArn", stream}}, "dynamodb:DescribeStream", stream},
      {"GetShardIterator",
       {{"StreamArn", stream},
        {"ShardId", "shardId-00000001700000000123-00000001"},
        {"ShardIteratorType", "TRIM_HORIZON"}},
       "dynamodb:GetShardIterator",
       stream},
      {"GetRecords", {{"ShardIterator", stream + "|1|AAAA"}}, "dynamodb:GetRecords", stream},
  };
  for (const Case& c : cases) {
    AccessCheck check = One(c.op, c.body);
    EXPECT_EQ(check.action, c.action) << c.op;
    EXPECT_EQ(check.resource, c.resource) << c.op;
  }
}

TEST_F(AccessChecksTest, RestoresNeedTheBackupAndTheNewTable) {
  const std::string backup = std::string(kOrders) + "/backup/01700000000123-abcdef01";
  const std::string target = "arn:aws:dynamodb:eu-west-1:123456789012:table/Copy";
  std::vector<AccessCheck> checks =
      Checks("RestoreTableFromBackup", {{"BackupArn", backup}, {"TargetTableName", "Copy"}});
  ASSERT_EQ(checks.size(), 9u);
  EXPECT_EQ(checks[0].action, "dynamodb:RestoreTableFromBackup");
  EXPECT_EQ(checks[0].resource, backup);
  EXPECT_EQ(checks[1].action, "dynamodb:RestoreTableFromBackup");
  EXPECT_EQ(checks[1].resource, target);
  for (size_t i = 2; i < checks.size(); ++i) EXPECT_EQ(checks[i].resource, target);
  EXPECT_EQ(checks[2].action, "dynamodb:PutItem");
  EXPECT_EQ(checks[8].action, "dynamodb:BatchWriteItem");

  std::vector<AccessCheck> pitr =
      Checks("RestoreTableToPointInTime", {{"SourceTableName", "Orders"},
                                           {"TargetTableName", "Copy"},
                                           {"UseLatestRestorableTime", true}});
  ASSERT_EQ(pitr.size(), 9u);
  EXPECT_EQ(pitr[0].action, "dynamodb:RestoreTableToPointInTime");
  EXPECT_EQ(pitr[0].resource, kOrders);
  EXPECT_EQ(pitr[1].resource, target);
}

auth::PolicySet Policies() {
  auth::Statement allow;
  allow.effect = auth::Effect::kAllow;
  allow.actions = {"dynamodb:GetItem", "dynamodb:Query"};
  allow.resources = {"arn:aws:dynamodb:*:*:table/Orders"};
  allow.conditions = {{auth::SetQualifier::kForAllValues,
                       auth::ConditionTest::kStringEquals,
                       false,
                       "dynamodb:LeadingKeys",
                       {"${aws:username}"}}};
  auth::Statement deny;
  deny.effect = auth::Effect::kDeny;
  deny.actions = {"dynamodb:Query"};
  deny.resources = {"*"};
  auth::User alice;
  alice.name = "alice";
  alice.access_key_ids = {"AKIAALICE"};
  alice.policies = {auth::Policy{"2012-10-17", {allow, deny}}};
  return auth::PolicySet({alice});
}

TEST_F(AccessChecksTest, AuthorizeAnswersTheFirstDenialWithIamsText) {
  auth::PolicySet policies = Policies();
  const json own = {{"TableName", "Orders"}, {"Key", kAliceOrder}};
  EXPECT_TRUE(CheckAccess(policies, "AKIAALICE", "GetItem", own, ctx_).ok());

  const json theirs = {{"TableName", "Orders"},
                       {"Key", {{"customer", {{"S", "bob"}}}, {"order", {{"N", "1"}}}}}};
  Status s = CheckAccess(policies, "AKIAALICE", "GetItem", theirs, ctx_);
  EXPECT_EQ(s.code(), Code::kAccessDenied);
  EXPECT_EQ(s.message(),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
            "dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/Orders "
            "because no identity-based policy allows the dynamodb:GetItem action");

  const json query = {{"TableName", "Orders"},
                      {"KeyConditionExpression", "customer = :c"},
                      {"ExpressionAttributeValues", {{":c", {{"S", "alice"}}}}}};
  s = CheckAccess(policies, "AKIAALICE", "Query", query, ctx_);
  EXPECT_EQ(s.code(), Code::kAccessDenied);
  EXPECT_EQ(s.message(),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
            "dynamodb:Query on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/Orders "
            "with an explicit deny in an identity-based policy");

  // A key without a user has no policies: denied, named by the key.
  s = CheckAccess(policies, "AKIAOTHER", "ListTables", json::object(), ctx_);
  EXPECT_EQ(s.message(),
            "User: arn:aws:iam::123456789012:user/AKIAOTHER is not authorized to perform: "
            "dynamodb:ListTables on resource: * because no identity-based policy allows the "
            "dynamodb:ListTables action");

  // The first check denied is the one named.
  std::vector<AccessCheck> two = {{"dynamodb:GetItem", kOrders, {}},
                                  {"dynamodb:PutItem", kOrders, {}},
                                  {"dynamodb:Query", kOrders, {}}};
  s = Authorize(policies, "AKIAALICE", two, ctx_);
  EXPECT_NE(s.message().find("perform: dynamodb:PutItem on"), std::string::npos) << s.message();

  // Validation errors come before any denial.
  EXPECT_EQ(CheckAccess(policies, "AKIAOTHER", "GetItem", {{"TableName", "Orders"}}, ctx_).code(),
            Code::kValidation);
}

// The dispatcher's hook: checks after validation, DynamoDB's error shape.
TEST_F(AccessChecksTest, DispatcherEnforcesPolicies) {
  auth::PolicySet policies = Policies();
  DispatcherOptions options;
  options.policies = &policies;
  Dispatcher dispatcher(env_, options);
  auto call = [&](std::string_view key, std::string_view op, const json& body) {
    std::string target = "DynamoDB_20120810." + std::string(op);
    std::string auth = "AWS4-HMAC-SHA256 Credential=" + std::string(key) +
                       "/20260101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, "
                       "Signature=abc";
    std::string text = body.dump();
    WireRequest req;
    req.method = "POST";
    req.target = target;
    req.content_type = "application/x-amz-json-1.0";
    req.authorization = auth;
    req.has_date = true;
    req.body = text;
    WireResponse resp = dispatcher.Handle(req);
    return std::pair{resp.status, json::parse(resp.body)};
  };
  auto [ok_status, ok_body] =
      call("AKIAALICE", "GetItem", {{"TableName", "Orders"}, {"Key", kAliceOrder}});
  EXPECT_EQ(ok_status, 200) << ok_body.dump();

  auto [status, body] =
      call("AKIAALICE", "DeleteItem", {{"TableName", "Orders"}, {"Key", kAliceOrder}});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body["__type"], "com.amazon.coral.service#AccessDeniedException");
  // Coral's service errors spell the key "Message", as DynamoDB's own answers show.
  EXPECT_FALSE(body.contains("message")) << body.dump();
  EXPECT_EQ(body.value("Message", ""),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
            "dynamodb:DeleteItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/Orders "
            "because no identity-based policy allows the dynamodb:DeleteItem action");

  // A request that fails validation gets its ValidationException, not a denial.
  auto [bad_status, bad_body] = call("AKIAOTHER", "DeleteItem", {{"TableName", "Orders"}});
  EXPECT_EQ(bad_status, 400);
  EXPECT_EQ(bad_body["__type"], "com.amazon.coral.validate#ValidationException") << bad_body.dump();

  // Every operation needs a permission, account-level ones too.
  auto [list_status, list_body] = call("AKIAOTHER", "ListTables", json::object());
  EXPECT_EQ(list_body["__type"], "com.amazon.coral.service#AccessDeniedException");
}

}  // namespace
}  // namespace stator::protocol

#include "protocol/policy_json.h"

#include <gtest/gtest.h>

namespace stator::protocol {
namespace {

constexpr char kExample[] = R"({
  "Users": [
    {
      "UserName": "alice",
      "AccessKeyIds": ["AKIAALICE"],
      "Policies": [
        {"Version": "2012-10-17",
         "Statement": [
           {"Sid": "Own",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Put*"],
            "Resource": ["arn:aws:dynamodb:*:*:table/Orders",
                         "arn:aws:dynamodb:*:*:table/Orders/index/*"],
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["alice"]},
                          "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}}
         ]}
      ]
    },
    {"UserName": "bob", "AccessKeyIds": "AKIABOB",
     "Policies": [{"Statement": {"Effect": "Deny", "NotAction": "dynamodb:Get*",
                                 "NotResource": "arn:aws:dynamodb:*:*:table/Public",
                                 "Condition": {"Null": {"dynamodb:Select": true},
                                               "ForAnyValue:StringNotLikeIfExists":
                                                 {"aws:username": ["x", 7]}}}}]},
    {"UserName": "carol"}
  ]
})";

TEST(PolicyJsonTest, DecodesTheDocumentedExample) {
  auto set = DecodePolicyFile(kExample);
  ASSERT_TRUE(set.ok()) << set.status().message();
  ASSERT_EQ(set->users().size(), 3u);
  const auth::User* alice = set->FindByAccessKey("AKIAALICE");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->name, "alice");
  ASSERT_EQ(alice->policies.size(), 1u);
  EXPECT_EQ(alice->policies[0].version, "2012-10-17");
  ASSERT_EQ(alice->policies[0].statements.size(), 1u);
  const auth::Statement& st = alice->policies[0].statements[0];
  EXPECT_EQ(st.sid, "Own");
  EXPECT_EQ(st.effect, auth::Effect::kAllow);
  EXPECT_FALSE(st.not_action);
  EXPECT_EQ(st.actions,
            (std::vector<std::string>{"dynamodb:GetItem", "dynamodb:Query", "dynamodb:Put*"}));
  EXPECT_EQ(st.resources.size(), 2u);
  ASSERT_EQ(st.conditions.size(), 2u);
  // Operators come in the JSON object's (sorted) order.
  const auth::ConditionClause& all = st.conditions[0];
  EXPECT_EQ(all.qualifier, auth::SetQualifier::kForAllValues);
  EXPECT_EQ(all.test, auth::ConditionTest::kStringEquals);
  EXPECT_FALSE(all.if_exists);
  EXPECT_EQ(all.key, "dynamodb:LeadingKeys");
  EXPECT_EQ(all.values, std::vector<std::string>{"alice"});
  const auth::ConditionClause& select = st.conditions[1];
  EXPECT_EQ(select.qualifier, auth::SetQualifier::kNone);
  EXPECT_TRUE(select.if_exists);
  EXPECT_EQ(select.values, std::vector<std::string>{"SPECIFIC_ATTRIBUTES"});

  // One value wherever IAM takes a list; numbers and booleans as text.
  const auth::User* bob = set->FindByAccessKey("AKIABOB");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->policies[0].version, "2008-10-17");  // IAM's default
  const auth::Statement& deny = bob->policies[0].statements[0];
  EXPECT_EQ(deny.effect, auth::Effect::kDeny);
  EXPECT_TRUE(deny.not_action);
  EXPECT_TRUE(deny.not_resource);
  ASSERT_EQ(deny.conditions.size(), 2u);
  EXPECT_EQ(deny.conditions[0].qualifier, auth::SetQualifier::kForAnyValue);
  EXPECT_EQ(deny.conditions[0].test, auth::ConditionTest::kStringNotLike);
  EXPECT_TRUE(deny.conditions[0].if_exists);
  EXPECT_EQ(deny.conditions[0].values, (std::vector<std::string>{"x", "7"}));
  EXPECT_EQ(deny.conditions[1].test, auth::ConditionTest::kNull);
  EXPECT_EQ(deny.conditions[1].values, std::vector<std::string>{"true"});

  EXPECT_TRUE(set->users()[2].access_key_ids.empty());
  EXPECT_TRUE(set->users()[2].policies.empty());
}

// The error a file with `user`'s first policy statement replaced gets.
std::string StatementError(const std::string& statement) {
  std::string text = R"({"Users": [{"UserName": "u", "Policies": [{"Version": "2012-10-17",
                       "Statement": [)" +
                     statement + "]}]}]}";
  auto set = DecodePolicyFile(text);
  EXPECT_FALSE(set.ok()) << statement;
  if (set.ok()) return "";
  EXPECT_EQ(set.status().code(), Code::kValidation);
  return set.status().message();
}

TEST(PolicyJsonTest, RefusesBadStatementsNamingThePlace) {
  constexpr char kWhere[] = "Users[0].Policies[0].Statement[0]";
  struct Case {
    std::string statement, message;
  };
  const Case cases[] = {
      {R"({"Effect": "allow", "Action": "*", "Resource": "*"})",
       std::string(kWhere) + ": Effect must be \"Allow\" or \"Deny\", not \"allow\""},
      {R"({"Action": "*", "Resource": "*"})", std::string(kWhere) + ": needs an Effect"},
      {R"({"Effect": "Allow", "Resource": "*"})",
       std::string(kWhere) + ": needs Action or NotAction"},
      {R"({"Effect": "Allow", "Action": "*", "NotAction": "x:y", "Resource": "*"})",
       std::string(kWhere) + ": has both Action and NotAction"},
      {R"({"Effect": "Allow", "Action": "*"})",
       std::string(kWhere) + ": needs Resource or NotResource"},
      {R"({"Effect": "Allow", "Action": [], "Resource": "*"})",
       std::string(kWhere) + ".Action: must not be empty"},
      {R"({"Effect": "Allow", "Action": [1], "Resource": "*"})",
       std::string(kWhere) + ".Action: must be a string or a list of strings"},
      {R"({"Effect": "Allow", "Action": "GetItem", "Resource": "*"})",
       std::string(kWhere) + ".Action: \"GetItem\" is not \"*\" or \"service:action\""},
      {R"({"Effect": "Allow", "Action": "*", "Resource": "table/T"})",
       std::string(kWhere) + ".Resource: \"table/T\" is not \"*\" or an ARN "
                             "(arn:partition:service:region:account:resource)"},
      {R"({"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"})",
       std::string(kWhere) + ": Principal is not allowed in an identity-based policy"},
      {R"({"Effect": "Allow", "Action": "*", "Resource": "*", "Actions": "*"})",
       std::string(kWhere) + ": unknown member \"Actions\""},
      {R"({"Effect": "Allow", "Action": "*", "Resource": "*",
           "Condition": {"NumericLessThan": {"dynamodb:Limit": "5"}}})",
       std::string(kWhere) +
           ".Condition: unsupported condition operator \"NumericLessThan\" (supported: "
           "StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, "
           "StringLike, StringNotLike, Bool, each optionally with IfExists and a ForAllValues: or "
           "ForAnyValue: prefix, and Null)"},
      {R"({"Effect": "Allow", "Action": "*", "Resource": "*",
           "Condition": {"ForAllValues:Null": {"dynamodb:Select": "true"}}})",
       std::string(kWhere) +
           ".Condition: unsupported condition operator \"ForAllValues:Null\" (supported: "
           "StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, "
           "StringLike, StringNotLike, Bool, each optionally with IfExists and a ForAllValues: or "
           "ForAnyValue: prefix, and Null)"},
      {R"({"Effect": "Allow", "Action": "*", "Resource": "*",
           "Condition": {"Null": {"dynamodb:Select": "yes"}}})",
       std::string(kWhere) +
           ".Condition.Null.dynamodb:Select: Null takes \"true\" or \"false\", not \"yes\""},
      {R"({"Effect": "Allow", "Action": "*", "Resource": "*",
           "Condition": {"Bool": {"dynamodb:FullTableScan": "maybe"}}})",
       std::string(kWhere) + ".Condition.Bool.dynamodb:FullTableScan: Bool takes \"true\" or "
                             "\"false\", not \"maybe\""},
      {R"({"Effect": "Allow", "Action": "*", "Resource": "*",
           "Condition": {"StringEquals": {}}})",
       std::string(kWhere) +
           ".Condition.StringEquals: must be a non-empty object of condition keys"},
      {R"({"Effect": "Allow", "Action": "*", "Resource": "*",
           "Condition": {"StringEquals": {"k": {"nested": 1}}}})",
       std::string(kWhere) + ".Condition.StringEquals.k: must be a string or a list of strings"},
      {R"("just text")", std::string(kWhere) + ": must be an object"},
  };
  for (const Case& c : cases) EXPECT_EQ(StatementError(c.statement), c.message);
}

TEST(PolicyJsonTest, RefusesBadFiles) {
  struct Case {
    std::string text, message;
  };
  const Case cases[] = {
      {"[]", "the file must hold a JSON object"},
      {"{}", "the file needs a \"Users\" list"},
      {R"({"Users": [], "Groups": []})", "the file: unknown member \"Groups\""},
      {R"({"Users": [{"AccessKeyIds": "A"}]})", "Users[0]: needs a UserName (a string)"},
      {R"({"Users": [{"UserName": "a b"}]})",
       "Users[0]: UserName \"a b\" must be 1 to 64 letters, digits or any of +=,.@_-"},
      {R"({"Users": [{"UserName": "a"}, {"UserName": "a"}]})",
       "Users[1]: UserName \"a\" is used twice"},
      {R"({"Users": [{"UserName": "a", "AccessKeyIds": "K"},
                     {"UserName": "b", "AccessKeyIds": ["L", "K"]}]})",
       "Users[1]: access key id \"K\" belongs to two users"},
      {R"({"Users": [{"UserName": "a", "Policies": {"Statement": []}}]})",
       "Users[0].Policies: must be a list"},
      {R"({"Users": [{"UserName": "a", "Policies": [{"Version": "2020-01-01", "Statement": []}]}]})",
       "Users[0].Policies[0]: Version must be \"2012-10-17\" or \"2008-10-17\", not "
       "\"2020-01-01\""},
      {R"({"Users": [{"UserName": "a", "Policies": [{"Version": "2012-10-17"}]}]})",
       "Users[0].Policies[0]: needs a Statement"},
      {R"({"Users": [{"UserName": "a", "Policies": [{"Statement": []}]}]})",
       "Users[0].Policies[0].Statement: must not be empty"},
  };
  for (const Case& c : cases) {
    auto set = DecodePolicyFile(c.text);
    ASSERT_FALSE(set.ok()) << c.text;
    EXPECT_EQ(set.status().message(), c.message);
  }
  auto broken = DecodePolicyFile("{\"Users\": [");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().message().rfind("not valid JSON: ", 0), 0u)
      << broken.status().message();
}

}  // namespace
}  // namespace stator::protocol

#include "auth/policy.h"

#include <gtest/gtest.h>

namespace stator::auth {
namespace {

constexpr char kTable[] = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders";

Statement Allow(std::vector<std::string> actions, std::vector<std::string> resources,
                std::vector<ConditionClause> conditions = {}) {
  Statement s;
  s.effect = Effect::kAllow;
  s.actions = std::move(actions);
  s.resources = std::move(resources);
  s.conditions = std::move(conditions);
  return s;
}

Statement Deny(std::vector<std::string> actions, std::vector<std::string> resources,
               std::vector<ConditionClause> conditions = {}) {
  Statement s = Allow(std::move(actions), std::move(resources), std::move(conditions));
  s.effect = Effect::kDeny;
  return s;
}

User UserWith(std::vector<Statement> statements, std::string version = "2012-10-17") {
  User u;
  u.name = "alice";
  u.access_key_ids = {"AKIAALICE"};
  u.policies.push_back(Policy{std::move(version), std::move(statements)});
  return u;
}

Decision Decide(const User& user, std::string_view action, std::string_view resource = kTable,
                const ConditionContext& context = {}) {
  return Evaluate(&user, action, resource, context);
}

TEST(PolicyTest, NoUserOrNoAllowIsImplicitDeny) {
  EXPECT_EQ(Evaluate(nullptr, "dynamodb:GetItem", kTable, {}), Decision::kImplicitDeny);
  User nobody;
  EXPECT_EQ(Decide(nobody, "dynamodb:GetItem"), Decision::kImplicitDeny);
  User reader = UserWith({Allow({"dynamodb:GetItem"}, {kTable})});
  EXPECT_EQ(Decide(reader, "dynamodb:GetItem"), Decision::kAllow);
  EXPECT_EQ(Decide(reader, "dynamodb:PutItem"), Decision::kImplicitDeny);
}

TEST(PolicyTest, ExplicitDenyWinsWhateverTheOrder) {
  User u = UserWith({Allow({"dynamodb:*"}, {"*"}), Deny({"dynamodb:DeleteItem"}, {kTable})});
  EXPECT_EQ(Decide(u, "dynamodb:DeleteItem"), Decision::kExplicitDeny);
  EXPECT_EQ(Decide(u, "dynamodb:GetItem"), Decision::kAllow);
  User reversed = UserWith({Deny({"dynamodb:DeleteItem"}, {kTable}), Allow({"*"}, {"*"})});
  EXPECT_EQ(Decide(reversed, "dynamodb:DeleteItem"), Decision::kExplicitDeny);
  // A Deny in another of the user's policies wins too.
  u.policies.push_back(Policy{"2012-10-17", {Deny({"dynamodb:Get*"}, {"*"})}});
  EXPECT_EQ(Decide(u, "dynamodb:GetItem"), Decision::kExplicitDeny);
}

TEST(PolicyTest, ActionMatching) {
  struct Case {
    std::string pattern, action;
    bool matches;
  };
  const Case cases[] = {
      {"dynamodb:GetItem", "dynamodb:GetItem", true},
      {"DynamoDB:getitem", "dynamodb:GetItem", true},  // actions ignore case
      {"dynamodb:Put*", "dynamodb:PutItem", true},
      {"dynamodb:Put*", "dynamodb:UpdateItem", false},
      {"dynamodb:*Item", "dynamodb:BatchGetItem", true},
      {"dynamodb:?etItem", "dynamodb:GetItem", true},
      {"dynamodb:?etItem", "dynamodb:BatchGetItem", false},
      {"*", "dynamodb:Scan", true},
      {"dynamodb:Get", "dynamodb:GetItem", false},
      {"s3:GetObject", "dynamodb:GetItem", false},
  };
  for (const Case& c : cases) {
    User u = UserWith({Allow({c.pattern}, {"*"})});
    EXPECT_EQ(Decide(u, c.action) == Decision::kAllow, c.matches) << c.pattern << " " << c.action;
  }
}

TEST(PolicyTest, ResourceMatching) {
  struct Case {
    std::string pattern, resource;
    bool matches;
  };
  const Case cases[] = {
      {"*", kTable, true},
      {"arn:aws:dynamodb:*:*:table/Orders", kTable, true},
      {"arn:aws:dynamodb:us-east-1:123456789012:table/Orders", kTable, true},
      {"arn:aws:dynamodb:eu-west-1:*:table/Orders", kTable, false},
      {"arn:aws:dynamodb:*:*:table/orders", kTable, false},  // resources keep case
      {"arn:aws:dynamodb:*:*:table/Ord?rs", kTable, true},
      {"arn:aws:dynamodb:*:*:table/Orders", std::string(kTable) + "/index/ByDate", false},
      {"arn:aws:dynamodb:*:*:table/Orders/index/*", std::string(kTable) + "/index/ByDate", true},
      {"arn:aws:dynamodb:*:*:table/Orders*", std::string(kTable) + "/index/ByDate", true},
      {"arn:aws:dynamodb:*:*:table/*", kTable, true},
      // A wildcard stays within its colon-separated part.
      {"arn:aws:dynamodb:*:table/Orders", kTable, false},
      {"arn:aws:dynamodb:us-east-*:123456789012:table/Orders", kTable, true},
  };
  for (const Case& c : cases) {
    User u = UserWith({Allow({"dynamodb:GetItem"}, {c.pattern})});
    EXPECT_EQ(Decide(u, "dynamodb:GetItem", c.resource) == Decision::kAllow, c.matches)
        << c.pattern << " vs " << c.resource;
  }
}

TEST(PolicyTest, NotActionAndNotResource) {
  Statement all_but_delete = Allow({"dynamodb:DeleteItem"}, {"*"});
  all_but_delete.not_action = true;
  User u = UserWith({all_but_delete});
  EXPECT_EQ(Decide(u, "dynamodb:GetItem"), Decision::kAllow);
  EXPECT_EQ(Decide(u, "dynamodb:DeleteItem"), Decision::kImplicitDeny);

  Statement deny_elsewhere = Deny({"dynamodb:*"}, {kTable});
  deny_elsewhere.not_resource = true;
  User v = UserWith({Allow({"*"}, {"*"}), deny_elsewhere});
  EXPECT_EQ(Decide(v, "dynamodb:GetItem"), Decision::kAllow);
  EXPECT_EQ(Decide(v, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/Other"),
            Decision::kExplicitDeny);
}

ConditionClause Clause(SetQualifier q, ConditionTest t, std::string key,
                       std::vector<std::string> values, bool if_exists = false) {
  return ConditionClause{q, t, if_exists, std::move(key), std::move(values)};
}

// Whether an Allow with `clause` allows a request with `context`.
bool Holds(const ConditionClause& clause, const ConditionContext& context) {
  User u = UserWith({Allow({"*"}, {"*"}, {clause})});
  return Decide(u, "dynamodb:GetItem", kTable, context) == Decision::kAllow;
}

TEST(PolicyTest, SingleValuedOperators) {
  using T = ConditionTest;
  const auto kNone = SetQualifier::kNone;
  const ConditionContext select{{"dynamodb:Select", {"SPECIFIC_ATTRIBUTES"}}};
  const ConditionContext empty;
  struct Case {
    ConditionClause clause;
    bool with_key, without_key;
  };
  const Case cases[] = {
      {Clause(kNone, T::kStringEquals, "dynamodb:Select", {"COUNT", "SPECIFIC_ATTRIBUTES"}), true,
       false},
      {Clause(kNone, T::kStringEquals, "dynamodb:Select", {"specific_attributes"}), false, false},
      {Clause(kNone, T::kStringEqualsIgnoreCase, "dynamodb:Select", {"specific_attributes"}), true,
       false},
      {Clause(kNone, T::kStringNotEquals, "dynamodb:Select", {"COUNT"}), true, true},
      {Clause(kNone, T::kStringNotEquals, "dynamodb:Select", {"SPECIFIC_ATTRIBUTES"}), false, true},
      {Clause(kNone, T::kStringNotEqualsIgnoreCase, "dynamodb:Select", {"specific_attributes"}),
       false, true},
      {Clause(kNone, T::kStringLike, "dynamodb:Select", {"SPECIFIC_*"}), true, false},
      {Clause(kNone, T::kStringLike, "dynamodb:Select", {"SPECIFIC_?"}), false, false},
      {Clause(kNone, T::kStringNotLike, "dynamodb:Select", {"ALL_*"}), true, true},
      {Clause(kNone, T::kStringNotLike, "dynamodb:Select", {"SPEC*"}), false, true},
      // IfExists: a missing key satisfies the clause.
      {Clause(kNone, T::kStringEquals, "dynamodb:Select", {"COUNT"}, true), false, true},
      {Clause(kNone, T::kStringEquals, "dynamodb:Select", {"SPECIFIC_ATTRIBUTES"}, true), true,
       true},
      {Clause(kNone, T::kStringLike, "dynamodb:Select", {"*"}, true), true, true},
      // Condition key names ignore case.
      {Clause(kNone, T::kStringEquals, "DynamoDB:select", {"SPECIFIC_ATTRIBUTES"}), true, false},
      // Null: "true" holds when the key is missing, "false" when present.
      {Clause(kNone, T::kNull, "dynamodb:Select", {"true"}), false, true},
      {Clause(kNone, T::kNull, "dynamodb:Select", {"false"}), true, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Holds(c.clause, select), c.with_key) << c.clause.key << " " << c.clause.values[0];
    EXPECT_EQ(Holds(c.clause, empty), c.without_key) << c.clause.key << " " << c.clause.values[0];
  }
}

TEST(PolicyTest, BoolComparesTrueAndFalseIgnoringCase) {
  using T = ConditionTest;
  const auto kNone = SetQualifier::kNone;
  const ConditionContext scan{{"dynamodb:FullTableScan", {"true"}}};
  const ConditionContext no_scan{{"dynamodb:FullTableScan", {"false"}}};
  const ConditionContext empty;
  EXPECT_TRUE(Holds(Clause(kNone, T::kBool, "dynamodb:FullTableScan", {"true"}), scan));
  EXPECT_TRUE(Holds(Clause(kNone, T::kBool, "dynamodb:FullTableScan", {"TRUE"}), scan));
  EXPECT_FALSE(Holds(Clause(kNone, T::kBool, "dynamodb:FullTableScan", {"true"}), no_scan));
  EXPECT_FALSE(Holds(Clause(kNone, T::kBool, "dynamodb:FullTableScan", {"true"}), empty));
  EXPECT_TRUE(Holds(Clause(kNone, T::kBool, "dynamodb:FullTableScan", {"false"}, true), empty));
}

TEST(PolicyTest, SetQualifiers) {
  using T = ConditionTest;
  const auto kAll = SetQualifier::kForAllValues, kAny = SetQualifier::kForAnyValue;
  const std::vector<std::string> allowed = {"pk", "a", "b"};
  struct Case {
    ConditionClause clause;
    std::optional<std::vector<std::string>> request;  // nullopt: the key is missing
    bool holds;
  };
  const Case cases[] = {
      {Clause(kAll, T::kStringEquals, "dynamodb:Attributes", allowed), {{"pk", "a"}}, true},
      {Clause(kAll, T::kStringEquals, "dynamodb:Attributes", allowed), {{"pk", "secret"}}, false},
      // IAM's footgun: ForAllValues holds for a missing or empty key.
      {Clause(kAll, T::kStringEquals, "dynamodb:Attributes", allowed), std::nullopt, true},
      {Clause(kAll, T::kStringEquals, "dynamodb:Attributes", allowed), {{}}, true},
      {Clause(kAll, T::kStringLike, "dynamodb:Attributes", {"p*", "a"}), {{"pk", "a"}}, true},
      {Clause(kAll, T::kStringLike, "dynamodb:Attributes", {"p*"}), {{"pk", "a"}}, false},
      // A negated test: every value must match none of the policy's values.
      {Clause(kAll, T::kStringNotLike, "dynamodb:Attributes", {"secret*"}), {{"pk", "a"}}, true},
      {Clause(kAll, T::kStringNotLike, "dynamodb:Attributes", {"secret*"}),
       {{"a", "secret1"}},
       false},
      {Clause(kAll, T::kStringNotEquals, "dynamodb:Attributes", {"x", "y"}), {{"a"}}, true},
      {Clause(kAll, T::kStringNotEquals, "dynamodb:Attributes", {"x", "y"}), {{"a", "y"}}, false},
      // ForAnyValue: at least one value, never a missing or empty key.
      {Clause(kAny, T::kStringEquals, "dynamodb:Attributes", {"a"}), {{"pk", "a"}}, true},
      {Clause(kAny, T::kStringEquals, "dynamodb:Attributes", {"z"}), {{"pk", "a"}}, false},
      {Clause(kAny, T::kStringEquals, "dynamodb:Attributes", {"a"}), std::nullopt, false},
      {Clause(kAny, T::kStringEquals, "dynamodb:Attributes", {"a"}), {{}}, false},
      {Clause(kAny, T::kStringNotEquals, "dynamodb:Attributes", {"a"}), {{"a", "b"}}, true},
      {Clause(kAny, T::kStringNotEquals, "dynamodb:Attributes", {"a"}), {{"a"}}, false},
      {Clause(kAny, T::kStringEquals, "dynamodb:Attributes", {"a"}, true), std::nullopt, true},
  };
  for (const Case& c : cases) {
    ConditionContext context;
    if (c.request) context["dynamodb:Attributes"] = *c.request;
    EXPECT_EQ(Holds(c.clause, context), c.holds)
        << static_cast<int>(c.clause.qualifier) << " " << static_cast<int>(c.clause.test) << " "
        << c.clause.values[0] << " request " << (c.request ? c.request->size() : -1);
  }
}

TEST(PolicyTest, AllClausesMustHold) {
  User u = UserWith({Allow({"dynamodb:GetItem"}, {kTable},
                           {Clause(SetQualifier::kForAllValues, ConditionTest::kStringEquals,
                                   "dynamodb:LeadingKeys", {"alice"}),
                            Clause(SetQualifier::kNone, ConditionTest::kStringEquals,
                                   "dynamodb:Select", {"SPECIFIC_ATTRIBUTES"}, true)})});
  ConditionContext ok{{"dynamodb:LeadingKeys", {"alice"}}};
  EXPECT_EQ(Decide(u, "dynamodb:GetItem", kTable, ok), Decision::kAllow);
  ConditionContext other{{"dynamodb:LeadingKeys", {"bob"}}};
  EXPECT_EQ(Decide(u, "dynamodb:GetItem", kTable, other), Decision::kImplicitDeny);
  ConditionContext all{{"dynamodb:LeadingKeys", {"alice"}},
                       {"dynamodb:Select", {"ALL_ATTRIBUTES"}}};
  EXPECT_EQ(Decide(u, "dynamodb:GetItem", kTable, all), Decision::kImplicitDeny);
}

TEST(PolicyTest, ADenyWithAConditionOnlyDeniesWhenItHolds) {
  User u = UserWith({Allow({"dynamodb:*"}, {"*"}),
                     Deny({"dynamodb:*"}, {"*"},
                          {Clause(SetQualifier::kForAnyValue, ConditionTest::kStringEquals,
                                  "dynamodb:Attributes", {"salary"})})});
  EXPECT_EQ(Decide(u, "dynamodb:GetItem", kTable, {{"dynamodb:Attributes", {"pk", "name"}}}),
            Decision::kAllow);
  EXPECT_EQ(Decide(u, "dynamodb:GetItem", kTable, {{"dynamodb:Attributes", {"pk", "salary"}}}),
            Decision::kExplicitDeny);
}

TEST(PolicyTest, PolicyVariables) {
  User u = UserWith({Allow({"dynamodb:GetItem"}, {"arn:aws:dynamodb:*:*:table/${aws:username}-*"},
                           {Clause(SetQualifier::kForAllValues, ConditionTest::kStringEquals,
                                   "dynamodb:LeadingKeys", {"${aws:username}"})})});
  const std::string own = "arn:aws:dynamodb:us-east-1:123456789012:table/alice-data";
  ConditionContext mine{{"aws:username", {"alice"}}, {"dynamodb:LeadingKeys", {"alice"}}};
  EXPECT_EQ(Decide(u, "dynamodb:GetItem", own, mine), Decision::kAllow);
  ConditionContext theirs{{"aws:username", {"alice"}}, {"dynamodb:LeadingKeys", {"bob"}}};
  EXPECT_EQ(Decide(u, "dynamodb:GetItem", own, theirs), Decision::kImplicitDeny);
  EXPECT_EQ(
      Decide(u, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/bob-data", mine),
      Decision::kImplicitDeny);
  // Without the variable's key, the pattern matches nothing.
  EXPECT_EQ(Decide(u, "dynamodb:GetItem", own, {{"dynamodb:LeadingKeys", {"alice"}}}),
            Decision::kImplicitDeny);
  // A 2008-10-17 policy takes "${...}" literally.
  User old = UserWith({Allow({"dynamodb:GetItem"}, {"arn:aws:dynamodb:*:*:table/${aws:username}"})},
                      "2008-10-17");
  EXPECT_EQ(Decide(old, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:1:table/alice", mine),
            Decision::kImplicitDeny);
  EXPECT_EQ(
      Decide(old, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:1:table/${aws:username}", mine),
      Decision::kAllow);
  // "${*}" is a literal star, not a wildcard.
  User star = UserWith({Allow({"dynamodb:GetItem"}, {"arn:aws:dynamodb:*:*:table/a${*}"})});
  EXPECT_EQ(Decide(star, "dynamodb:GetItem", "arn:aws:dynamodb:r:1:table/a*"), Decision::kAllow);
  EXPECT_EQ(Decide(star, "dynamodb:GetItem", "arn:aws:dynamodb:r:1:table/ab"),
            Decision::kImplicitDeny);
}

TEST(PolicyTest, PolicySetFindsUsersByAccessKey) {
  User alice = UserWith({});
  User bob;
  bob.name = "bob";
  bob.access_key_ids = {"AKIABOB1", "AKIABOB2"};
  PolicySet set({alice, bob});
  ASSERT_NE(set.FindByAccessKey("AKIABOB2"), nullptr);
  EXPECT_EQ(set.FindByAccessKey("AKIABOB2")->name, "bob");
  EXPECT_EQ(set.FindByAccessKey("AKIAALICE")->name, "alice");
  EXPECT_EQ(set.FindByAccessKey("akiaalice"), nullptr);  // access key ids keep case
  EXPECT_EQ(set.FindByAccessKey("AKIAOTHER"), nullptr);
}

TEST(PolicyTest, WildcardMatchDoesNotBlowUp) {
  std::string text(5000, 'a');
  EXPECT_FALSE(WildcardMatch("*a*a*a*a*a*a*a*a*b", text, false));
  EXPECT_TRUE(WildcardMatch("*a*a*a*a*a*a*a*a*", text, false));
  EXPECT_TRUE(WildcardMatch("", "", false));
  EXPECT_FALSE(WildcardMatch("", "a", false));
  EXPECT_TRUE(WildcardMatch("*", "", false));
}

}  // namespace
}  // namespace stator::auth

#include "ops/key_condition.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "expr/legacy.h"
#include "expr/parser.h"

namespace stator::ops {
namespace {

using expr::ExpressionKind;
using model::AttributeValue;
using Op = KeyConditionTerm::Op;

AttributeValue N(const char* text) { return AttributeValue::N(*model::Number::Parse(text)); }
AttributeValue S(const char* text) { return AttributeValue::S(text); }
AttributeValue B(std::string bytes) { return AttributeValue::B(std::move(bytes)); }

// Hash a:S, range b:N; and hash a:S alone.
const model::KeySchema kRangeSchema{{"a", model::Type::kS},
                                    model::KeyElement{"b", model::Type::kN}};
const model::KeySchema kHashSchema{{"a", model::Type::kS}, std::nullopt};

const expr::ValueMap kValues = {
    {":s", S("x")}, {":t", S("y")},      {":n", N("1")},
    {":m", N("2")}, {":bin", B("\x01")}, {":type", S("S")},
};

std::string OpName(Op op) {
  switch (op) {
    case Op::kEq:
      return "=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kBetween:
      return "BETWEEN";
    case Op::kBeginsWith:
      return "begins_with";
    case Op::kNotIndexable:
      return "NOT_INDEXABLE";
  }
  return "?";
}

// "b > {N:1}".
std::string ToString(const KeyConditionTerm& t) {
  std::string out = t.attribute + " " + OpName(t.op);
  for (const AttributeValue& v : t.values) out += " " + expr::ValueForMessage(v);
  return out;
}

// The resolved expression, or the parser's / resolver's error.
Result<expr::ResolvedCondition> Resolve(const std::string& text) {
  auto parsed = expr::ParseCondition(text, ExpressionKind::kKeyCondition);
  if (!parsed.ok()) return parsed.status();
  expr::Resolver resolver(nullptr, &kValues);
  return resolver.Resolve(*parsed, ExpressionKind::kKeyCondition);
}

// Phase 1: the terms joined by "; ", or the first error.
std::string Shape(const Result<expr::ResolvedCondition>& resolved, bool legacy = false) {
  if (!resolved.ok()) return resolved.status().message();
  auto terms = AnalyzeKeyConditionShape(*resolved, legacy);
  if (!terms.ok()) return terms.status().message();
  std::string out;
  for (const KeyConditionTerm& t : *terms) out += (out.empty() ? "" : "; ") + ToString(t);
  return out;
}
std::string Shape(const std::string& text) { return Shape(Resolve(text)); }

// Both phases: "{S:x}" or "{S:x} | b > {N:1}", or the first error.
std::string Match(const Result<expr::ResolvedCondition>& resolved, const model::KeySchema& schema,
                  bool legacy = false, const KeyElementCheck& before_each = {}) {
  if (!resolved.ok()) return resolved.status().message();
  auto terms = AnalyzeKeyConditionShape(*resolved, legacy);
  if (!terms.ok()) return terms.status().message();
  auto matched = MatchKeySchema(*terms, schema, before_each);
  if (!matched.ok()) return matched.status().message();
  std::string out;
  for (const auto& v : matched->partition)
    out += (out.empty() ? "" : ", ") + expr::ValueForMessage(v);
  for (const auto& v : matched->sort_prefix) out += " | = " + expr::ValueForMessage(v);
  if (matched->sort) out += " | " + ToString(*matched->sort);
  return out;
}
std::string Match(const std::string& text, const model::KeySchema& schema) {
  return Match(Resolve(text), schema);
}

struct Case {
  std::string text;
  std::string want;
};

const std::string kInvalidOperator = "Invalid operator used in KeyConditionExpression: ";
const std::string kInvalidCondition = "Invalid condition in KeyConditionExpression: ";
const std::string kNested = "KeyConditionExpressions cannot contain nested operations";
const std::string kNestedPath =
    "KeyConditionExpressions cannot have conditions on nested attributes";
const std::string kMultiple = kInvalidCondition + "Multiple attribute names used in one condition";
const std::string kNoKey = kInvalidCondition + "No key attribute specified";
const std::string kOnePerKey = "KeyConditionExpressions must only contain one condition per key";
const std::string kCount = "Conditions can be of length 1 or 2 only";

TEST(KeyConditionShapeTest, Terms) {
  const Case cases[] = {
      {"a = :s", "a = {S:x}"},
      {"a = :s AND b > :n", "a = {S:x}; b > {N:1}"},
      {"b <= :n and a = :s", "b <= {N:1}; a = {S:x}"},
      {"a = :s AND b BETWEEN :n AND :m", "a = {S:x}; b BETWEEN {N:1} {N:2}"},
      {"a = :s AND begins_with(b, :t)", "a = {S:x}; b begins_with {S:y}"},
      {"begins_with(b, :bin)", "b begins_with {B:java.nio.HeapByteBuffer[pos=0 lim=1 cap=1]}"},
      {"(a = :s) AND (b >= :n)", "a = {S:x}; b >= {N:1}"},
      // Written value-first: the operator is flipped.
      {":s = a", "a = {S:x}"},
      {":n < b AND :s = a", "b > {N:1}; a = {S:x}"},
      {":n <= b", "b >= {N:1}"},
      {":n > b", "b < {N:1}"},
      {":n >= b", "b <= {N:1}"},
  };
  for (const Case& c : cases) EXPECT_EQ(Shape(c.text), c.want) << c.text;
}

// DynamoDB's messages, from dynalite's tests run against DynamoDB (test/query.js).
TEST(KeyConditionShapeTest, Errors) {
  const Case cases[] = {
      {"a > b and size(b) > c or a > c", kInvalidOperator + "OR"},
      {"a in (b, size(c), d)", kInvalidOperator + "IN"},
      {"attribute_exists(a)", kInvalidOperator + "attribute_exists"},
      {"attribute_not_exists(a)", kInvalidOperator + "attribute_not_exists"},
      {"attribute_type(a, :type)", kInvalidOperator + "attribute_type"},
      {"contains(a.d, b)", kInvalidOperator + "contains"},
      {"not a > b", kInvalidOperator + "NOT"},
      {"a <> b", kInvalidOperator + "<>"},
      // Checked where the walk meets them: the left operand of AND first.
      {"a = :s AND (b = :n OR b = :m)", kInvalidOperator + "OR"},
      {"a.b = :s AND NOT b = :n", kNestedPath},
      {":s between size(b) and size(a) and b > :t",
       kInvalidCondition + "BETWEEN operator must have the key attribute as its first operand"},
      {"begins_with(:s, b) and a > :t",
       kInvalidCondition + "begins_with operator must have the key attribute as its first operand"},
      {"size(b) > a AND a.b > b AND b > c", kNested},
      {"a > size(b.d)", kNested},
      {"a between size(b) and size(a)", kNested},
      {":s = size(a)", kNested},
      {"b > a.b", kMultiple},
      {"b between c[1] and d", kMultiple},
      {"a between b and size(a)", kMultiple},
      {"begins_with(a, b)", kMultiple},
      {"b.d > a AND c.d > e.f", kNestedPath},
      {"a.d > c", kNestedPath},
      {"b[0] > a", kNestedPath},
      {":t > :s AND a < :t", kNoKey},
      {":s > b AND :s < :t", kNoKey},
      {"b > :n AND b < :n and c = :n and d = :n", kOnePerKey},
      {"(a > :n and b > :n) and (b > :n and c > :n)", kOnePerKey},
      {"a = :s AND :n = a", kOnePerKey},
      // Up to 8 terms pass this phase (a multi-attribute index key); the schema decides.
      {"a = :s AND b = :n AND c = :n AND d = :n AND e = :n AND f = :n AND g = :n AND h = :n "
       "AND i = :n",
       kCount},
      // The resolver's checks come first.
      {"begins_with(b, :n)",
       "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
       "operator or function: begins_with, operand type: N"},
      {"a = :s AND b between :n and :s",
       "Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower "
       "and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: "
       "AttributeValue: {S:x}"},
      {"b between :m and :n",
       "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater "
       "than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound "
       "operand: AttributeValue: {N:1}"},
  };
  for (const Case& c : cases) EXPECT_EQ(Shape(c.text), c.want) << c.text;
}

// A begins_with on a number that did not come through the resolver.
TEST(KeyConditionShapeTest, BeginsWithNumberWithoutResolver) {
  expr::Condition c;
  c.kind = expr::Condition::Kind::kFunction;
  c.function = "begins_with";
  c.operands.resize(2);
  c.operands[0].path.elements.push_back(expr::PathElement::Name("b"));
  c.operands[1].kind = expr::Operand::Kind::kValue;
  c.operands[1].value = {":n", N("1")};
  EXPECT_EQ(Shape(expr::ResolvedCondition{c}),
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N");
}

TEST(KeyConditionMatchTest, RangeSchema) {
  const std::string kMismatch =
      "One or more parameter values were invalid: Condition parameter type does not match "
      "schema type";
  const std::string kNotSupported = "Query key condition not supported";
  const Case cases[] = {
      {"a = :s", "{S:x}"},
      {"a = :s AND b > :n", "{S:x} | b > {N:1}"},
      {":n >= b AND a = :s", "{S:x} | b <= {N:1}"},
      {"a = :s AND b BETWEEN :n AND :m", "{S:x} | b BETWEEN {N:1} {N:2}"},
      {"b = :n", "Query condition missed key schema element: a"},
      {"z = :s", "Query condition missed key schema element: a"},
      {"z = :s AND b = :n", "Query condition missed key schema element: a"},
      {"a = :s AND z = :n", "Query condition missed key schema element: b"},
      {"a = :n", kMismatch},
      {"a = :s AND b = :s", kMismatch},
      {"a = :s AND :s < b", kMismatch},
      {"a = :s AND begins_with(b, :t)", kMismatch},
      {"a > :s", kNotSupported},
      {"begins_with(a, :s)", kNotSupported},
      {"a BETWEEN :s AND :t", kNotSupported},
      // The hash key's checks all come before the range key's; the type before the operator.
      {"a > :n", kMismatch},
      {"a > :s AND z = :n", kNotSupported},
      {"a = :n AND z = :n", kMismatch},
  };
  for (const Case& c : cases) EXPECT_EQ(Match(c.text, kRangeSchema), c.want) << c.text;
}

TEST(KeyConditionMatchTest, SingleAttributeKeysTakeAtMostTwoTerms) {
  for (const char* text : {"a = :s AND b = :n AND c = :n", ":n = a and b = :n and :n = c",
                           "(a = :s and b = :n) and (c = :n and d = :n)"}) {
    EXPECT_EQ(Match(text, kRangeSchema), kCount) << text;
    EXPECT_EQ(Match(text, kHashSchema), kCount) << text;
  }
}

// A multi-attribute index key: partition a, p (S, N); sort b, c, d (N, S, S).
const model::KeySchema kMultiSchema{{"a", model::Type::kS},
                                    model::KeyElement{"b", model::Type::kN},
                                    {{"p", model::Type::kN}},
                                    {{"c", model::Type::kS}, {"d", model::Type::kS}}};

TEST(KeyConditionMatchTest, MultiAttributeKey) {
  const std::string kGap = "RANGE key attributes ";
  const Case cases[] = {
      {"a = :s AND p = :n", "{S:x}, {N:1}"},
      {"p = :n AND a = :s AND b > :n", "{S:x}, {N:1} | b > {N:1}"},
      {"a = :s AND p = :n AND b = :n AND c = :t", "{S:x}, {N:1} | = {N:1} | c = {S:y}"},
      {"a = :s AND p = :n AND b = :n AND c = :t AND begins_with(d, :s)",
       "{S:x}, {N:1} | = {N:1} | = {S:y} | d begins_with {S:x}"},
      {"c = :t AND a = :s AND b = :m AND p = :n AND d BETWEEN :s AND :t",
       "{S:x}, {N:1} | = {N:2} | = {S:y} | d BETWEEN {S:x} {S:y}"},
      {"a = :s", "Query condition missed key schema element: p"},
      {"p = :n AND b = :n", "Query condition missed key schema element: a"},
      {"a = :s AND p > :n", "Query key condition not supported"},
      {"a = :s AND p = :n AND z = :n", "Query key condition not supported"},
      {"a = :s AND p = :s",
       "One or more parameter values were invalid: Condition parameter type does not match "
       "schema type"},
      {"a = :s AND p = :n AND c = :t",
       kGap + "b must have equality conditions specified in the query because a condition is "
              "present on key attribute c"},
      {"a = :s AND p = :n AND b = :n AND d = :t",
       kGap + "c must have equality conditions specified in the query because a condition is "
              "present on key attribute d"},
      {"a = :s AND p = :n AND b > :n AND c = :t",
       kGap + "b must have equality conditions specified in the query because a condition is "
              "present on key attribute c"},
  };
  for (const Case& c : cases) EXPECT_EQ(Match(c.text, kMultiSchema), c.want) << c.text;
}

TEST(KeyConditionMatchTest, HashOnlySchema) {
  const Case cases[] = {
      {"a = :s", "{S:x}"},
      {":s = a", "{S:x}"},
      {"a = :s AND b = :s", "Query key condition not supported"},
      {"y = :s and z = :s", "Query key condition not supported"},
      {"a = :n AND b = :s", "Query key condition not supported"},
      {"z = :s", "Query condition missed key schema element: a"},
      {"a < :s", "Query key condition not supported"},
      {"a = :n",
       "One or more parameter values were invalid: Condition parameter type does not "
       "match schema type"},
  };
  for (const Case& c : cases) EXPECT_EQ(Match(c.text, kHashSchema), c.want) << c.text;
}

// The caller's per-attribute checks (ExclusiveStartKey) run before that attribute's own.
TEST(KeyConditionMatchTest, BeforeEachKeyAttribute) {
  std::vector<std::string> calls;
  auto fail_on = [&calls](const std::string& name) {
    return [&calls, name](const model::KeyElement& key, bool is_hash) {
      calls.push_back(key.name + (is_hash ? ":hash" : ":range"));
      return key.name == name ? Status::Validation("The provided starting key is invalid")
                              : Status::OK();
    };
  };
  EXPECT_EQ(Match(Resolve("a = :s AND b = :n"), kRangeSchema, false, fail_on("")),
            "{S:x} | b = {N:1}");
  EXPECT_EQ(calls, (std::vector<std::string>{"a:hash", "b:range"}));
  EXPECT_EQ(Match(Resolve("z = :s"), kRangeSchema, false, fail_on("a")),
            "The provided starting key is invalid");
  EXPECT_EQ(Match(Resolve("a = :s AND z = :n"), kRangeSchema, false, fail_on("b")),
            "The provided starting key is invalid");
  EXPECT_EQ(Match(Resolve("a > :s AND z = :n"), kRangeSchema, false, fail_on("b")),
            "Query key condition not supported");
}

// KeyConditions, translated by expr::TranslateLegacyConditions.
TEST(KeyConditionMatchTest, Legacy) {
  using expr::LegacyCondition;
  auto cmp = [](std::string op, std::vector<AttributeValue> list = {}) {
    return LegacyCondition{.comparison_operator = std::move(op),
                           .attribute_value_list = std::move(list)};
  };
  auto translate = [](const expr::LegacyConditions& conditions) -> Result<expr::ResolvedCondition> {
    auto r =
        expr::TranslateLegacyConditions(conditions, std::nullopt, expr::LegacyKind::kKeyConditions);
    if (!r.ok()) return r.status();
    return **r;
  };
  const std::string kNotIndexable =
      "Attempted conditional constraint is not an indexable operation";
  struct LegacyCase {
    expr::LegacyConditions conditions;
    std::string shape;
    std::string match;
  };
  const LegacyCase cases[] = {
      {{{"a", cmp("EQ", {S("x")})}, {"b", cmp("BETWEEN", {N("1"), N("2")})}},
       "a = {S:x}; b BETWEEN {N:1} {N:2}",
       "{S:x} | b BETWEEN {N:1} {N:2}"},
      {{{"b", cmp("GT", {N("1")})}, {"a", cmp("EQ", {S("x")})}},
       "b > {N:1}; a = {S:x}",
       "{S:x} | b > {N:1}"},
      {{{"a", cmp("EQ", {S("x")})}, {"b", cmp("NOT_CONTAINS", {N("1")})}},
       "a = {S:x}; b NOT_INDEXABLE {N:1}",
       kNotIndexable},
      {{{"a", cmp("NULL")}}, "a NOT_INDEXABLE", kNotIndexable},
      {{{"a", cmp("NOT_NULL")}, {"b", cmp("LT", {N("1")})}},
       "a NOT_INDEXABLE; b < {N:1}",
       kNotIndexable},
      {{{"a", cmp("CONTAINS", {S("x")})}}, "a NOT_INDEXABLE {S:x}", kNotIndexable},
      {{{"a", cmp("IN", {S("x"), S("y")})}}, "a NOT_INDEXABLE {S:x} {S:y}", kNotIndexable},
      // Not indexable comes before the type check, after the missing-key check.
      {{{"a", cmp("NE", {N("1")})}}, "a NOT_INDEXABLE {N:1}", kNotIndexable},
      {{{"a", cmp("EQ", {S("x")})}, {"z", cmp("NULL")}},
       "a = {S:x}; z NOT_INDEXABLE",
       "Query condition missed key schema element: b"},
      {{{"a", cmp("EQ", {N("1")})}, {"b", cmp("NULL")}},
       "a = {N:1}; b NOT_INDEXABLE",
       "One or more parameter values were invalid: Condition parameter type does not match "
       "schema type"},
      {{{"a", cmp("BEGINS_WITH", {S("x")})}},
       "a begins_with {S:x}",
       "Query key condition not supported"},
  };
  for (const LegacyCase& c : cases) {
    EXPECT_EQ(Shape(translate(c.conditions), true), c.shape) << c.shape;
    EXPECT_EQ(Match(translate(c.conditions), kRangeSchema, true), c.match) << c.shape;
  }
}

TEST(SortKeySatisfiesTest, Cases) {
  auto term = [](Op op, std::vector<AttributeValue> values) {
    return KeyConditionTerm{"b", op, std::move(values)};
  };
  struct SatisfiesCase {
    KeyConditionTerm term;
    AttributeValue value;
    bool want;
  };
  const SatisfiesCase cases[] = {
      // Numbers compare by value, not by text.
      {term(Op::kEq, {N("1")}), N("1.00"), true},
      {term(Op::kEq, {N("1")}), N("2"), false},
      {term(Op::kLt, {N("10")}), N("9"), true},
      {term(Op::kLt, {N("10")}), N("10"), false},
      {term(Op::kLe, {N("10")}), N("10"), true},
      {term(Op::kGt, {N("1")}), N("1"), false},
      {term(Op::kGt, {N("-1")}), N("-0.5"), true},
      {term(Op::kGe, {N("1")}), N("1e0"), true},
      {term(Op::kBetween, {N("1"), N("10")}), N("1"), true},
      {term(Op::kBetween, {N("1"), N("10")}), N("10"), true},
      {term(Op::kBetween, {N("1"), N("10")}), N("5.5"), true},
      {term(Op::kBetween, {N("1"), N("10")}), N("0.5"), false},
      {term(Op::kBetween, {N("1"), N("10")}), N("11"), false},
      // Strings and binaries by unsigned bytes.
      {term(Op::kLe, {S("b")}), S("a"), true},
      {term(Op::kLe, {S("b")}), S("ba"), false},
      {term(Op::kGt, {S("z")}), S("\xc3\xa9"), true},
      {term(Op::kGt, {B("\x7f")}), B("\x80"), true},
      {term(Op::kLt, {B("\x7f")}), B("\x80"), false},
      {term(Op::kBetween, {S("a"), S("c")}), S("bz"), true},
      {term(Op::kBeginsWith, {S("ab")}), S("abc"), true},
      {term(Op::kBeginsWith, {S("ab")}), S("ab"), true},
      {term(Op::kBeginsWith, {S("ab")}), S("a"), false},
      {term(Op::kBeginsWith, {S("ab")}), S("b"), false},
      {term(Op::kBeginsWith, {B("\x01")}), B("\x01\x02"), true},
      {term(Op::kBeginsWith, {B("\x01")}), B("\x02"), false},
      // A value of another type never satisfies.
      {term(Op::kEq, {N("1")}), S("1"), false},
      {term(Op::kBeginsWith, {S("a")}), B("a"), false},
      {term(Op::kNotIndexable, {S("a")}), S("a"), false},
  };
  for (const SatisfiesCase& c : cases) {
    EXPECT_EQ(SortKeySatisfies(c.term, c.value), c.want)
        << ToString(c.term) << " on " << expr::ValueForMessage(c.value);
  }
}

}  // namespace
}  // namespace stator::ops

#include "expr/evaluator.h"

#include <gtest/gtest.h>

#include "expr/parser.h"

namespace stator::expr {
namespace {

using model::AttributeValue;

AttributeValue N(const char* text) { return AttributeValue::N(model::Number::Parse(text).value()); }

model::Item SampleItem() {
  model::Map inner;
  inner["c"] = AttributeValue::S("deep");
  model::Item item;
  item["s"] = AttributeValue::S("hello");
  item["n"] = N("10");
  item["b"] = AttributeValue::B("\x01\x02");
  item["ss"] = AttributeValue::SS({"x", "y"});
  item["ns"] = AttributeValue::NS({model::Number::Parse("1").value()});
  item["l"] = AttributeValue::L({AttributeValue::S("first"), AttributeValue::M(inner)});
  item["m"] = AttributeValue::M(inner);
  item["t"] = AttributeValue::Bool(true);
  return item;
}

Result<bool> Eval(const std::string& text, const model::Item& item) {
  ValueMap values;
  values[":s"] = AttributeValue::S("hello");
  values[":he"] = AttributeValue::S("he");
  values[":n5"] = N("5");
  values[":n10"] = N("10.0");
  values[":n20"] = N("20");
  values[":x"] = AttributeValue::S("x");
  values[":one"] = N("1");
  values[":first"] = AttributeValue::S("first");
  values[":typeS"] = AttributeValue::S("S");
  values[":typeSS"] = AttributeValue::S("SS");
  values[":b1"] = AttributeValue::B("\x01");
  values[":two"] = N("2");
  auto parsed = ParseCondition(text, ExpressionKind::kCondition);
  if (!parsed.ok()) return parsed.status();
  Resolver resolver(nullptr, &values);
  auto resolved = resolver.Resolve(*parsed, ExpressionKind::kCondition);
  if (!resolved.ok()) return resolved.status();
  return Evaluate(*resolved, item, ExpressionKind::kCondition);
}

TEST(EvaluatorTest, ConditionsOverAnItem) {
  model::Item item = SampleItem();
  const std::vector<std::pair<std::string, bool>> cases = {
      {"s = :s", true},
      {"s <> :s", false},
      {"n = :n10", true},  // numbers compare by value
      {"n > :n5", true},
      {"n BETWEEN :n5 AND :n20", true},
      {"n BETWEEN :n20 AND :n20", false},
      {"s < :n5", false},  // different types are not ordered
      {"s = :n5", false},
      {"s <> :n5", true},
      {"nope = :s", false},
      {"nope <> :s", true},  // "<>" with a nope attribute holds
      {"nope < :s", false},
      {"n IN (:n5, :n10)", true},
      {"n IN (:n5, :n20)", false},
      {"attribute_exists(s)", true},
      {"attribute_not_exists(s)", false},
      {"attribute_not_exists(nope)", true},
      {"attribute_exists(l[1].c)", true},
      {"attribute_exists(l[2])", false},
      {"attribute_exists(m.c)", true},
      {"attribute_exists(s.c)", false},
      {"attribute_type(s, :typeS)", true},
      {"attribute_type(ss, :typeS)", false},
      {"attribute_type(ss, :typeSS)", true},
      {"begins_with(s, :he)", true},
      {"begins_with(b, :b1)", true},
      {"begins_with(n, :he)", false},
      {"contains(s, :he)", true},
      {"contains(ss, :x)", true},
      {"contains(ns, :one)", true},
      {"contains(l, :first)", true},
      {"contains(m, :x)", false},
      {"size(s) = :n5", true},
      {"size(ss) = :two", true},
      {"size(l) > :one", true},
      {"size(nope) = :n5", false},
      {"s = :s AND n > :n20", false},
      {"s = :s OR n > :n20", true},
      {"NOT s = :s", false},
      {"NOT (nope = :s) AND (n < :n20 OR t = :s)", true},
  };
  for (const auto& [text, expected] : cases) {
    auto result = Eval(text, item);
    ASSERT_TRUE(result.ok()) << text << ": " << result.status().message();
    EXPECT_EQ(*result, expected) << text;
  }
}

TEST(EvaluatorTest, MissingItemBehavesAsNoAttributes) {
  model::Item none;
  EXPECT_TRUE(*Eval("attribute_not_exists(s)", none));
  EXPECT_FALSE(*Eval("s = :s", none));
}

TEST(EvaluatorTest, SizeOfUnsizedTypeIsAValidationError) {
  auto result = Eval("size(n) = :one", SampleItem());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: size, operand type: N");
}

}  // namespace
}  // namespace stator::expr

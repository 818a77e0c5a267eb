#include "expr/legacy.h"

#include <gtest/gtest.h>

#include <string>

#include "expr/evaluator.h"

namespace stator::expr {
namespace {

using model::AttributeValue;

AttributeValue N(const char* text) { return AttributeValue::N(*model::Number::Parse(text)); }
AttributeValue S(const char* text) { return AttributeValue::S(text); }
AttributeValue B(const char* bytes) { return AttributeValue::B(bytes); }

// A Condition / ExpectedAttributeValue with a ComparisonOperator and an AttributeValueList.
LegacyCondition Cmp(std::string op, std::vector<AttributeValue> list) {
  return {.comparison_operator = std::move(op), .attribute_value_list = std::move(list)};
}
// ... without an AttributeValueList.
LegacyCondition Cmp(std::string op) { return {.comparison_operator = std::move(op)}; }
LegacyCondition Value(AttributeValue v) { return {.value = std::move(v)}; }

const std::string kInvalid = "One or more parameter values were invalid: ";

// ToString of the translation, "none" for no condition, or the error message.
std::string Translate(const LegacyConditions& conditions, LegacyKind kind,
                      std::optional<std::string> conditional_operator = std::nullopt) {
  auto r = TranslateLegacyConditions(conditions, conditional_operator, kind);
  if (!r.ok()) return r.status().message();
  return r->has_value() ? ToString(**r) : "none";
}

struct Case {
  LegacyConditions conditions;
  std::string want;
};

TEST(LegacyTest, ExpectedForms) {
  const Case cases[] = {
      {{{"a", {.exists = false}}}, "(attribute_not_exists a)"},
      {{{"a", Value(S("x"))}}, "(= a {S:x})"},
      {{{"a", {.value = N("1"), .exists = true}}}, "(= a {N:1})"},
      // Value stands in for a one-element AttributeValueList.
      {{{"a", {.value = N("3"), .comparison_operator = "GT"}}}, "(> a {N:3})"},
      {{{"a", Cmp("EQ", {N("1")})}}, "(= a {N:1})"},
      {{{"a", Cmp("NE", {S("x")})}}, "(<> a {S:x})"},
      {{{"a", Cmp("LE", {N("1")})}}, "(<= a {N:1})"},
      {{{"a", Cmp("LT", {B("b")})}}, "(< a {B:java.nio.HeapByteBuffer[pos=0 lim=1 cap=1]})"},
      {{{"a", Cmp("GE", {S("x")})}}, "(>= a {S:x})"},
      {{{"a", Cmp("GT", {N("-2")})}}, "(> a {N:-2})"},
      {{{"a", Cmp("NOT_NULL")}}, "(attribute_exists a)"},
      {{{"a", Cmp("NULL", {})}}, "(attribute_not_exists a)"},
      {{{"a", Cmp("CONTAINS", {S("x")})}}, "(contains a {S:x})"},
      {{{"a", Cmp("CONTAINS", {AttributeValue::Bool(true)})}}, "(contains a {BOOL:true})"},
      {{{"a", Cmp("NOT_CONTAINS", {N("4")})}},
       "(AND (attribute_exists a) (NOT (contains a {N:4})))"},
      {{{"a", Cmp("BEGINS_WITH", {S("he")})}}, "(begins_with a {S:he})"},
      {{{"a", Cmp("IN", {N("1"), N("2"), N("3")})}}, "(IN a {N:1} {N:2} {N:3})"},
      {{{"a", Cmp("BETWEEN", {N("1"), N("10")})}}, "(BETWEEN a {N:1} {N:10})"},
      {{{"a", Cmp("BETWEEN", {S("a"), S("a")})}}, "(BETWEEN a {S:a} {S:a})"},
      // EQ and NE take any type, including sets and documents.
      {{{"a", Cmp("EQ", {AttributeValue::SS({"x", "y"})})}}, "(= a {SS:...})"},
      {{{"a", Cmp("NE", {AttributeValue::L({})})}}, "(<> a {L:...})"},
      // Names are literal: no '.' or '[' parsing.
      {{{"a.b[1]", Value(S("x"))}}, "(= a.b[1] {S:x})"},
      // Several entries join left to right in request order.
      {{{"b", Value(S("x"))}, {"a", {.exists = false}}, {"c", Cmp("NOT_NULL")}},
       "(AND (AND (= b {S:x}) (attribute_not_exists a)) (attribute_exists c))"},
      {{}, "none"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Translate(c.conditions, LegacyKind::kExpected), c.want) << c.want;
  }
}

TEST(LegacyTest, ConditionalOperator) {
  const LegacyConditions two = {{"a", Value(S("x"))}, {"b", Cmp("NULL")}};
  EXPECT_EQ(Translate(two, LegacyKind::kExpected, "OR"),
            "(OR (= a {S:x}) (attribute_not_exists b))");
  const LegacyConditions two_filters = {{"a", Cmp("EQ", {S("x")})}, {"b", Cmp("NULL")}};
  EXPECT_EQ(Translate(two_filters, LegacyKind::kScanFilter, "AND"),
            "(AND (= a {S:x}) (attribute_not_exists b))");
  const std::string without = "ConditionalOperator cannot be used without Filter or Expected";
  const std::string one =
      "ConditionalOperator can only be used when Filter or Expected has two or more elements";
  for (LegacyKind kind :
       {LegacyKind::kExpected, LegacyKind::kQueryFilter, LegacyKind::kScanFilter}) {
    EXPECT_EQ(Translate({}, kind, "AND"), without);
    EXPECT_EQ(Translate({}, kind, "OR"), without);
    EXPECT_EQ(Translate({{"a", Cmp("NOT_NULL")}}, kind, "OR"), one);
  }
  // An entry's own error comes before the ConditionalOperator rule.
  EXPECT_EQ(Translate({{"a", {}}}, LegacyKind::kExpected, "AND"),
            kInvalid + "Value must be provided when Exists is null for Attribute: a");
  // KeyConditions ignore it: it belongs to the QueryFilter.
  EXPECT_EQ(Translate({{"p", Cmp("EQ", {S("k")})}}, LegacyKind::kKeyConditions, "OR"),
            "(= p {S:k})");
}

TEST(LegacyTest, FiltersAndKeyConditions) {
  EXPECT_EQ(Translate({{"a", Cmp("NOT_CONTAINS", {S("x")})}, {"b", Cmp("IN", {S("y")})}},
                      LegacyKind::kQueryFilter, "OR"),
            "(OR (AND (attribute_exists a) (NOT (contains a {S:x}))) (IN b {S:y}))");
  EXPECT_EQ(Translate({}, LegacyKind::kScanFilter), "none");
  // The same AST a KeyConditionExpression parses to.
  EXPECT_EQ(Translate({{"p", Cmp("EQ", {S("k")})}, {"c", Cmp("BETWEEN", {N("1"), N("9")})}},
                      LegacyKind::kKeyConditions),
            "(AND (= p {S:k}) (BETWEEN c {N:1} {N:9}))");
  EXPECT_EQ(Translate({{"p", Cmp("EQ", {S("k")})}, {"c", Cmp("BEGINS_WITH", {S("x")})}},
                      LegacyKind::kKeyConditions),
            "(AND (= p {S:k}) (begins_with c {S:x}))");
  const std::string length = "Conditions can be of length 1 or 2 only";
  EXPECT_EQ(Translate({}, LegacyKind::kKeyConditions), length);
  // Up to 8 (a multi-attribute index key); the queried schema decides the rest.
  LegacyConditions nine;
  for (const char* name : {"a", "b", "c", "d", "e", "f", "g", "h", "i"}) {
    nine.emplace_back(name, Cmp("NULL"));
  }
  EXPECT_EQ(Translate(nine, LegacyKind::kKeyConditions), length);
  // Each entry's checks come first.
  EXPECT_EQ(Translate({{"a", Cmp("EQ")}, {"b", Cmp("NULL")}, {"c", Cmp("NULL")}},
                      LegacyKind::kKeyConditions),
            kInvalid + "Invalid number of argument(s) for the EQ ComparisonOperator");
}

TEST(LegacyTest, ExpectedErrors) {
  const std::string exists_op = "Exists and ComparisonOperator cannot be used together";
  const Case cases[] = {
      {{{"a", {}}}, "Value must be provided when Exists is null for Attribute: a"},
      {{{"a", {.exists = true}}}, "Value must be provided when Exists is true for Attribute: a"},
      {{{"a", {.value = S("a"), .exists = false}}},
       "Value cannot be used when Exists is false for Attribute: a"},
      {{{"a", {.exists = true, .comparison_operator = "LT"}}}, exists_op + " for Attribute: a"},
      // Exists with an operator wins over Value with a list.
      {{{"a",
         {.value = S("a"),
          .exists = true,
          .comparison_operator = "EQ",
          .attribute_value_list = std::vector<AttributeValue>{S("a")}}}},
       exists_op + " for Attribute: a"},
      {{{"a",
         {.value = S("a"),
          .comparison_operator = "LT",
          .attribute_value_list = std::vector<AttributeValue>{S("a")}}}},
       "Value and AttributeValueList cannot be used together for Attribute: a"},
      {{{"a", {.exists = true, .attribute_value_list = std::vector<AttributeValue>{S("a")}}}},
       "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"},
      {{{"a", Cmp("LT")}},
       "Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a"},
      {{{"a", Cmp("EQ", {})}}, "Invalid number of argument(s) for the EQ ComparisonOperator"},
      {{{"a", Cmp("NULL", {S("a")})}},
       "Invalid number of argument(s) for the NULL ComparisonOperator"},
      {{{"a", {.value = S("a"), .comparison_operator = "NULL"}}},
       "Invalid number of argument(s) for the NULL ComparisonOperator"},
      {{{"a", Cmp("IN", {})}}, "Invalid number of argument(s) for the IN ComparisonOperator"},
      {{{"a", Cmp("BETWEEN", {N("1"), N("10"), N("12")})}},
       "Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
      // The first entry in request order wins.
      {{{"b", {.exists = true}}, {"a", {}}},
       "Value must be provided when Exists is true for Attribute: b"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Translate(c.conditions, LegacyKind::kExpected), kInvalid + c.want) << c.want;
  }
}

TEST(LegacyTest, ArgumentErrors) {
  const AttributeValue bool_v = AttributeValue::Bool(true);
  const AttributeValue null_v = AttributeValue::MakeNull();
  const AttributeValue ss = AttributeValue::SS({"a"});
  const AttributeValue m = AttributeValue::M({});
  const AttributeValue l = AttributeValue::L({});
  auto not_valid = [](const char* op, const char* type) {
    return kInvalid + "ComparisonOperator " + op + " is not valid for " + type +
           " AttributeValue type";
  };
  const Case cases[] = {
      {{{"a", Cmp("LT", {bool_v})}}, not_valid("LT", "BOOL")},
      {{{"a", Cmp("LE", {null_v})}}, not_valid("LE", "NULL")},
      {{{"a", Cmp("GT", {ss})}}, not_valid("GT", "SS")},
      {{{"a", Cmp("GE", {m})}}, not_valid("GE", "M")},
      {{{"a", Cmp("IN", {l})}}, not_valid("IN", "L")},
      {{{"a", Cmp("CONTAINS", {ss})}}, not_valid("CONTAINS", "SS")},
      {{{"a", Cmp("NOT_CONTAINS", {l})}}, not_valid("NOT_CONTAINS", "L")},
      {{{"a", Cmp("BEGINS_WITH", {N("1")})}}, not_valid("BEGINS_WITH", "N")},
      {{{"a", Cmp("BEGINS_WITH", {bool_v})}}, not_valid("BEGINS_WITH", "BOOL")},
      {{{"a", Cmp("BETWEEN", {m, m})}}, not_valid("BETWEEN", "M")},
      {{{"a", Cmp("IN", {S("b"), N("1")})}},
       kInvalid + "AttributeValues inside AttributeValueList must be of same type"},
      {{{"a", Cmp("BETWEEN", {N("4"), S("dog")})}},
       kInvalid + "AttributeValues inside AttributeValueList must be of same type"},
      // Per argument, the type against the operator before the type against the first.
      {{{"a", Cmp("IN", {S("x"), l})}}, not_valid("IN", "L")},
      {{{"a", Cmp("BETWEEN", {S("b"), S("a")})}},
       "The BETWEEN condition was provided a range where the lower bound is greater than the "
       "upper bound"},
      // Numbers compare by value, not by their text.
      {{{"a", Cmp("BETWEEN", {N("10"), N("9")})}},
       "The BETWEEN condition was provided a range where the lower bound is greater than the "
       "upper bound"},
      {{{"a", Cmp("BETWEEN", {B("\x80"), B("\x7f")})}},
       "The BETWEEN condition was provided a range where the lower bound is greater than the "
       "upper bound"},
  };
  for (LegacyKind kind : {LegacyKind::kExpected, LegacyKind::kQueryFilter, LegacyKind::kScanFilter,
                          LegacyKind::kKeyConditions}) {
    for (const Case& c : cases) EXPECT_EQ(Translate(c.conditions, kind), c.want) << c.want;
  }
  EXPECT_EQ(Translate({{"a", Cmp("BETWEEN", {N("9"), N("10")})}}, LegacyKind::kScanFilter),
            "(BETWEEN a {N:9} {N:10})");
}

TEST(LegacyTest, ContractViolationsAreInternal) {
  EXPECT_EQ(TranslateLegacyConditions({{"a", Cmp("DOG", {S("x")})}}, std::nullopt,
                                      LegacyKind::kScanFilter)
                .status()
                .code(),
            Code::kInternal);
  EXPECT_EQ(TranslateLegacyConditions({{"a", {}}}, std::nullopt, LegacyKind::kQueryFilter)
                .status()
                .code(),
            Code::kInternal);
  EXPECT_EQ(TranslateAttributeUpdates({{"a", {.value = S("x"), .action = "SET"}}}).status().code(),
            Code::kInternal);
}

// Evaluates one translated condition against `item`.
bool Holds(const LegacyConditions& conditions, const model::Item& item, LegacyKind kind,
           std::optional<std::string> conditional_operator = std::nullopt) {
  auto r = TranslateLegacyConditions(conditions, conditional_operator, kind);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok() || !r->has_value()) return true;
  auto holds = Evaluate(**r, item, ExpressionKind::kCondition);
  EXPECT_TRUE(holds.ok()) << holds.status().message();
  return holds.ok() && *holds;
}

TEST(LegacyTest, Semantics) {
  model::Item item;
  item["s"] = S("hello");
  item["n"] = N("3");
  item["ns"] = AttributeValue::NS({*model::Number::Parse("2"), *model::Number::Parse("4")});
  item["l"] = AttributeValue::L({N("2"), S("x")});
  item["dotted.name"] = S("v");
  struct Sem {
    LegacyConditions conditions;
    bool want;
  };
  const Sem cases[] = {
      {{{"n", Cmp("NE", {N("4")})}}, true},
      {{{"n", Cmp("NE", {N("3.0")})}}, false},
      {{{"n", Cmp("NE", {S("3")})}}, true},        // a different type is "not equal"
      {{{"missing", Cmp("NE", {N("1")})}}, true},  // so is a missing attribute
      {{{"s", Cmp("NOT_CONTAINS", {S("ell")})}}, false},
      {{{"s", Cmp("NOT_CONTAINS", {S("dog")})}}, true},
      {{{"s", Cmp("NOT_CONTAINS", {N("1")})}}, true},
      {{{"ns", Cmp("NOT_CONTAINS", {N("4")})}}, false},
      {{{"l", Cmp("NOT_CONTAINS", {N("1")})}}, true},
      // Unlike NE, NOT_CONTAINS fails on a missing attribute.
      {{{"missing", Cmp("NOT_CONTAINS", {N("1")})}}, false},
      {{{"missing", Cmp("CONTAINS", {N("1")})}}, false},
      {{{"ns", Cmp("CONTAINS", {N("4")})}}, true},
      {{{"l", Cmp("CONTAINS", {S("x")})}}, true},
      {{{"n", Cmp("IN", {N("2"), N("3"), N("8")})}}, true},
      {{{"n", Cmp("IN", {N("1"), N("2")})}}, false},
      {{{"ns", Cmp("IN", {N("2")})}}, false},  // IN is not membership in a set attribute
      {{{"missing", Cmp("IN", {N("1")})}}, false},
      {{{"n", Cmp("BETWEEN", {N("1"), N("3")})}}, true},
      {{{"n", Cmp("BETWEEN", {N("3"), N("5")})}}, true},
      {{{"n", Cmp("BETWEEN", {N("4"), N("5")})}}, false},
      {{{"s", Cmp("BETWEEN", {S("a"), S("z")})}}, true},
      {{{"n", Cmp("BETWEEN", {S("a"), S("z")})}}, false},
      {{{"missing", Cmp("BETWEEN", {N("0"), N("100")})}}, false},
      {{{"n", Cmp("LT", {S("4")})}}, false},
      {{{"missing", Cmp("NULL")}}, true},
      {{{"n", Cmp("NULL")}}, false},
      {{{"n", Cmp("NOT_NULL")}}, true},
      {{{"s", Cmp("BEGINS_WITH", {S("hel")})}}, true},
      {{{"n", Cmp("BEGINS_WITH", {S("3")})}}, false},
      {{{"dotted.name", Cmp("EQ", {S("v")})}}, true},
  };
  for (const Sem& c : cases) {
    EXPECT_EQ(Holds(c.conditions, item, LegacyKind::kScanFilter), c.want)
        << Translate(c.conditions, LegacyKind::kScanFilter);
  }

  EXPECT_TRUE(Holds({{"missing", Value(N("1"))}, {"n", {.value = N("3"), .exists = true}}}, item,
                    LegacyKind::kExpected, "OR"));
  EXPECT_FALSE(Holds({{"missing", Value(N("1"))}, {"n", {.value = N("3"), .exists = true}}}, item,
                     LegacyKind::kExpected, "AND"));
  EXPECT_TRUE(
      Holds({{"missing", {.exists = false}}, {"n", Value(N("3"))}}, item, LegacyKind::kExpected));
  EXPECT_FALSE(Holds({{"n", {.exists = false}}}, item, LegacyKind::kExpected));
}

TEST(LegacyTest, IndexableKeyConditions) {
  for (const char* op : {"EQ", "LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN"}) {
    EXPECT_TRUE(CheckIndexableKeyCondition(Cmp(op)).ok()) << op;
  }
  for (const char* op : {"NULL", "NOT_NULL", "NE", "CONTAINS", "NOT_CONTAINS", "IN"}) {
    EXPECT_EQ(CheckIndexableKeyCondition(Cmp(op)).message(),
              "Attempted conditional constraint is not an indexable operation")
        << op;
  }
}

// ToString of the translated updates, or the error message.
std::string Updates(const LegacyAttributeUpdates& updates) {
  auto r = TranslateAttributeUpdates(updates);
  return r.ok() ? ToString(*r) : r.status().message();
}

TEST(LegacyTest, AttributeUpdates) {
  const AttributeValue ss = AttributeValue::SS({"a"});
  EXPECT_EQ(
      Updates({{"a", {.value = S("x")}},
               {"b", {.value = S("y"), .action = "PUT"}},
               {"c", {.action = "DELETE"}},
               {"d", {.value = ss, .action = "DELETE"}},
               {"e", {.value = N("1"), .action = "ADD"}},
               {"f", {.value = AttributeValue::NS({*model::Number::Parse("1")}), .action = "ADD"}},
               {"g", {.value = AttributeValue::L({N("1")}), .action = "ADD"}},
               {"h.i", {.value = AttributeValue::M({}), .action = "PUT"}}}),
      "SET a {S:x}; SET b {S:y}; REMOVE c; DELETE d {SS:...}; ADD e {N:1}; "
      "ADD f {NS:...}; ADD g {L:...}; SET h.i {M:...}");
  EXPECT_EQ(Updates({}), "");
  // An L value for ADD is the one update only this path produces.
  auto r = TranslateAttributeUpdates({{"g", {.value = AttributeValue::L({}), .action = "ADD"}}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->actions.size(), 1u);
  EXPECT_EQ(r->actions[0].kind, UpdateAction::Kind::kAdd);
  EXPECT_EQ(r->actions[0].value.value.value->type(), model::Type::kL);
  EXPECT_EQ(r->actions[0].path.elements.size(), 1u);
}

TEST(LegacyTest, AttributeUpdateErrors) {
  const std::string no_value = "Only DELETE action is allowed when no attribute value is specified";
  EXPECT_EQ(Updates({{"a", {}}}), kInvalid + no_value);
  EXPECT_EQ(Updates({{"a", {.action = "ADD"}}}), kInvalid + no_value);
  EXPECT_EQ(Updates({{"a", {.action = "PUT"}}}), kInvalid + no_value);
  const AttributeValue bad_delete[] = {S("1"),
                                       N("1"),
                                       B("b"),
                                       AttributeValue::MakeNull(),
                                       AttributeValue::Bool(true),
                                       AttributeValue::M({}),
                                       AttributeValue::L({})};
  for (const AttributeValue& v : bad_delete) {
    EXPECT_EQ(Updates({{"a", {.value = v, .action = "DELETE"}}}),
              kInvalid + "DELETE action with value is not supported for the type " +
                  std::string(model::TypeName(v.type())));
  }
  const AttributeValue bad_add[] = {S("1"), B("b"), AttributeValue::MakeNull(),
                                    AttributeValue::Bool(true), AttributeValue::M({})};
  for (const AttributeValue& v : bad_add) {
    EXPECT_EQ(Updates({{"a", {.value = v, .action = "ADD"}}}),
              kInvalid + "ADD action is not supported for the type " +
                  std::string(model::TypeName(v.type())));
  }
  // The first entry in request order wins.
  EXPECT_EQ(Updates({{"z", {.value = S("x")}},
                     {"y", {.value = S("1"), .action = "ADD"}},
                     {"x", {.action = "PUT"}}}),
            kInvalid + "ADD action is not supported for the type S");
}

}  // namespace
}  // namespace stator::expr

#include "expr/resolver.h"

#include <gtest/gtest.h>

#include <string>

#include "expr/parser.h"

namespace stator::expr {
namespace {

using model::AttributeValue;

AttributeValue N(const char* text) { return AttributeValue::N(*model::Number::Parse(text)); }
AttributeValue S(const char* text) { return AttributeValue::S(text); }

struct Fixture {
  NameMap names = {{"#a", "a"}, {"#b", "b"}, {"#n", "name"}};
  ValueMap values = {{":s", S("x")},
                     {":t", S("y")},
                     {":one", N("1")},
                     {":b", AttributeValue::Bool(true)},
                     {":l", AttributeValue::L({})},
                     {":ss", AttributeValue::SS({"q"})},
                     {":type", S("SS")},
                     {":badtype", S("STRING")},
                     {":bin", AttributeValue::B(std::string("\xff\x00", 2))}};
  Resolver resolver{&names, &values};
};

std::string Cond(Resolver& r, const std::string& text) {
  auto parsed = ParseCondition(text, ExpressionKind::kCondition);
  if (!parsed.ok()) return "PARSE: " + parsed.status().message();
  auto resolved = r.Resolve(*parsed, ExpressionKind::kCondition);
  return resolved.ok() ? ToString(*resolved) : resolved.status().message();
}
std::string Upd(Resolver& r, const std::string& text) {
  auto parsed = ParseUpdate(text);
  if (!parsed.ok()) return "PARSE: " + parsed.status().message();
  auto resolved = r.Resolve(*parsed);
  return resolved.ok() ? ToString(*resolved) : resolved.status().message();
}
std::string Proj(Resolver& r, const std::string& text) {
  auto parsed = ParseProjection(text);
  if (!parsed.ok()) return "PARSE: " + parsed.status().message();
  auto resolved = r.Resolve(*parsed);
  return resolved.ok() ? ToString(*resolved) : resolved.status().message();
}

struct Case {
  std::string text;
  std::string want;
};

TEST(ResolverTest, Conditions) {
  const std::string p = "Invalid ConditionExpression: ";
  const Case cases[] = {
      {"#a = :s", "(= a {S:x})"},
      {"#n.#b[1] <> :one", "(<> name.b[1] {N:1})"},
      {"a BETWEEN :s AND :t", "(BETWEEN a {S:x} {S:y})"},
      {"attribute_type(a, :type)", "(attribute_type a {S:SS})"},
      {"size(#a) > :one", "(> (size a) {N:1})"},
      {"#zz = :s", p + "An expression attribute name used in the document path is not defined; "
                       "attribute name: #zz"},
      {"a = :zz AND #zz = :s",
       p + "An expression attribute value used in expression is not defined; "
           "attribute value: :zz"},
      {"#a = #a", p + "The first operand must be distinct from the remaining operands for this "
                      "operator or function; operator: =, first operand: [a]"},
      {"begins_with(a.b, #a.b)",
       p + "The first operand must be distinct from the remaining operands for this operator "
           "or function; operator: begins_with, first operand: [a, b]"},
      {"begins_with(a, :one)",
       p + "Incorrect operand type for operator or function; operator or function: "
           "begins_with, operand type: N"},
      {"attribute_type(a, :one)",
       p + "Incorrect operand type for operator or function; operator or function: "
           "attribute_type, operand type: N"},
      {"attribute_type(a, :badtype)",
       p + "Invalid attribute type name found; type: STRING, valid types: "
           "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
      {"size(:b) = :one",
       p + "Incorrect operand type for operator or function; operator or function: size, "
           "operand type: BOOL"},
      {"a BETWEEN :t AND :s",
       p + "The BETWEEN operator requires upper bound to be greater than or equal to lower "
           "bound; lower bound operand: AttributeValue: {S:y}, upper bound operand: "
           "AttributeValue: {S:x}"},
      {"a BETWEEN :one AND :bin",
       p + "The BETWEEN operator requires same data type for lower and upper bounds; lower "
           "bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: "
           "{B:java.nio.HeapByteBuffer[pos=0 lim=2 cap=2]}"},
      {"a BETWEEN :one AND :s",
       p + "The BETWEEN operator requires same data type for lower and upper bounds; lower "
           "bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:x}"},
  };
  for (const Case& c : cases) {
    Fixture f;
    EXPECT_EQ(Cond(f.resolver, c.text), c.want) << c.text;
  }
}

TEST(ResolverTest, Updates) {
  const std::string p = "Invalid UpdateExpression: ";
  const Case cases[] = {
      {"SET #a = :s REMOVE #b ADD c :one DELETE d :ss",
       "SET a {S:x}; REMOVE b; ADD c {N:1}; DELETE d {SS:...}"},
      {"SET a = :zz, #zz = :s",
       p + "An expression attribute name used in the document path is not defined; "
           "attribute name: #zz"},
      {"SET a = :zz", p + "An expression attribute value used in expression is not defined; "
                          "attribute value: :zz"},
      {"SET a.b = :s REMOVE #a",
       p + "Two document paths overlap with each other; must remove or rewrite one of these "
           "paths; path one: [a, b], path two: [a]"},
      {"SET a = :s, #a = :t",
       p + "Two document paths overlap with each other; must remove or rewrite one of these "
           "paths; path one: [a], path two: [a]"},
      {"SET a[0] = :s REMOVE a.b",
       p + "Two document paths conflict with each other; must remove or rewrite one of these "
           "paths; path one: [a, [0]], path two: [a, b]"},
      {"SET a[0] = :s, a[1] = :s, b.c = :s, b.d = :s",
       "SET a[0] {S:x}; SET a[1] {S:x}; SET b.c {S:x}; SET b.d {S:x}"},
      {"ADD a :s",
       p + "Incorrect operand type for operator or function; operator: ADD, operand type: "
           "STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"},
      {"DELETE a :one",
       p + "Incorrect operand type for operator or function; operator: DELETE, operand type: "
           "NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
      {"SET a = b + :s",
       p + "Incorrect operand type for operator or function; operator or function: +, "
           "operand type: S"},
      {"SET a = list_append(:l, :one)",
       p + "Incorrect operand type for operator or function; operator or function: "
           "list_append, operand type: N"},
  };
  for (const Case& c : cases) {
    Fixture f;
    EXPECT_EQ(Upd(f.resolver, c.text), c.want) << c.text;
  }
}

TEST(ResolverTest, Projections) {
  const std::string p = "Invalid ProjectionExpression: ";
  Fixture f;
  EXPECT_EQ(Proj(f.resolver, "#n, #a.b[2]"), "name, a.b[2]");
  EXPECT_EQ(Proj(f.resolver, "a, #a"),
            p + "Two document paths overlap with each other; must remove or rewrite one of "
                "these paths; path one: [a], path two: [a]");
  EXPECT_EQ(Proj(f.resolver, "#q"),
            p + "An expression attribute name used in the document path is not defined; "
                "attribute name: #q");
}

TEST(ResolverTest, UnusedAcrossExpressions) {
  Fixture f;
  ASSERT_EQ(Cond(f.resolver, "#a = :s"), "(= a {S:x})");
  EXPECT_EQ(f.resolver.CheckAllUsed().message(),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #n}");
  ASSERT_EQ(Proj(f.resolver, "#b, #n"), "b, name");
  EXPECT_EQ(f.resolver.CheckAllUsed().message(),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: "
            "{:b, :badtype, :bin, :l, :one, :ss, :t, :type}");
  ASSERT_EQ(Upd(f.resolver,
                "SET a = :b, c = :badtype, d = :l, e = :one, f = :ss, g = :t, h = :type, i = :bin"),
            "SET a {BOOL:true}; SET c {S:STRING}; SET d {L:...}; SET e {N:1}; SET f {SS:...}; "
            "SET g {S:y}; SET h {S:SS}; SET i {B:java.nio.HeapByteBuffer[pos=0 lim=2 cap=2]}");
  EXPECT_TRUE(f.resolver.CheckAllUsed().ok());
}

TEST(ResolverTest, AbsentMaps) {
  Resolver r(nullptr, nullptr);
  EXPECT_EQ(Cond(r, "#a = :v"),
            "Invalid ConditionExpression: An expression attribute name used in the document path "
            "is not defined; attribute name: #a");
  EXPECT_EQ(Cond(r, "a = b"), "(= a b)");
  EXPECT_TRUE(r.CheckAllUsed().ok());
}

}  // namespace
}  // namespace stator::expr

#include "partiql/parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "partiql/lexer.h"

namespace stator::partiql {
namespace {

struct Case {
  std::string text;
  std::string want;  // ToString of the statement, or the exact error message
};

std::string Parsed(const std::string& text) {
  auto r = Parse(text);
  return r.ok() ? ToString(*r) : r.status().message();
}

const std::string kBad = "Statement wasn't well formed, can't be processed: ";

TEST(PartiqlParserTest, Select) {
  const Case cases[] = {
      {"SELECT * FROM Music", R"(SELECT * FROM "Music")"},
      {"select * from \"Music\" where Artist = 'Acme'",
       R"(SELECT * FROM "Music" WHERE ("Artist" = 'Acme'))"},
      {"SELECT a, b.c, d[2], \"e f\"['g'] FROM t.\"idx\"",
       R"(SELECT "a", "b"."c", "d"[2], "e f"."g" FROM "t"."idx")"},
      {"SELECT * FROM t WHERE pk = ? AND sk BETWEEN 1 AND 2.5e1",
       R"(SELECT * FROM "t" WHERE (("pk" = ?) AND ("sk" BETWEEN 1 AND 25)))"},
      {"SELECT * FROM t WHERE pk IN ['a', 'b'] OR NOT x <> -3",
       R"(SELECT * FROM "t" WHERE (("pk" IN ['a', 'b']) OR (NOT ("x" <> -3))))"},
      {"SELECT * FROM t WHERE a IS MISSING AND b IS NOT NULL AND c IS BOOLEAN",
       R"(SELECT * FROM "t" WHERE ((("a" IS MISSING) AND ("b" IS NOT NULL)) AND ("c" IS BOOLEAN)))"},
      {"SELECT * FROM t WHERE begins_with(sk, 'x') AND size(l) > 3 AND Contains(s, 'a')",
       R"(SELECT * FROM "t" WHERE ((begins_with("sk", 'x') AND (size("l") > 3)) AND contains("s", 'a')))"},
      {"SELECT * FROM t WHERE pk = 'a' ORDER BY sk DESC",
       R"(SELECT * FROM "t" WHERE ("pk" = 'a') ORDER BY "sk" DESC)"},
      {"SELECT * FROM t WHERE s = 'it''s' -- comment\n;", R"(SELECT * FROM "t" WHERE ("s" = 'it''s'))"},
      {"SELECT * /* c */ FROM t WHERE n = 1E3", R"(SELECT * FROM "t" WHERE ("n" = 1000))"},
  };
  for (const Case& c : cases) EXPECT_EQ(Parsed(c.text), c.want) << c.text;
}

TEST(PartiqlParserTest, Writes) {
  const Case cases[] = {
      {"INSERT INTO t VALUE {'pk': 'a', 'n': 1, 'l': [1, 'x', true, null], 'm': {'k': <<1, 2>>}}",
       R"(INSERT INTO "t" VALUE {'pk': 'a', 'n': 1, 'l': [1, 'x', true, null], 'm': {'k': <<1, 2>>}})"},
      {"insert into \"t\" value ?", R"(INSERT INTO "t" VALUE ?)"},
      {"UPDATE t SET a = 1, b = b + 2 SET c = list_append(c, [1]) REMOVE d.e[0] WHERE pk = 'x' "
       "RETURNING ALL NEW *",
       R"(UPDATE "t" SET "a" = 1 SET "b" = ("b" + 2) SET "c" = list_append("c", [1]) REMOVE "d"."e"[0] WHERE ("pk" = 'x') RETURNING ALL NEW *)"},
      {"UPDATE t SET s = set_add(s, <<'a'>>) WHERE pk = 'x' RETURNING MODIFIED OLD *",
       R"(UPDATE "t" SET "s" = set_add("s", <<'a'>>) WHERE ("pk" = 'x') RETURNING MODIFIED OLD *)"},
      {"DELETE FROM t WHERE pk = 'x' AND sk = 1 RETURNING ALL OLD *",
       R"(DELETE FROM "t" WHERE (("pk" = 'x') AND ("sk" = 1)) RETURNING ALL OLD *)"},
      {"EXISTS(SELECT * FROM t WHERE pk = 'x' AND v = 1)",
       R"(EXISTS(SELECT * FROM "t" WHERE (("pk" = 'x') AND ("v" = 1))))"},
  };
  for (const Case& c : cases) EXPECT_EQ(Parsed(c.text), c.want) << c.text;
}

TEST(PartiqlParserTest, CountsParameters) {
  auto r = Parse("SELECT * FROM t WHERE a = ? AND b IN [?, ?]");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->parameter_count, 3u);
  EXPECT_EQ(Parse("SELECT * FROM t WHERE a = '?'")->parameter_count, 0u);
}

TEST(PartiqlParserTest, Errors) {
  const Case cases[] = {
      {"SLECT * FROM t", kBad + "Expected data manipulation"},
      {"", kBad + "Expected data manipulation"},
      {"SELECT * FROM t WHERE", kBad + "Unexpected term"},
      {"SELECT * FROM", kBad + "Unexpected term"},
      {"SELECT * FROM t WHERE a = 1 AND", kBad + "Missing right-hand side expression of infix operator"},
      {"SELECT * FROM t WHERE a = 1 OR", kBad + "Missing right-hand side expression of infix operator"},
      {"SELECT * FROM t WHERE IS NULL", kBad + "Unexpected operator"},
      {"SELECT * FROM t WHERE ORDER BY pk", kBad + "Unexpected keyword"},
      {"SELECT * FROM t WHERE a = 1 b", kBad + "Unexpected token after expression"},
      {"SELECT * FROM t WHERE a = 1 1 e5", kBad + "Unexpected token after expression"},
      {"DELETE FROM WHERE a = 1", kBad + "Expected identifier for simple path"},
      {"DELETE FROM", kBad + "Expected identifier for simple path"},
      {"SELECT * FROM t x", "Aliasing is not supported"},
      {"SELECT * FROM t AS x", "Aliasing is not supported"},
      {"UPDATE t x SET a = 1 WHERE pk = 1", "Aliasing is not supported"},
      {"SELECT * FROM a.b.c", "A path may contain at most 2 components in the FROM clause"},
      {"SELECT * FROM \"\"", "Path component cannot be an empty string"},
      {"INSERT INTO t.i VALUE {'a': 1}", "FROM clause may only contain a single table name"},
      {"UPDATE t.i SET a = 1 WHERE pk = 1", "This operation is not supported on an index"},
      {"SELECT * FROM t WHERE a IS FOO", kBad + "Expected type name"},
      {"SELECT * FROM t WHERE # comment", kBad},
      {"SELECT * FROM t /* open", kBad},
      {"SELECT * FROM t WHERE a = 'open", kBad},
      {"SELECT * FROM t WHERE a = 1e2147483648", kBad},
      {"SELECT * FROM t WHERE a = 1e126",
       "Number overflow. Attempting to store a number with magnitude larger than supported range"},
  };
  for (const Case& c : cases) EXPECT_EQ(Parsed(c.text), c.want) << c.text;
}

TEST(PartiqlParserTest, DeepNestingIsRefusedNotFatal) {
  std::string deep = "SELECT * FROM t WHERE " + std::string(20000, '(') + "a = 1" +
                     std::string(20000, ')');
  EXPECT_FALSE(Parse(deep).ok());
  std::string nots = "SELECT * FROM t WHERE ";
  for (int i = 0; i < 20000; ++i) nots += "NOT ";
  EXPECT_FALSE(Parse(nots + "a = 1").ok());
  std::string lists = "INSERT INTO t VALUE " + std::string(20000, '[');
  EXPECT_FALSE(Parse(lists).ok());
}

// Whatever parses, parses back from its rendering to the same tree.
TEST(PartiqlParserTest, RenderingRoundTripsOnRandomInput) {
  const std::string prefixes[] = {"SELECT * FROM t WHERE ", "UPDATE t SET a = ",
                                  "DELETE FROM t WHERE ", "INSERT INTO t VALUE "};
  const std::string pieces[] = {"a", "=", "1", "'s'", "AND", "OR", "NOT", "(", ")", "[", "]",
                                ",", "?", "<<", ">>", "{", "}", ":", ".", "IN", "BETWEEN", "IS",
                                "MISSING", "NULL", "size", "begins_with", "-", "+", "<", "\"q\"",
                                "WHERE", "RETURNING", "ALL", "OLD", "*", "true", "2.5"};
  std::mt19937 rng(7);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = prefixes[rng() % std::size(prefixes)];
    const int n = 1 + static_cast<int>(rng() % 10);
    for (int j = 0; j < n; ++j) text += pieces[rng() % std::size(pieces)] + " ";
    auto r = Parse(text);
    if (!r.ok()) continue;
    ++parsed;
    const std::string once = ToString(*r);
    auto again = Parse(once);
    ASSERT_TRUE(again.ok()) << text << " -> " << once << ": " << again.status().message();
    EXPECT_EQ(ToString(*again), once) << text;
  }
  EXPECT_GT(parsed, 0);
}

TEST(PartiqlLexerTest, SpansCountLinesAndCodePoints) {
  auto tokens = Lex("SELECT\n  'é' , x");
  ASSERT_TRUE(tokens.ok());
  ASSERT_GE(tokens->size(), 4u);
  EXPECT_EQ((*tokens)[1].span.line, 2u);
  EXPECT_EQ((*tokens)[1].span.column, 3u);
  EXPECT_EQ((*tokens)[1].span.length, 3u);
  EXPECT_EQ((*tokens)[3].span.column, 9u);
}

}  // namespace
}  // namespace stator::partiql

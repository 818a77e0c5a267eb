#include "expr/parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "expr/lexer.h"
#include "expr/reserved_words.h"

namespace stator::expr {
namespace {

struct Case {
  std::string text;
  std::string want;  // ToString of the AST, or the exact error message
};

std::string Cond(const std::string& text, ExpressionKind kind = ExpressionKind::kCondition) {
  auto r = ParseCondition(text, kind);
  return r.ok() ? ToString(*r) : r.status().message();
}
std::string Proj(const std::string& text) {
  auto r = ParseProjection(text);
  return r.ok() ? ToString(*r) : r.status().message();
}
std::string Upd(const std::string& text) {
  auto r = ParseUpdate(text);
  return r.ok() ? ToString(*r) : r.status().message();
}

TEST(ReservedWordsTest, CaseInsensitiveAndComplete) {
  for (const char* w : {"ABORT", "zone", "Name", "size", "FLATTERN", "inNTer", "status"}) {
    EXPECT_TRUE(IsReservedWord(w)) << w;
  }
  for (const char* w : {"", "a", "abortx", "ZONES", "names_", "attribute_exists"}) {
    EXPECT_FALSE(IsReservedWord(w)) << w;
  }
}

TEST(LexerTest, TokensAndOffsets) {
  auto t = Lex(" #a.b[12] <>:v1 >= é");
  ASSERT_EQ(t.size(), 11u);
  EXPECT_EQ(t[0].kind, TokenKind::kNamePlaceholder);
  EXPECT_EQ(t[0].offset, 1u);
  EXPECT_EQ(t[4].text, "12");
  EXPECT_EQ(t[6].kind, TokenKind::kNe);
  EXPECT_EQ(t[7].text, ":v1");
  EXPECT_EQ(t[8].kind, TokenKind::kGe);
  EXPECT_EQ(t[9].kind, TokenKind::kUnknown);
  EXPECT_EQ(t[9].text, "é");
  EXPECT_EQ(Lex("").back().kind, TokenKind::kEof);
}

TEST(ParserTest, ValidConditions) {
  const Case cases[] = {
      {"a = :v", "(= a :v)"},
      {"#a.b[2][0].c <> :v", "(<> #a.b[2][0].c :v)"},
      {"a < b", "(< a b)"},
      {"a<=:v", "(<= a :v)"},
      {"a > :v AND b >= :w", "(AND (> a :v) (>= b :w))"},
      {"a = :v OR b = :v AND c = :v", "(OR (= a :v) (AND (= b :v) (= c :v)))"},
      {"NOT a = :v AND b = :v", "(AND (NOT (= a :v)) (= b :v))"},
      {"not (a = :v or b = :v)", "(NOT (OR (= a :v) (= b :v)))"},
      {"a BETWEEN :lo AND :hi", "(BETWEEN a :lo :hi)"},
      {"a between :lo and :hi AND b = :v", "(AND (BETWEEN a :lo :hi) (= b :v))"},
      {"a IN (:x, :y, b)", "(IN a :x :y b)"},
      {"attribute_exists(a)", "(attribute_exists a)"},
      {"attribute_not_exists(#k)", "(attribute_not_exists #k)"},
      {"attribute_type(a, :t)", "(attribute_type a :t)"},
      {"begins_with(a.b, :p) AND contains(c, :x)", "(AND (begins_with a.b :p) (contains c :x))"},
      {"size(a) > :n", "(> (size a) :n)"},
      {"(a) = :v", "(= a :v)"},
      {"a = (:v)", "(= a :v)"},
      {"(begins_with(a, :v))", "(begins_with a :v)"},
      {"(a = :v) AND ((b = :v) OR c = :v)", "(AND (= a :v) (OR (= b :v) (= c :v)))"},
      {"\ta\n=\r:v ", "(= a :v)"},
      {"_x1 = :v", "(= _x1 :v)"},
  };
  for (const Case& c : cases) EXPECT_EQ(Cond(c.text), c.want) << c.text;
}

TEST(ParserTest, InvalidConditions) {
  const std::string p = "Invalid ConditionExpression: ";
  const Case cases[] = {
      {"", p + "The expression can not be empty;"},
      {" \t ", p + "Syntax error; token: \"<EOF>\", near: \" \t \""},
      {"  \n", p + "Syntax error; token: \"<EOF>\", near: \"  \n\""},
      {"a =", p + "Syntax error; token: \"<EOF>\", near: \"=\""},
      {"a b", p + "Syntax error; token: \"b\", near: \"a b\""},
      {"numx / :v", p + "Syntax error; token: \"/\", near: \"numx / :v\""},
      {"a[-1] = :v", p + "Syntax error; token: \"-\", near: \"[-1\""},
      {"!!!", p + "Syntax error; token: \"!\", near: \"!!\""},
      {"a = :v AND", p + "Syntax error; token: \"<EOF>\", near: \"AND\""},
      {"a = :v AND  ", p + "Syntax error; token: \"<EOF>\", near: \"AND  \""},
      {"a = :v = b", p + "Syntax error; token: \"=\", near: \":v = b\""},
      {"a", p + "Syntax error; token: \"<EOF>\", near: \"a\""},
      {"a AND b = :v", p + "Syntax error; token: \"AND\", near: \"a AND b\""},
      {"a BETWEEN :x OR :y", p + "Syntax error; token: \"OR\", near: \":x OR :y\""},
      {"a IN :x", p + "Syntax error; token: \":x\", near: \"IN :x\""},
      {"attribute_exists()", p + "Syntax error; token: \")\", near: \"()\""},
      {"AND = :v", p + "Syntax error; token: \"AND\", near: \"AND =\""},
      {"a.1 = :v", p + "Syntax error; token: \"1\", near: \".1 =\""},
      {"# = :v", p + "Syntax error; token: \"#\", near: \"# =\""},
      {"foo(a)", p + "Invalid function name; function: foo"},
      {"BEGINS_WITH(a, :v)", p + "Invalid function name; function: BEGINS_WITH"},
      {"if_not_exists(a, :v) = :v", p + "Invalid function name; function: if_not_exists"},
      {"begins_with(a)",
       p + "Incorrect number of operands for operator or function; operator or function: "
           "begins_with, number of operands: 1"},
      {"size(a, b) = :v",
       p + "Incorrect number of operands for operator or function; operator or function: "
           "size, number of operands: 2"},
      {"attribute_exists(:v)",
       p + "Operator or function requires a document path; operator or function: "
           "attribute_exists"},
      {"size(a)",
       p + "The function is not allowed to be used this way in an expression; function: size"},
      {"begins_with(a, :v) = :v",
       p + "The function is not allowed to be used this way in an expression; function: "
           "begins_with"},
      {"contains(attribute_exists(a), :v)",
       p + "The function is not allowed to be used this way in an expression; function: "
           "attribute_exists"},
      {"((a = :v))", p + "The expression has redundant parentheses;"},
      {"((a)) = :v", p + "The expression has redundant parentheses;"},
      {"a = ((:v))", p + "The expression has redundant parentheses;"},
      {"name = :v", p + "Attribute name is a reserved keyword; reserved keyword: name"},
      {"a.Size = :v", p + "Attribute name is a reserved keyword; reserved keyword: Size"},
      // Priority: unknown function before reserved keyword, parens before both.
      {"name = :v AND foo(a)", p + "Invalid function name; function: foo"},
      {"((name = :v)) AND foo(a)", p + "The expression has redundant parentheses;"},
      // Syntax errors beat everything.
      {"foo(a) AND name = :v b", p + "Syntax error; token: \"b\", near: \":v b\""},
  };
  for (const Case& c : cases) EXPECT_EQ(Cond(c.text), c.want) << c.text;
}

TEST(ParserTest, KindNamesTheExpression) {
  EXPECT_EQ(Cond("", ExpressionKind::kFilter),
            "Invalid FilterExpression: The expression can not be empty;");
  EXPECT_EQ(Cond("a =", ExpressionKind::kKeyCondition),
            "Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
}

TEST(ParserTest, InOperandLimit) {
  std::string list;
  for (int i = 0; i < 100; ++i) list += (i ? "," : "") + std::string(":v") + std::to_string(i);
  EXPECT_EQ(Cond("a IN (" + list + ")").substr(0, 7), "(IN a :");
  EXPECT_EQ(Cond("a IN (" + list + ",:x)"),
            "Invalid ConditionExpression: The IN operator is provided with too many operands; "
            "number of operands: 101");
}

TEST(ParserTest, SizeLimit) {
  std::string ok = "a = :v" + std::string(4096 - 6, ' ');
  EXPECT_EQ(Cond(ok), "(= a :v)");
  EXPECT_EQ(Cond(ok + " "),
            "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
            "expression size: 4097");
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = std::string(1000, '(') + "a = :v" + std::string(1000, ')');
  EXPECT_NE(Cond(deep).find("Syntax error"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 800; ++i) nots += "NOT ";
  EXPECT_NE(Cond(nots + "a = :v").find("Syntax error"), std::string::npos);
}

TEST(ParserTest, Projections) {
  const std::string p = "Invalid ProjectionExpression: ";
  const Case cases[] = {
      {"a", "a"},
      {"a, #b.c[3], d[0][1]", "a, #b.c[3], d[0][1]"},
      {"and", p + "Attribute name is a reserved keyword; reserved keyword: and"},
      {"", p + "The expression can not be empty;"},
      {" \t ", p + "Syntax error; token: \"<EOF>\", near: \" \t \""},
      {"a,", p + "Syntax error; token: \"<EOF>\", near: \",\""},
      {"a b", p + "Syntax error; token: \"b\", near: \"a b\""},
      {"a[x]", p + "Syntax error; token: \"x\", near: \"[x]\""},
      {"a.", p + "Syntax error; token: \"<EOF>\", near: \".\""},
      {"[1]", p + "Syntax error; token: \"[\", near: \"[1\""},
      {"name", p + "Attribute name is a reserved keyword; reserved keyword: name"},
      {"a, b.Status", p + "Attribute name is a reserved keyword; reserved keyword: Status"},
  };
  for (const Case& c : cases) EXPECT_EQ(Proj(c.text), c.want) << c.text;
}

TEST(ParserTest, Updates) {
  const std::string p = "Invalid UpdateExpression: ";
  const Case cases[] = {
      {"SET a = :v", "SET a :v"},
      {"set a = b + :v, c = :w - d", "SET a (+ b :v); SET c (- :w d)"},
      {"SET a = if_not_exists(a, :z) + :one", "SET a (+ (if_not_exists a :z) :one)"},
      {"SET l = list_append(l, :items)", "SET l (list_append l :items)"},
      {"SET a = (b + :v)", "SET a (+ b :v)"},
      {"REMOVE a, b.c[1] ADD n :one DELETE s :x SET #x = :v",
       "REMOVE a; REMOVE b.c[1]; ADD n :one; DELETE s :x; SET #x :v"},
      {"", p + "The expression can not be empty;"},
      {" \t ", p + "Syntax error; token: \"<EOF>\", near: \" \t \""},
      {"SET", p + "Syntax error; token: \"<EOF>\", near: \"SET\""},
      {"SET a = ", p + "Syntax error; token: \"<EOF>\", near: \"= \""},
      {"SET a = b +  ", p + "Syntax error; token: \"<EOF>\", near: \"+  \""},
      {"SET a = b +", p + "Syntax error; token: \"<EOF>\", near: \"+\""},
      {"SET a = b + c + d", p + "Syntax error; token: \"+\", near: \"c + d\""},
      {"SET a = numx / :v", p + "Syntax error; token: \"/\", near: \"numx / :v\""},
      {"SET a :v", p + "Syntax error; token: \":v\", near: \"a :v\""},
      {"ADD a b", p + "Syntax error; token: \"b\", near: \"a b\""},
      {"UPSERT a = :v", p + "Syntax error; token: \"UPSERT\", near: \"UPSERT a\""},
      {"SET a = :v,", p + "Syntax error; token: \"<EOF>\", near: \",\""},
      {"SET a = :v SET b = :v",
       p + "The \"SET\" section can only be used once in an update expression;"},
      {"remove a REMOVE b",
       p + "The \"REMOVE\" section can only be used once in an update expression;"},
      {"SET a = foo(b)", p + "Invalid function name; function: foo"},
      {"SET a = size(b)", p + "Invalid function name; function: size"},
      {"SET a = if_not_exists(:v, b)",
       p + "Operator or function requires a document path; operator or function: "
           "if_not_exists"},
      {"SET a = list_append(b)",
       p + "Incorrect number of operands for operator or function; operator or function: "
           "list_append, number of operands: 1"},
      {"SET name = :v", p + "Attribute name is a reserved keyword; reserved keyword: name"},
      {"SET a = :v SET name = foo(b)",
       p + "Attribute name is a reserved keyword; reserved keyword: name"},
      {"SET a = :v SET b = foo(c)", p + "Invalid function name; function: foo"},
  };
  for (const Case& c : cases) EXPECT_EQ(Upd(c.text), c.want) << c.text;
}

// Random input never crashes and always yields a value or a Validation status.
TEST(ParserTest, RandomGarbage) {
  std::mt19937 rng(12345);
  const std::string alphabet = "aZ_09#:.,[]()=<>+-! \tANDORNOTINBETWEENSETsize\xc3\xa9";
  const char* words[] = {
      "AND ",  "OR ",          "NOT ",         "BETWEEN ",       "IN ", "SET ", "REMOVE ", "ADD ",
      "size(", "begins_with(", "list_append(", "if_not_exists(", ":v",  "#n"};
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      if (rng() % 4 == 0) {
        s += words[rng() % (sizeof(words) / sizeof(words[0]))];
      } else {
        s += alphabet[rng() % alphabet.size()];
      }
    }
    if (iter % 3 == 0) s += std::string(1, static_cast<char>(rng() % 256));
    auto c = ParseCondition(s, ExpressionKind::kFilter);
    auto p = ParseProjection(s);
    auto u = ParseUpdate(s);
    if (!c.ok()) {
      EXPECT_TRUE(c.status().IsValidation()) << s;
    }
    if (!p.ok()) {
      EXPECT_TRUE(p.status().IsValidation()) << s;
    }
    if (!u.ok()) {
      EXPECT_TRUE(u.status().IsValidation()) << s;
    }
  }
}

TEST(ParserTest, OperatorLimit) {
  auto conjunction = [](int comparisons) {
    std::string text;
    for (int i = 0; i < comparisons; ++i) text += (i ? " AND " : "") + std::string("a = :v");
    return text;
  };
  EXPECT_EQ(Cond(conjunction(150)).substr(0, 5), "(AND ");  // 299 operators
  EXPECT_EQ(Cond(conjunction(151)),
            "Invalid ConditionExpression: The expression contains too many operators; operator "
            "count: 301");
  // Functions count (DynamoDB: 100 "size(a) = :v" joined by AND, plus one
  // attribute_exists, is 301).
  std::string functions;
  for (int i = 0; i < 100; ++i) functions += "size(a) = :v AND ";
  EXPECT_EQ(Cond(functions + "attribute_exists(b)"),
            "Invalid ConditionExpression: The expression contains too many operators; operator "
            "count: 301");
  std::string nots;
  for (int i = 0; i < 250; ++i) nots += "NOT ";
  EXPECT_EQ(Cond(nots + "a = :v").substr(0, 5), "(NOT ");  // 251 operators
  // An update needs one action per "+": a chain "a + b + c" is a syntax error.
  auto sum = [](int actions) {
    std::string text = "SET ";
    for (int i = 0; i < actions; ++i) text += (i ? "," : "") + ("a" + std::to_string(i)) + "=:v+:v";
    return text;
  };
  EXPECT_EQ(Upd("SET a = :v + :v + :v"),
            "Invalid UpdateExpression: Syntax error; token: \"+\", near: \":v + :v\"");
  EXPECT_EQ(Upd("SET a = (:v + :v) - :v"),
            "Invalid UpdateExpression: Syntax error; token: \"-\", near: \") - :v\"");
  EXPECT_EQ(Upd("SET a = (:v) + :v"), "SET a (+ :v :v)");
  EXPECT_EQ(Upd("SET a = (:v + :v), b = :v"), "SET a (+ :v :v); SET b :v");
  for (const char* redundant :
       {"SET a = ((:v + :v))", "SET a = ((:v)) - ((:v))", "SET a = (((:v) + :v))"}) {
    EXPECT_EQ(Upd(redundant), "Invalid UpdateExpression: The expression has redundant parentheses;")
        << redundant;
  }
  EXPECT_EQ(Upd("SET a = :v + (:v - :v)"),
            "Invalid UpdateExpression: Syntax error; token: \"-\", near: \":v - :v\"");
  EXPECT_EQ(Upd(sum(300)).substr(0, 9), "SET a0 (+");
  EXPECT_EQ(Upd(sum(301)),
            "Invalid UpdateExpression: The expression contains too many operators; operator "
            "count: 301");
}

}  // namespace
}  // namespace stator::expr

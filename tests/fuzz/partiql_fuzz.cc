// libFuzzer target for PartiQL: the parser, and the translation of a parsed statement's WHERE
// into DynamoDB's expression language.
//
// The input is a statement's text. Untrusted text must never crash, throw or hang; the parser
// answers a statement or a ValidationException. Whatever parses renders (ToString) to text that
// parses back to the same rendering. A statement's WHERE, with every ? bound to a string, is
// written as a condition expression (ops/partiql_expressions.h); what the writer produces must
// be grammatical to DynamoDB's expression parser: it may be refused for a limit (length,
// operators, IN operands) but never with a syntax error. Every message must be sendable
// (wire_text_check.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "expr/parser.h"
#include "ops/partiql_expressions.h"
#include "partiql/parser.h"
#include "wire_text_check.h"

namespace {

void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s: <%s>\n", what, detail.c_str());
  std::abort();
}

const stator::partiql::Expr* WhereOf(const stator::partiql::Statement& s) {
  using namespace stator::partiql;
  if (const auto* x = std::get_if<SelectStatement>(&s.body)) return x->where.get();
  if (const auto* x = std::get_if<UpdateStatement>(&s.body)) return x->where.get();
  if (const auto* x = std::get_if<DeleteStatement>(&s.body)) return x->where.get();
  if (const auto* x = std::get_if<ExistsStatement>(&s.body)) return x->select->where.get();
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool valid_utf8 = stator::fuzz::IsValidUtf8(text);
  auto parsed = stator::partiql::Parse(text);
  if (!parsed.ok()) {
    if (parsed.status().code() != stator::Code::kValidation) Fail("not a validation error", parsed.status().message());
    if (valid_utf8) stator::fuzz::CheckWireText(parsed.status().message());
    return 0;
  }
  const std::string rendered = stator::partiql::ToString(*parsed);
  auto again = stator::partiql::Parse(rendered);
  if (!again.ok()) Fail("rendering does not parse", rendered + " : " + again.status().message());
  if (stator::partiql::ToString(*again) != rendered) Fail("rendering is not stable", rendered);

  const stator::partiql::Expr* where = WhereOf(*parsed);
  if (where == nullptr) return 0;
  const stator::ops::PartiqlParameters params(parsed->parameter_count,
                                              stator::model::AttributeValue::S("p"));
  stator::ops::ExpressionWriter writer(&params);
  auto condition = writer.Condition(*where);
  if (!condition.ok()) {
    if (valid_utf8) stator::fuzz::CheckWireText(condition.status().message());
    return 0;
  }
  auto expression =
      stator::expr::ParseCondition(*condition, stator::expr::ExpressionKind::kCondition);
  if (!expression.ok() &&
      expression.status().message().find("Syntax error") != std::string::npos) {
    Fail("generated condition is not grammatical", *condition + " : " + expression.status().message());
  }
  return 0;
}

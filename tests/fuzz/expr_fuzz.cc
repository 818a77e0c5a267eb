// libFuzzer target for the expression pipeline: parse -> resolve -> evaluate.
//
// The first byte picks the expression kind: (byte - '0') % 5 is 0 condition, 1 filter,
// 2 key condition, 3 projection, 4 update. The rest is the expression text. Untrusted
// text must never crash, throw or hang, and the parser answers either an AST or
// Status::Validation whose message starts with "Invalid " (DynamoDB's "Invalid <Kind>: ...").
// What parses is resolved against fixed ExpressionAttributeNames/Values, and a resolved
// condition is evaluated against a few fixed items, a resolved update applied to them; the resolver
// and the evaluator fail only with Status::Validation, and an updated item holds only values
// DynamoDB could store (no empty or duplicated sets). Every message must be sendable
// (wire_text_check.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "expr/evaluator.h"
#include "expr/parser.h"
#include "expr/resolver.h"
#include "expr/updater.h"
#include "model/attribute_value.h"
#include "model/number.h"
#include "wire_text_check.h"

namespace stator::expr {
namespace {

using model::AttributeValue;

AttributeValue Num(std::string_view text) { return AttributeValue::N(*model::Number::Parse(text)); }

const NameMap& Names() {
  static const NameMap kNames = {{"#a", "a"}, {"#b", "b"}, {"#n", "n"}, {"#dot", "a.b"}};
  return kNames;
}

const ValueMap& Values() {
  static const ValueMap kValues = {
      {":v", AttributeValue::S("x")},
      {":w", Num("5")},
      {":n", Num("-1.5")},
      {":s", AttributeValue::SS({"a", "b"})},
      {":l", AttributeValue::L({AttributeValue::S("x"), Num("1")})},
      {":m", AttributeValue::M({{"k", AttributeValue::Bool(true)}})},
      {":b", AttributeValue::B(std::string("\0\xff", 2))},
      {":t", AttributeValue::S("N")},
      {":z", AttributeValue::MakeNull()},
      {":ns", AttributeValue::NS({*model::Number::Parse("1"), *model::Number::Parse("2")})},
  };
  return kValues;
}

const std::vector<model::Item>& Items() {
  static const std::vector<model::Item> kItems = {
      {},
      {{"a", AttributeValue::S("xyz")},
       {"b", Num("5")},
       {"n", AttributeValue::M({{"x", AttributeValue::L({Num("1"), AttributeValue::S("x")})}})},
       {"l", AttributeValue::L({AttributeValue::S("x"), AttributeValue::B("b")})},
       {"s", AttributeValue::SS({"a", "b"})},
       {"a.b", AttributeValue::Bool(false)}},
  };
  return kItems;
}

[[noreturn]] void Fail(const char* what, const Status& s, std::string_view text) {
  std::fprintf(stderr, "%s on <%.*s>: code %d, message <%s>\n", what, static_cast<int>(text.size()),
               text.data(), static_cast<int>(s.code()), s.message().c_str());
  std::abort();
}

// The parser's contract: a value, or a Validation error in DynamoDB's "Invalid ..." form.
template <typename T>
void CheckParseResult(const Result<T>& parsed, std::string_view text) {
  if (parsed.ok()) return;
  const Status& s = parsed.status();
  if (!s.IsValidation() || !s.message().starts_with("Invalid ")) {
    Fail("parser broke its error contract", s, text);
  }
  if (fuzz::IsValidUtf8(text)) fuzz::CheckWireText(s.message());
}

// The resolver's and the evaluator's errors are DynamoDB's ValidationException.
void CheckStatus(const Status& s, std::string_view text) {
  if (s.ok()) return;
  if (!s.IsValidation()) Fail("error other than Validation", s, text);
  if (fuzz::IsValidUtf8(text)) fuzz::CheckWireText(s.message());
}

template <typename T>
bool HasDuplicates(const std::vector<T>& members) {
  for (size_t i = 0; i < members.size(); ++i) {
    for (size_t j = i + 1; j < members.size(); ++j) {
      if (members[i] == members[j]) return true;
    }
  }
  return false;
}

// Sets are non-empty and without duplicates, at any depth.
bool Storable(const AttributeValue& v) {
  switch (v.type()) {
    case model::Type::kSS:
      return !v.ss().empty() && !HasDuplicates(v.ss());
    case model::Type::kNS:
      return !v.ns().empty() && !HasDuplicates(v.ns());
    case model::Type::kBS:
      return !v.bs().empty() && !HasDuplicates(v.bs());
    case model::Type::kL:
      for (const auto& e : v.l()) {
        if (!Storable(e)) return false;
      }
      return true;
    case model::Type::kM:
      for (const auto& [name, e] : v.m()) {
        if (!Storable(e)) return false;
      }
      return true;
    default:
      return true;
  }
}

void FuzzCondition(std::string_view text, ExpressionKind kind) {
  auto parsed = ParseCondition(text, kind);
  CheckParseResult(parsed, text);
  if (!parsed.ok()) return;
  (void)ToString(*parsed);
  Resolver resolver(&Names(), &Values());
  auto resolved = resolver.Resolve(*parsed, kind);
  CheckStatus(resolved.status(), text);
  if (!resolved.ok()) return;
  (void)ToString(*resolved);
  CheckStatus(resolver.CheckAllUsed(), text);
  for (const auto& item : Items()) CheckStatus(Evaluate(*resolved, item, kind).status(), text);
}

void FuzzProjection(std::string_view text) {
  auto parsed = ParseProjection(text);
  CheckParseResult(parsed, text);
  if (!parsed.ok()) return;
  (void)ToString(*parsed);
  Resolver resolver(&Names(), nullptr);
  auto resolved = resolver.Resolve(*parsed);
  CheckStatus(resolved.status(), text);
  if (!resolved.ok()) return;
  (void)ToString(*resolved);
  for (const auto& path : resolved->paths) {
    (void)PathForMessage(path);
    for (const auto& item : Items()) (void)Lookup(item, path);
  }
  CheckStatus(resolver.CheckAllUsed(), text);
}

void FuzzUpdate(std::string_view text) {
  auto parsed = ParseUpdate(text);
  CheckParseResult(parsed, text);
  if (!parsed.ok()) return;
  (void)ToString(*parsed);
  Resolver resolver(&Names(), &Values());
  auto resolved = resolver.Resolve(*parsed);
  CheckStatus(resolved.status(), text);
  if (!resolved.ok()) return;
  (void)ToString(*resolved);
  CheckStatus(resolver.CheckAllUsed(), text);
  for (const auto& item : Items()) {
    auto updated = ApplyUpdate(*resolved, item);
    CheckStatus(updated.status(), text);
    if (updated.ok() && !Storable(AttributeValue::M(*updated))) {
      Fail("update produced an empty or duplicated set", Status(), text);
    }
  }
}

}  // namespace
}  // namespace stator::expr

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using stator::expr::ExpressionKind;
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (static_cast<uint8_t>(data[0] - '0') % 5) {
    case 0:
      stator::expr::FuzzCondition(text, ExpressionKind::kCondition);
      break;
    case 1:
      stator::expr::FuzzCondition(text, ExpressionKind::kFilter);
      break;
    case 2:
      stator::expr::FuzzCondition(text, ExpressionKind::kKeyCondition);
      break;
    case 3:
      stator::expr::FuzzProjection(text);
      break;
    case 4:
      stator::expr::FuzzUpdate(text);
      break;
  }
  return 0;
}

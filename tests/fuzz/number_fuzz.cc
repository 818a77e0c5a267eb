// libFuzzer target for model::Number.
//
// The input is number text, or two texts split at the first '|'. Whatever parses must
// survive ToString -> Parse and EncodeOrdered -> DecodeOrdered unchanged, its canonical
// text must be a fixed point, and two numbers must order the same by Compare and by the
// memcmp order of their encodings; exact arithmetic must undo itself. The raw bytes are
// also decoded as an ordered encoding, which must be rejected or re-encode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/number.h"

namespace stator::model {
namespace {

[[noreturn]] void Fail(const char* what, std::string_view a, std::string_view b = {}) {
  std::fprintf(stderr, "%s: <%.*s> <%.*s>\n", what, static_cast<int>(a.size()), a.data(),
               static_cast<int>(b.size()), b.data());
  std::abort();
}

int Sign(int x) { return (x > 0) - (x < 0); }

std::string Encode(const Number& n) {
  std::string out;
  n.EncodeOrdered(&out);
  return out;
}

void CheckOne(const Number& n, std::string_view text) {
  std::string canonical = n.ToString();
  auto reparsed = Number::Parse(canonical);
  if (!reparsed.ok() || !(*reparsed == n)) Fail("ToString -> Parse changed the number", text);
  if (reparsed->ToString() != canonical) Fail("canonical text is not a fixed point", text);

  std::string encoded = Encode(n);
  std::string_view in = encoded;
  auto decoded = Number::DecodeOrdered(&in);
  if (!decoded.ok() || !in.empty() || !(*decoded == n) || decoded->ToString() != canonical) {
    Fail("EncodeOrdered -> DecodeOrdered changed the number", text);
  }
  if (n.StorageSize() < 1 || n.StorageSize() > 22) Fail("StorageSize out of range", text);
}

void CheckPair(const Number& a, const Number& b, std::string_view ta, std::string_view tb) {
  if (Sign(a.Compare(b)) != Sign(Encode(a).compare(Encode(b)))) {
    Fail("Compare and the encoding order disagree", ta, tb);
  }
  if (Sign(a.Compare(b)) != -Sign(b.Compare(a))) Fail("Compare is not antisymmetric", ta, tb);

  auto sum = Number::Add(a, b);
  auto sum2 = Number::Add(b, a);
  if (sum.ok() != sum2.ok() || (sum.ok() && !(*sum == *sum2))) Fail("Add not commutative", ta, tb);
  if (sum.ok()) {
    auto back = Number::Subtract(*sum, b);
    if (back.ok() && !(*back == a)) Fail("(a + b) - b != a", ta, tb);
  }
  auto diff = Number::Subtract(a, b);
  if (diff.ok()) {
    auto back = Number::Add(*diff, b);
    if (back.ok() && !(*back == a)) Fail("(a - b) + b != a", ta, tb);
  }
}

void CheckDecodeRaw(std::string_view bytes) {
  std::string_view in = bytes;
  auto n = Number::DecodeOrdered(&in);
  if (!n.ok()) return;
  std::string_view consumed = bytes.substr(0, bytes.size() - in.size());
  if (Encode(*n) != consumed)
    Fail("DecodeOrdered accepted bytes EncodeOrdered cannot produce", bytes);
}

}  // namespace
}  // namespace stator::model

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using stator::model::Number;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  stator::model::CheckDecodeRaw(text);

  size_t bar = text.find('|');
  std::string_view ta = text.substr(0, bar);
  auto a = Number::Parse(ta);
  if (a.ok()) stator::model::CheckOne(*a, ta);
  if (bar == std::string_view::npos) return 0;
  std::string_view tb = text.substr(bar + 1);
  auto b = Number::Parse(tb);
  if (b.ok()) stator::model::CheckOne(*b, tb);
  if (a.ok() && b.ok()) stator::model::CheckPair(*a, *b, ta, tb);
  return 0;
}

#include "model/attribute_value.h"

#include <algorithm>

namespace stator::model {
namespace {

template <typename T, typename Eq>
bool SameMembers(const std::vector<T>& a, const std::vector<T>& b, Eq eq) {
  if (a.size() != b.size()) return false;
  // Sets are small enough in practice (items are at most 400 KB) that the
  // quadratic check is cheaper than building an index.
  return std::all_of(a.begin(), a.end(), [&](const T& x) {
    return std::any_of(b.begin(), b.end(), [&](const T& y) { return eq(x, y); });
  });
}

}  // namespace

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kS: return "S";
    case Type::kN: return "N";
    case Type::kB: return "B";
    case Type::kBool: return "BOOL";
    case Type::kNull: return "NULL";
    case Type::kM: return "M";
    case Type::kL: return "L";
    case Type::kSS: return "SS";
    case Type::kNS: return "NS";
    case Type::kBS: return "BS";
  }
  return "?";
}

bool AttributeValue::operator==(const AttributeValue& other) const {
  if (type() != other.type()) return false;
  switch (type()) {
    case Type::kS: return s() == other.s();
    case Type::kN: return n() == other.n();
    case Type::kB: return b() == other.b();
    case Type::kBool: return boolean() == other.boolean();
    case Type::kNull: return true;
    case Type::kM: return m() == other.m();
    case Type::kL: return l() == other.l();
    case Type::kSS:
      return SameMembers(ss(), other.ss(), std::equal_to<std::string>());
    case Type::kNS:
      return SameMembers(ns(), other.ns(), [](const Number& x, const Number& y) { return x == y; });
    case Type::kBS:
      return SameMembers(bs(), other.bs(), std::equal_to<std::string>());
  }
  return false;
}

}  // namespace stator::model

// AttributeValue: one DynamoDB value of any of the ten types, and Item, a map
// of top-level attribute names to values.
//
// Values are plain data: they hold no reference to storage or to the wire
// format. Binary values hold raw bytes (base64 is a wire concern). Sets keep
// the order they were given in; equality of sets ignores order.
//
// Thread-safety: values; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/number.h"

namespace stator::model {

// DO NOT CHANGE THESE VALUES: they are embedded in the on-disk item encoding
// (docs/design/item-encoding.md) and the table catalog.
enum class Type : uint8_t {
  kS = 1,
  kN = 2,
  kB = 3,
  kBool = 4,
  kNull = 5,
  kM = 6,
  kL = 7,
  kSS = 8,
  kNS = 9,
  kBS = 10,
};

// DynamoDB's name of a type: "S", "N", ..., "BS".
std::string_view TypeName(Type type);

class AttributeValue;
using Map = std::map<std::string, AttributeValue, std::less<>>;
using List = std::vector<AttributeValue>;
using Item = Map;

struct Null {
  bool operator==(const Null&) const { return true; }
};
struct Binary {
  std::string bytes;
  bool operator==(const Binary&) const = default;
};
struct StringSet {
  std::vector<std::string> values;
};
struct NumberSet {
  std::vector<Number> values;
};
struct BinarySet {
  std::vector<std::string> values;
};

class AttributeValue {
 public:
  AttributeValue() : v_(Null{}) {}
  static AttributeValue S(std::string s) { return AttributeValue(std::move(s)); }
  static AttributeValue N(Number n) { return AttributeValue(std::move(n)); }
  static AttributeValue B(std::string bytes) { return AttributeValue(Binary{std::move(bytes)}); }
  static AttributeValue Bool(bool b) { return AttributeValue(b); }
  static AttributeValue MakeNull() { return AttributeValue(Null{}); }
  static AttributeValue M(Map m) { return AttributeValue(std::move(m)); }
  static AttributeValue L(List l) { return AttributeValue(std::move(l)); }
  static AttributeValue SS(std::vector<std::string> v) { return AttributeValue(StringSet{std::move(v)}); }
  static AttributeValue NS(std::vector<Number> v) { return AttributeValue(NumberSet{std::move(v)}); }
  static AttributeValue BS(std::vector<std::string> v) { return AttributeValue(BinarySet{std::move(v)}); }

  Type type() const { return static_cast<Type>(v_.index() + 1); }

  // Accessors; calling the wrong one for type() is a programming error.
  const std::string& s() const { return std::get<std::string>(v_); }
  const Number& n() const { return std::get<Number>(v_); }
  const std::string& b() const { return std::get<Binary>(v_).bytes; }
  bool boolean() const { return std::get<bool>(v_); }
  const Map& m() const { return std::get<Map>(v_); }
  Map& m() { return std::get<Map>(v_); }
  const List& l() const { return std::get<List>(v_); }
  List& l() { return std::get<List>(v_); }
  const std::vector<std::string>& ss() const { return std::get<StringSet>(v_).values; }
  const std::vector<Number>& ns() const { return std::get<NumberSet>(v_).values; }
  const std::vector<std::string>& bs() const { return std::get<BinarySet>(v_).values; }

  // DynamoDB equality: sets compare as sets, numbers by value.
  bool operator==(const AttributeValue& other) const;

 private:
  // The alternative index + 1 is the Type: keep this order in step with Type.
  using Variant = std::variant<std::string, Number, Binary, bool, Null, Map, List, StringSet,
                               NumberSet, BinarySet>;
  template <typename T>
  explicit AttributeValue(T v) : v_(std::move(v)) {}
  Variant v_;
};

}  // namespace stator::model

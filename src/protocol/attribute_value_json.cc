#include "protocol/attribute_value_json.h"

#include <iterator>
#include <set>

#include "common/base64.h"

namespace stator::protocol {
namespace {

using model::AttributeValue;
using model::Number;

// DynamoDB allows 32 levels of nested M/L.
constexpr int kMaxNesting = 32;

constexpr std::string_view kInvalidPrefix = "One or more parameter values were invalid: ";

Status Invalid(std::string_view what) {
  return Status::Validation(std::string(kInvalidPrefix) + std::string(what));
}

// Tags an error of a number, a number set or a set's duplicates (IsNumberOrDuplicateError).
struct NumberOrDuplicateDetail : ErrorDetail {};

Status NumberOrDuplicateError(Status s) {
  return std::move(s).WithDetail(std::make_shared<NumberOrDuplicateDetail>());
}

void CheckStringList(ShapeReader& r, const Json& v) {
  if (!r.ListValue(v)) return;
  for (const auto& e : v) {
    if (!r.ok()) return;
    r.StringValue(e);
  }
}

// "[a, b, a]" as DynamoDB prints a collection in its duplicate error.
std::string RenderCollection(const std::vector<std::string>& members) {
  std::string out = "[";
  for (size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out += ", ";
    out += members[i];
  }
  return out + "]";
}

Result<AttributeValue> DecodeAt(const Json& v, int depth);

Result<AttributeValue> DecodeSet(const std::string& type, const Json& members) {
  if (members.empty()) {
    if (type == "SS") return Invalid("An string set  may not be empty");
    if (type == "NS") return NumberOrDuplicateError(Invalid("An number set  may not be empty"));
    return Invalid("Binary sets should not be empty");
  }
  if (type == "NS") {
    std::vector<Number> numbers;
    for (const auto& m : members) {
      auto n = Number::Parse(m.get_ref<const std::string&>());
      if (!n.ok()) return NumberOrDuplicateError(n.status());
      numbers.push_back(std::move(n).value());
    }
    for (size_t i = 0; i < numbers.size(); ++i) {
      for (size_t j = i + 1; j < numbers.size(); ++j) {
        // DynamoDB's number-set message has neither the usual prefix nor a period.
        if (numbers[i] == numbers[j]) {
          return NumberOrDuplicateError(Status::Validation("Input collection contains duplicates"));
        }
      }
    }
    return AttributeValue::NS(std::move(numbers));
  }
  std::vector<std::string> values;
  std::set<std::string> seen;
  bool duplicate = false;
  for (const auto& m : members) {
    std::string bytes;
    if (type == "BS") {
      std::string error;
      if (!Base64Decode(m.get_ref<const std::string&>(), &bytes, &error)) {
        return Status::Serialization(error);  // unreachable: phase 1 decoded it
      }
    } else {
      bytes = m.get<std::string>();
    }
    if (!seen.insert(bytes).second) duplicate = true;
    values.push_back(std::move(bytes));
  }
  if (duplicate) {
    // The binary-set message prints the members in base64 and lacks a space.
    if (type == "BS") {
      std::vector<std::string> texts;
      for (const auto& m : members) texts.push_back(m.get<std::string>());
      return NumberOrDuplicateError(Invalid("Input collection " + RenderCollection(texts) +
                                            "of type BS contains duplicates."));
    }
    return NumberOrDuplicateError(
        Invalid("Input collection " + RenderCollection(values) + " contains duplicates."));
  }
  return type == "SS" ? AttributeValue::SS(std::move(values))
                      : AttributeValue::BS(std::move(values));
}

// The type names, in the order that picks the one a value with several is read as.
constexpr std::string_view kTypes[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};
constexpr int kTypeCount = std::size(kTypes);

// The index of `name` in kTypes, or kTypeCount for any other member.
int TypeRank(std::string_view name) {
  for (int i = 0; i < kTypeCount; ++i) {
    if (kTypes[i] == name) return i;
  }
  return kTypeCount;
}

Result<AttributeValue> DecodeAt(const Json& v, int depth) {
  // One pass over the value's members (usually one) instead of a lookup per type.
  int count = 0;
  int found = kTypeCount;
  const Json* body_of_found = nullptr;
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it->is_null()) continue;
      int rank = TypeRank(it.key());
      if (rank == kTypeCount) continue;
      ++count;
      if (rank < found) {
        found = rank;
        body_of_found = &*it;
      }
    }
  }
  if (count == 0) {
    return Status::Validation(
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  }
  if (count > 1) {
    return Status::Validation(
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
        "supported datatypes");
  }
  std::string type(kTypes[found]);
  const Json& body = *body_of_found;
  if (type == "S") return AttributeValue::S(body.get<std::string>());
  if (type == "N") {
    auto n = Number::Parse(body.get_ref<const std::string&>());
    if (!n.ok()) return NumberOrDuplicateError(n.status());
    return AttributeValue::N(std::move(n).value());
  }
  if (type == "B") {
    std::string bytes, error;
    if (!Base64Decode(body.get_ref<const std::string&>(), &bytes, &error)) {
      return Status::Serialization(error);
    }
    return AttributeValue::B(std::move(bytes));
  }
  if (type == "BOOL") return AttributeValue::Bool(body.get<bool>());
  if (type == "NULL") {
    if (!body.get<bool>()) return Invalid("Null attribute value types must have the value of true");
    return AttributeValue::MakeNull();
  }
  if (type == "M" || type == "L") {
    // The attribute itself is level 1; a map or list may stand at most at level 31.
    if (depth + 1 >= kMaxNesting) {
      return Status::Validation(
          "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
          "levels beyond supported limit");
    }
    if (type == "M") {
      model::Map map;
      for (const auto& [name, child] : body.items()) {
        auto c = DecodeAt(child, depth + 1);
        if (!c.ok()) return c.status();
        map.emplace(name, std::move(c).value());
      }
      return AttributeValue::M(std::move(map));
    }
    model::List list;
    list.reserve(body.size());
    for (const auto& child : body) {
      auto c = DecodeAt(child, depth + 1);
      if (!c.ok()) return c.status();
      list.push_back(std::move(c).value());
    }
    return AttributeValue::L(std::move(list));
  }
  return DecodeSet(type, body);
}

}  // namespace

namespace {

// Shapes below this depth are not checked: phase 3 rejects values nested past
// DynamoDB's 32 levels anyway, and untrusted input must not drive unbounded
// recursion.
constexpr int kMaxShapeDepth = 40;

void CheckValueShapeAt(ShapeReader& r, const Json& v, int depth);

}  // namespace

void CheckValueShape(ShapeReader& r, const Json& v) { CheckValueShapeAt(r, v, 0); }

namespace {

void CheckValueShapeAt(ShapeReader& r, const Json& v, int depth) {
  if (depth > kMaxShapeDepth) return;
  if (!r.StructValue(v, "AttributeValue")) return;
  r.String(v, "S");
  r.String(v, "N");
  auto b = v.find("B");
  std::string scratch;
  if (b != v.end() && !b->is_null()) r.Blob(*b, &scratch);
  r.Bool(v, "BOOL");
  r.Bool(v, "NULL");
  for (const char* set : {"SS", "NS"}) {
    auto it = v.find(set);
    if (it != v.end() && !it->is_null()) CheckStringList(r, *it);
  }
  auto bs = v.find("BS");
  if (bs != v.end() && !bs->is_null() && r.ListValue(*bs)) {
    for (const auto& e : *bs) {
      if (!r.ok()) return;
      r.Blob(e, &scratch);
    }
  }
  if (const Json* l = r.List(v, "L")) {
    for (const auto& e : *l) {
      if (!r.ok()) return;
      CheckValueShapeAt(r, e, depth + 1);
    }
  }
  if (const Json* m = r.Map(v, "M", kAttributeValueMapType)) {
    for (const auto& [name, e] : m->items()) {
      if (!r.ok()) return;
      CheckValueShapeAt(r, e, depth + 1);
    }
  }
}

}  // namespace

const Json* ItemMember(ShapeReader& r, const Json& obj, std::string_view key) {
  const Json* m = r.Map(obj, key, kAttributeValueMapType);
  if (m == nullptr) return nullptr;
  for (const auto& [name, v] : m->items()) {
    if (!r.ok()) break;
    CheckValueShape(r, v);
  }
  return r.ok() ? m : nullptr;
}

Result<AttributeValue> DecodeValue(const Json& v) { return DecodeAt(v, 0); }

Result<model::Item> DecodeItem(const Json& obj) {
  model::Item item;
  for (const auto& [name, v] : obj.items()) {
    auto value = DecodeAt(v, 0);
    if (!value.ok()) return value.status();
    item.emplace(name, std::move(value).value());
  }
  return item;
}

Json EncodeValue(const AttributeValue& v) {
  using model::Type;
  Json out = Json::object();
  switch (v.type()) {
    case Type::kS:
      out["S"] = v.s();
      break;
    case Type::kN:
      out["N"] = v.n().ToString();
      break;
    case Type::kB:
      out["B"] = Base64Encode(v.b());
      break;
    case Type::kBool:
      out["BOOL"] = v.boolean();
      break;
    case Type::kNull:
      out["NULL"] = true;
      break;
    case Type::kM:
      out["M"] = EncodeItem(v.m());
      break;
    case Type::kL: {
      Json list = Json::array();
      for (const auto& e : v.l()) list.push_back(EncodeValue(e));
      out["L"] = std::move(list);
      break;
    }
    case Type::kSS:
      out["SS"] = v.ss();
      break;
    case Type::kNS: {
      Json list = Json::array();
      for (const auto& n : v.ns()) list.push_back(n.ToString());
      out["NS"] = std::move(list);
      break;
    }
    case Type::kBS: {
      Json list = Json::array();
      for (const auto& b : v.bs()) list.push_back(Base64Encode(b));
      out["BS"] = std::move(list);
      break;
    }
  }
  return out;
}

Json EncodeItem(const model::Item& item) {
  Json out = Json::object();
  for (const auto& [name, v] : item) out[name] = EncodeValue(v);
  return out;
}

void WriteValue(JsonWriter& w, const AttributeValue& v) {
  using model::Type;
  w.BeginObject();
  switch (v.type()) {
    case Type::kS:
      w.Key("S");
      w.String(v.s());
      break;
    case Type::kN:
      w.Key("N");
      w.String(v.n().ToString());
      break;
    case Type::kB:
      w.Key("B");
      w.String(Base64Encode(v.b()));
      break;
    case Type::kBool:
      w.Key("BOOL");
      w.Bool(v.boolean());
      break;
    case Type::kNull:
      w.Key("NULL");
      w.Bool(true);
      break;
    case Type::kM:
      w.Key("M");
      WriteItem(w, v.m());
      break;
    case Type::kL:
      w.Key("L");
      w.BeginArray();
      for (const auto& e : v.l()) WriteValue(w, e);
      w.EndArray();
      break;
    case Type::kSS:
      w.Key("SS");
      w.BeginArray();
      for (const auto& s : v.ss()) w.String(s);
      w.EndArray();
      break;
    case Type::kNS:
      w.Key("NS");
      w.BeginArray();
      for (const auto& n : v.ns()) w.String(n.ToString());
      w.EndArray();
      break;
    case Type::kBS:
      w.Key("BS");
      w.BeginArray();
      for (const auto& b : v.bs()) w.String(Base64Encode(b));
      w.EndArray();
      break;
  }
  w.EndObject();
}

void WriteItem(JsonWriter& w, const model::Item& item) {
  // model::Item is a std::map ordered as nlohmann orders an object's keys.
  w.BeginObject();
  for (const auto& [name, v] : item) {
    w.Key(name);
    WriteValue(w, v);
  }
  w.EndObject();
}

bool IsNumberOrDuplicateError(const Status& s) {
  return dynamic_cast<const NumberOrDuplicateDetail*>(s.detail()) != nullptr;
}

}  // namespace stator::protocol

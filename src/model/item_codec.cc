#include "model/item_codec.h"

#include "common/coding.h"

namespace stator::model {
namespace {

// Deeper than DynamoDB ever allows (32); guards the decoder against corrupt
// records driving unbounded recursion.
constexpr int kMaxDecodeDepth = 64;

Status Corrupt(std::string_view what) {
  return Status::Corruption("item encoding: " + std::string(what));
}

void EncodeMapBody(const Map& map, std::string* out) {
  PutVarint64(out, map.size());
  for (const auto& [name, value] : map) {
    PutLengthPrefixed(out, name);
    EncodeValue(value, out);
  }
}

Result<AttributeValue> DecodeValueAt(std::string_view* in, int depth);

Status DecodeMapBody(std::string_view* in, int depth, Map* map) {
  uint64_t count = 0;
  if (!GetVarint64(in, &count) || count > in->size()) return Corrupt("bad map size");
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view name;
    if (!GetLengthPrefixed(in, &name)) return Corrupt("bad attribute name");
    auto value = DecodeValueAt(in, depth + 1);
    if (!value.ok()) return value.status();
    map->emplace(std::string(name), std::move(value).value());
  }
  return Status::OK();
}

Status DecodeStrings(std::string_view* in, std::vector<std::string>* out) {
  uint64_t count = 0;
  if (!GetVarint64(in, &count) || count > in->size()) return Corrupt("bad set size");
  out->reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view s;
    if (!GetLengthPrefixed(in, &s)) return Corrupt("bad set member");
    out->emplace_back(s);
  }
  return Status::OK();
}

Result<AttributeValue> DecodeValueAt(std::string_view* in, int depth) {
  if (depth > kMaxDecodeDepth) return Corrupt("nesting too deep");
  if (in->empty()) return Corrupt("truncated value");
  auto type = static_cast<Type>(in->front());
  in->remove_prefix(1);
  std::string_view bytes;
  switch (type) {
    case Type::kS:
      if (!GetLengthPrefixed(in, &bytes)) return Corrupt("bad S");
      return AttributeValue::S(std::string(bytes));
    case Type::kB:
      if (!GetLengthPrefixed(in, &bytes)) return Corrupt("bad B");
      return AttributeValue::B(std::string(bytes));
    case Type::kN: {
      auto n = Number::DecodeOrdered(in);
      if (!n.ok()) return n.status();
      return AttributeValue::N(std::move(n).value());
    }
    case Type::kBool:
      if (in->empty()) return Corrupt("bad BOOL");
      bytes = in->substr(0, 1);
      in->remove_prefix(1);
      return AttributeValue::Bool(bytes[0] != 0);
    case Type::kNull:
      return AttributeValue::MakeNull();
    case Type::kM: {
      Map map;
      STATOR_RETURN_IF_ERROR(DecodeMapBody(in, depth, &map));
      return AttributeValue::M(std::move(map));
    }
    case Type::kL: {
      uint64_t count = 0;
      if (!GetVarint64(in, &count) || count > in->size()) return Corrupt("bad list size");
      List list;
      list.reserve(count);
      for (uint64_t i = 0; i < count; ++i) {
        auto v = DecodeValueAt(in, depth + 1);
        if (!v.ok()) return v.status();
        list.push_back(std::move(v).value());
      }
      return AttributeValue::L(std::move(list));
    }
    case Type::kSS:
    case Type::kBS: {
      std::vector<std::string> members;
      STATOR_RETURN_IF_ERROR(DecodeStrings(in, &members));
      return type == Type::kSS ? AttributeValue::SS(std::move(members))
                               : AttributeValue::BS(std::move(members));
    }
    case Type::kNS: {
      uint64_t count = 0;
      if (!GetVarint64(in, &count) || count > in->size()) return Corrupt("bad NS size");
      std::vector<Number> members;
      members.reserve(count);
      for (uint64_t i = 0; i < count; ++i) {
        auto n = Number::DecodeOrdered(in);
        if (!n.ok()) return n.status();
        members.push_back(std::move(n).value());
      }
      return AttributeValue::NS(std::move(members));
    }
  }
  return Corrupt("unknown type tag");
}

}  // namespace

void EncodeValue(const AttributeValue& value, std::string* out) {
  out->push_back(static_cast<char>(value.type()));
  switch (value.type()) {
    case Type::kS: PutLengthPrefixed(out, value.s()); break;
    case Type::kB: PutLengthPrefixed(out, value.b()); break;
    case Type::kN: value.n().EncodeOrdered(out); break;
    case Type::kBool: out->push_back(value.boolean() ? 1 : 0); break;
    case Type::kNull: break;
    case Type::kM: EncodeMapBody(value.m(), out); break;
    case Type::kL:
      PutVarint64(out, value.l().size());
      for (const auto& v : value.l()) EncodeValue(v, out);
      break;
    case Type::kSS:
    case Type::kBS: {
      const auto& members = value.type() == Type::kSS ? value.ss() : value.bs();
      PutVarint64(out, members.size());
      for (const auto& m : members) PutLengthPrefixed(out, m);
      break;
    }
    case Type::kNS:
      PutVarint64(out, value.ns().size());
      for (const auto& n : value.ns()) n.EncodeOrdered(out);
      break;
  }
}

Result<AttributeValue> DecodeValue(std::string_view* in) { return DecodeValueAt(in, 0); }

void EncodeItem(const Item& item, std::string* out) {
  out->push_back(static_cast<char>(kItemFormatV1));
  EncodeMapBody(item, out);
}

Result<Item> DecodeItem(std::string_view bytes) {
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != kItemFormatV1) {
    return Corrupt("unknown format version");
  }
  bytes.remove_prefix(1);
  Item item;
  STATOR_RETURN_IF_ERROR(DecodeMapBody(&bytes, 0, &item));
  if (!bytes.empty()) return Corrupt("trailing bytes");
  return item;
}

}  // namespace stator::model

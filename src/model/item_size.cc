#include "model/item_size.h"

namespace stator::model {

size_t ValueSize(const AttributeValue& v) {
  size_t size = 0;
  switch (v.type()) {
    case Type::kS: return v.s().size();
    case Type::kN: return v.n().StorageSize();
    case Type::kB: return v.b().size();
    case Type::kBool:
    case Type::kNull: return 1;
    case Type::kM:
      size = 3;
      for (const auto& [name, child] : v.m()) size += 1 + name.size() + ValueSize(child);
      return size;
    case Type::kL:
      size = 3;
      for (const auto& child : v.l()) size += 1 + ValueSize(child);
      return size;
    case Type::kSS:
      for (const auto& s : v.ss()) size += s.size();
      return size;
    case Type::kNS:
      for (const auto& n : v.ns()) size += n.StorageSize();
      return size;
    case Type::kBS:
      for (const auto& b : v.bs()) size += b.size();
      return size;
  }
  return size;
}

size_t AttributeSize(std::string_view name, const AttributeValue& value) {
  return name.size() + ValueSize(value);
}

size_t ItemSize(const Item& item) {
  size_t size = 0;
  for (const auto& [name, value] : item) size += AttributeSize(name, value);
  return size;
}

}  // namespace stator::model

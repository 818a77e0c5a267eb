#include "model/key_codec.h"

namespace stator::model {
namespace {

Result<std::string> DecodeEscaped(std::string_view* in) {
  std::string out;
  for (size_t i = 0; i < in->size(); ++i) {
    char c = (*in)[i];
    if (c != '\0') {
      out.push_back(c);
      continue;
    }
    if (i + 1 >= in->size()) break;
    auto next = static_cast<uint8_t>((*in)[i + 1]);
    if (next == 0x01) {
      in->remove_prefix(i + 2);
      return out;
    }
    if (next != 0xff) break;
    out.push_back('\0');
    ++i;
  }
  return Status::Corruption("key encoding: unterminated string");
}

}  // namespace

void EncodeKeyPrefix(std::string_view prefix, std::string* out) {
  for (char c : prefix) {
    out->push_back(c);
    if (c == '\0') out->push_back(static_cast<char>(0xff));
  }
}

void EncodeKeyValue(const AttributeValue& value, std::string* out) {
  switch (value.type()) {
    case Type::kS:
      EncodeKeyPrefix(value.s(), out);
      break;
    case Type::kB:
      EncodeKeyPrefix(value.b(), out);
      break;
    case Type::kN:
      value.n().EncodeOrdered(out);
      return;
    default:
      return;  // callers validate key types first
  }
  out->push_back('\0');
  out->push_back('\x01');
}

Result<AttributeValue> DecodeKeyValue(Type type, std::string_view* in) {
  if (type == Type::kN) {
    auto n = Number::DecodeOrdered(in);
    if (!n.ok()) return n.status();
    return AttributeValue::N(std::move(n).value());
  }
  auto bytes = DecodeEscaped(in);
  if (!bytes.ok()) return bytes.status();
  if (type == Type::kS) return AttributeValue::S(std::move(bytes).value());
  if (type == Type::kB) return AttributeValue::B(std::move(bytes).value());
  return Status::Corruption("key encoding: bad key type");
}

uint64_t PartitionHash(std::string_view encoded_partition_key) {
  // FNV-1a over the bytes, then the splitmix64 finaliser to spread FNV's weak
  // high bits evenly over the 64-bit space (parallel-scan segments split it).
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : encoded_partition_key) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

}  // namespace stator::model

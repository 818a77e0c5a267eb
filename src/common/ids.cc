#include "ids.h"

#include <random>

namespace stator {
namespace {

std::mt19937_64& Generator() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

}  // namespace

std::string NewUuid() {
  uint64_t hi = Generator()();
  uint64_t lo = Generator()();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 1
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string NewRequestId() {
  static constexpr char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string id(52, '0');
  uint64_t bits = 0;
  int left = 0;
  for (auto& c : id) {
    if (left == 0) {
      bits = Generator()();
      left = 10;  // 10 draws of 6 bits each from 64 random bits
    }
    c = kChars[(bits & 63) % 36];
    bits >>= 6;
    --left;
  }
  return id;
}

}  // namespace stator

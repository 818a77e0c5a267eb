#include "crc32.h"

#include <zlib.h>

namespace stator {

uint32_t Crc32(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes a uInt length; feed large bodies in pieces.
  while (!bytes.empty()) {
    size_t n = bytes.size() > (1u << 30) ? (1u << 30) : bytes.size();
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

}  // namespace stator

// CRC-32 (IEEE 802.3, as zlib), used for the x-amz-crc32 response header.
#pragma once

#include <cstdint>
#include <string_view>

namespace stator {

uint32_t Crc32(std::string_view bytes);

}  // namespace stator

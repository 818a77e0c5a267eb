// Binary encoding of a TableDef for the catalog namespace
// (docs/design/catalog-encoding.md). First byte: format version.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "model/table.h"

namespace stator::storage {

// DO NOT CHANGE: persisted.
inline constexpr uint8_t kCatalogFormatV1 = 1;  // read only: no index ids or status
inline constexpr uint8_t kCatalogFormatV2 = 2;  // read only: no multi-attribute index keys
inline constexpr uint8_t kCatalogFormatV3 = 3;  // read only: no stream history
inline constexpr uint8_t kCatalogFormatV4 = 4;  // read only: no time to live
inline constexpr uint8_t kCatalogFormatV5 = 5;  // read only: no point-in-time recovery
inline constexpr uint8_t kCatalogFormatV6 = 6;  // written

std::string EncodeTableDef(const model::TableDef& def);
Result<model::TableDef> DecodeTableDef(std::string_view bytes);

}  // namespace stator::storage

#include "model/index_projection.h"

#include <algorithm>

namespace stator::model {

bool IndexProjects(const TableDef& table, const IndexDef& index, std::string_view name) {
  if (index.projection.type == ProjectionType::kAll) return true;
  const std::string key_name(name);
  if (table.key.Contains(key_name) || index.key.Contains(key_name)) return true;
  if (index.projection.type == ProjectionType::kKeysOnly) return false;
  const auto& include = index.projection.non_key_attributes;
  return std::find(include.begin(), include.end(), name) != include.end();
}

Item ProjectForIndex(const TableDef& table, const IndexDef& index, const Item& item) {
  if (index.projection.type == ProjectionType::kAll) return item;
  Item out;
  for (const auto& [name, value] : item) {
    if (IndexProjects(table, index, name)) out.emplace(name, value);
  }
  return out;
}

}  // namespace stator::model

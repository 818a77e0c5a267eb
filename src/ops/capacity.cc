#include "ops/capacity.h"

#include <algorithm>

#include "model/item_size.h"

namespace stator::ops {
namespace {

bool HasKey(const model::KeySchema& key, const model::Item& item) {
  for (const model::KeyElement* e : key.Elements()) {
    if (item.count(e->name) == 0) return false;
  }
  return true;
}

bool SameKey(const model::KeySchema& key, const model::Item& a, const model::Item& b) {
  for (const model::KeyElement* e : key.Elements()) {
    if (!(a.at(e->name) == b.at(e->name))) return false;
  }
  return true;
}

// The size of an item's entry in `index`: its projected attributes.
size_t ProjectedSize(const model::TableDef& table, const model::IndexDef& index,
                     const model::Item& item) {
  if (index.projection.type == model::ProjectionType::kAll) return model::ItemSize(item);
  size_t size = 0;
  auto add = [&](const std::string& name) {
    auto it = item.find(name);
    if (it != item.end()) size += model::AttributeSize(name, it->second);
  };
  std::vector<std::string> names;
  for (const model::KeyElement* e : table.key.Elements()) names.push_back(e->name);
  for (const model::KeyElement* e : index.key.Elements()) names.push_back(e->name);
  for (const auto& n : index.projection.non_key_attributes) names.push_back(n);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const auto& n : names) add(n);
  return size;
}

// Units a write costs in one index; 0 when the item is in the index neither
// before nor after.
double IndexWriteUnits(const model::TableDef& table, const model::IndexDef& index,
                       const std::optional<model::Item>& old_item,
                       const std::optional<model::Item>& new_item) {
  bool was_in = old_item && HasKey(index.key, *old_item);
  bool is_in = new_item && HasKey(index.key, *new_item);
  if (was_in && is_in) {
    size_t old_size = ProjectedSize(table, index, *old_item);
    size_t new_size = ProjectedSize(table, index, *new_item);
    if (SameKey(index.key, *old_item, *new_item)) return WriteUnits(std::max(old_size, new_size));
    return WriteUnits(old_size) + WriteUnits(new_size);
  }
  if (was_in) return WriteUnits(ProjectedSize(table, index, *old_item));
  if (is_in) return WriteUnits(ProjectedSize(table, index, *new_item));
  return 0;
}

}  // namespace

double ConsumedCapacity::Total() const {
  double total = table_units;
  for (const auto& [name, units] : local_indexes) total += units;
  for (const auto& [name, units] : global_indexes) total += units;
  return total;
}

void AddConsumedUnits(const ConsumedCapacity& c, ConsumedCapacity* total) {
  total->table_units += c.table_units;
  for (const auto& [name, units] : c.local_indexes) total->local_indexes[name] += units;
  for (const auto& [name, units] : c.global_indexes) total->global_indexes[name] += units;
}

double ReadUnits(size_t item_size, bool consistent) {
  size_t units = item_size == 0 ? 1 : (item_size + 4095) / 4096;
  return consistent ? static_cast<double>(units) : static_cast<double>(units) / 2.0;
}

double WriteUnits(size_t item_size) {
  size_t units = item_size == 0 ? 1 : (item_size + 1023) / 1024;
  return static_cast<double>(units);
}

std::optional<ConsumedCapacity> MakeReadConsumed(ReturnConsumedCapacity mode,
                                                 const std::string& table_name, double units) {
  if (mode == ReturnConsumedCapacity::kNone) return std::nullopt;
  ConsumedCapacity c;
  c.table_name = table_name;
  c.table_units = units;
  c.with_detail = mode == ReturnConsumedCapacity::kIndexes;
  return c;
}

std::optional<ConsumedCapacity> MakeWriteConsumed(ReturnConsumedCapacity mode,
                                                  const model::TableDef& table,
                                                  const std::optional<model::Item>& old_item,
                                                  const std::optional<model::Item>& new_item) {
  if (mode == ReturnConsumedCapacity::kNone) return std::nullopt;
  size_t size = 0;
  if (old_item) size = model::ItemSize(*old_item);
  if (new_item) size = std::max(size, model::ItemSize(*new_item));
  ConsumedCapacity c;
  c.table_name = table.name;
  c.table_units = WriteUnits(size);
  c.with_detail = mode == ReturnConsumedCapacity::kIndexes;
  for (const auto& index : table.local_indexes) {
    double units = IndexWriteUnits(table, index, old_item, new_item);
    if (units > 0) c.local_indexes[index.name] = units;
  }
  for (const auto& index : table.global_indexes) {
    double units = IndexWriteUnits(table, index, old_item, new_item);
    if (units > 0) c.global_indexes[index.name] = units;
  }
  return c;
}

}  // namespace stator::ops

#include "storage/keys.h"

#include "common/coding.h"
#include "model/key_codec.h"

namespace stator::storage {
namespace {

std::string WithNamespace(Namespace ns) { return std::string(1, static_cast<char>(ns)); }

}  // namespace

std::string MetaKey(std::string_view name) {
  std::string key = WithNamespace(Namespace::kMeta);
  key.append(name);
  return key;
}

std::string CatalogKey(std::string_view table_name) {
  std::string key = WithNamespace(Namespace::kCatalog);
  key.append(table_name);
  return key;
}

std::string TableStatsKey(uint64_t table_id) {
  std::string key = WithNamespace(Namespace::kTableStats);
  PutFixed64BE(&key, table_id);
  return key;
}

std::string TableItemsBegin(uint64_t table_id) {
  std::string key = WithNamespace(Namespace::kItem);
  PutFixed64BE(&key, table_id);
  return key;
}

std::string TableItemsEnd(uint64_t table_id) { return TableItemsBegin(table_id + 1); }

std::string ItemKey(const model::TableDef& table, const model::Item& key) {
  std::string pk;
  model::EncodeKeyValue(key.find(table.key.hash.name)->second, &pk);
  std::string out = TableItemsBegin(table.table_id);
  out.reserve(out.size() + 8 + pk.size() + 16);
  PutFixed64BE(&out, model::PartitionHash(pk));
  out.append(pk);
  if (table.key.range) model::EncodeKeyValue(key.find(table.key.range->name)->second, &out);
  return out;
}

}  // namespace stator::storage

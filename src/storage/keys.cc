#include "storage/keys.h"

#include "common/coding.h"
#include "model/key_codec.h"

namespace stator::storage {
namespace {

std::string WithNamespace(Namespace ns) { return std::string(1, static_cast<char>(ns)); }

}  // namespace

std::string IdKey(Namespace ns, uint64_t id) {
  std::string key = WithNamespace(ns);
  PutFixed64BE(&key, id);
  return key;
}

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

std::string IndexStatsKey(uint64_t table_id, uint32_t index_id) {
  std::string key = TableStatsKey(table_id);
  PutFixed32BE(&key, index_id);
  return key;
}

std::string ItemCollectionStatsKey(uint64_t table_id, const model::AttributeValue& partition) {
  std::string key = IndexStatsKey(table_id, kCollectionStatsMarker);
  model::EncodeKeyValue(partition, &key);
  return key;
}

std::string TableStatsEnd(uint64_t table_id) { return TableStatsKey(table_id + 1); }

std::string TableIndexesBegin(uint64_t table_id) {
  std::string key = WithNamespace(Namespace::kIndex);
  PutFixed64BE(&key, table_id);
  return key;
}

std::string TableIndexesEnd(uint64_t table_id) { return TableIndexesBegin(table_id + 1); }

std::string IndexEntriesBegin(uint64_t table_id, uint32_t index_id) {
  std::string key = TableIndexesBegin(table_id);
  PutFixed32BE(&key, index_id);
  return key;
}

std::string IndexEntriesEnd(uint64_t table_id, uint32_t index_id) {
  // Index ids stay far below 2^32 - 1, so id + 1 never wraps.
  return IndexEntriesBegin(table_id, index_id + 1);
}

namespace {

// The encodings of a partition key's values, one after the other: each is
// self-delimiting, so the concatenation identifies the tuple.
std::string EncodePartition(const std::vector<model::AttributeValue>& partition) {
  std::string pk;
  for (const auto& v : partition) model::EncodeKeyValue(v, &pk);
  return pk;
}

}  // namespace

std::string PartitionPrefix(const model::TableDef& table, const model::IndexDef* index,
                            const std::vector<model::AttributeValue>& partition) {
  const std::string pk = EncodePartition(partition);
  std::string out =
      index ? IndexEntriesBegin(table.table_id, index->id) : TableItemsBegin(table.table_id);
  PutFixed64BE(&out, model::PartitionHash(pk));
  out.append(pk);
  return out;
}

std::string PartitionPrefix(const model::TableDef& table, const model::IndexDef* index,
                            const model::AttributeValue& partition) {
  return PartitionPrefix(table, index, std::vector<model::AttributeValue>{partition});
}

namespace {

// The value of a key attribute an index entry can use, or nullptr.
const model::AttributeValue* UsableKeyValue(const model::KeyElement& element,
                                            const model::Item& item) {
  auto it = item.find(element.name);
  if (it == item.end() || it->second.type() != element.type) return nullptr;
  const auto& v = it->second;
  if ((v.type() == model::Type::kS && v.s().empty()) ||
      (v.type() == model::Type::kB && v.b().empty())) {
    return nullptr;
  }
  return &v;
}

}  // namespace

std::optional<std::string> IndexEntryKey(const model::TableDef& table, const model::IndexDef& index,
                                         const model::Item& item) {
  // Every key attribute must be usable (a multi-attribute key is all or nothing).
  std::vector<model::AttributeValue> partition;
  for (const model::KeyElement* e : index.key.HashElements()) {
    const model::AttributeValue* v = UsableKeyValue(*e, item);
    if (v == nullptr) return std::nullopt;
    partition.push_back(*v);
  }
  std::vector<const model::AttributeValue*> sort;
  for (const model::KeyElement* e : index.key.RangeElements()) {
    const model::AttributeValue* v = UsableKeyValue(*e, item);
    if (v == nullptr) return std::nullopt;
    sort.push_back(v);
  }
  std::string out = PartitionPrefix(table, &index, partition);
  // Order-preserving, self-delimiting encodings one after the other sort as
  // the tuple of sort-key values, compared attribute by attribute.
  for (const model::AttributeValue* v : sort) model::EncodeKeyValue(*v, &out);
  // The table key makes the entry unique: index keys need not be.
  model::EncodeKeyValue(item.find(table.key.hash.name)->second, &out);
  if (table.key.range) model::EncodeKeyValue(item.find(table.key.range->name)->second, &out);
  return out;
}

namespace {

uint64_t SegmentStart(uint32_t segment, uint32_t total_segments) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(segment) << 64) / total_segments);
}

}  // namespace

std::pair<std::string, std::string> SegmentRange(const model::TableDef& table,
                                                 const model::IndexDef* index, uint32_t segment,
                                                 uint32_t total_segments) {
  std::string base =
      index ? IndexEntriesBegin(table.table_id, index->id) : TableItemsBegin(table.table_id);
  std::string end_of_all =
      index ? IndexEntriesEnd(table.table_id, index->id) : TableItemsEnd(table.table_id);
  std::string begin = base;
  PutFixed64BE(&begin, SegmentStart(segment, total_segments));
  if (segment + 1 >= total_segments) return {begin, end_of_all};
  std::string end = base;
  PutFixed64BE(&end, SegmentStart(segment + 1, total_segments));
  return {begin, end};
}

uint32_t SegmentOf(const std::vector<model::AttributeValue>& partition, uint32_t total_segments) {
  const uint64_t hash = model::PartitionHash(EncodePartition(partition));
  // The largest segment whose start is <= hash.
  uint32_t s = static_cast<uint32_t>((static_cast<unsigned __int128>(hash) * total_segments) >> 64);
  while (s + 1 < total_segments && SegmentStart(s + 1, total_segments) <= hash) ++s;
  while (s > 0 && SegmentStart(s, total_segments) > hash) --s;
  return s;
}

std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char last = static_cast<unsigned char>(prefix.back());
    if (last != 0xFF) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

}  // namespace stator::storage

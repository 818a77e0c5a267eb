#include "storage/catalog_codec.h"

#include "common/coding.h"

namespace stator::storage {
namespace {

using model::IndexDef;
using model::KeyElement;
using model::KeySchema;
using model::TableDef;
using model::Throughput;

class Writer {
 public:
  void U64(uint64_t v) { PutVarint64(&out_, v); }
  void I64(int64_t v) { PutVarint64(&out_, static_cast<uint64_t>(v)); }
  void Byte(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Str(std::string_view s) { PutLengthPrefixed(&out_, s); }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Every getter records failure instead of returning it, so decoding reads
// straight through and the caller checks ok() once at the end.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint64_t U64() {
    uint64_t v = 0;
    if (!GetVarint64(&in_, &v)) ok_ = false;
    return v;
  }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  uint8_t Byte() {
    if (in_.empty()) {
      ok_ = false;
      return 0;
    }
    auto v = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    return v;
  }
  std::string Str() {
    std::string_view s;
    if (!GetLengthPrefixed(&in_, &s)) ok_ = false;
    return std::string(s);
  }
  // A count bounded by the bytes left, so corrupt input cannot force huge allocations.
  uint64_t Count() {
    uint64_t n = U64();
    if (n > in_.size()) ok_ = false;
    return ok_ ? n : 0;
  }
  bool ok() const { return ok_ && in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

void PutKeyElement(Writer& w, const KeyElement& k) {
  w.Str(k.name);
  w.Byte(static_cast<uint8_t>(k.type));
}
KeyElement GetKeyElement(Reader& r) {
  KeyElement k;
  k.name = r.Str();
  k.type = static_cast<model::Type>(r.Byte());
  return k;
}

void PutKeySchema(Writer& w, const KeySchema& k) {
  PutKeyElement(w, k.hash);
  w.Byte(k.range ? 1 : 0);
  if (k.range) PutKeyElement(w, *k.range);
}
KeySchema GetKeySchema(Reader& r) {
  KeySchema k;
  k.hash = GetKeyElement(r);
  if (r.Byte() != 0) k.range = GetKeyElement(r);
  return k;
}

void PutThroughput(Writer& w, const Throughput& t) {
  w.I64(t.read_units);
  w.I64(t.write_units);
  w.I64(t.last_increase_micros);
  w.I64(t.last_decrease_micros);
  w.I64(t.decreases_today);
}
Throughput GetThroughput(Reader& r) {
  Throughput t;
  t.read_units = r.I64();
  t.write_units = r.I64();
  t.last_increase_micros = r.I64();
  t.last_decrease_micros = r.I64();
  t.decreases_today = r.I64();
  return t;
}

void PutIndexes(Writer& w, const std::vector<IndexDef>& indexes) {
  w.U64(indexes.size());
  for (const auto& index : indexes) {
    w.Str(index.name);
    PutKeySchema(w, index.key);
    w.Byte(static_cast<uint8_t>(index.projection.type));
    w.U64(index.projection.non_key_attributes.size());
    for (const auto& a : index.projection.non_key_attributes) w.Str(a);
    PutThroughput(w, index.throughput);
    w.U64(index.id);
    w.Byte(static_cast<uint8_t>(index.status));
    for (const auto* more : {&index.key.more_hash, &index.key.more_range}) {
      w.U64(more->size());
      for (const auto& e : *more) PutKeyElement(w, e);
    }
  }
}
std::vector<IndexDef> GetIndexes(Reader& r, uint8_t version) {
  std::vector<IndexDef> indexes(r.Count());
  for (auto& index : indexes) {
    index.name = r.Str();
    index.key = GetKeySchema(r);
    index.projection.type = static_cast<model::ProjectionType>(r.Byte());
    index.projection.non_key_attributes.resize(r.Count());
    for (auto& a : index.projection.non_key_attributes) a = r.Str();
    index.throughput = GetThroughput(r);
    if (version >= kCatalogFormatV2) {
      index.id = static_cast<uint32_t>(r.U64());
      index.status = static_cast<model::IndexStatus>(r.Byte());
    }
    if (version >= kCatalogFormatV3) {
      for (auto* more : {&index.key.more_hash, &index.key.more_range}) {
        more->resize(r.Count());
        for (auto& e : *more) e = GetKeyElement(r);
      }
    }
  }
  return indexes;
}

}  // namespace

std::string EncodeTableDef(const TableDef& def) {
  Writer w;
  w.Byte(kCatalogFormatV6);
  w.U64(def.table_id);
  w.Str(def.name);
  w.Str(def.uuid);
  w.I64(def.creation_micros);
  w.U64(def.attribute_definitions.size());
  for (const auto& a : def.attribute_definitions) {
    w.Str(a.name);
    w.Byte(static_cast<uint8_t>(a.type));
  }
  PutKeySchema(w, def.key);
  w.Byte(static_cast<uint8_t>(def.billing_mode));
  w.I64(def.billing_mode_update_micros);
  PutThroughput(w, def.throughput);
  PutIndexes(w, def.local_indexes);
  PutIndexes(w, def.global_indexes);
  w.Byte(def.stream.enabled ? 1 : 0);
  w.Byte(static_cast<uint8_t>(def.stream.view_type));
  w.Str(def.stream.label);
  w.Byte(def.sse.enabled ? 1 : 0);
  w.Str(def.sse.kms_master_key_id);
  w.Byte(static_cast<uint8_t>(def.table_class));
  w.I64(def.table_class_update_micros);
  w.Byte(def.deletion_protection ? 1 : 0);
  w.U64(def.tags.size());
  for (const auto& [k, v] : def.tags) {
    w.Str(k);
    w.Str(v);
  }
  w.U64(def.next_index_id);
  w.U64(def.streams.size());
  for (const auto& st : def.streams) {
    w.Str(st.label);
    w.Byte(static_cast<uint8_t>(st.view_type));
    w.I64(st.created_micros);
    w.I64(st.disabled_micros);
    w.U64(st.first_sequence);
    w.U64(st.end_sequence);
  }
  w.Byte(def.ttl.enabled ? 1 : 0);
  w.Str(def.ttl.attribute);
  w.I64(def.ttl.updated_micros);
  w.Byte(def.pitr.enabled ? 1 : 0);
  w.U64(static_cast<uint64_t>(def.pitr.recovery_days));
  w.I64(def.pitr.enabled_micros);
  w.Byte(def.restore ? 1 : 0);
  if (def.restore) {
    w.Str(def.restore->source_backup_arn);
    w.Str(def.restore->source_table_arn);
    w.I64(def.restore->restore_micros);
  }
  return w.Take();
}

Result<TableDef> DecodeTableDef(std::string_view bytes) {
  Reader r(bytes);
  const uint8_t version = r.Byte();
  if (version < kCatalogFormatV1 || version > kCatalogFormatV6) {
    return Status::Corruption("catalog: unknown format version");
  }
  TableDef def;
  def.table_id = r.U64();
  def.name = r.Str();
  def.uuid = r.Str();
  def.creation_micros = r.I64();
  def.attribute_definitions.resize(r.Count());
  for (auto& a : def.attribute_definitions) {
    a.name = r.Str();
    a.type = static_cast<model::Type>(r.Byte());
  }
  def.key = GetKeySchema(r);
  def.billing_mode = static_cast<model::BillingMode>(r.Byte());
  def.billing_mode_update_micros = r.I64();
  def.throughput = GetThroughput(r);
  def.local_indexes = GetIndexes(r, version);
  def.global_indexes = GetIndexes(r, version);
  def.stream.enabled = r.Byte() != 0;
  def.stream.view_type = static_cast<model::StreamViewType>(r.Byte());
  def.stream.label = r.Str();
  def.sse.enabled = r.Byte() != 0;
  def.sse.kms_master_key_id = r.Str();
  def.table_class = static_cast<model::TableClass>(r.Byte());
  def.table_class_update_micros = r.I64();
  def.deletion_protection = r.Byte() != 0;
  def.tags.resize(r.Count());
  for (auto& [k, v] : def.tags) {
    k = r.Str();
    v = r.Str();
  }
  if (version >= kCatalogFormatV2) {
    def.next_index_id = static_cast<uint32_t>(r.U64());
  } else {
    // Version 1 kept no index entries and no ids: number the indexes in
    // order; the engine rebuilds their entries when it loads such a record.
    for (auto* indexes : {&def.local_indexes, &def.global_indexes}) {
      for (auto& index : *indexes) index.id = def.next_index_id++;
    }
  }
  if (version >= kCatalogFormatV4) {
    def.streams.resize(r.Count());
    for (auto& st : def.streams) {
      st.label = r.Str();
      st.view_type = static_cast<model::StreamViewType>(r.Byte());
      st.created_micros = r.I64();
      st.disabled_micros = r.I64();
      st.first_sequence = r.U64();
      st.end_sequence = r.U64();
    }
  } else if (def.stream.enabled) {
    // Older versions kept no change log: the stream starts with the next change.
    def.streams.push_back({def.stream.label, def.stream.view_type, def.creation_micros, 0, 0, 0});
  }
  if (version >= kCatalogFormatV5) {
    def.ttl.enabled = r.Byte() != 0;
    def.ttl.attribute = r.Str();
    def.ttl.updated_micros = r.I64();
  }
  if (version >= kCatalogFormatV6) {
    def.pitr.enabled = r.Byte() != 0;
    def.pitr.recovery_days = static_cast<int>(r.U64());
    def.pitr.enabled_micros = r.I64();
    if (r.Byte() != 0) {
      model::RestoreInfo restore;
      restore.source_backup_arn = r.Str();
      restore.source_table_arn = r.Str();
      restore.restore_micros = r.I64();
      def.restore = std::move(restore);
    }
  }
  if (!r.ok()) return Status::Corruption("catalog: malformed table record");
  return def;
}

}  // namespace stator::storage

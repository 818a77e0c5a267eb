#include "storage/changelog.h"

#include "common/coding.h"
#include "model/item_codec.h"
#include "storage/keys.h"

namespace stator::storage {
namespace {

constexpr uint8_t kHasOld = 1;
constexpr uint8_t kHasNew = 2;
constexpr uint8_t kByService = 4;

void PutItem(std::string* out, const model::Item& item) {
  std::string bytes;
  model::EncodeItem(item, &bytes);
  PutLengthPrefixed(out, bytes);
}

bool GetItem(std::string_view* in, model::Item* item) {
  std::string_view bytes;
  if (!GetLengthPrefixed(in, &bytes)) return false;
  auto decoded = model::DecodeItem(bytes);
  if (!decoded.ok()) return false;
  *item = std::move(decoded).value();
  return true;
}

}  // namespace

std::string TableChangesBegin(uint64_t table_id) {
  std::string key(1, static_cast<char>(Namespace::kChangeLog));
  PutFixed64BE(&key, table_id);
  return key;
}

std::string TableChangesEnd(uint64_t table_id) { return TableChangesBegin(table_id + 1); }

std::string ChangeKey(uint64_t table_id, uint64_t sequence) {
  std::string key = TableChangesBegin(table_id);
  PutFixed64BE(&key, sequence);
  return key;
}

std::string EncodeChangeRecord(const ChangeRecord& r) {
  std::string out;
  out.push_back(static_cast<char>(kChangeRecordFormatV1));
  out.push_back(static_cast<char>(r.event));
  uint8_t flags =
      (r.old_image ? kHasOld : 0) | (r.new_image ? kHasNew : 0) | (r.by_service ? kByService : 0);
  out.push_back(static_cast<char>(flags));
  PutFixed64BE(&out, static_cast<uint64_t>(r.micros));
  PutItem(&out, r.keys);
  if (r.old_image) PutItem(&out, *r.old_image);
  if (r.new_image) PutItem(&out, *r.new_image);
  return out;
}

Result<ChangeRecord> DecodeChangeRecord(std::string_view key, std::string_view value) {
  auto corrupt = [] { return Status::Corruption("change log: malformed record"); };
  ChangeRecord r;
  std::string_view k = key;
  uint64_t table_id = 0;
  if (k.size() != 17 || static_cast<uint8_t>(k[0]) != static_cast<uint8_t>(Namespace::kChangeLog)) {
    return corrupt();
  }
  k.remove_prefix(1);
  if (!GetFixed64BE(&k, &table_id) || !GetFixed64BE(&k, &r.sequence)) return corrupt();
  std::string_view in = value;
  if (in.size() < 3 || static_cast<uint8_t>(in[0]) != kChangeRecordFormatV1) return corrupt();
  const auto event = static_cast<uint8_t>(in[1]);
  const auto flags = static_cast<uint8_t>(in[2]);
  in.remove_prefix(3);
  if (event < 1 || event > 3 || (flags & ~(kHasOld | kHasNew | kByService)) != 0) return corrupt();
  r.event = static_cast<ChangeEvent>(event);
  r.by_service = (flags & kByService) != 0;
  uint64_t micros = 0;
  if (!GetFixed64BE(&in, &micros)) return corrupt();
  r.micros = static_cast<int64_t>(micros);
  if (!GetItem(&in, &r.keys)) return corrupt();
  if (flags & kHasOld) {
    r.old_image.emplace();
    if (!GetItem(&in, &*r.old_image)) return corrupt();
  }
  if (flags & kHasNew) {
    r.new_image.emplace();
    if (!GetItem(&in, &*r.new_image)) return corrupt();
  }
  if (!in.empty()) return corrupt();
  return r;
}

}  // namespace stator::storage

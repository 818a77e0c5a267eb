#include "storage/table_stats.h"

#include <cstring>

namespace stator::storage {
namespace {

void PutFixed64LE(std::string* out, int64_t v) {
  auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

int64_t GetFixed64LE(const char* p) {
  uint64_t u = 0;
  for (int i = 7; i >= 0; --i) u = (u << 8) | static_cast<uint8_t>(p[i]);
  return static_cast<int64_t>(u);
}

class StatsMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    int64_t count = 0, bytes = 0, dc = 0, db = 0;
    if (existing != nullptr &&
        !DecodeStats(std::string_view(existing->data(), existing->size()), &count, &bytes)) {
      return false;
    }
    if (!DecodeStats(std::string_view(value.data(), value.size()), &dc, &db)) return false;
    *new_value = EncodeStatsDelta(count + dc, bytes + db);
    return true;
  }
  const char* Name() const override { return "stator.TableStatsAdd"; }
};

}  // namespace

std::string EncodeStatsDelta(int64_t count, int64_t bytes) {
  std::string out;
  out.reserve(16);
  PutFixed64LE(&out, count);
  PutFixed64LE(&out, bytes);
  return out;
}

bool DecodeStats(std::string_view value, int64_t* count, int64_t* bytes) {
  if (value.size() != 16) return false;
  *count = GetFixed64LE(value.data());
  *bytes = GetFixed64LE(value.data() + 8);
  return true;
}

std::shared_ptr<rocksdb::MergeOperator> NewStatsMergeOperator() {
  return std::make_shared<StatsMergeOperator>();
}

}  // namespace stator::storage

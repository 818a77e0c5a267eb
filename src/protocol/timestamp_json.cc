#include "protocol/timestamp_json.h"

#include <charconv>
#include <cmath>
#include <string>

namespace stator::protocol {
namespace {

// Beyond this many seconds a timestamp's microseconds overflow int64_t.
constexpr int64_t kMaxTimestampSeconds = INT64_MAX / 1000000;

int64_t SecondsToMicros(double seconds) {
  if (seconds >= static_cast<double>(kMaxTimestampSeconds)) return INT64_MAX;
  if (seconds <= -static_cast<double>(kMaxTimestampSeconds)) return INT64_MIN;
  return std::llround(seconds * 1e6);
}

std::string TimestampMismatch(const Json& v) {
  if (v.is_object()) return std::string(kStartOfStructure);
  if (v.is_array()) return "Unrecognized collection type class java.util.Date";
  if (v.is_boolean()) {
    return std::string(v.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE") +
           " cannot be converted to Date";
  }
  return "STRING_VALUE cannot be converted to Date";
}

}  // namespace

std::optional<int64_t> ReadTimestamp(ShapeReader& r, const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  const Json& v = *it;
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return INT64_MAX;
  }
  if (v.is_number_integer()) {
    int64_t seconds = v.get<int64_t>();
    if (seconds > kMaxTimestampSeconds) return INT64_MAX;
    if (seconds < -kMaxTimestampSeconds) return INT64_MIN;
    return seconds * 1000000;
  }
  if (v.is_number_float()) return SecondsToMicros(v.get<double>());
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    double seconds = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), seconds);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size() && std::isfinite(seconds)) {
      return SecondsToMicros(seconds);
    }
  }
  r.Fail(TimestampMismatch(v));
  return std::nullopt;
}

}  // namespace stator::protocol

#include "protocol/json_shape.h"

#include <cstdio>
#include <functional>

#include "common/base64.h"
#include "validation/table_names.h"

namespace stator::protocol {
namespace {

constexpr std::string_view kUnexpectedField = "Unexpected field type";
constexpr std::string_view kUnexpectedValue = "Unexpected value type in payload";

const Json* Member(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

// The deserialiser's name for the JSON token it found where a scalar of
// `java_type` was expected.
std::string ScalarMismatch(const Json& v, std::string_view java_type) {
  if (v.is_object()) return std::string(kStartOfStructure);
  if (v.is_array()) return "Unrecognized collection type class java.lang." + std::string(java_type);
  if (v.is_boolean()) {
    return std::string(v.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE") + " cannot be converted to " +
           std::string(java_type);
  }
  if (v.is_number_float()) return "DECIMAL_VALUE cannot be converted to " + std::string(java_type);
  if (v.is_number()) return "NUMBER_VALUE cannot be converted to " + std::string(java_type);
  return "STRING_VALUE cannot be converted to " + std::string(java_type);
}

}  // namespace

void ShapeReader::Fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

Status ShapeReader::status() const { return ok() ? Status::OK() : Status::Serialization(error_); }

std::optional<std::string> ShapeReader::StringValue(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  Fail(ScalarMismatch(v, "String"));
  return std::nullopt;
}

std::optional<std::string> ShapeReader::String(const Json& obj, std::string_view key) {
  const Json* v = Member(obj, key);
  return v == nullptr ? std::nullopt : StringValue(*v);
}

bool ShapeReader::BoolValue(const Json& v, bool* out) {
  if (v.is_boolean()) {
    *out = v.get<bool>();
    return true;
  }
  Fail(v.is_string() ? "Unexpected token received from parser" : ScalarMismatch(v, "Boolean"));
  return false;
}

std::optional<bool> ShapeReader::Bool(const Json& obj, std::string_view key) {
  const Json* v = Member(obj, key);
  bool b = false;
  if (v == nullptr || !BoolValue(*v, &b)) return std::nullopt;
  return b;
}

namespace {

std::optional<int64_t> ReadWholeNumber(ShapeReader& r, const Json* v, std::string_view java_type) {
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return INT64_MAX;
    }
    return v->get<int64_t>();
  }
  // DynamoDB truncates a decimal given for an integer member.
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (d >= 9.2e18) return INT64_MAX;
    if (d <= -9.2e18) return INT64_MIN;
    return static_cast<int64_t>(d);
  }
  r.Fail(ScalarMismatch(*v, java_type));
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> ShapeReader::Integer(const Json& obj, std::string_view key) {
  auto v = ReadWholeNumber(*this, Member(obj, key), "Integer");
  if (v && *v > INT32_MAX) return INT32_MAX;
  if (v && *v < INT32_MIN) return INT32_MIN;
  return v;
}

std::optional<int64_t> ShapeReader::Long(const Json& obj, std::string_view key) {
  return ReadWholeNumber(*this, Member(obj, key), "Long");
}

bool ShapeReader::ListValue(const Json& v) {
  if (v.is_array()) return true;
  Fail(std::string(v.is_object() ? kStartOfStructure : kUnexpectedField));
  return false;
}

const Json* ShapeReader::List(const Json& obj, std::string_view key) {
  const Json* v = Member(obj, key);
  return v != nullptr && ListValue(*v) ? v : nullptr;
}

std::optional<std::vector<std::string>> ShapeReader::StringList(const Json& obj,
                                                                std::string_view key) {
  const Json* list = List(obj, key);
  if (list == nullptr) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& e : *list) {
    if (auto s = StringValue(e)) out.push_back(*s);
  }
  return out;
}

std::optional<std::map<std::string, std::string>> ShapeReader::StringMap(const Json& obj,
                                                                         std::string_view key) {
  const Json* map = Map(obj, key, kStringMapType);
  if (map == nullptr) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : map->items()) {
    if (auto s = StringValue(v)) out[k] = *s;
  }
  return out;
}

bool ShapeReader::MapValue(const Json& v, std::string_view collection_type) {
  if (v.is_object()) return true;
  Fail(v.is_array() ? "Unrecognized collection type " + std::string(collection_type)
                    : std::string(kUnexpectedField));
  return false;
}

const Json* ShapeReader::Map(const Json& obj, std::string_view key,
                             std::string_view collection_type) {
  const Json* v = Member(obj, key);
  return v != nullptr && MapValue(*v, collection_type) ? v : nullptr;
}

const Json* ShapeReader::Struct(const Json& obj, std::string_view key,
                                std::string_view class_name) {
  const Json* v = Member(obj, key);
  if (v == nullptr) return nullptr;
  if (v->is_object()) return v;
  Fail(v->is_array() ? "Unrecognized collection type class com.amazonaws.dynamodb.v20120810." +
                           std::string(class_name)
                     : std::string(kUnexpectedField));
  return nullptr;
}

bool ShapeReader::StructValue(const Json& v, std::string_view class_name) {
  if (v.is_object()) return true;
  Fail(v.is_array() ? "Unrecognized collection type class com.amazonaws.dynamodb.v20120810." +
                          std::string(class_name)
                    : std::string(kUnexpectedValue));
  return false;
}

bool ShapeReader::Blob(const Json& v, std::string* bytes) {
  if (!v.is_string()) {
    if (v.is_object()) {
      Fail(std::string(kStartOfStructure));
    } else if (v.is_array()) {
      Fail("Unrecognized collection type class java.nio.ByteBuffer");
    } else {
      Fail("only base-64-encoded strings are convertible to bytes");
    }
    return false;
  }
  std::string error;
  if (!Base64Decode(v.get_ref<const std::string&>(), bytes, &error)) {
    Fail(error);
    return false;
  }
  return true;
}

// --- Constraints ---

void Constraints::Add(const std::string& rendered_value, const std::string& path,
                      const std::string& constraint) {
  errors_.push_back("Value " + rendered_value + " at '" + path +
                    "' failed to satisfy constraint: " + constraint);
}

void Constraints::TableName(const std::optional<std::string>& name, const std::string& path,
                            bool required) {
  if (!name) {
    if (required) NotNull(path);
    return;
  }
  bool pattern_ok = validation::MatchesNamePattern(*name);
  if (!pattern_ok) {
    Add(Quote(*name), path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
  StringLength(*name, path, 3, 255);
}

void Constraints::StringLength(const std::string& value, const std::string& path, size_t min,
                               size_t max) {
  if (value.size() < min) {
    Add(Quote(value), path,
        "Member must have length greater than or equal to " + std::to_string(min));
  } else if (value.size() > max) {
    Add(Quote(value), path, "Member must have length less than or equal to " + std::to_string(max));
  }
}

void Constraints::RequiredStringLength(const std::optional<std::string>& value,
                                       const std::string& path, size_t min, size_t max) {
  if (!value) {
    NotNull(path);
  } else {
    StringLength(*value, path, min, max);
  }
}

void Constraints::ValueRange(int64_t value, const std::string& path, std::optional<int64_t> min,
                             std::optional<int64_t> max) {
  if (min && value < *min) {
    Add(Quote(std::to_string(value)), path,
        "Member must have value greater than or equal to " + std::to_string(*min));
  } else if (max && value > *max) {
    Add(Quote(std::to_string(value)), path,
        "Member must have value less than or equal to " + std::to_string(*max));
  }
}

bool Constraints::Enum(const std::string& value, const std::string& path,
                       const std::vector<std::string_view>& allowed) {
  for (auto a : allowed) {
    if (a == value) return true;
  }
  std::string set = "[";
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) set += ", ";
    set += allowed[i];
  }
  set += "]";
  Add(Quote(value), path, "Member must satisfy enum value set: " + set);
  return false;
}

Status Constraints::status() const {
  if (errors_.empty()) return Status::OK();
  // DynamoDB lists at most ten violations and then counts ten.
  size_t n = errors_.size() < 10 ? errors_.size() : 10;
  std::string msg = std::to_string(n) +
                    (n == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) msg += "; ";
    msg += errors_[i];
  }
  return Status::Validation(std::move(msg));
}

const std::vector<std::string_view> kReturnConsumedCapacityValues = {"INDEXES", "TOTAL", "NONE"};
const std::vector<std::string_view> kReturnValuesValues = {"ALL_NEW", "UPDATED_OLD", "ALL_OLD",
                                                           "NONE", "UPDATED_NEW"};
const std::vector<std::string_view> kReturnItemCollectionMetricsValues = {"SIZE", "NONE"};
const std::vector<std::string_view> kReturnValuesOnConditionCheckFailureValues = {"ALL_OLD",
                                                                                  "NONE"};

std::string RenderObjectList(const Json& list, std::string_view class_name) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    char hash[9];
    std::snprintf(hash, sizeof(hash), "%08x",
                  static_cast<unsigned>(std::hash<std::string>()(list[i].dump()) & 0xffffffffu));
    out += (i > 0 ? ", " : "") + std::string("com.amazonaws.dynamodb.v20120810.") +
           std::string(class_name) + "@" + hash;
  }
  return Constraints::Quote(out + "]");
}

Result<std::string> DecodeSingleString(const Json& body, std::string_view member,
                                       const std::string& path, size_t min, size_t max) {
  ShapeReader r;
  auto value = r.String(body, member);
  if (!r.ok()) return r.status();
  Constraints c;
  c.RequiredStringLength(value, path, min, max);
  STATOR_RETURN_IF_ERROR(c.status());
  return *value;
}

}  // namespace stator::protocol

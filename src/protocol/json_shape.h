// Reading a request's JSON the way DynamoDB's deserialiser does.
//
// DynamoDB checks a request in phases, and so do we: (1) every member's JSON
// type against the operation's declared shape — the first mismatch is a
// SerializationException; (2) member constraints (required, length, range,
// pattern, enum) — collected into one "N validation errors detected" message;
// (3) the operation's own semantic checks. ShapeReader does (1), Constraints
// does (2). A JSON null counts as an absent member, and unknown members are
// ignored, as in DynamoDB.
//
// Thread-safety: objects are per request.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace stator::protocol {

using Json = nlohmann::json;

// Where a structure stands decides DynamoDB's message for a scalar in its
// place: a member of a structure ("field") or an element of a list or map
// ("value").
enum class Position { kField, kValue };

class ShapeReader {
 public:
  // Members of `obj` (which must be a JSON object). Each returns nullopt or
  // nullptr when the member is absent or null, or when its type is wrong (the
  // error is then recorded; only the first is kept).
  std::optional<std::string> String(const Json& obj, std::string_view key);
  std::optional<bool> Bool(const Json& obj, std::string_view key);
  std::optional<int64_t> Integer(const Json& obj, std::string_view key);  // Java Integer
  std::optional<int64_t> Long(const Json& obj, std::string_view key);     // Java Long
  // A list member: returns the array.
  const Json* List(const Json& obj, std::string_view key);
  // A structure member named by DynamoDB's class name, e.g. "ProvisionedThroughput".
  const Json* Struct(const Json& obj, std::string_view key, std::string_view class_name);
  // A map member; `collection_type` is DynamoDB's Java type for the error text,
  // e.g. "java.util.Map<java.lang.String, java.lang.String>".
  const Json* Map(const Json& obj, std::string_view key, std::string_view collection_type);
  // A list of strings (AttributesToGet, NonKeyAttributes).
  std::optional<std::vector<std::string>> StringList(const Json& obj, std::string_view key);
  // A string-to-string map (ExpressionAttributeNames).
  std::optional<std::map<std::string, std::string>> StringMap(const Json& obj,
                                                              std::string_view key);

  // Element checks for lists and map values.
  std::optional<std::string> StringValue(const Json& v);
  // A structure element (list element or map value) of `class_name`.
  bool StructValue(const Json& v, std::string_view class_name);
  // A blob (base64) value: decodes into *bytes.
  bool Blob(const Json& v, std::string* bytes);
  bool BoolValue(const Json& v, bool* out);
  // A list value (e.g. an attribute value's "L"/"SS").
  bool ListValue(const Json& v);
  // A map value (e.g. an attribute value's "M").
  bool MapValue(const Json& v, std::string_view collection_type);

  bool ok() const { return error_.empty(); }
  // The SerializationException for the first type error.
  Status status() const;
  void Fail(std::string message);

 private:
  std::string error_;
};

// Collects constraint violations in the order they are found.
class Constraints {
 public:
  // Renders a value for "Value <v> at '<path>'".
  // Built in place: concatenating temporaries trips a false GCC 12 -Wrestrict warning.
  static std::string Quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back('\'');
    out.append(s);
    out.push_back('\'');
    return out;
  }

  void Add(const std::string& rendered_value, const std::string& path,
           const std::string& constraint);
  void NotNull(const std::string& path) { Add("null", path, "Member must not be null"); }
  // Required string member of a table-name shape: pattern, then length.
  void TableName(const std::optional<std::string>& name, const std::string& path, bool required);
  void StringLength(const std::string& value, const std::string& path, size_t min, size_t max);
  // "must not be null" when absent, else StringLength.
  void RequiredStringLength(const std::optional<std::string>& value, const std::string& path,
                            size_t min, size_t max);
  void ValueRange(int64_t value, const std::string& path, std::optional<int64_t> min,
                  std::optional<int64_t> max);
  // `allowed` is DynamoDB's order, e.g. "[HASH, RANGE]". True if `value` is allowed.
  bool Enum(const std::string& value, const std::string& path,
            const std::vector<std::string_view>& allowed);

  bool ok() const { return errors_.empty(); }
  Status status() const;

 private:
  std::vector<std::string> errors_;
};

// A list of structures as DynamoDB prints one in a constraint message: Java objects,
// "'[com.amazonaws.dynamodb.v20120810.<class_name>@<hash>, ...]'". Clients cannot depend on
// the text (it holds object hashes); ours has the same form, from a hash of each element.
std::string RenderObjectList(const Json& list, std::string_view class_name);

// DynamoDB's Java type of a string-to-string map (ExpressionAttributeNames),
// named in its type-error messages.
inline constexpr std::string_view kStringMapType =
    "java.util.Map<java.lang.String, java.lang.String>";
// Its message for an object where a scalar belongs.
inline constexpr std::string_view kStartOfStructure =
    "Start of structure or map found where not expected";

// The DynamoDB enum sets, in DynamoDB's order for messages.
extern const std::vector<std::string_view> kReturnConsumedCapacityValues;
extern const std::vector<std::string_view> kReturnValuesValues;
extern const std::vector<std::string_view> kReturnItemCollectionMetricsValues;
extern const std::vector<std::string_view> kReturnValuesOnConditionCheckFailureValues;

// A request whose only member is the string `member`, required, of length
// min..max (constraint path `path`): DescribeBackup's BackupArn,
// DescribeExport's ExportArn, ...
Result<std::string> DecodeSingleString(const Json& body, std::string_view member,
                                       const std::string& path, size_t min, size_t max);

}  // namespace stator::protocol

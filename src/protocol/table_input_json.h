// The table-shape request members that several operations share: key
// schemas, provisioned throughput, secondary indexes, SSE specifications and
// billing modes, as CreateTable and UpdateTable send them (table_json.cc) and
// as RestoreTableFromBackup and RestoreTableToPointInTime send their
// *Override members (backups_json.cc).
//
// Each member goes through the decoders' phases (json_shape.h): Read* checks
// the JSON types into Raw* structures that hold every member as sent (absent
// ones as nullopt); Check* adds the member constraints under the given path,
// with DynamoDB's messages; To* builds the ops layer's input, and may only be
// called once Check* found no violation (it dereferences the members Check*
// requires).
//
// Internal to src/protocol. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/table.h"
#include "ops/tables.h"
#include "protocol/json_shape.h"

namespace stator::protocol {

// ---- raw members ----

struct RawKeyElement {
  std::optional<std::string> name, key_type;
};
struct RawThroughput {
  std::optional<int64_t> read, write;
};
struct RawProjection {
  std::optional<std::string> type;
  std::optional<std::vector<std::string>> non_key;
};
struct RawIndex {
  std::optional<std::string> name;
  std::optional<std::vector<RawKeyElement>> key_schema;
  std::optional<RawProjection> projection;
  std::optional<RawThroughput> throughput;  // a global index's only
};
struct RawSse {
  std::optional<bool> enabled;
  std::optional<std::string> type, kms_key;
};

// ---- phase 1: JSON types ----

// The "KeySchema" member of `obj`.
std::optional<std::vector<RawKeyElement>> ReadKeySchema(ShapeReader& r, const Json& obj);
// A ProvisionedThroughput structure named `key`.
std::optional<RawThroughput> ReadThroughput(ShapeReader& r, const Json& obj, std::string_view key);
// The members of one index structure `obj`; a global index has a throughput.
RawIndex ReadIndex(ShapeReader& r, const Json& obj, bool global);
// A list named `key` of index structures of DynamoDB's class `cls`
// (GlobalSecondaryIndex or LocalSecondaryIndex).
std::optional<std::vector<RawIndex>> ReadIndexes(ShapeReader& r, const Json& obj,
                                                 std::string_view key, std::string_view cls,
                                                 bool global);
// An SSESpecification structure named `key`.
std::optional<RawSse> ReadSse(ShapeReader& r, const Json& obj, std::string_view key);

// ---- phase 2: member constraints ----

// DynamoDB's projection types, in its order for messages.
extern const std::vector<std::string_view> kProjectionTypes;

// The path of `member` of the element at `index` (0-based) of a list member:
// "<list_path>.<index + 1>.member.<member>".
std::string MemberPath(const std::string& list_path, size_t index, std::string_view member);

// Whose key schema is checked: a table's and a local index's key have at most
// 2 elements, a global index's key is not bounded here (multi-attribute keys:
// the semantic checks limit it); only a table's key types are checked against
// the enum here (an index's are left to the semantic checks).
enum class KeySchemaOwner { kTable, kLocalIndex, kGlobalIndex };

void CheckKeySchema(Constraints& c, const std::optional<std::vector<RawKeyElement>>& keys,
                    const std::string& path, KeySchemaOwner owner);
// An absent throughput is not checked (the caller decides whether it is required).
void CheckThroughput(Constraints& c, const std::optional<RawThroughput>& t,
                     const std::string& path);
void CheckIndexes(Constraints& c, const std::optional<std::vector<RawIndex>>& indexes,
                  const std::string& path, bool global);
// `path` names the SSESpecification member, e.g. "sSESpecification".
void CheckSse(Constraints& c, const std::optional<RawSse>& sse, const std::string& path);
void CheckBillingMode(Constraints& c, const std::optional<std::string>& mode,
                      const std::string& path);

// ---- raw -> typed (constraints already hold) ----

std::vector<ops::KeySchemaElementInput> ToKeySchema(const std::vector<RawKeyElement>& raw);
ops::ThroughputInput ToThroughput(const RawThroughput& t);
std::vector<ops::IndexInput> ToIndexes(const std::vector<RawIndex>& raw);
ops::SseInput ToSse(const RawSse& s);
model::BillingMode ToBillingMode(const std::string& mode);

}  // namespace stator::protocol

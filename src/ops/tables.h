// Table operations: CreateTable, DescribeTable, ListTables, UpdateTable,
// DeleteTable, DescribeLimits, DescribeEndpoints.
//
// Requests arrive typed and shape-checked (JSON types and the per-member
// constraints are the protocol layer's job); these functions do DynamoDB's
// semantic validation and then act on storage.
//
// Thread-safety: every function may be called concurrently.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/table.h"
#include "ops/context.h"
#include "storage/engine.h"

namespace stator::ops {

enum class KeyType { kHash, kRange, kInvalid };  // kInvalid: an index key type outside the enum

struct KeySchemaElementInput {
  std::string attribute_name;
  KeyType key_type = KeyType::kHash;
};

struct ThroughputInput {
  int64_t read_units = 0;
  int64_t write_units = 0;
};

struct IndexInput {
  std::string index_name;
  std::vector<KeySchemaElementInput> key_schema;
  model::Projection projection;
  bool projection_type_given = false;
  std::optional<ThroughputInput> throughput;  // GSIs only
};

struct StreamSpecInput {
  bool enabled = false;
  std::optional<model::StreamViewType> view_type;
};

struct SseInput {
  std::optional<bool> enabled;
  std::optional<std::string> sse_type;  // "AES256" | "KMS"
  std::optional<std::string> kms_master_key_id;
};

struct CreateTableRequest {
  std::string table_name;
  std::vector<model::AttributeDefinition> attribute_definitions;
  std::vector<KeySchemaElementInput> key_schema;
  std::optional<model::BillingMode> billing_mode;
  std::optional<ThroughputInput> throughput;
  std::optional<std::vector<IndexInput>> local_indexes;
  std::optional<std::vector<IndexInput>> global_indexes;
  std::optional<StreamSpecInput> stream;
  std::optional<SseInput> sse;
  std::vector<std::pair<std::string, std::string>> tags;
  std::optional<std::string> table_class;  // validated here, not by the shape check
  std::optional<bool> deletion_protection;
};

// One entry of UpdateTable's GlobalSecondaryIndexUpdates.
struct GlobalIndexUpdateInput {
  enum class Kind { kNone, kCreate, kUpdate, kDelete };
  Kind kind = Kind::kNone;                    // kNone: the entry named no action
  int actions = 0;                            // how many of Create/Update/Delete the entry held
  IndexInput index;                           // kCreate: the new index; otherwise only index_name
  std::optional<ThroughputInput> throughput;  // kUpdate
};

struct UpdateTableRequest {
  std::string table_name;
  std::vector<model::AttributeDefinition> attribute_definitions;
  std::optional<model::BillingMode> billing_mode;
  std::optional<ThroughputInput> throughput;
  std::optional<StreamSpecInput> stream;
  std::optional<SseInput> sse;
  std::optional<std::string> table_class;
  std::optional<bool> deletion_protection;
  bool has_global_index_updates = false;
  std::vector<GlobalIndexUpdateInput> global_index_updates;
  bool has_replica_updates = false;
};

// A table as DescribeTable (and the other operations) report it.
struct TableDescription {
  storage::TablePtr def;
  storage::TableStats stats;
  std::map<uint32_t, storage::TableStats> index_stats;  // by index id
  std::string status;                                   // CREATING, ACTIVE, UPDATING, DELETING
  std::string table_arn;
};

struct ListTablesRequest {
  std::optional<std::string> exclusive_start_table_name;
  std::optional<int64_t> limit;
};

struct ListTablesResponse {
  std::vector<std::string> table_names;
  std::optional<std::string> last_evaluated_table_name;
};

struct DescribeLimitsResponse {
  int64_t account_max_read = 80000;
  int64_t account_max_write = 80000;
  int64_t table_max_read = 40000;
  int64_t table_max_write = 40000;
};

struct Endpoint {
  std::string address;
  int64_t cache_period_minutes = 1440;
};

Result<TableDescription> CreateTable(const RequestContext& ctx, const CreateTableRequest& req);
Result<TableDescription> DescribeTable(const RequestContext& ctx, const std::string& table_name);
Result<TableDescription> UpdateTable(const RequestContext& ctx, const UpdateTableRequest& req);
Result<TableDescription> DeleteTable(const RequestContext& ctx, const std::string& table_name);
Result<ListTablesResponse> ListTables(const RequestContext& ctx, const ListTablesRequest& req);
DescribeLimitsResponse DescribeLimits(const RequestContext& ctx);
Endpoint DescribeEndpoints(const RequestContext& ctx);

// A table-definition change as published: the definition it was computed
// from and the one that replaced it (the same when nothing changed).
struct TableChange {
  storage::TablePtr before;
  storage::TablePtr after;
};

// Computes a change of table `name`'s definition with `edit` (which may refuse
// with an error, or answer false when there is nothing to publish) and
// publishes it only over the definition it was computed from: when another
// change won the race, or the table was deleted or re-created meanwhile, it
// looks again. kResourceNotFound ("Requested resource not found: Table: NAME
// not found") when there is no such table.
Result<TableChange> ChangeTableDefinition(
    const RequestContext& ctx, const std::string& name,
    const std::function<Result<bool>(model::TableDef&)>& edit);

// "Requested resource not found: Table: NAME not found".
Status TableNotFound(const std::string& name);

// The description of table `def` in `status` (CREATING, ACTIVE, UPDATING,
// DELETING), with its current statistics.
TableDescription Describe(const RequestContext& ctx, storage::TablePtr def, std::string status);

// The table named `name`, or DynamoDB's ResourceNotFoundException for item
// operations ("Requested resource not found").
Result<storage::TablePtr> FindTableForItemOp(const RequestContext& ctx, const std::string& name);

}  // namespace stator::ops

// The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator and
// GetRecords, over each table's change log (docs/design/changelog.md).
//
// A stream is a table's change log from the moment the stream was enabled to
// the moment it was disabled (model::StreamDef). Each stream has exactly one
// shard, open while the stream is enabled and closed (with an ending sequence
// number) once it is disabled; DynamoDB's clients handle any number of shards,
// one included. Sequence numbers are the change log's, as 21-digit decimal
// strings. A shard iterator names the stream, the next sequence number to
// read and when it was issued; it expires after 15 minutes.
//
// Thread-safety: the operations may be called concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/attribute_value.h"
#include "model/table.h"
#include "ops/context.h"
#include "storage/changelog.h"

namespace stator::ops {

inline constexpr int64_t kShardIteratorLifetimeMicros = 15LL * 60 * 1000 * 1000;
inline constexpr int64_t kMaxGetRecords = 1000;
inline constexpr int64_t kMaxListStreams = 100;
inline constexpr int64_t kMaxDescribeShards = 100;
inline constexpr size_t kMaxGetRecordsBytes = 1024 * 1024;

struct ListStreamsRequest {
  std::optional<std::string> table_name;
  std::optional<int64_t> limit;
  std::optional<std::string> exclusive_start_stream_arn;
};

struct StreamSummary {
  std::string arn;
  std::string table_name;
  std::string label;
};

struct ListStreamsResponse {
  std::vector<StreamSummary> streams;  // newest first
  std::optional<std::string> last_evaluated_stream_arn;
};

struct DescribeStreamRequest {
  std::string stream_arn;
  std::optional<int64_t> limit;
  std::optional<std::string> exclusive_start_shard_id;
  // ShardFilter {Type: CHILD_SHARDS, ShardId}: only the children of that shard.
  std::optional<std::string> child_shards_of;
};

struct ShardDescription {
  std::string shard_id;
  std::string starting_sequence_number;
  std::optional<std::string> ending_sequence_number;  // closed shards only
};

struct StreamDescription {
  std::string arn;
  std::string label;
  bool enabled = true;  // StreamStatus ENABLED, else DISABLED
  model::StreamViewType view_type = model::StreamViewType::kNone;
  int64_t creation_micros = 0;
  std::string table_name;
  model::KeySchema key;
  std::vector<ShardDescription> shards;
  std::optional<std::string> last_evaluated_shard_id;
};

struct GetShardIteratorRequest {
  std::string stream_arn;
  std::string shard_id;
  std::string type;  // TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER
  std::optional<std::string> sequence_number;
};

struct GetRecordsRequest {
  std::string shard_iterator;
  std::optional<int64_t> limit;
};

struct StreamRecord {
  std::string event_id;  // 32 lower-case hex digits
  storage::ChangeEvent event = storage::ChangeEvent::kInsert;
  std::string region;
  int64_t creation_seconds = 0;  // ApproximateCreationDateTime, rounded down
  model::Item keys;
  std::optional<model::Item> new_image;
  std::optional<model::Item> old_image;
  std::string sequence_number;
  size_t size_bytes = 0;
  model::StreamViewType view_type = model::StreamViewType::kNone;
  bool by_service = false;  // userIdentity: the service (a TTL deletion)
};

struct GetRecordsResponse {
  std::vector<StreamRecord> records;
  std::optional<std::string> next_shard_iterator;  // absent once a closed shard is read to its end
};

// The ARN of a table's stream: arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL.
std::string StreamArn(const RequestContext& ctx, const std::string& table_name,
                      const std::string& label);

Result<ListStreamsResponse> ListStreams(const RequestContext& ctx, const ListStreamsRequest& req);
Result<StreamDescription> DescribeStream(const RequestContext& ctx,
                                         const DescribeStreamRequest& req);
Result<std::string> GetShardIterator(const RequestContext& ctx, const GetShardIteratorRequest& req);
Result<GetRecordsResponse> GetRecords(const RequestContext& ctx, const GetRecordsRequest& req);

}  // namespace stator::ops

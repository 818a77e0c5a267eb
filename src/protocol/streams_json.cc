#include "protocol/streams_json.h"

#include "protocol/attribute_value_json.h"
#include "protocol/table_json.h"

namespace stator::protocol {
namespace {

constexpr size_t kMinArn = 37;
constexpr size_t kMaxArn = 1024;
constexpr size_t kMinShardId = 28;
constexpr size_t kMaxShardId = 65;

const std::vector<std::string_view> kIteratorTypes = {
    "TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"};

void CheckLimit(Constraints& c, const std::optional<int64_t>& limit) {
  if (limit) c.ValueRange(*limit, "limit", 1, std::nullopt);
}

// A required string member with a length range.
void Required(Constraints& c, const std::optional<std::string>& v, const std::string& path,
              size_t min, size_t max) {
  if (!v) {
    c.NotNull(path);
  } else {
    c.StringLength(*v, path, min, max);
  }
}

const char* EventName(storage::ChangeEvent e) {
  switch (e) {
    case storage::ChangeEvent::kInsert:
      return "INSERT";
    case storage::ChangeEvent::kModify:
      return "MODIFY";
    case storage::ChangeEvent::kRemove:
      return "REMOVE";
  }
  return "";
}

}  // namespace

Result<ops::ListStreamsRequest> DecodeListStreams(const Json& body) {
  ShapeReader r;
  ops::ListStreamsRequest req;
  req.table_name = r.String(body, "TableName");
  req.limit = r.Integer(body, "Limit");
  req.exclusive_start_stream_arn = r.String(body, "ExclusiveStartStreamArn");
  if (!r.ok()) return r.status();
  Constraints c;
  if (req.table_name) c.TableName(req.table_name, "tableName", false);
  CheckLimit(c, req.limit);
  if (req.exclusive_start_stream_arn) {
    c.StringLength(*req.exclusive_start_stream_arn, "exclusiveStartStreamArn", kMinArn, kMaxArn);
  }
  STATOR_RETURN_IF_ERROR(c.status());
  if (req.limit && *req.limit > ops::kMaxListStreams) {
    return Status::Validation(
        "One or more parameter values were invalid: Limit cannot be greater than the maximum "
        "allowed size: 100");
  }
  return req;
}

Result<ops::DescribeStreamRequest> DecodeDescribeStream(const Json& body) {
  ShapeReader r;
  auto arn = r.String(body, "StreamArn");
  ops::DescribeStreamRequest req;
  req.limit = r.Integer(body, "Limit");
  req.exclusive_start_shard_id = r.String(body, "ExclusiveStartShardId");
  const Json* filter = r.Struct(body, "ShardFilter", "ShardFilter");
  std::optional<std::string> filter_type;
  std::optional<std::string> filter_shard;
  if (filter != nullptr) {
    filter_type = r.String(*filter, "Type");
    filter_shard = r.String(*filter, "ShardId");
  }
  if (!r.ok()) return r.status();
  Constraints c;
  Required(c, arn, "streamArn", kMinArn, kMaxArn);
  CheckLimit(c, req.limit);
  if (req.exclusive_start_shard_id) {
    c.StringLength(*req.exclusive_start_shard_id, "exclusiveStartShardId", kMinShardId,
                   kMaxShardId);
  }
  if (filter != nullptr) {
    if (filter_type) c.Enum(*filter_type, "shardFilter.type", {"CHILD_SHARDS"});
    if (filter_shard)
      c.StringLength(*filter_shard, "shardFilter.shardId", kMinShardId, kMaxShardId);
  }
  STATOR_RETURN_IF_ERROR(c.status());
  if (filter_type == "CHILD_SHARDS") req.child_shards_of = filter_shard.value_or("");
  if (req.limit && *req.limit > ops::kMaxDescribeShards) {
    return Status::Validation(
        "One or more parameter values were invalid: Limit cannot be greater than the maximum: "
        "100");
  }
  req.stream_arn = *arn;
  return req;
}

Result<ops::GetShardIteratorRequest> DecodeGetShardIterator(const Json& body) {
  ShapeReader r;
  auto arn = r.String(body, "StreamArn");
  auto shard = r.String(body, "ShardId");
  auto type = r.String(body, "ShardIteratorType");
  auto sequence = r.String(body, "SequenceNumber");
  if (!r.ok()) return r.status();
  Constraints c;
  Required(c, arn, "streamArn", kMinArn, kMaxArn);
  Required(c, shard, "shardId", kMinShardId, kMaxShardId);
  if (!type) {
    c.NotNull("shardIteratorType");
  } else {
    c.Enum(*type, "shardIteratorType", kIteratorTypes);
  }
  if (sequence) c.StringLength(*sequence, "sequenceNumber", 21, 40);
  STATOR_RETURN_IF_ERROR(c.status());
  return ops::GetShardIteratorRequest{*arn, *shard, *type, sequence};
}

Result<ops::GetRecordsRequest> DecodeGetRecords(const Json& body) {
  ShapeReader r;
  auto iterator = r.String(body, "ShardIterator");
  auto limit = r.Integer(body, "Limit");
  if (!r.ok()) return r.status();
  Constraints c;
  Required(c, iterator, "shardIterator", 1, 2048);
  CheckLimit(c, limit);
  STATOR_RETURN_IF_ERROR(c.status());
  if (limit && *limit > ops::kMaxGetRecords) {
    return Status::Validation(
        "One or more parameter values were invalid: Limit should be less than or equal to 1000");
  }
  return ops::GetRecordsRequest{*iterator, limit};
}

Json EncodeListStreams(const ops::ListStreamsResponse& resp) {
  Json streams = Json::array();
  for (const auto& s : resp.streams) {
    streams.push_back(
        {{"StreamArn", s.arn}, {"TableName", s.table_name}, {"StreamLabel", s.label}});
  }
  Json out = {{"Streams", std::move(streams)}};
  if (resp.last_evaluated_stream_arn)
    out["LastEvaluatedStreamArn"] = *resp.last_evaluated_stream_arn;
  return out;
}

Json EncodeDescribeStream(const ops::StreamDescription& d) {
  Json shards = Json::array();
  for (const auto& s : d.shards) {
    Json range = {{"StartingSequenceNumber", s.starting_sequence_number}};
    if (s.ending_sequence_number) range["EndingSequenceNumber"] = *s.ending_sequence_number;
    shards.push_back({{"ShardId", s.shard_id}, {"SequenceNumberRange", std::move(range)}});
  }
  Json desc = {{"StreamArn", d.arn},
               {"StreamLabel", d.label},
               {"StreamStatus", d.enabled ? "ENABLED" : "DISABLED"},
               {"StreamViewType", ViewTypeName(d.view_type)},
               // Seconds, with the milliseconds of the label.
               {"CreationRequestDateTime", static_cast<double>(d.creation_micros / 1000) / 1000.0},
               {"TableName", d.table_name},
               {"KeySchema", EncodeKeySchema(d.key)},
               {"Shards", std::move(shards)}};
  if (d.last_evaluated_shard_id) desc["LastEvaluatedShardId"] = *d.last_evaluated_shard_id;
  return {{"StreamDescription", std::move(desc)}};
}

Json EncodeShardIterator(const std::string& iterator) { return {{"ShardIterator", iterator}}; }

Json EncodeGetRecords(const ops::GetRecordsResponse& resp) {
  Json records = Json::array();
  for (const auto& r : resp.records) {
    Json dynamodb = {{"ApproximateCreationDateTime", r.creation_seconds},
                     {"Keys", EncodeItem(r.keys)},
                     {"SequenceNumber", r.sequence_number},
                     {"SizeBytes", r.size_bytes},
                     {"StreamViewType", ViewTypeName(r.view_type)}};
    if (r.new_image) dynamodb["NewImage"] = EncodeItem(*r.new_image);
    if (r.old_image) dynamodb["OldImage"] = EncodeItem(*r.old_image);
    Json record = {{"eventID", r.event_id}, {"eventName", EventName(r.event)},
                   {"eventVersion", "1.1"}, {"eventSource", "aws:dynamodb"},
                   {"awsRegion", r.region}, {"dynamodb", std::move(dynamodb)}};
    if (r.by_service) {
      record["userIdentity"] = {{"PrincipalId", "dynamodb.amazonaws.com"}, {"Type", "Service"}};
    }
    records.push_back(std::move(record));
  }
  Json out = {{"Records", std::move(records)}};
  if (resp.next_shard_iterator) out["NextShardIterator"] = *resp.next_shard_iterator;
  return out;
}

}  // namespace stator::protocol

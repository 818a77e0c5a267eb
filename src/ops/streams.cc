#include "ops/streams.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "common/base64.h"
#include "common/sha256.h"
#include "model/item_size.h"

namespace stator::ops {
namespace {

constexpr std::string_view kIteratorVersion = "1";
constexpr size_t kSequenceDigits = 21;

std::string SequenceString(uint64_t n) {
  std::string digits = std::to_string(n);
  if (digits.size() < kSequenceDigits) digits.insert(0, kSequenceDigits - digits.size(), '0');
  return digits;
}

// A SequenceNumber parameter: digits only (21 to 40 of them, by the API's
// constraints), with a value Stator can have given out.
std::optional<uint64_t> ParseSequence(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const size_t first = std::min(text.find_first_not_of('0'), text.size());
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data() + first, text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return n;
}

// A stream found from its ARN.
struct Found {
  storage::TablePtr table;
  const model::StreamDef* stream = nullptr;
};

// A stream disabled more than 24 hours ago is gone, even before the table's
// next stream change forgets it.
bool Expired(const RequestContext& ctx, const model::StreamDef& st) {
  return !st.ReadableAt(ctx.NowMicros());
}

Status StreamNotFound(const std::string& arn) {
  return Status::ResourceNotFound("Requested resource not found: Stream: " + arn + " not found");
}

// The tables whose streams can be read: the live ones, and the deleted ones
// whose streams are kept for 24 hours (disabled at the deletion).
std::vector<storage::TablePtr> TablesWithStreams(const RequestContext& ctx) {
  std::vector<storage::TablePtr> tables = ctx.engine().ListTables();
  for (storage::RetiredTable& r : ctx.engine().ListRetiredTables()) {
    if (!r.table.streams.empty()) {
      tables.push_back(std::make_shared<const model::TableDef>(std::move(r.table)));
    }
  }
  return tables;
}

Result<Found> FindStream(const RequestContext& ctx, const std::string& arn) {
  const size_t marker = arn.rfind("/stream/");
  const std::string table_prefix =
      "arn:aws:dynamodb:" + ctx.region + ":" + ctx.env->account_id + ":table/";
  if (marker == std::string::npos || arn.rfind(table_prefix, 0) != 0 ||
      marker < table_prefix.size()) {
    return StreamNotFound(arn);
  }
  const std::string name = arn.substr(table_prefix.size(), marker - table_prefix.size());
  const std::string label = arn.substr(marker + 8);
  for (storage::TablePtr& table : TablesWithStreams(ctx)) {
    if (table->name != name) continue;
    for (const auto& st : table->streams) {
      if (st.label == label && !Expired(ctx, st)) return Found{std::move(table), &st};
    }
  }
  return StreamNotFound(arn);
}

std::string ShardId(const model::TableDef& table, const model::StreamDef& stream) {
  char millis[21];
  std::snprintf(millis, sizeof(millis), "%020lld",
                static_cast<long long>(stream.created_micros / 1000));
  return "shardId-" + std::string(millis) + "-" +
         Sha256Hex(table.uuid + "/" + stream.label).substr(0, 8);
}

// One past the stream's last record: its end once disabled, else unbounded.
uint64_t StreamEnd(const model::StreamDef& s) { return s.enabled() ? UINT64_MAX : s.end_sequence; }

// The iterator's payload: the table (its id: a re-created table is another),
// the stream, the next sequence number to read and when it was issued.
struct Position {
  uint64_t table_id = 0;
  std::string label;
  uint64_t next = 0;
  int64_t issued_micros = 0;
};

std::string EncodeIterator(const std::string& arn, const Position& p) {
  const std::string payload = std::to_string(p.table_id) + "|" + p.label + "|" +
                              std::to_string(p.next) + "|" + std::to_string(p.issued_micros);
  return arn + "|" + std::string(kIteratorVersion) + "|" + Base64Encode(payload);
}

Status InvalidIterator() { return Status::Validation("Invalid ShardIterator"); }

template <typename Int>
bool ParseInt(std::string_view text, Int* out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

Result<std::pair<std::string, Position>> DecodeIterator(const std::string& iterator) {
  const size_t a = iterator.find('|');
  if (a == std::string::npos) return InvalidIterator();
  const size_t b = iterator.find('|', a + 1);
  if (b == std::string::npos || iterator.substr(a + 1, b - a - 1) != kIteratorVersion) {
    return InvalidIterator();
  }
  std::string payload;
  std::string error;
  if (!Base64Decode(iterator.substr(b + 1), &payload, &error)) return InvalidIterator();
  std::vector<std::string_view> parts;
  std::string_view rest(payload);
  for (size_t i = 0; i < 3; ++i) {
    const size_t bar = rest.find('|');
    if (bar == std::string_view::npos) return InvalidIterator();
    parts.push_back(rest.substr(0, bar));
    rest.remove_prefix(bar + 1);
  }
  parts.push_back(rest);
  Position p;
  p.label = std::string(parts[1]);
  if (!ParseInt(parts[0], &p.table_id) || !ParseInt(parts[2], &p.next) ||
      !ParseInt(parts[3], &p.issued_micros)) {
    return InvalidIterator();
  }
  return std::make_pair(iterator.substr(0, a), std::move(p));
}

StreamRecord ToStreamRecord(const RequestContext& ctx, const model::TableDef& table,
                            const model::StreamDef& stream, const storage::ChangeRecord& c) {
  using model::StreamViewType;
  StreamRecord r;
  r.event_id = Sha256Hex(table.uuid + "/" + std::to_string(c.sequence)).substr(0, 32);
  r.event = c.event;
  r.region = ctx.region;
  r.creation_seconds = c.micros / 1'000'000;
  r.keys = c.keys;
  r.sequence_number = SequenceString(c.sequence);
  r.view_type = stream.view_type;
  r.by_service = c.by_service;
  r.size_bytes = model::ItemSize(c.keys);
  const bool with_new = stream.view_type == StreamViewType::kNewImage ||
                        stream.view_type == StreamViewType::kNewAndOldImages;
  const bool with_old = stream.view_type == StreamViewType::kOldImage ||
                        stream.view_type == StreamViewType::kNewAndOldImages;
  if (with_new && c.new_image) {
    r.new_image = c.new_image;
    r.size_bytes += model::ItemSize(*c.new_image);
  }
  if (with_old && c.old_image) {
    r.old_image = c.old_image;
    r.size_bytes += model::ItemSize(*c.old_image);
  }
  return r;
}

}  // namespace

std::string StreamArn(const RequestContext& ctx, const std::string& table_name,
                      const std::string& label) {
  return ctx.TableArn(table_name) + "/stream/" + label;
}

Result<ListStreamsResponse> ListStreams(const RequestContext& ctx, const ListStreamsRequest& req) {
  struct Entry {
    int64_t created;
    StreamSummary summary;
  };
  std::vector<Entry> all;
  for (const storage::TablePtr& t : TablesWithStreams(ctx)) {
    if (req.table_name && t->name != *req.table_name) continue;
    for (const auto& st : t->streams) {
      if (Expired(ctx, st)) continue;
      all.push_back({st.created_micros, {StreamArn(ctx, t->name, st.label), t->name, st.label}});
    }
  }
  // Newest first, as DynamoDB lists them.
  std::stable_sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) {
    return a.created != b.created ? a.created > b.created : a.summary.arn < b.summary.arn;
  });
  size_t start = 0;
  if (req.exclusive_start_stream_arn) {
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i].summary.arn == *req.exclusive_start_stream_arn) start = i + 1;
    }
  }
  const size_t limit = static_cast<size_t>(req.limit.value_or(kMaxListStreams));
  ListStreamsResponse resp;
  for (size_t i = start; i < all.size() && resp.streams.size() < limit; ++i) {
    resp.streams.push_back(all[i].summary);
  }
  if (start + resp.streams.size() < all.size() && !resp.streams.empty()) {
    resp.last_evaluated_stream_arn = resp.streams.back().arn;
  }
  return resp;
}

Result<StreamDescription> DescribeStream(const RequestContext& ctx,
                                         const DescribeStreamRequest& req) {
  STATOR_ASSIGN_OR_RETURN(Found f, FindStream(ctx, req.stream_arn));
  const model::StreamDef& st = *f.stream;
  StreamDescription d;
  d.arn = req.stream_arn;
  d.label = st.label;
  d.enabled = st.enabled();
  d.view_type = st.view_type;
  d.creation_micros = st.created_micros;
  d.table_name = f.table->name;
  d.key = f.table->key;
  const std::string shard_id = ShardId(*f.table, st);
  // The one shard has no parent and no children.
  if (req.exclusive_start_shard_id != shard_id && !req.child_shards_of) {
    ShardDescription shard;
    shard.shard_id = shard_id;
    shard.starting_sequence_number = SequenceString(st.first_sequence);
    if (!st.enabled()) {
      // The last record's number; an empty closed shard ends where it starts.
      shard.ending_sequence_number =
          SequenceString(std::max(st.first_sequence, st.end_sequence - 1));
    }
    d.shards.push_back(std::move(shard));
  }
  return d;
}

Result<std::string> GetShardIterator(const RequestContext& ctx,
                                     const GetShardIteratorRequest& req) {
  const bool by_number = req.type == "AT_SEQUENCE_NUMBER" || req.type == "AFTER_SEQUENCE_NUMBER";
  if (by_number && !req.sequence_number) {
    return Status::Validation("One or more parameter values were invalid: Invalid SequenceNumber");
  }
  if (!by_number && req.sequence_number) {
    return Status::Validation(
        "One or more parameter values were invalid: SequenceNumber should not be passed for this "
        "iterator type");
  }
  STATOR_ASSIGN_OR_RETURN(Found f, FindStream(ctx, req.stream_arn));
  const model::StreamDef& st = *f.stream;
  if (req.shard_id != ShardId(*f.table, st)) {
    return Status::ResourceNotFound("Requested resource not found: Shard does not exist");
  }
  const uint64_t end = StreamEnd(st);
  const uint64_t trimmed = ctx.engine().TrimmedBelow(f.table->table_id);
  Position p{f.table->table_id, st.label, 0, ctx.NowMicros()};
  if (req.type == "TRIM_HORIZON") {
    p.next = std::max(st.first_sequence, trimmed);
  } else if (req.type == "LATEST") {
    p.next = std::min(ctx.engine().VisibleSequence() + 1, end);
    p.next = std::max(p.next, st.first_sequence);
  } else {
    std::optional<uint64_t> n = ParseSequence(*req.sequence_number);
    if (!n || *n < st.first_sequence || (!st.enabled() && *n >= end)) {
      return Status::Validation(
          "One or more parameter values were invalid: Invalid SequenceNumber for the shard");
    }
    if (*n < trimmed) {
      return Status(Code::kTrimmedDataAccess, "The data you are trying to access has been trimmed");
    }
    p.next = req.type == "AT_SEQUENCE_NUMBER" ? *n : *n + 1;
  }
  return EncodeIterator(req.stream_arn, p);
}

Result<GetRecordsResponse> GetRecords(const RequestContext& ctx, const GetRecordsRequest& req) {
  STATOR_ASSIGN_OR_RETURN(auto decoded, DecodeIterator(req.shard_iterator));
  auto& [arn, p] = decoded;
  if (ctx.NowMicros() - p.issued_micros > kShardIteratorLifetimeMicros) {
    return Status(Code::kExpiredIterator, "The provided iterator exceeds the maximum age allowed.");
  }
  STATOR_ASSIGN_OR_RETURN(Found f, FindStream(ctx, arn));
  if (f.table->table_id != p.table_id || f.stream->label != p.label) return StreamNotFound(arn);
  const model::StreamDef& st = *f.stream;
  const uint64_t end = StreamEnd(st);
  if (p.next < ctx.engine().TrimmedBelow(f.table->table_id)) {
    return Status(Code::kTrimmedDataAccess, "The data you are trying to access has been trimmed");
  }
  const size_t limit = static_cast<size_t>(req.limit.value_or(kMaxGetRecords));
  // Read up to what is visible now, and continue from there next time.
  const uint64_t visible_end = std::min(ctx.engine().VisibleSequence() + 1, end);
  GetRecordsResponse resp;
  size_t bytes = 0;
  uint64_t next = p.next;
  bool full = false;  // stopped by Limit or the 1 MB page size
  STATOR_RETURN_IF_ERROR(ctx.engine().ReadChanges(
      f.table->table_id, p.next, visible_end, [&](const storage::ChangeRecord& c) -> Result<bool> {
        StreamRecord r = ToStreamRecord(ctx, *f.table, st, c);
        if (!resp.records.empty() && bytes + r.size_bytes > kMaxGetRecordsBytes) {
          full = true;
          return false;
        }
        bytes += r.size_bytes;
        next = c.sequence + 1;
        resp.records.push_back(std::move(r));
        full = resp.records.size() >= limit;
        return !full;
      }));
  // A page that was not full read everything up to visible_end.
  if (!full) next = std::max(next, visible_end);
  if (st.enabled() || next < end) {
    Position after = p;
    after.next = next;
    after.issued_micros = ctx.NowMicros();
    resp.next_shard_iterator = EncodeIterator(arn, after);
  }
  return resp;
}

}  // namespace stator::ops

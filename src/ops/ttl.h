// Time to live: UpdateTimeToLive, DescribeTimeToLive, and the sweep that
// deletes expired items.
//
// While a table's TTL is enabled, an item whose TTL attribute is a number of
// epoch seconds at or before now is expired. DynamoDB deletes such items in
// the background, and so does Stator: SweepExpiredItems, run periodically by
// the server (--ttl-interval), deletes each through the normal write path
// (index entries, statistics and a REMOVE change-log record marked as the
// service's, in one batch), re-checking under the item's lock that it is still
// expired. Until swept, an expired item is read like any other, as in
// DynamoDB. Items dated more than five years in the past are left alone, as
// DynamoDB does.
//
// Thread-safety: the functions may be called concurrently.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "ops/context.h"

namespace stator::ops {

// DynamoDB allows one TTL change per table per hour.
inline constexpr int64_t kTtlChangeIntervalMicros = 60LL * 60 * 1000 * 1000;
inline constexpr int64_t kTtlMaxAgeSeconds = 5LL * 365 * 24 * 60 * 60;

struct TimeToLiveSpecification {
  bool enabled = false;
  std::string attribute_name;
};

struct UpdateTimeToLiveRequest {
  std::string table_name;
  TimeToLiveSpecification specification;
};

struct TimeToLiveDescription {
  bool enabled = false;
  std::string attribute_name;  // when enabled
};

Result<TimeToLiveSpecification> UpdateTimeToLive(const RequestContext& ctx,
                                                 const UpdateTimeToLiveRequest& req);
Result<TimeToLiveDescription> DescribeTimeToLive(const RequestContext& ctx,
                                                 const std::string& table_name);

// Deletes every expired item of every table with TTL enabled, as of the
// environment's clock. Returns how many it deleted.
Result<int64_t> SweepExpiredItems(const OpsEnv& env);

}  // namespace stator::ops

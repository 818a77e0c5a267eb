// Metrics: the CloudWatch metrics DynamoDB users watch, kept per operation and
// table, rendered in Prometheus' text format for `GET /metrics`.
//
// Per (operation, table): requests, successful-request latency (a histogram),
// user errors (4xx), system errors (5xx), conditional check failures,
// throttled requests and returned items (Query, Scan). Per table: consumed
// read and write capacity units. At render time: each table's item count and
// size, and the storage engine's health (storage::EngineHealth).
//
// The table label is the request's TableName, except for requests that failed
// before reaching a table that exists (validation errors, unknown tables): those
// count under table="" so that made-up names cannot grow the series without
// bound. A deleted table's series go with it.
//
// Thread-safety: every method may be called concurrently. Recording takes no
// lock once a thread has met its (operation, table) pair: each thread keeps its
// own map to the shared, atomically updated series.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "ops/capacity.h"
#include "protocol/json_shape.h"
#include "storage/engine.h"

namespace stator::protocol {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // `request` and `response` are the operation's JSON; the response still
  // holds ConsumedCapacity (see AskForConsumedCapacity in dispatcher.cc).
  void RecordSuccess(std::string_view operation, const Json& request, const Json& response,
                     int64_t latency_micros);
  // The same for an answer rendered without a DOM: `consumed` is the capacity the
  // operation computed (null if none), `returned_items` the Count of a Query or Scan.
  void RecordSuccess(std::string_view operation, const Json& request,
                     const ops::ConsumedCapacity* consumed, std::optional<int64_t> returned_items,
                     int64_t latency_micros);
  void RecordFailure(std::string_view operation, const Json& request, Code code);

  // The Prometheus text exposition (version 0.0.4) of everything recorded,
  // plus the tables' sizes and the engine's health read from `engine`.
  std::string Render(const storage::Engine& engine) const;

  struct Series;       // per (operation, table)
  struct TableSeries;  // per table

 private:
  Series& FindSeries(std::string_view operation, std::string_view table);
  TableSeries& FindTable(std::string_view table);
  void ForgetTable(std::string_view table);
  // Counts a successful request and its latency; returns its series.
  Series& CountSuccess(std::string_view operation, std::string_view table, int64_t latency_micros);
  // Adds `consumed` (one ConsumedCapacity or a list, or the typed one) to each table's read or
  // write units; `reads` says which for entries that do not name the kind of their units.
  void AddCapacity(bool reads, const Json& consumed);
  void AddCapacity(bool reads, const ops::ConsumedCapacity& consumed);

  const uint64_t id_;  // tells this instance apart in the threads' caches
  mutable std::mutex mu_;
  // Sorted, so output is stable. Entries are only erased by ForgetTable,
  // which also bumps generation_ so that the threads' caches drop them.
  std::map<std::string, std::shared_ptr<Series>> series_;       // GUARDED_BY(mu_)
  std::map<std::string, std::shared_ptr<TableSeries>> tables_;  // GUARDED_BY(mu_)
  std::atomic<uint64_t> generation_{0};
};

}  // namespace stator::protocol

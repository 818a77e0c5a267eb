// Metrics: counting across threads and instances, forgetting deleted tables,
// and the Prometheus text.
#include "protocol/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "common/clock.h"
#include "protocol/item_json.h"

namespace stator::protocol {
namespace {

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions options;
    options.in_memory = true;
    engine_ = storage::Engine::Open(options, &clock_).value();
  }

  // The value of the sample line starting with `prefix`, or -1 if absent.
  double Sample(const Metrics& metrics, const std::string& prefix) {
    std::string text = metrics.Render(*engine_);
    size_t at = text.find("\n" + prefix + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + prefix.size() + 2));
  }

  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<storage::Engine> engine_;
};

const Json kPut = {{"TableName", "T"}};

TEST_F(MetricsTest, CountsFromManyThreadsAddUp) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        metrics.RecordSuccess("PutItem", kPut,
                              {{"ConsumedCapacity", {{"TableName", "T"}, {"CapacityUnits", 1.0}}}},
                              100);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Sample(metrics, R"(stator_requests_total{operation="PutItem",table="T"})"), 4000);
  EXPECT_EQ(Sample(metrics, R"(stator_consumed_write_capacity_units_total{table="T"})"), 4000);
  EXPECT_EQ(
      Sample(
          metrics,
          R"(stator_successful_request_latency_seconds_bucket{operation="PutItem",table="T",le="0.00025"})"),
      4000);
}

TEST_F(MetricsTest, InstancesOnOneThreadKeepTheirOwnCounts) {
  Metrics a;
  Metrics b;
  a.RecordSuccess("PutItem", kPut, Json::object(), 10);
  b.RecordSuccess("PutItem", kPut, Json::object(), 10);
  a.RecordSuccess("PutItem", kPut, Json::object(), 10);
  EXPECT_EQ(Sample(a, R"(stator_requests_total{operation="PutItem",table="T"})"), 2);
  EXPECT_EQ(Sample(b, R"(stator_requests_total{operation="PutItem",table="T"})"), 1);
}

TEST_F(MetricsTest, DeletingATableDropsItsSeriesEvenFromThisThreadsCache) {
  Metrics metrics;
  metrics.RecordSuccess("PutItem", kPut, Json::object(), 10);
  metrics.RecordSuccess("DeleteTable", kPut, Json::object(), 10);
  EXPECT_EQ(Sample(metrics, R"(stator_requests_total{operation="PutItem",table="T"})"), -1);
  // A table of the same name starts from zero.
  metrics.RecordSuccess("PutItem", kPut, Json::object(), 10);
  EXPECT_EQ(Sample(metrics, R"(stator_requests_total{operation="PutItem",table="T"})"), 1);
}

TEST_F(MetricsTest, ErrorsAreSortedAsCloudWatchSortsThem) {
  Metrics metrics;
  metrics.RecordFailure("PutItem", kPut, Code::kConditionalCheckFailed);
  metrics.RecordFailure("PutItem", kPut, Code::kProvisionedThroughputExceeded);
  metrics.RecordFailure("PutItem", kPut, Code::kTransactionConflict);
  metrics.RecordFailure("PutItem", kPut, Code::kItemCollectionSizeLimitExceeded);
  metrics.RecordFailure("PutItem", kPut, Code::kInternal);
  metrics.RecordFailure("PutItem", kPut, Code::kValidation);  // names no table
  const std::string labels = R"({operation="PutItem",table="T"})";
  EXPECT_EQ(Sample(metrics, "stator_requests_total" + labels), 5);
  EXPECT_EQ(Sample(metrics, "stator_conditional_check_failed_requests_total" + labels), 1);
  EXPECT_EQ(Sample(metrics, "stator_throttled_requests_total" + labels), 1);
  EXPECT_EQ(Sample(metrics, "stator_transaction_conflicts_total" + labels), 1);
  EXPECT_EQ(Sample(metrics, "stator_user_errors_total" + labels), 1);
  EXPECT_EQ(Sample(metrics, "stator_system_errors_total" + labels), 1);
  EXPECT_EQ(Sample(metrics, R"(stator_user_errors_total{operation="PutItem",table=""})"), 1);
}

TEST_F(MetricsTest, TransactionalUnitsAreSplitIntoReadsAndWrites) {
  Metrics metrics;
  Json consumed = Json::array({{{"TableName", "T"},
                                {"CapacityUnits", 6.0},
                                {"ReadCapacityUnits", 2.0},
                                {"WriteCapacityUnits", 4.0}}});
  metrics.RecordSuccess("TransactWriteItems", Json::object(), {{"ConsumedCapacity", consumed}}, 1);
  EXPECT_EQ(Sample(metrics, R"(stator_consumed_read_capacity_units_total{table="T"})"), 2);
  EXPECT_EQ(Sample(metrics, R"(stator_consumed_write_capacity_units_total{table="T"})"), 4);
}

// The hot operations' answers are rendered without a DOM; what they record
// must be what their JSON recorded.
TEST_F(MetricsTest, RenderedAnswersCountAsTheirJson) {
  Metrics from_json;
  Metrics from_rendered;
  for (auto kind : {ops::ConsumedCapacity::Kind::kUnnamed, ops::ConsumedCapacity::Kind::kRead,
                    ops::ConsumedCapacity::Kind::kWrite}) {
    for (const char* op : {"GetItem", "PutItem", "Query", "Scan", "UpdateItem"}) {
      ops::ConsumedCapacity c;
      c.table_name = "T";
      c.table_units = 1.5;
      c.global_indexes = {{"g", 0.5}};
      c.kind = kind;
      Json response = {{"ConsumedCapacity", EncodeConsumedCapacity(c)}, {"Count", 7}};
      from_json.RecordSuccess(op, kPut, response, 300);
      from_rendered.RecordSuccess(op, kPut, &c, int64_t{7}, 300);
      from_json.RecordSuccess(op, kPut, Json::object(), 20);
      from_rendered.RecordSuccess(op, kPut, nullptr, std::nullopt, 20);
    }
  }
  EXPECT_EQ(from_rendered.Render(*engine_), from_json.Render(*engine_));
  EXPECT_EQ(Sample(from_rendered, "stator_returned_items_total{operation=\"Query\",table=\"T\"}"),
            21);
}

}  // namespace
}  // namespace stator::protocol

// Streams with a manual clock: retention of disabled streams and iterator expiry.
#include "ops/streams.h"

#include <gtest/gtest.h>

#include "ops_test_env.h"

namespace stator::ops {
namespace {

constexpr int64_t kStart = 1'800'000'000'000'000;  // µs

class StreamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model::TableDef def;
    // One stream disabled an hour after it was created, one enabled.
    def.streams.push_back({"2027-01-15T08:00:00.000", model::StreamViewType::kKeysOnly, kStart,
                           kStart + 3'600'000'000, 0, 0});
    def.stream = {true, model::StreamViewType::kNewImage, "2027-01-15T09:00:00.000"};
    def.streams.push_back(
        {def.stream.label, def.stream.view_type, kStart + 3'600'000'000, 0, 0, 0});
    table_ = t_.CreateTable("events", def);
  }

  std::string Arn(size_t i) { return StreamArn(ctx_, "events", table_->streams[i].label); }

  ManualClock clock_{kStart + 3'600'000'000};
  OpsTestEnv t_{&clock_};
  RequestContext& ctx_ = t_.ctx;
  storage::TablePtr table_;
};

TEST_F(StreamsTest, DisabledStreamsLastTwentyFourHours) {
  EXPECT_EQ(ListStreams(ctx_, {}).value().streams.size(), 2u);
  EXPECT_FALSE(DescribeStream(ctx_, {Arn(0), {}, {}, {}}).value().enabled);
  clock_.Advance(model::kStreamRetentionMicros);  // a day after the first was disabled
  auto listed = ListStreams(ctx_, {}).value().streams;
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].arn, Arn(1));
  EXPECT_EQ(DescribeStream(ctx_, {Arn(0), {}, {}, {}}).status().code(), Code::kResourceNotFound);
  EXPECT_TRUE(DescribeStream(ctx_, {Arn(1), {}, {}, {}}).value().enabled);
}

TEST_F(StreamsTest, IteratorsExpireAfterFifteenMinutes) {
  StreamDescription d = DescribeStream(ctx_, {Arn(1), {}, {}, {}}).value();
  std::string iterator =
      GetShardIterator(ctx_, {Arn(1), d.shards[0].shard_id, "TRIM_HORIZON", {}}).value();
  clock_.Advance(kShardIteratorLifetimeMicros);
  auto fresh = GetRecords(ctx_, {iterator, {}});  // exactly 15 minutes: still valid
  ASSERT_TRUE(fresh.ok());
  clock_.Advance(1);
  EXPECT_EQ(GetRecords(ctx_, {iterator, {}}).status().code(), Code::kExpiredIterator);
  // The answer's NextShardIterator was issued later, so it is still good.
  EXPECT_TRUE(GetRecords(ctx_, {*fresh->next_shard_iterator, {}}).ok());
}

}  // namespace
}  // namespace stator::ops

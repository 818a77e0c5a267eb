// The admin operations: snapshot names, restores and resets through ops, and
// the virtual clock driving time to live, streams and point-in-time recovery.
#include "ops/admin.h"

#include <gtest/gtest.h>

#include "ops/backups.h"
#include "ops/items.h"
#include "ops/streams.h"
#include "ops/ttl.h"
#include "ops_test_env.h"

namespace stator::ops {
namespace {

using model::AttributeValue;
using model::Item;

constexpr int64_t kNow = 1'800'000'000;  // seconds
constexpr int64_t kSecond = 1'000'000;

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t_.env.virtual_clock = &clock_;
    model::TableDef def;
    def.stream = {true, model::StreamViewType::kNewImage, "2027-01-15T08:00:00.000"};
    def.streams.push_back({def.stream.label, def.stream.view_type, kNow * kSecond, 0, 0, 0});
    table_ = t_.CreateTable("sessions", def);
    ASSERT_TRUE(UpdateTimeToLive(ctx_, {"sessions", {true, "exp"}}).ok());
  }

  void Put(const std::string& pk, int64_t expiry) {
    PutItemRequest req;
    req.table_name = "sessions";
    req.item = {{"pk", AttributeValue::S(pk)},
                {"exp", AttributeValue::N(model::Number::Parse(std::to_string(expiry)).value())}};
    ASSERT_TRUE(PutItem(ctx_, req).ok());
  }

  bool Exists(const std::string& pk) {
    storage::TablePtr table = t_.engine->FindTable("sessions");
    return t_.engine->GetItem(*table, {{"pk", AttributeValue::S(pk)}}).value().has_value();
  }

  Result<ClockMoved> Advance(int64_t seconds) {
    return MoveClock(env_, {seconds * kSecond, std::nullopt});
  }

  ManualClock clock_{kNow * kSecond};
  OpsTestEnv t_{&clock_};
  OpsEnv& env_ = t_.env;
  RequestContext& ctx_ = t_.ctx;
  storage::TablePtr table_;
};

TEST_F(AdminTest, SnapshotNamesAreCheckedAndUnique) {
  EXPECT_TRUE(ValidateSnapshotName("fixture_1.v-2").ok());
  EXPECT_TRUE(ValidateSnapshotName(std::string(255, 'a')).ok());
  for (const std::string bad : {std::string(), std::string(256, 'a'), std::string("a b"),
                                std::string("a/b"), std::string("é")}) {
    EXPECT_EQ(CreateDatabaseSnapshot(env_, bad).status().code(), Code::kValidation) << bad;
  }
  ASSERT_TRUE(CreateDatabaseSnapshot(env_, "base").ok());
  EXPECT_EQ(CreateDatabaseSnapshot(env_, "base").status().code(), Code::kResourceInUse);
  EXPECT_EQ(DescribeDatabaseSnapshot(env_, "other").status().code(), Code::kNotFound);
  EXPECT_EQ(RestoreDatabaseSnapshot(env_, "other").status().code(), Code::kNotFound);
  EXPECT_EQ(DeleteDatabaseSnapshot(env_, "other").status().code(), Code::kNotFound);
  EXPECT_EQ(DeleteDatabaseSnapshot(env_, "base").value().name, "base");
  EXPECT_TRUE(ListDatabaseSnapshots(env_).empty());
}

TEST_F(AdminTest, RestoreAndResetAnswerTheTables) {
  Put("a", kNow + 1000);
  ASSERT_TRUE(CreateDatabaseSnapshot(env_, "one").ok());
  t_.CreateTable("extra");
  EXPECT_EQ(ResetTables(env_).value(), (std::vector<std::string>{"extra", "sessions"}));
  EXPECT_FALSE(Exists("a"));
  EXPECT_EQ(RestoreDatabaseSnapshot(env_, "one").value(), (std::vector<std::string>{"sessions"}));
  EXPECT_TRUE(Exists("a"));
  EXPECT_EQ(t_.engine->FindTable("extra"), nullptr);
}

TEST_F(AdminTest, TheSystemClockCannotBeMoved) {
  env_.virtual_clock = nullptr;
  EXPECT_FALSE(DescribeClock(env_).is_virtual);
  Result<ClockMoved> moved = Advance(10);
  EXPECT_EQ(moved.status().code(), Code::kValidation);
  EXPECT_EQ(clock_.NowMicros(), kNow * kSecond);
}

TEST_F(AdminTest, TheVirtualClockOnlyMovesForwardAndIsSaved) {
  ClockState state = DescribeClock(env_);
  EXPECT_TRUE(state.is_virtual);
  EXPECT_EQ(state.now_micros, kNow * kSecond);
  EXPECT_EQ(MoveClock(env_, {}).status().code(), Code::kValidation);
  EXPECT_EQ(MoveClock(env_, {1, kNow * kSecond}).status().code(), Code::kValidation);
  EXPECT_EQ(Advance(-1).status().code(), Code::kValidation);
  EXPECT_EQ(MoveClock(env_, {std::nullopt, kNow * kSecond - 1}).status().code(), Code::kValidation);
  EXPECT_EQ(MoveClock(env_, {std::nullopt, kMaxClockMicros + 1}).status().code(),
            Code::kValidation);
  EXPECT_EQ(MoveClock(env_, {kMaxClockMicros, std::nullopt}).status().code(), Code::kValidation);
  EXPECT_EQ(clock_.NowMicros(), kNow * kSecond);  // refused moves move nothing

  ASSERT_EQ(Advance(90).value().clock.now_micros, (kNow + 90) * kSecond);
  EXPECT_EQ(t_.engine->LoadVirtualClock().value(), std::optional<int64_t>((kNow + 90) * kSecond));
  ASSERT_TRUE(MoveClock(env_, {std::nullopt, (kNow + 90) * kSecond}).ok());  // the same time
  ASSERT_EQ(MoveClock(env_, {std::nullopt, (kNow + 500) * kSecond}).value().clock.now_micros,
            (kNow + 500) * kSecond);
  EXPECT_EQ(clock_.NowMicros(), (kNow + 500) * kSecond);
}

TEST_F(AdminTest, MovingTheClockSweepsExpiredItemsAtOnce) {
  Put("soon", kNow + 100);
  Put("later", kNow + 1000);
  Result<ClockMoved> moved = Advance(99);
  ASSERT_TRUE(moved.ok()) << moved.status().message();
  EXPECT_EQ(moved->expired_items, 0);
  EXPECT_TRUE(Exists("soon"));
  moved = Advance(1);
  EXPECT_EQ(moved->expired_items, 1);
  EXPECT_FALSE(Exists("soon"));
  EXPECT_TRUE(Exists("later"));
  EXPECT_EQ(t_.engine->GetStats(table_->table_id).item_count, 1);
  moved = MoveClock(env_, {std::nullopt, (kNow + 5000) * kSecond});
  EXPECT_EQ(moved->expired_items, 1);
  EXPECT_FALSE(Exists("later"));
}

TEST_F(AdminTest, MovingTheClockExpiresIteratorsAndTrimsStreams) {
  Put("a", kNow + 100000);
  const std::string arn = StreamArn(ctx_, "sessions", table_->streams[0].label);
  StreamDescription d = DescribeStream(ctx_, {arn, {}, {}, {}}).value();
  const std::string iterator =
      GetShardIterator(ctx_, {arn, d.shards[0].shard_id, "TRIM_HORIZON", {}}).value();
  ASSERT_EQ(GetRecords(ctx_, {iterator, {}}).value().records.size(), 1u);
  ASSERT_TRUE(Advance(15 * 60 + 1).ok());
  EXPECT_EQ(GetRecords(ctx_, {iterator, {}}).status().code(), Code::kExpiredIterator);
  // A day later the record is past the stream's 24 hours and trimmed at once.
  ASSERT_TRUE(Advance(24 * 60 * 60).ok());
  const std::string fresh =
      GetShardIterator(ctx_, {arn, d.shards[0].shard_id, "TRIM_HORIZON", {}}).value();
  EXPECT_TRUE(GetRecords(ctx_, {fresh, {}}).value().records.empty());
}

TEST_F(AdminTest, MovingTheClockMovesThePointInTimeWindow) {
  ASSERT_TRUE(UpdateContinuousBackups(ctx_, {"sessions", {true, 1}}).ok());
  ContinuousBackupsDescription before = DescribeContinuousBackups(ctx_, "sessions").value();
  ASSERT_TRUE(Advance(3 * 24 * 60 * 60).ok());
  ContinuousBackupsDescription after = DescribeContinuousBackups(ctx_, "sessions").value();
  EXPECT_EQ(after.latest_micros, clock_.NowMicros());
  // A one-day period: the earliest time follows the clock, a base having
  // been taken by the move's maintenance.
  EXPECT_EQ(after.earliest_micros, clock_.NowMicros() - model::kDayMicros);
  EXPECT_GT(after.earliest_micros, before.earliest_micros);
}

}  // namespace
}  // namespace stator::ops

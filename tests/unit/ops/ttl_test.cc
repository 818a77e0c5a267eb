// Time to live with a manual clock: UpdateTimeToLive's rules and the sweep.
#include "ops/ttl.h"

#include <gtest/gtest.h>

#include "ops/items.h"
#include "ops_test_env.h"

namespace stator::ops {
namespace {

using model::AttributeValue;
using model::Item;

constexpr int64_t kNow = 1'800'000'000;  // seconds

class TtlTest : public ::testing::Test {
 protected:
  void SetUp() override { table_ = t_.CreateTable("sessions"); }

  Status Enable(bool enabled, const std::string& attribute = "exp") {
    return UpdateTimeToLive(ctx_, {"sessions", {enabled, attribute}}).status();
  }

  void Put(const std::string& pk, std::optional<AttributeValue> expiry) {
    Item item = {{"pk", AttributeValue::S(pk)}};
    if (expiry) item["exp"] = *expiry;
    PutItemRequest req;
    req.table_name = "sessions";
    req.item = item;
    ASSERT_TRUE(PutItem(ctx_, req).ok());
  }

  bool Exists(const std::string& pk) {
    return engine_->GetItem(*table_, {{"pk", AttributeValue::S(pk)}}).value().has_value();
  }

  static AttributeValue N(int64_t v) {
    return AttributeValue::N(model::Number::Parse(std::to_string(v)).value());
  }

  ManualClock clock_{kNow * 1'000'000};
  OpsTestEnv t_{&clock_};
  storage::Engine* engine_ = t_.engine.get();
  OpsEnv& env_ = t_.env;
  RequestContext& ctx_ = t_.ctx;
  storage::TablePtr table_;
};

TEST_F(TtlTest, UpdateTimeToLiveFollowsDynamoDBsRules) {
  EXPECT_FALSE(DescribeTimeToLive(ctx_, "sessions")->enabled);
  EXPECT_EQ(Enable(false).message(), "TimeToLive is already disabled");
  ASSERT_TRUE(Enable(true).ok());
  auto described = DescribeTimeToLive(ctx_, "sessions");
  EXPECT_TRUE(described->enabled);
  EXPECT_EQ(described->attribute_name, "exp");
  EXPECT_EQ(Enable(true).message(), "TimeToLive is already enabled");
  EXPECT_EQ(Enable(true, "other").message(), "TimeToLive is active on a different AttributeName");
  EXPECT_EQ(Enable(false, "other").message(), "TimeToLive is active on a different AttributeName");
  EXPECT_EQ(Enable(false).message(),
            "Time to live has been modified multiple times within a fixed interval");
  clock_.Advance(kTtlChangeIntervalMicros);
  EXPECT_TRUE(Enable(false).ok());
  EXPECT_EQ(UpdateTimeToLive(ctx_, {"nope", {true, "exp"}}).status().message(),
            "Requested resource not found: Table: nope not found");
}

TEST_F(TtlTest, SweepDeletesExactlyTheExpiredItems) {
  Put("expired", N(kNow - 1));
  Put("now", N(kNow));
  Put("future", N(kNow + 1));
  Put("ancient", N(kNow - kTtlMaxAgeSeconds - 1));
  Put("string", AttributeValue::S("1"));
  Put("none", std::nullopt);
  EXPECT_EQ(SweepExpiredItems(env_).value(), 0);  // TTL not enabled yet
  ASSERT_TRUE(Enable(true).ok());
  EXPECT_EQ(SweepExpiredItems(env_).value(), 2);
  EXPECT_FALSE(Exists("expired"));
  EXPECT_FALSE(Exists("now"));
  for (const char* kept : {"future", "ancient", "string", "none"})
    EXPECT_TRUE(Exists(kept)) << kept;
  EXPECT_EQ(engine_->GetStats(table_->table_id).item_count, 4);
  clock_.Advance(1'000'000);  // a second later "future" has expired too
  EXPECT_EQ(SweepExpiredItems(env_).value(), 1);
  EXPECT_FALSE(Exists("future"));
}

}  // namespace
}  // namespace stator::ops

// Requests that meet an item a transaction is applying: each operation reports
// the conflict the way DynamoDB does (tests/unit/storage covers the claims).
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "ops/batch.h"
#include "ops/items.h"
#include "ops/transactions.h"
#include "ops_test_env.h"

namespace stator::ops {
namespace {

using model::AttributeValue;
using model::Item;

class TransactionConflictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t_.env.transaction_tokens = &tokens_;
    table_ = t_.CreateTable("accounts");
  }

  // Runs `body` while a transaction holds the item `held` (inside its decision).
  void WhileHeld(const Item& held, const std::function<void()>& body) {
    std::promise<void> inside;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::thread holder([&] {
      std::vector<Status> reasons;
      storage::Mutator blocking = [&](const std::optional<Item>&) {
        inside.set_value();
        released.wait();
        return Result<storage::WriteDecision>(storage::WriteDecision::Put(held));
      };
      EXPECT_TRUE(engine_->Transact({{table_, held, blocking, Status::OK()}}, &reasons).ok());
    });
    inside.get_future().wait();
    body();
    release.set_value();
    holder.join();
  }

  static Item Key(const char* pk) { return {{"pk", AttributeValue::S(pk)}}; }

  OpsTestEnv t_{SystemClock::Default()};
  storage::Engine* engine_ = t_.engine.get();
  TransactionTokens tokens_;
  RequestContext& ctx_ = t_.ctx;
  storage::TablePtr table_;
};

TEST_F(TransactionConflictTest, PutItemGetsTransactionConflictException) {
  WhileHeld(Key("a"), [&] {
    PutItemRequest req;
    req.table_name = "accounts";
    req.item = Key("a");
    auto resp = PutItem(ctx_, req);
    EXPECT_EQ(resp.status().code(), Code::kTransactionConflict);
    EXPECT_EQ(resp.status().message(), "Transaction is ongoing for the item");
  });
}

TEST_F(TransactionConflictTest, BatchWriteItemReturnsTheHeldWriteUnprocessed) {
  WhileHeld(Key("a"), [&] {
    BatchWriteItemRequest req;
    req.tables.push_back({"accounts",
                          {{WriteRequest::Kind::kPut, Key("a")},
                           {WriteRequest::Kind::kPut, Key("b")},
                           {WriteRequest::Kind::kDelete, Key("c")}}});
    auto resp = BatchWriteItem(ctx_, req);
    ASSERT_TRUE(resp.ok()) << resp.status().message();
    ASSERT_EQ(resp->unprocessed.size(), 1u);
    EXPECT_EQ(resp->unprocessed[0].table_name, "accounts");
    ASSERT_EQ(resp->unprocessed[0].requests.size(), 1u);
    EXPECT_EQ(resp->unprocessed[0].requests[0].item, Key("a"));
    EXPECT_TRUE(engine_->GetItem(*table_, Key("b")).value().has_value());  // the others are made
  });
}

TEST_F(TransactionConflictTest, TransactionsReportTransactionConflictReasons) {
  WhileHeld(Key("a"), [&] {
    TransactWriteItemsRequest write;
    for (const char* pk : {"b", "a"}) {
      TransactWriteAction put;
      put.kind = TransactWriteAction::Kind::kPut;
      put.table_name = "accounts";
      put.item = Key(pk);
      write.actions.push_back(put);
    }
    auto w = TransactWriteItems(ctx_, write);
    ASSERT_EQ(w.status().code(), Code::kTransactionCanceled);
    EXPECT_EQ(w.status().message(),
              "Transaction cancelled, please refer cancellation reasons for specific reasons "
              "[None, TransactionConflict]");
    const auto* detail = dynamic_cast<const TransactionCanceledDetail*>(w.status().detail());
    ASSERT_NE(detail, nullptr);
    EXPECT_EQ(detail->reasons[1].message, "Transaction is ongoing for the item.");
    EXPECT_FALSE(engine_->GetItem(*table_, Key("b")).value().has_value());

    TransactGetItemsRequest get;
    get.actions.push_back({"accounts", Key("a"), {}});
    auto g = TransactGetItems(ctx_, get);
    EXPECT_EQ(g.status().code(), Code::kTransactionCanceled);

    GetItemRequest plain;  // a plain read never conflicts
    plain.table_name = "accounts";
    plain.key = Key("a");
    EXPECT_TRUE(GetItem(ctx_, plain).ok());
  });
}

TEST(TransactionTokensTest, RemembersATokenForTenMinutesAfterItsRequestFinished) {
  TransactionTokens tokens;
  std::vector<TransactionTokens::Action> applied;
  const int64_t t0 = 1'000'000'000;
  EXPECT_EQ(tokens.Begin("tok", "digest", t0, &applied), TransactionTokens::Claim::kNew);
  EXPECT_EQ(tokens.Begin("tok", "digest", t0, &applied), TransactionTokens::Claim::kInProgress);
  EXPECT_EQ(tokens.Begin("tok", "other", t0, &applied), TransactionTokens::Claim::kMismatch);
  tokens.Finish("tok", t0 + 5, {{"accounts", 1234}});
  EXPECT_EQ(tokens.Begin("tok", "digest", t0 + 6, &applied), TransactionTokens::Claim::kReplay);
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].table_name, "accounts");
  EXPECT_EQ(applied[0].size, 1234u);
  const int64_t expiry = t0 + 5 + kClientRequestTokenLifetimeMicros;
  EXPECT_EQ(tokens.Begin("tok", "other", expiry - 1, &applied),
            TransactionTokens::Claim::kMismatch);
  // Ten minutes after it finished, the token is new again (for any request).
  EXPECT_EQ(tokens.Begin("tok", "other", expiry, &applied), TransactionTokens::Claim::kNew);
  tokens.Abandon("tok");  // a failed request leaves the token unused
  EXPECT_EQ(tokens.Begin("tok", "third", expiry, &applied), TransactionTokens::Claim::kNew);
}

}  // namespace
}  // namespace stator::ops

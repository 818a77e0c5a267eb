#include "storage/engine.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

#include "model/item_size.h"
#include "storage/catalog_codec.h"
#include "storage/keys.h"
#include "storage/table_stats.h"

namespace stator::storage {
namespace {

using model::AttributeValue;
using model::Item;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "stator-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

model::TableDef HashRangeTable(const std::string& name) {
  model::TableDef def;
  def.name = name;
  def.uuid = "00000000-0000-4000-8000-000000000000";
  def.key.hash = {"pk", model::Type::kS};
  def.key.range = model::KeyElement{"sk", model::Type::kN};
  def.attribute_definitions = {{"pk", model::Type::kS}, {"sk", model::Type::kN}};
  return def;
}

Item MakeItem(const std::string& pk, const std::string& sk, const std::string& payload) {
  Item item;
  item["pk"] = AttributeValue::S(pk);
  item["sk"] = AttributeValue::N(model::Number::Parse(sk).value());
  item["payload"] = AttributeValue::S(payload);
  return item;
}

Item KeyOf(const Item& item) {
  Item key;
  key["pk"] = item.at("pk");
  key["sk"] = item.at("sk");
  return key;
}

Status Put(Engine& engine, const model::TableDef& table, const Item& item) {
  return engine.Mutate(table, KeyOf(item), [&](const std::optional<Item>&) {
    return Result<WriteDecision>(WriteDecision::Put(item));
  });
}

std::unique_ptr<Engine> OpenInMemory() {
  EngineOptions options;
  options.in_memory = true;
  return Engine::Open(options, SystemClock::Default()).value();
}

TEST(EngineTest, CreateFindListDeleteTables) {
  auto engine = OpenInMemory();
  auto a = engine->CreateTable(HashRangeTable("beta"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(engine->CreateTable(HashRangeTable("alpha")).ok());
  auto dup = engine->CreateTable(HashRangeTable("beta"));
  EXPECT_EQ(dup.status().code(), Code::kResourceInUse);
  EXPECT_EQ(dup.status().message(), "Table already exists: beta");
  auto tables = engine->ListTables();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0]->name, "alpha");
  EXPECT_NE(tables[0]->table_id, tables[1]->table_id);
  EXPECT_TRUE(engine->DeleteTable("beta").ok());
  EXPECT_EQ(engine->FindTable("beta"), nullptr);
  EXPECT_EQ(engine->DeleteTable("beta").code(), Code::kResourceNotFound);
}

TEST(EngineTest, ReplaceTableRefusesAStaleDefinition) {
  auto engine = OpenInMemory();
  TablePtr first = engine->CreateTable(HashRangeTable("t1")).value();
  model::TableDef protect = *first;
  protect.deletion_protection = true;
  ASSERT_TRUE(engine->ReplaceTable(protect, first).ok());
  // A change computed from `first` would undo the one just published.
  model::TableDef stale = *first;
  stale.table_class = model::TableClass::kStandardInfrequentAccess;
  EXPECT_EQ(engine->ReplaceTable(stale, first).status().code(), Code::kAborted);
  TablePtr now = engine->FindTable("t1");
  EXPECT_TRUE(now->deletion_protection);
  EXPECT_EQ(now->table_class, model::TableClass::kStandard);
  EXPECT_TRUE(engine->ReplaceTable(stale, now).ok());
}

// The entries of one index, as (record key, projection) pairs.
std::vector<std::pair<std::string, Item>> Entries(const Engine& engine,
                                                  const model::TableDef& table, uint32_t id) {
  std::vector<std::pair<std::string, Item>> out;
  EXPECT_TRUE(
      engine
          .Iterate({IndexEntriesBegin(table.table_id, id), IndexEntriesEnd(table.table_id, id)},
                   [&](std::string_view key, Item item) -> Result<bool> {
                     out.emplace_back(std::string(key), std::move(item));
                     return true;
                   })
          .ok());
  return out;
}

TEST(EngineTest, IndexEntriesFollowEveryWrite) {
  auto engine = OpenInMemory();
  model::TableDef def = HashRangeTable("indexed");
  model::IndexDef gsi;
  gsi.name = "by_g";
  gsi.key.hash = {"g", model::Type::kS};
  gsi.projection.type = model::ProjectionType::kKeysOnly;
  def.global_indexes.push_back(gsi);
  TablePtr table = engine->CreateTable(def).value();
  const uint32_t id = table->global_indexes[0].id;
  ASSERT_NE(id, 0u);

  Item item = MakeItem("p", "1", "x");
  ASSERT_TRUE(Put(*engine, *table, item).ok());
  EXPECT_TRUE(Entries(*engine, *table, id).empty());  // no g: not in the sparse index

  item["g"] = AttributeValue::S("one");
  ASSERT_TRUE(Put(*engine, *table, item).ok());
  auto entries = Entries(*engine, *table, id);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].first, *IndexEntryKey(*table, table->global_indexes[0], item));
  Item projected = {{"pk", item["pk"]}, {"sk", item["sk"]}, {"g", item["g"]}};
  EXPECT_EQ(entries[0].second, projected);  // KEYS_ONLY: no payload
  EXPECT_EQ(engine->GetIndexStats(table->table_id, id).item_count, 1);
  EXPECT_EQ(engine->GetIndexStats(table->table_id, id).size_bytes,
            static_cast<int64_t>(model::ItemSize(projected)));

  item["g"] = AttributeValue::S("two");  // the entry moves
  ASSERT_TRUE(Put(*engine, *table, item).ok());
  entries = Entries(*engine, *table, id);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].second.at("g"), AttributeValue::S("two"));
  EXPECT_EQ(engine->GetIndexStats(table->table_id, id).item_count, 1);

  ASSERT_TRUE(engine
                  ->Mutate(*table, KeyOf(item),
                           [](const std::optional<Item>&) {
                             return Result<WriteDecision>(WriteDecision::Delete());
                           })
                  .ok());
  EXPECT_TRUE(Entries(*engine, *table, id).empty());
  EXPECT_EQ(engine->GetIndexStats(table->table_id, id).item_count, 0);
  EXPECT_EQ(engine->GetIndexStats(table->table_id, id).size_bytes, 0);
}

TEST(EngineTest, PutGetDeleteAndStats) {
  auto engine = OpenInMemory();
  auto table = engine->CreateTable(HashRangeTable("items")).value();
  Item item = MakeItem("a", "1", "hello");
  ASSERT_TRUE(Put(*engine, *table, item).ok());
  auto got = engine->GetItem(*table, KeyOf(item));
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, item);
  EXPECT_EQ(engine->GetStats(table->table_id).item_count, 1);
  EXPECT_EQ(engine->GetStats(table->table_id).size_bytes,
            static_cast<int64_t>(model::ItemSize(item)));

  // Overwrite keeps the count and adjusts the size.
  Item bigger = MakeItem("a", "1", "hello world");
  ASSERT_TRUE(Put(*engine, *table, bigger).ok());
  EXPECT_EQ(engine->GetStats(table->table_id).item_count, 1);
  EXPECT_EQ(engine->GetStats(table->table_id).size_bytes,
            static_cast<int64_t>(model::ItemSize(bigger)));

  ASSERT_TRUE(engine
                  ->Mutate(*table, KeyOf(item),
                           [](const std::optional<Item>& current) {
                             EXPECT_TRUE(current.has_value());
                             return Result<WriteDecision>(WriteDecision::Delete());
                           })
                  .ok());
  EXPECT_FALSE(engine->GetItem(*table, KeyOf(item))->has_value());
  EXPECT_EQ(engine->GetStats(table->table_id).item_count, 0);
  EXPECT_EQ(engine->GetStats(table->table_id).size_bytes, 0);
}

TEST(EngineTest, MutatorErrorAbortsTheWrite) {
  auto engine = OpenInMemory();
  auto table = engine->CreateTable(HashRangeTable("items")).value();
  Item item = MakeItem("a", "1", "x");
  Status s = engine->Mutate(*table, KeyOf(item), [](const std::optional<Item>&) {
    return Result<WriteDecision>(Status(Code::kConditionalCheckFailed, "no"));
  });
  EXPECT_EQ(s.code(), Code::kConditionalCheckFailed);
  EXPECT_FALSE(engine->GetItem(*table, KeyOf(item))->has_value());
}

TEST(EngineTest, RecreatedTableDoesNotSeeOldItems) {
  auto engine = OpenInMemory();
  auto table = engine->CreateTable(HashRangeTable("items")).value();
  Item item = MakeItem("a", "1", "x");
  ASSERT_TRUE(Put(*engine, *table, item).ok());
  ASSERT_TRUE(engine->DeleteTable("items").ok());
  // A write racing the deletion fails instead of landing under a dead id.
  EXPECT_EQ(Put(*engine, *table, item).code(), Code::kResourceNotFound);
  auto again = engine->CreateTable(HashRangeTable("items")).value();
  EXPECT_FALSE(engine->GetItem(*again, KeyOf(item))->has_value());
  EXPECT_EQ(engine->GetStats(again->table_id).item_count, 0);
}

TEST(EngineTest, ConcurrentReadModifyWritesAreSerialised) {
  auto engine = OpenInMemory();
  auto table = engine->CreateTable(HashRangeTable("counter")).value();
  Item key = KeyOf(MakeItem("c", "0", ""));
  constexpr int kThreads = 8, kIncrements = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        Status s = engine->Mutate(*table, key, [&](const std::optional<Item>& current) {
          int64_t n = current ? std::stoll(current->at("payload").s()) : 0;
          Item next = key;
          next["payload"] = AttributeValue::S(std::to_string(n + 1));
          return Result<WriteDecision>(WriteDecision::Put(next));
        });
        ASSERT_TRUE(s.ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(engine->GetItem(*table, key)->value().at("payload").s(),
            std::to_string(kThreads * kIncrements));
}

// Writes hold the catalog lock shared one after another; a catalog change
// waiting for it exclusively must still get through promptly.
TEST(EngineTest, CatalogChangesAreNotStarvedByAStreamOfWrites) {
  auto engine = OpenInMemory();
  auto table = engine->CreateTable(HashRangeTable("busy")).value();
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !done; ++i) {
        ASSERT_TRUE(
            Put(*engine, *table, MakeItem("w" + std::to_string(t), std::to_string(i % 100), "x"))
                .ok());
      }
    });
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(engine->CreateTable(HashRangeTable("ddl")).ok());
    ASSERT_TRUE(engine->DeleteTable("ddl").ok());
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  done = true;
  for (auto& w : writers) w.join();
  EXPECT_LT(elapsed, std::chrono::seconds(20));
}

TEST(EngineTest, DataAndCatalogSurviveReopen) {
  TempDir dir;
  EngineOptions options;
  options.path = dir.path();
  Item item = MakeItem("p", "2.5", "persisted");
  uint64_t id = 0;
  {
    auto engine = Engine::Open(options, SystemClock::Default()).value();
    auto table = engine->CreateTable(HashRangeTable("durable")).value();
    id = table->table_id;
    ASSERT_TRUE(Put(*engine, *table, item).ok());
    ASSERT_TRUE(engine->CreateTable(HashRangeTable("gone")).ok());
    ASSERT_TRUE(engine->DeleteTable("gone").ok());
  }
  auto engine = Engine::Open(options, SystemClock::Default()).value();
  auto table = engine->FindTable("durable");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->table_id, id);
  EXPECT_EQ(engine->FindTable("gone"), nullptr);
  EXPECT_EQ(engine->GetItem(*table, KeyOf(item))->value(), item);
  EXPECT_EQ(engine->GetStats(id).item_count, 1);
  // Ids keep increasing across restarts.
  EXPECT_GT(engine->CreateTable(HashRangeTable("new")).value()->table_id, id + 1);
}

TEST(CatalogCodecTest, RoundTripsAFullDefinition) {
  model::TableDef def = HashRangeTable("full");
  def.table_id = 42;
  def.creation_micros = 1234567;
  def.billing_mode = model::BillingMode::kPayPerRequest;
  def.throughput = {5, 6, 7, 8, 1};
  model::IndexDef lsi{"lsi",
                      {{"pk", model::Type::kS}, model::KeyElement{"x", model::Type::kB}},
                      {model::ProjectionType::kInclude, {"a", "b"}},
                      {}};
  def.local_indexes = {lsi};
  model::IndexDef multi = lsi;
  multi.name = "multi";
  multi.key.more_hash = {{"h2", model::Type::kN}};
  multi.key.more_range = {{"r2", model::Type::kS}, {"r3", model::Type::kB}};
  def.global_indexes = {lsi, multi};
  def.stream = {true, model::StreamViewType::kNewAndOldImages, "2026-01-01T00:00:00.000"};
  def.sse = {true, "alias/key"};
  def.table_class = model::TableClass::kStandardInfrequentAccess;
  def.deletion_protection = true;
  def.tags = {{"k", "v"}};
  def.pitr = {true, 7, 99};
  def.restore = model::RestoreInfo{"arn:backup", "arn:table", 555};
  std::string bytes = EncodeTableDef(def);
  auto back = DecodeTableDef(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EncodeTableDef(*back), bytes);
  EXPECT_TRUE(back->pitr.enabled);
  EXPECT_EQ(back->pitr.recovery_days, 7);
  EXPECT_EQ(back->pitr.enabled_micros, 99);
  ASSERT_TRUE(back->restore.has_value());
  EXPECT_EQ(back->restore->source_backup_arn, "arn:backup");
  EXPECT_EQ(back->restore->restore_micros, 555);
  EXPECT_EQ(back->global_indexes[0].projection.non_key_attributes[1], "b");
  ASSERT_EQ(back->global_indexes[1].key.Elements().size(), 5u);
  EXPECT_EQ(back->global_indexes[1].key.more_range[1].name, "r3");
  EXPECT_EQ(back->global_indexes[1].key.more_hash[0].type, model::Type::kN);
  EXPECT_EQ(back->tags[0].second, "v");
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeTableDef(std::string_view(bytes.data(), n)).ok()) << n;
  }
}

// --- Transactions ---

Mutator PutMutator(const Item& item) {
  return [item](const std::optional<Item>&) {
    return Result<WriteDecision>(WriteDecision::Put(item));
  };
}

Mutator FailingMutator() {
  return [](const std::optional<Item>&) -> Result<WriteDecision> {
    return Status(Code::kConditionalCheckFailed, "The conditional request failed");
  };
}

int64_t Balance(const Engine& engine, const TablePtr& table, const Item& key) {
  auto item = engine.GetItem(*table, key).value();
  return item ? std::stoll(item->at("payload").s()) : 0;
}

TEST(TransactTest, AppliesEveryWriteAcrossTablesInOneBatch) {
  auto engine = OpenInMemory();
  TablePtr a = engine->CreateTable(HashRangeTable("a")).value();
  TablePtr b = engine->CreateTable(HashRangeTable("b")).value();
  Item x = MakeItem("x", "1", "one");
  Item y = MakeItem("y", "1", "two");
  ASSERT_TRUE(Put(*engine, *b, y).ok());
  std::vector<TransactionWrite> writes = {
      {a, KeyOf(x), PutMutator(x), Status::OK()},
      {b, KeyOf(y),
       [](const std::optional<Item>& current) -> Result<WriteDecision> {
         EXPECT_TRUE(current.has_value());  // sees the current item
         return WriteDecision::Delete();
       },
       Status::OK()}};
  std::vector<Status> reasons;
  ASSERT_TRUE(engine->Transact(writes, &reasons).ok());
  EXPECT_TRUE(engine->GetItem(*a, KeyOf(x)).value().has_value());
  EXPECT_FALSE(engine->GetItem(*b, KeyOf(y)).value().has_value());
  EXPECT_EQ(engine->GetStats(a->table_id).item_count, 1);
  EXPECT_EQ(engine->GetStats(b->table_id).item_count, 0);
}

TEST(TransactTest, ARefusedWriteCancelsAllAndEveryReasonIsReported) {
  auto engine = OpenInMemory();
  TablePtr t = engine->CreateTable(HashRangeTable("t")).value();
  Item x = MakeItem("x", "1", "one");
  Item y = MakeItem("y", "1", "two");
  Item z = MakeItem("z", "1", "three");
  int calls = 0;
  Mutator counted = [&](const std::optional<Item>&) {
    ++calls;
    return Result<WriteDecision>(WriteDecision::Put(z));
  };
  std::vector<TransactionWrite> writes = {
      {t, KeyOf(x), PutMutator(x), Status::OK()},
      {t, KeyOf(y), FailingMutator(), Status::OK()},
      {t, KeyOf(z), counted, Status::OK()},
      {t, Item{}, nullptr, Status::Validation("refused before it was addressed")}};
  std::vector<Status> reasons;
  Status s = engine->Transact(writes, &reasons);
  EXPECT_EQ(s.code(), Code::kTransactionCanceled);
  ASSERT_EQ(reasons.size(), 4u);
  EXPECT_TRUE(reasons[0].ok());
  EXPECT_EQ(reasons[1].code(), Code::kConditionalCheckFailed);
  EXPECT_TRUE(reasons[2].ok());
  EXPECT_EQ(reasons[3].message(), "refused before it was addressed");
  EXPECT_EQ(calls, 1);  // the writes after a refusal still run, to report their reasons
  for (const Item& item : {x, y, z}) {
    EXPECT_FALSE(engine->GetItem(*t, KeyOf(item)).value().has_value());
  }
  EXPECT_EQ(engine->GetStats(t->table_id).item_count, 0);
}

TEST(TransactTest, IndexEntriesAreWrittenWithTheItems) {
  auto engine = OpenInMemory();
  model::TableDef def = HashRangeTable("indexed");
  model::IndexDef gsi;
  gsi.name = "by_g";
  gsi.key.hash = {"g", model::Type::kS};
  gsi.projection.type = model::ProjectionType::kAll;
  def.global_indexes.push_back(gsi);
  TablePtr table = engine->CreateTable(def).value();
  Item x = MakeItem("x", "1", "one");
  x["g"] = AttributeValue::S("G");
  Item y = MakeItem("y", "1", "two");
  y["g"] = AttributeValue::S("G");
  std::vector<Status> reasons;
  ASSERT_TRUE(engine
                  ->Transact({{table, KeyOf(x), PutMutator(x), Status::OK()},
                              {table, KeyOf(y), PutMutator(y), Status::OK()}},
                             &reasons)
                  .ok());
  EXPECT_EQ(Entries(*engine, *table, table->global_indexes[0].id).size(), 2u);
  EXPECT_EQ(engine->GetIndexStats(table->table_id, table->global_indexes[0].id).item_count, 2);
}

// While a transaction applies (held inside its mutator here), its items are
// claimed: single writes, other transactions and consistent reads of them
// conflict at once instead of waiting; other items are unaffected.
TEST(TransactTest, ClaimedItemsConflictWhileATransactionApplies) {
  auto engine = OpenInMemory();
  TablePtr t = engine->CreateTable(HashRangeTable("t")).value();
  Item x = MakeItem("x", "1", "one");
  Item other = MakeItem("other", "1", "free");
  std::promise<void> inside;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::thread holder([&] {
    std::vector<Status> reasons;
    Mutator blocking = [&](const std::optional<Item>&) {
      inside.set_value();
      released.wait();
      return Result<WriteDecision>(WriteDecision::Put(x));
    };
    EXPECT_TRUE(engine->Transact({{t, KeyOf(x), blocking, Status::OK()}}, &reasons).ok());
  });
  inside.get_future().wait();

  Status single = Put(*engine, *t, x);
  EXPECT_EQ(single.code(), Code::kTransactionConflict);
  EXPECT_EQ(single.message(), "Transaction is ongoing for the item");

  std::vector<Status> reasons;
  Status second = engine->Transact({{t, KeyOf(other), PutMutator(other), Status::OK()},
                                    {t, KeyOf(x), PutMutator(x), Status::OK()}},
                                   &reasons);
  EXPECT_EQ(second.code(), Code::kTransactionCanceled);
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_TRUE(reasons[0].ok());
  EXPECT_EQ(reasons[1].code(), Code::kTransactionConflict);
  EXPECT_FALSE(engine->GetItem(*t, KeyOf(other)).value().has_value());  // cancelled whole

  std::vector<std::optional<Item>> items;
  Status read = engine->ReadConsistent({{t, KeyOf(x), Status::OK()}}, &items, &reasons);
  EXPECT_EQ(read.code(), Code::kTransactionCanceled);
  EXPECT_EQ(reasons[0].code(), Code::kTransactionConflict);

  EXPECT_TRUE(Put(*engine, *t, other).ok());  // another item: no conflict
  release.set_value();
  holder.join();
  EXPECT_TRUE(Put(*engine, *t, x).ok());  // the claim is gone
}

TEST(TransactTest, ReadConsistentReadsEveryItemOrReportsRefusals) {
  auto engine = OpenInMemory();
  TablePtr a = engine->CreateTable(HashRangeTable("a")).value();
  TablePtr b = engine->CreateTable(HashRangeTable("b")).value();
  Item x = MakeItem("x", "1", "one");
  ASSERT_TRUE(Put(*engine, *a, x).ok());
  std::vector<std::optional<Item>> items;
  std::vector<Status> reasons;
  ASSERT_TRUE(engine
                  ->ReadConsistent({{a, KeyOf(x), Status::OK()}, {b, KeyOf(x), Status::OK()}},
                                   &items, &reasons)
                  .ok());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], x);
  EXPECT_FALSE(items[1].has_value());

  Status refused = engine->ReadConsistent(
      {{a, KeyOf(x), Status::OK()}, {b, Item{}, Status::Validation("bad key")}}, &items, &reasons);
  EXPECT_EQ(refused.code(), Code::kTransactionCanceled);
  EXPECT_TRUE(reasons[0].ok());
  EXPECT_EQ(reasons[1].message(), "bad key");
}

// Transfers between accounts from several threads, each transaction locking
// its two items in whatever order the request names them: no deadlock, no
// lost update, and a snapshot read never sees half a transfer.
TEST(TransactTest, ConcurrentTransfersKeepTheTotal) {
  auto engine = OpenInMemory();
  TablePtr t = engine->CreateTable(HashRangeTable("accounts")).value();
  constexpr int kAccounts = 8, kThreads = 6, kTransfers = 300, kStart = 1000;
  std::vector<Item> keys;
  for (int i = 0; i < kAccounts; ++i) {
    Item account = MakeItem("acct" + std::to_string(i), "0", std::to_string(kStart));
    ASSERT_TRUE(Put(*engine, *t, account).ok());
    keys.push_back(KeyOf(account));
  }
  auto add = [](const Item& key, int64_t delta) -> Mutator {
    return [key, delta](const std::optional<Item>& current) -> Result<WriteDecision> {
      Item next = key;
      next["payload"] =
          AttributeValue::S(std::to_string(std::stoll(current->at("payload").s()) + delta));
      return WriteDecision::Put(next);
    };
  };
  std::atomic<int> committed{0};
  std::atomic<int> conflicts{0};
  std::atomic<bool> torn{false};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int i = 0; i < kTransfers; ++i) {
        const Item& from = keys[(th + i) % kAccounts];
        const Item& to = keys[(th * 3 + i * 5 + 1) % kAccounts];
        if (from == to) continue;
        std::vector<Status> reasons;
        Status s = engine->Transact(
            {{t, from, add(from, -7), Status::OK()}, {t, to, add(to, 7), Status::OK()}}, &reasons);
        if (s.ok()) {
          ++committed;
        } else if (s.code() == Code::kTransactionCanceled) {
          ++conflicts;
        } else {
          ADD_FAILURE() << s.message();
        }
        if (i % 10 == 0) {
          std::vector<TransactionRead> reads;
          for (const Item& key : keys) reads.push_back({t, key, Status::OK()});
          std::vector<std::optional<Item>> items;
          if (engine->ReadConsistent(reads, &items, &reasons).ok()) {
            int64_t total = 0;
            for (const auto& item : items) total += std::stoll(item->at("payload").s());
            if (total != kAccounts * kStart) torn = true;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  int64_t total = 0;
  for (const Item& key : keys) total += Balance(*engine, t, key);
  EXPECT_EQ(total, kAccounts * kStart);
  EXPECT_FALSE(torn);
  EXPECT_GT(committed.load(), 0);
}

// --- Item collections (tables with local indexes) ---

model::TableDef LsiTable(const std::string& name) {
  model::TableDef def = HashRangeTable(name);
  model::IndexDef lsi;
  lsi.name = "by_l";
  lsi.key.hash = {"pk", model::Type::kS};
  lsi.key.range = model::KeyElement{"l", model::Type::kS};
  lsi.projection.type = model::ProjectionType::kKeysOnly;
  def.local_indexes.push_back(lsi);
  return def;
}

TEST(ItemCollectionTest, SizeCountsItemsAndLocalEntriesAndTheLimitRefusesGrowth) {
  EngineOptions options;
  options.in_memory = true;
  options.item_collection_limit_bytes = 300;
  auto engine = Engine::Open(options, SystemClock::Default()).value();
  TablePtr table = engine->CreateTable(LsiTable("lsi")).value();
  const AttributeValue p = AttributeValue::S("p");

  Item first = MakeItem("p", "1", std::string(100, 'x'));
  first["l"] = AttributeValue::S("a");
  ASSERT_TRUE(Put(*engine, *table, first).ok());
  Item entry = {{"pk", first["pk"]}, {"sk", first["sk"]}, {"l", first["l"]}};
  const int64_t expected = static_cast<int64_t>(model::ItemSize(first) + model::ItemSize(entry));
  EXPECT_EQ(engine->ItemCollectionBytes(table->table_id, p), expected);

  Item second = MakeItem("p", "2", std::string(290, 'y'));  // alone nearly 300 bytes
  Status refused = Put(*engine, *table, second);
  EXPECT_EQ(refused.code(), Code::kItemCollectionSizeLimitExceeded);
  EXPECT_FALSE(engine->GetItem(*table, KeyOf(second)).value().has_value());
  EXPECT_EQ(engine->ItemCollectionBytes(table->table_id, p), expected);

  // Another partition has its own collection; shrinking is always allowed.
  ASSERT_TRUE(Put(*engine, *table, MakeItem("q", "1", std::string(200, 'z'))).ok());
  ASSERT_TRUE(Put(*engine, *table, MakeItem("p", "1", "small")).ok());
  EXPECT_LT(engine->ItemCollectionBytes(table->table_id, p), expected);

  std::vector<Status> reasons;
  Status txn = engine->Transact({{table, KeyOf(second),
                                  [&](const std::optional<Item>&) {
                                    return Result<WriteDecision>(WriteDecision::Put(second));
                                  },
                                  Status::OK()}},
                                &reasons);
  EXPECT_EQ(txn.code(), Code::kTransactionCanceled);
  EXPECT_EQ(reasons[0].code(), Code::kItemCollectionSizeLimitExceeded);

  ASSERT_TRUE(engine
                  ->Mutate(*table, KeyOf(first),
                           [](const std::optional<Item>&) {
                             return Result<WriteDecision>(WriteDecision::Delete());
                           })
                  .ok());
  EXPECT_EQ(engine->ItemCollectionBytes(table->table_id, p), 0);
}

// A database written before collections were measured has no collection
// records: opening it computes them from the items and local-index entries.
TEST(ItemCollectionTest, OpenComputesMissingCollectionRecords) {
  TempDir dir;
  EngineOptions options;
  options.path = dir.path();
  uint64_t table_id = 0;
  int64_t bytes = 0;
  {
    auto engine = Engine::Open(options, SystemClock::Default()).value();
    TablePtr table = engine->CreateTable(LsiTable("old")).value();
    table_id = table->table_id;
    for (int i = 0; i < 5; ++i) {
      Item item = MakeItem("p", std::to_string(i), "payload");
      item["l"] = AttributeValue::S(std::to_string(i));
      ASSERT_TRUE(Put(*engine, *table, item).ok());
    }
    bytes = engine->ItemCollectionBytes(table_id, AttributeValue::S("p"));
    ASSERT_GT(bytes, 0);
  }
  {
    rocksdb::Options raw_options;
    raw_options.merge_operator = NewStatsMergeOperator();
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(raw_options, dir.path(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::WriteBatch batch;
    batch.Delete(MetaKey("collection_stats"));
    batch.DeleteRange(IndexStatsKey(table_id, kCollectionStatsMarker), TableStatsEnd(table_id));
    ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  }
  auto engine = Engine::Open(options, SystemClock::Default()).value();
  EXPECT_EQ(engine->ItemCollectionBytes(table_id, AttributeValue::S("p")), bytes);
}

// --- Change log ---

std::vector<ChangeRecord> AllChanges(const Engine& engine, uint64_t table_id) {
  std::vector<ChangeRecord> out;
  EXPECT_TRUE(engine
                  .ReadChanges(table_id, 0, UINT64_MAX,
                               [&](const ChangeRecord& r) {
                                 out.push_back(r);
                                 return Result<bool>(true);
                               })
                  .ok());
  return out;
}

model::TableDef StreamedTable(const std::string& name) {
  model::TableDef def = HashRangeTable(name);
  def.stream = {true, model::StreamViewType::kNewAndOldImages, "2026-01-01T00:00:00.000"};
  def.streams.push_back({def.stream.label, def.stream.view_type, 1, 0, 0, 0});
  return def;
}

TEST(ChangeLogTest, RecordsEveryRealChangeInTheWritesBatch) {
  auto engine = OpenInMemory();
  TablePtr plain = engine->CreateTable(HashRangeTable("plain")).value();
  TablePtr table = engine->CreateTable(StreamedTable("streamed")).value();
  ASSERT_EQ(table->streams.size(), 1u);
  EXPECT_GT(table->streams[0].first_sequence, 0u);  // placed by the engine

  Item item = MakeItem("p", "1", "one");
  ASSERT_TRUE(Put(*engine, *plain, item).ok());  // a table without a stream logs nothing
  EXPECT_TRUE(AllChanges(*engine, plain->table_id).empty());

  ASSERT_TRUE(Put(*engine, *table, item).ok());
  ASSERT_TRUE(Put(*engine, *table, item).ok());  // identical: no record
  Item changed = MakeItem("p", "1", "two");
  ASSERT_TRUE(Put(*engine, *table, changed).ok());
  auto remove = [](const std::optional<Item>&) {
    return Result<WriteDecision>(WriteDecision::Delete());
  };
  ASSERT_TRUE(engine->Mutate(*table, KeyOf(item), remove).ok());
  ASSERT_TRUE(engine->Mutate(*table, KeyOf(item), remove).ok());  // missing: no record

  std::vector<ChangeRecord> log = AllChanges(*engine, table->table_id);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].event, ChangeEvent::kInsert);
  EXPECT_FALSE(log[0].old_image.has_value());
  EXPECT_EQ(log[0].new_image, item);
  EXPECT_EQ(log[0].keys, KeyOf(item));
  EXPECT_EQ(log[1].event, ChangeEvent::kModify);
  EXPECT_EQ(log[1].old_image, item);
  EXPECT_EQ(log[1].new_image, changed);
  EXPECT_EQ(log[2].event, ChangeEvent::kRemove);
  EXPECT_EQ(log[2].old_image, changed);
  EXPECT_FALSE(log[2].new_image.has_value());
  EXPECT_LT(log[0].sequence, log[1].sequence);
  EXPECT_LT(log[1].sequence, log[2].sequence);
  EXPECT_GE(engine->VisibleSequence(), log[2].sequence);

  // A transaction's changes are logged in its batch too.
  std::vector<Status> reasons;
  Item a = MakeItem("t", "1", "a");
  Item b = MakeItem("t", "2", "b");
  ASSERT_TRUE(engine
                  ->Transact({{table, KeyOf(a), PutMutator(a), Status::OK()},
                              {table, KeyOf(b), PutMutator(b), Status::OK()}},
                             &reasons)
                  .ok());
  log = AllChanges(*engine, table->table_id);
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log[4].sequence, log[3].sequence + 1);
}

TEST(ChangeLogTest, SurvivesReopenAndTrimsOldRecords) {
  TempDir dir;
  EngineOptions options;
  options.path = dir.path();
  ManualClock clock(1'000'000'000'000);
  uint64_t id = 0;
  uint64_t last = 0;
  {
    auto engine = Engine::Open(options, &clock).value();
    TablePtr table = engine->CreateTable(StreamedTable("t")).value();
    id = table->table_id;
    ASSERT_TRUE(Put(*engine, *table, MakeItem("p", "1", "old")).ok());
    clock.Advance(model::kStreamRetentionMicros);
    ASSERT_TRUE(Put(*engine, *table, MakeItem("p", "2", "new")).ok());
    last = AllChanges(*engine, id).back().sequence;
  }
  auto engine = Engine::Open(options, &clock).value();
  std::vector<ChangeRecord> log = AllChanges(*engine, id);
  ASSERT_EQ(log.size(), 2u);
  TablePtr table = engine->FindTable("t");
  ASSERT_TRUE(Put(*engine, *table, MakeItem("p", "3", "newer")).ok());
  EXPECT_GT(AllChanges(*engine, id).back().sequence, last);  // numbering resumes past the log

  clock.Advance(1);
  ASSERT_TRUE(engine->MaintainHistory().ok());  // the first record is now older than 24 hours
  log = AllChanges(*engine, id);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].new_image->at("payload").s(), "new");
  EXPECT_EQ(engine->TrimmedBelow(id), log[0].sequence);
}

TEST(ChangeLogTest, RecordCodecRoundTripsAndRejectsDamage) {
  ChangeRecord r;
  r.event = ChangeEvent::kModify;
  r.micros = 123456789;
  r.by_service = true;
  r.keys = KeyOf(MakeItem("p", "1", ""));
  r.old_image = MakeItem("p", "1", "a");
  r.new_image = MakeItem("p", "1", "b");
  const std::string key = ChangeKey(9, 42);
  const std::string value = EncodeChangeRecord(r);
  auto back = DecodeChangeRecord(key, value);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->sequence, 42u);
  EXPECT_EQ(back->event, ChangeEvent::kModify);
  EXPECT_EQ(back->micros, 123456789);
  EXPECT_TRUE(back->by_service);
  EXPECT_EQ(back->old_image, r.old_image);
  EXPECT_EQ(back->new_image, r.new_image);
  for (size_t n = 0; n < value.size(); ++n) {
    EXPECT_FALSE(DecodeChangeRecord(key, std::string_view(value.data(), n)).ok()) << n;
  }
}

}  // namespace
}  // namespace stator::storage

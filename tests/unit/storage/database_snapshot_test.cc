// Database snapshots, restores and resets of the storage engine, and the
// virtual clock's saved time.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include "storage/database_snapshots.h"
#include "storage/engine.h"
#include "storage/keys.h"

namespace stator::storage {
namespace {

using model::AttributeValue;
using model::Item;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "stator-dbsnap-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// pk (S) hash and sk (S) range key; a local index on "l" and a global index
// on "g", both projecting everything.
model::TableDef Table(const std::string& name) {
  model::TableDef def;
  def.name = name;
  def.uuid = "00000000-0000-4000-8000-00000000000" + std::to_string(name.size() % 10);
  def.key.hash = {"pk", model::Type::kS};
  def.key.range = model::KeyElement{"sk", model::Type::kS};
  def.attribute_definitions = {{"pk", model::Type::kS},
                               {"sk", model::Type::kS},
                               {"l", model::Type::kS},
                               {"g", model::Type::kS}};
  model::IndexDef lsi;
  lsi.name = "byL";
  lsi.key.hash = {"pk", model::Type::kS};
  lsi.key.range = model::KeyElement{"l", model::Type::kS};
  def.local_indexes.push_back(lsi);
  model::IndexDef gsi;
  gsi.name = "byG";
  gsi.key.hash = {"g", model::Type::kS};
  def.global_indexes.push_back(gsi);
  return def;
}

// With a NEW_IMAGE stream, time to live on "exp" and point-in-time recovery.
model::TableDef TableWithHistory(const std::string& name, int64_t now) {
  model::TableDef def = Table(name);
  def.stream = {true, model::StreamViewType::kNewImage, "2026-01-01T00:00:00.000"};
  def.streams.push_back({def.stream.label, def.stream.view_type, now, 0, 0, 0});
  def.ttl = {true, "exp", now};
  def.pitr = {true, 7, now};
  return def;
}

Item MakeItem(const std::string& pk, const std::string& sk, const std::string& v) {
  Item item;
  item["pk"] = AttributeValue::S(pk);
  item["sk"] = AttributeValue::S(sk);
  item["l"] = AttributeValue::S("l-" + v);
  item["g"] = AttributeValue::S("g-" + v);
  item["v"] = AttributeValue::S(v);
  return item;
}

Item KeyOf(const std::string& pk, const std::string& sk) {
  Item key;
  key["pk"] = AttributeValue::S(pk);
  key["sk"] = AttributeValue::S(sk);
  return key;
}

Status Put(Engine& engine, const std::string& table, const Item& item) {
  TablePtr def = engine.FindTable(table);
  if (def == nullptr) return Status::ResourceNotFound(table);
  return engine.Mutate(
      *def, KeyOf(item.at("pk").s(), item.at("sk").s()),
      [&](const std::optional<Item>&) { return Result<WriteDecision>(WriteDecision::Put(item)); });
}

Status Delete(Engine& engine, const std::string& table, const std::string& pk,
              const std::string& sk) {
  TablePtr def = engine.FindTable(table);
  return engine.Mutate(*def, KeyOf(pk, sk), [](const std::optional<Item>&) {
    return Result<WriteDecision>(WriteDecision::Delete());
  });
}

// "pk/sk" -> v of the records of a range (a table's items or an index's entries).
std::map<std::string, std::string> Records(const Engine& engine, const ReadRange& range) {
  std::map<std::string, std::string> out;
  Status s = engine.Iterate(range, [&](std::string_view, Item item) -> Result<bool> {
    out[item.at("pk").s() + "/" + item.at("sk").s()] = item.at("v").s();
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

std::map<std::string, std::string> Items(const Engine& engine, const std::string& name) {
  TablePtr def = engine.FindTable(name);
  return Records(engine, {TableItemsBegin(def->table_id), TableItemsEnd(def->table_id)});
}

std::map<std::string, std::string> IndexEntries(const Engine& engine, const std::string& name,
                                                const std::string& index_name) {
  TablePtr def = engine.FindTable(name);
  uint32_t id = 0;
  for (const auto* indexes : {&def->local_indexes, &def->global_indexes}) {
    for (const auto& index : *indexes) {
      if (index.name == index_name) id = index.id;
    }
  }
  return Records(engine,
                 {IndexEntriesBegin(def->table_id, id), IndexEntriesEnd(def->table_id, id)});
}

// Item count and every index's entry count and the first partition's item
// collection agree with what is really stored.
void ExpectConsistent(const Engine& engine, const std::string& name) {
  TablePtr def = engine.FindTable(name);
  ASSERT_NE(def, nullptr) << name;
  const auto items = Items(engine, name);
  EXPECT_EQ(engine.GetStats(def->table_id).item_count, static_cast<int64_t>(items.size())) << name;
  for (const auto* indexes : {&def->local_indexes, &def->global_indexes}) {
    for (const auto& index : *indexes) {
      EXPECT_EQ(engine.GetIndexStats(def->table_id, index.id).item_count,
                static_cast<int64_t>(IndexEntries(engine, name, index.name).size()))
          << name << " " << index.name;
      EXPECT_EQ(IndexEntries(engine, name, index.name), items) << name << " " << index.name;
    }
  }
}

using Map = std::map<std::string, std::string>;

TEST(DatabaseSnapshotTest, RestoreReturnsTablesItemsIndexesAndStatistics) {
  EngineOptions options;
  options.in_memory = true;
  ManualClock clock(1'000'000'000'000);
  auto engine = Engine::Open(options, &clock).value();
  ASSERT_TRUE(engine->CreateTable(Table("a")).ok());
  ASSERT_TRUE(engine->CreateTable(Table("gone")).ok());
  ASSERT_TRUE(Put(*engine, "a", MakeItem("p", "1", "x")).ok());
  ASSERT_TRUE(Put(*engine, "a", MakeItem("p", "2", "y")).ok());
  ASSERT_TRUE(Put(*engine, "gone", MakeItem("q", "1", "z")).ok());
  const int64_t collection =
      engine->ItemCollectionBytes(engine->FindTable("a")->table_id, AttributeValue::S("p"));
  ASSERT_GT(collection, 0);

  Result<DatabaseSnapshotInfo> snap = engine->CreateDatabaseSnapshot("base");
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  EXPECT_EQ(snap->name, "base");
  EXPECT_EQ(snap->micros, clock.NowMicros());
  ASSERT_EQ(snap->tables.size(), 2u);
  EXPECT_EQ(snap->tables[0].table.name, "a");
  EXPECT_EQ(snap->tables[0].item_count, 2);
  EXPECT_GT(snap->tables[0].size_bytes, 0);
  EXPECT_EQ(snap->tables[1].item_count, 1);
  EXPECT_EQ(engine->CreateDatabaseSnapshot("base").status().code(), Code::kResourceInUse);

  // Later changes: items changed, added and removed, a table deleted and a
  // table created.
  ASSERT_TRUE(Put(*engine, "a", MakeItem("p", "1", "changed")).ok());
  ASSERT_TRUE(Delete(*engine, "a", "p", "2").ok());
  ASSERT_TRUE(Put(*engine, "a", MakeItem("r", "1", "new")).ok());
  ASSERT_TRUE(engine->DeleteTable("gone").ok());
  ASSERT_TRUE(engine->CreateTable(Table("later")).ok());
  const uint64_t old_id = engine->FindTable("a")->table_id;

  Result<std::vector<TablePtr>> restored = engine->RestoreDatabaseSnapshot("base");
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  ASSERT_EQ(restored->size(), 2u);
  std::vector<std::string> names;
  for (const TablePtr& t : engine->ListTables()) names.push_back(t->name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "gone"}));
  TablePtr a = engine->FindTable("a");
  EXPECT_NE(a->table_id, old_id);  // a new id: nothing written under the old one can reach it
  EXPECT_EQ(Items(*engine, "a"), (Map{{"p/1", "x"}, {"p/2", "y"}}));
  EXPECT_EQ(Items(*engine, "gone"), (Map{{"q/1", "z"}}));
  EXPECT_EQ(IndexEntries(*engine, "a", "byG"), (Map{{"p/1", "x"}, {"p/2", "y"}}));
  EXPECT_EQ(IndexEntries(*engine, "a", "byL"), (Map{{"p/1", "x"}, {"p/2", "y"}}));
  EXPECT_EQ(engine->ItemCollectionBytes(a->table_id, AttributeValue::S("p")), collection);
  ExpectConsistent(*engine, "a");
  ExpectConsistent(*engine, "gone");
  // The old table's records are gone.
  EXPECT_TRUE(Records(*engine, {TableItemsBegin(old_id), TableItemsEnd(old_id)}).empty());
  EXPECT_EQ(engine->GetStats(old_id).item_count, 0);

  // The restored tables take writes as any table, and the snapshot restores again.
  ASSERT_TRUE(Put(*engine, "a", MakeItem("s", "1", "after")).ok());
  ExpectConsistent(*engine, "a");
  ASSERT_TRUE(engine->RestoreDatabaseSnapshot("base").ok());
  EXPECT_EQ(Items(*engine, "a"), (Map{{"p/1", "x"}, {"p/2", "y"}}));
  EXPECT_EQ(engine->RestoreDatabaseSnapshot("nope").status().code(), Code::kNotFound);
}

TEST(DatabaseSnapshotTest, ResetEmptiesEveryTableAndKeepsItsDefinition) {
  EngineOptions options;
  options.in_memory = true;
  ManualClock clock(1'000'000'000'000);
  auto engine = Engine::Open(options, &clock).value();
  ASSERT_TRUE(engine->CreateTable(TableWithHistory("h", clock.NowMicros())).ok());
  ASSERT_TRUE(engine->CreateTable(Table("plain")).ok());
  ASSERT_TRUE(engine->CreateSnapshot("h", SnapshotKind::kPitrBase, "").ok());
  ASSERT_TRUE(Put(*engine, "h", MakeItem("p", "1", "x")).ok());
  ASSERT_TRUE(Put(*engine, "plain", MakeItem("p", "1", "x")).ok());
  TablePtr before = engine->FindTable("h");
  const uint64_t old_base = engine->ListSnapshots()[0].id;
  clock.Advance(1000);

  Result<std::vector<TablePtr>> reset = engine->ResetTables();
  ASSERT_TRUE(reset.ok()) << reset.status().message();
  EXPECT_EQ(reset->size(), 2u);
  TablePtr after = engine->FindTable("h");
  EXPECT_EQ(after->table_id, before->table_id);
  EXPECT_EQ(after->local_indexes.size(), 1u);
  EXPECT_EQ(after->global_indexes.size(), 1u);
  EXPECT_TRUE(after->ttl.enabled);
  EXPECT_EQ(after->ttl.attribute, "exp");
  ASSERT_TRUE(after->stream_enabled());
  EXPECT_EQ(after->streams.back().label, before->streams.back().label);
  EXPECT_GT(after->streams.back().first_sequence, before->streams.back().first_sequence);
  EXPECT_TRUE(after->pitr.enabled);
  EXPECT_EQ(after->pitr.enabled_micros, clock.NowMicros());
  for (const std::string name : {"h", "plain"}) {
    EXPECT_TRUE(Items(*engine, name).empty()) << name;
    EXPECT_TRUE(IndexEntries(*engine, name, "byG").empty()) << name;
    ExpectConsistent(*engine, name);
  }
  EXPECT_EQ(engine->ItemCollectionBytes(after->table_id, AttributeValue::S("p")), 0);

  // The change log starts afresh: positions from before are trimmed.
  EXPECT_EQ(engine->TrimmedBelow(after->table_id), after->streams.back().first_sequence);
  int records = 0;
  ASSERT_TRUE(engine
                  ->ReadChanges(after->table_id, 0, UINT64_MAX,
                                [&](const ChangeRecord&) -> Result<bool> {
                                  ++records;
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(records, 0);
  ASSERT_TRUE(Put(*engine, "h", MakeItem("p", "2", "y")).ok());
  std::vector<uint64_t> sequences;
  ASSERT_TRUE(engine
                  ->ReadChanges(after->table_id, 0, UINT64_MAX,
                                [&](const ChangeRecord& r) -> Result<bool> {
                                  sequences.push_back(r.sequence);
                                  return true;
                                })
                  .ok());
  ASSERT_EQ(sequences.size(), 1u);
  EXPECT_GE(sequences[0], after->streams.back().first_sequence);
  ExpectConsistent(*engine, "h");

  // Point-in-time recovery restarts with a base of the empty table.
  std::vector<SnapshotInfo> bases = engine->ListSnapshots();
  ASSERT_EQ(bases.size(), 1u);
  EXPECT_NE(bases[0].id, old_base);
  EXPECT_EQ(bases[0].item_count, 0);
}

TEST(DatabaseSnapshotTest, RestoredStreamKeepsItsArnAndStartsAfresh) {
  EngineOptions options;
  options.in_memory = true;
  ManualClock clock(1'000'000'000'000);
  auto engine = Engine::Open(options, &clock).value();
  ASSERT_TRUE(engine->CreateTable(TableWithHistory("h", clock.NowMicros())).ok());
  ASSERT_TRUE(Put(*engine, "h", MakeItem("p", "1", "x")).ok());
  ASSERT_TRUE(engine->CreateDatabaseSnapshot("s").ok());
  ASSERT_TRUE(Put(*engine, "h", MakeItem("p", "2", "y")).ok());
  const std::string label = engine->FindTable("h")->streams.back().label;
  clock.Advance(5);
  ASSERT_TRUE(engine->RestoreDatabaseSnapshot("s").ok());
  TablePtr h = engine->FindTable("h");
  ASSERT_EQ(h->streams.size(), 1u);
  EXPECT_EQ(h->streams[0].label, label);
  EXPECT_TRUE(h->streams[0].enabled());
  EXPECT_EQ(h->pitr.enabled_micros, clock.NowMicros());
  int records = 0;
  ASSERT_TRUE(engine
                  ->ReadChanges(h->table_id, 0, UINT64_MAX,
                                [&](const ChangeRecord&) -> Result<bool> {
                                  ++records;
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(records, 0);
  ASSERT_TRUE(Put(*engine, "h", MakeItem("p", "3", "z")).ok());
  ASSERT_TRUE(engine
                  ->ReadChanges(h->table_id, h->streams[0].first_sequence, UINT64_MAX,
                                [&](const ChangeRecord&) -> Result<bool> {
                                  ++records;
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(records, 1);
  // The only base is the restored table's, holding the snapshot's item.
  std::vector<SnapshotInfo> bases = engine->ListSnapshots();
  ASSERT_EQ(bases.size(), 1u);
  EXPECT_EQ(bases[0].table.table_id, h->table_id);
  EXPECT_EQ(bases[0].item_count, 1);
}

TEST(DatabaseSnapshotTest, SnapshotsAndTheVirtualClockSurviveReopen) {
  TempDir dir;
  EngineOptions options;
  options.path = dir.path();
  ManualClock clock(1'000'000'000'000);
  {
    auto engine = Engine::Open(options, &clock).value();
    EXPECT_EQ(engine->LoadVirtualClock().value(), std::nullopt);
    ASSERT_TRUE(engine->SaveVirtualClock(2'000'000'000'000).ok());
    ASSERT_TRUE(engine->CreateTable(Table("t")).ok());
    ASSERT_TRUE(Put(*engine, "t", MakeItem("p", "1", "x")).ok());
    ASSERT_TRUE(engine->CreateDatabaseSnapshot("one").ok());
    ASSERT_TRUE(engine->CreateDatabaseSnapshot("two").ok());
    ASSERT_TRUE(engine->DeleteDatabaseSnapshot("two").ok());
    EXPECT_EQ(engine->DeleteDatabaseSnapshot("two").code(), Code::kNotFound);
    ASSERT_TRUE(engine->ResetTables().ok());
  }
  auto engine = Engine::Open(options, &clock).value();
  EXPECT_EQ(engine->LoadVirtualClock().value(), std::optional<int64_t>(2'000'000'000'000));
  std::vector<DatabaseSnapshotInfo> list = engine->ListDatabaseSnapshots();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "one");
  EXPECT_FALSE(engine->FindDatabaseSnapshot("two").has_value());
  EXPECT_TRUE(Items(*engine, "t").empty());
  ASSERT_TRUE(engine->RestoreDatabaseSnapshot("one").ok());
  EXPECT_EQ(Items(*engine, "t"), (Map{{"p/1", "x"}}));
  ExpectConsistent(*engine, "t");
  // A new snapshot never reuses an id.
  Result<DatabaseSnapshotInfo> three = engine->CreateDatabaseSnapshot("three");
  ASSERT_TRUE(three.ok());
  EXPECT_GT(three->id, list[0].id + 1);
}

TEST(DatabaseSnapshotTest, RecordsRoundTripAndRejectDamage) {
  DatabaseSnapshotInfo info;
  info.id = 7;
  info.name = "fixture";
  info.micros = 1'700'000'000'000'000;
  info.tables.push_back({Table("t"), 3, 120});
  const std::string value = EncodeDatabaseSnapshotInfo(info);
  Result<DatabaseSnapshotInfo> back = DecodeDatabaseSnapshotInfo(DatabaseSnapshotKey(7), value);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->id, 7u);
  EXPECT_EQ(back->name, "fixture");
  EXPECT_EQ(back->micros, info.micros);
  ASSERT_EQ(back->tables.size(), 1u);
  EXPECT_EQ(back->tables[0].table.name, "t");
  EXPECT_EQ(back->tables[0].table.global_indexes.size(), 1u);
  EXPECT_EQ(back->tables[0].item_count, 3);
  EXPECT_EQ(back->tables[0].size_bytes, 120);
  EXPECT_EQ(static_cast<uint8_t>(value[0]), kDatabaseSnapshotFormatV1);
  std::string other_version = value;
  other_version[0] = 2;
  EXPECT_EQ(DecodeDatabaseSnapshotInfo(DatabaseSnapshotKey(7), other_version).status().code(),
            Code::kCorruption);
  for (size_t cut = 0; cut < value.size(); ++cut) {
    EXPECT_FALSE(DecodeDatabaseSnapshotInfo(DatabaseSnapshotKey(7), value.substr(0, cut)).ok());
  }
  EXPECT_FALSE(DecodeDatabaseSnapshotInfo("\x0c", value).ok());
  EXPECT_EQ(DecodeVirtualClock(EncodeVirtualClock(123456789)).value(), 123456789);
  EXPECT_FALSE(DecodeVirtualClock("\x02\0\0\0\0\0\0\0\x01").ok());
  EXPECT_FALSE(DecodeVirtualClock("\x01").ok());
}

// Writers keep writing while the database is restored and reset over and
// over; every write lands wholly in one state, so each table's statistics
// and indexes agree with its items at the end.
TEST(DatabaseSnapshotTest, ConcurrentWritesKeepEveryTableConsistent) {
  EngineOptions options;
  options.in_memory = true;
  ManualClock clock(1'000'000'000'000);
  auto engine = Engine::Open(options, &clock).value();
  ASSERT_TRUE(engine->CreateTable(TableWithHistory("t", clock.NowMicros())).ok());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(
        Put(*engine, "t", MakeItem("p" + std::to_string(i % 5), std::to_string(i), "v")).ok());
  }
  ASSERT_TRUE(engine->CreateDatabaseSnapshot("s").ok());
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !done; ++i) {
        const std::string pk = "p" + std::to_string(i % 7);
        const std::string sk = std::to_string(w * 100000 + i % 300);
        Status s = i % 3 == 2 ? Delete(*engine, "t", pk, sk)
                              : Put(*engine, "t", MakeItem(pk, sk, std::to_string(i)));
        // A write racing a restore may find its table replaced.
        EXPECT_TRUE(s.ok() || s.code() == Code::kResourceNotFound) << s.message();
      }
    });
  }
  for (int round = 0; round < 10; ++round) {
    ASSERT_TRUE(engine->RestoreDatabaseSnapshot("s").ok());
    ASSERT_TRUE(engine->ResetTables().ok());
  }
  ASSERT_TRUE(engine->RestoreDatabaseSnapshot("s").ok());
  done = true;
  for (auto& t : writers) t.join();
  ExpectConsistent(*engine, "t");
  ASSERT_TRUE(engine->MaintainHistory().ok());
}

}  // namespace
}  // namespace stator::storage

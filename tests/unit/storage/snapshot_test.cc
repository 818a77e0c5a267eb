// Snapshots, restores and point-in-time history of the storage engine.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "storage/engine.h"
#include "storage/keys.h"
#include "storage/snapshots.h"

namespace stator::storage {
namespace {

using model::AttributeValue;
using model::Item;

constexpr int64_t kDay = int64_t{24} * 60 * 60 * 1000 * 1000;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "stator-snap-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// pk (S) hash key, a GSI on "g" (S) projecting everything.
model::TableDef Table(const std::string& name, bool pitr = false, int64_t now = 0) {
  model::TableDef def;
  def.name = name;
  def.uuid = "00000000-0000-4000-8000-000000000001";
  def.key.hash = {"pk", model::Type::kS};
  def.attribute_definitions = {{"pk", model::Type::kS}, {"g", model::Type::kS}};
  model::IndexDef gsi;
  gsi.name = "byG";
  gsi.key.hash = {"g", model::Type::kS};
  gsi.projection.type = model::ProjectionType::kAll;
  def.global_indexes.push_back(gsi);
  if (pitr) def.pitr = {true, 2, now};
  return def;
}

Item MakeItem(const std::string& pk, const std::string& value) {
  Item item;
  item["pk"] = AttributeValue::S(pk);
  item["g"] = AttributeValue::S("group");
  item["v"] = AttributeValue::S(value);
  return item;
}

Item KeyOf(const std::string& pk) {
  Item key;
  key["pk"] = AttributeValue::S(pk);
  return key;
}

Status Put(Engine& engine, const std::string& table, const Item& item) {
  TablePtr def = engine.FindTable(table);
  return engine.Mutate(*def, KeyOf(item.at("pk").s()), [&](const std::optional<Item>&) {
    return Result<WriteDecision>(WriteDecision::Put(item));
  });
}

Status Delete(Engine& engine, const std::string& table, const std::string& pk) {
  TablePtr def = engine.FindTable(table);
  return engine.Mutate(*def, KeyOf(pk), [](const std::optional<Item>&) {
    return Result<WriteDecision>(WriteDecision::Delete());
  });
}

// pk -> v of every item the source yields.
std::map<std::string, std::string> Contents(const Engine& engine,
                                            const Engine::RestoreSource& source) {
  std::map<std::string, std::string> out;
  Status s = engine.ReadRestoreSource(source, [&](Item item) -> Result<bool> {
    EXPECT_EQ(out.count(item.at("pk").s()), 0u) << "visited twice";
    out[item.at("pk").s()] = item.at("v").s();
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

// pk -> v of a table's items, read back through its key range.
std::map<std::string, std::string> TableContents(const Engine& engine, const std::string& name) {
  TablePtr def = engine.FindTable(name);
  std::map<std::string, std::string> out;
  Status s = engine.Iterate({TableItemsBegin(def->table_id), TableItemsEnd(def->table_id)},
                            [&](std::string_view, Item item) -> Result<bool> {
                              out[item.at("pk").s()] = item.at("v").s();
                              return true;
                            });
  EXPECT_TRUE(s.ok());
  return out;
}

std::vector<SnapshotInfo> Bases(const Engine& engine) {
  std::vector<SnapshotInfo> out;
  for (const SnapshotInfo& s : engine.ListSnapshots()) {
    if (s.kind == SnapshotKind::kPitrBase) out.push_back(s);
  }
  return out;
}

using Contents_t = std::map<std::string, std::string>;

TEST(SnapshotTest, CopyIgnoresLaterWritesAndOutlivesItsTableAndRestarts) {
  TempDir dir;
  EngineOptions options;
  options.path = dir.path();
  ManualClock clock(1'000'000'000'000);
  uint64_t id = 0;
  {
    auto engine = Engine::Open(options, &clock).value();
    ASSERT_TRUE(engine->CreateTable(Table("src")).ok());
    ASSERT_TRUE(Put(*engine, "src", MakeItem("a", "1")).ok());
    ASSERT_TRUE(Put(*engine, "src", MakeItem("b", "1")).ok());
    Result<SnapshotInfo> snap = engine->CreateSnapshot("src", SnapshotKind::kUser, "nightly");
    ASSERT_TRUE(snap.ok()) << snap.status().message();
    id = snap->id;
    EXPECT_EQ(snap->item_count, 2);
    EXPECT_GT(snap->size_bytes, 0);
    EXPECT_EQ(snap->name, "nightly");
    ASSERT_TRUE(Put(*engine, "src", MakeItem("a", "2")).ok());
    ASSERT_TRUE(Delete(*engine, "src", "b").ok());
    ASSERT_TRUE(Put(*engine, "src", MakeItem("c", "1")).ok());
    EXPECT_EQ(Contents(*engine, {id, std::nullopt}), (Contents_t{{"a", "1"}, {"b", "1"}}));
    ASSERT_TRUE(engine->DeleteTable("src").ok());
    EXPECT_EQ(engine->CreateSnapshot("src", SnapshotKind::kUser, "x").status().code(),
              Code::kResourceNotFound);
  }
  auto engine = Engine::Open(options, &clock).value();
  std::optional<SnapshotInfo> found = engine->FindSnapshot(id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->table.name, "src");
  EXPECT_EQ(found->table.global_indexes.size(), 1u);

  Result<TablePtr> restored = engine->RestoreTable(Table("copy"), {id, std::nullopt});
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  EXPECT_EQ(TableContents(*engine, "copy"), (Contents_t{{"a", "1"}, {"b", "1"}}));
  EXPECT_EQ(engine->GetStats((*restored)->table_id).item_count, 2);
  const model::IndexDef& gsi = (*restored)->global_indexes[0];
  EXPECT_EQ(gsi.status, model::IndexStatus::kActive);
  EXPECT_EQ(engine->GetIndexStats((*restored)->table_id, gsi.id).item_count, 2);
  EXPECT_EQ(engine->RestoreTable(Table("copy"), {id, std::nullopt}).status().code(),
            Code::kResourceInUse);

  ASSERT_TRUE(engine->DeleteSnapshot(id).ok());
  EXPECT_FALSE(engine->FindSnapshot(id).has_value());
  EXPECT_TRUE(engine->DeleteSnapshot(id).IsNotFound());
  EXPECT_EQ(engine->RestoreTable(Table("again"), {id, std::nullopt}).status().code(),
            Code::kNotFound);
  EXPECT_EQ(engine->FindTable("again"), nullptr);
}

TEST(SnapshotTest, ReplayBringsABaseForwardToAnyTime) {
  EngineOptions options;
  options.in_memory = true;
  ManualClock clock(1'000'000'000'000);
  auto engine = Engine::Open(options, &clock).value();
  ASSERT_TRUE(engine->CreateTable(Table("t", true, clock.NowMicros())).ok());
  ASSERT_TRUE(Put(*engine, "t", MakeItem("a", "0")).ok());
  clock.Advance(10);
  SnapshotInfo base = engine->CreateSnapshot("t", SnapshotKind::kPitrBase, "").value();

  clock.Advance(1000);
  ASSERT_TRUE(Put(*engine, "t", MakeItem("a", "1")).ok());
  ASSERT_TRUE(Put(*engine, "t", MakeItem("b", "1")).ok());
  const int64_t t1 = clock.NowMicros();
  clock.Advance(1000);
  ASSERT_TRUE(Delete(*engine, "t", "a").ok());
  ASSERT_TRUE(Put(*engine, "t", MakeItem("c", "2")).ok());
  const int64_t t2 = clock.NowMicros();
  clock.Advance(1000);
  ASSERT_TRUE(Put(*engine, "t", MakeItem("a", "3")).ok());

  EXPECT_EQ(Contents(*engine, {base.id, base.micros}), (Contents_t{{"a", "0"}}));
  EXPECT_EQ(Contents(*engine, {base.id, t1}), (Contents_t{{"a", "1"}, {"b", "1"}}));
  EXPECT_EQ(Contents(*engine, {base.id, t1 + 999}), (Contents_t{{"a", "1"}, {"b", "1"}}));
  EXPECT_EQ(Contents(*engine, {base.id, t2}), (Contents_t{{"b", "1"}, {"c", "2"}}));
  EXPECT_EQ(Contents(*engine, {base.id, clock.NowMicros()}),
            (Contents_t{{"a", "3"}, {"b", "1"}, {"c", "2"}}));

  ASSERT_TRUE(engine->RestoreTable(Table("at_t2"), {base.id, t2}).ok());
  EXPECT_EQ(TableContents(*engine, "at_t2"), (Contents_t{{"b", "1"}, {"c", "2"}}));
  EXPECT_TRUE(engine->FindTable("at_t2")->streams.empty());
  EXPECT_FALSE(engine->FindTable("at_t2")->pitr.enabled);
}

TEST(SnapshotTest, MaintenanceTakesBasesAndKeepsOnlyTheRecoveryPeriod) {
  EngineOptions options;
  options.in_memory = true;
  ManualClock clock(1'000'000'000'000);
  auto engine = Engine::Open(options, &clock).value();
  TablePtr table = engine->CreateTable(Table("t", true, clock.NowMicros())).value();
  const uint64_t id = table->table_id;

  ASSERT_TRUE(engine->MaintainHistory().ok());  // a table without a base gets one
  ASSERT_EQ(Bases(*engine).size(), 1u);
  ASSERT_TRUE(engine->MaintainHistory().ok());  // and no more while it is fresh
  ASSERT_EQ(Bases(*engine).size(), 1u);

  ASSERT_TRUE(Put(*engine, "t", MakeItem("a", "1")).ok());
  clock.Advance(kDay);
  ASSERT_TRUE(engine->MaintainHistory().ok());  // a day old: a new base
  std::vector<SnapshotInfo> bases = Bases(*engine);
  ASSERT_EQ(bases.size(), 2u);
  EXPECT_EQ(bases[1].item_count, 1);
  EXPECT_EQ(engine->TrimmedBelow(id), 0u);  // the first base still needs its records

  ASSERT_TRUE(Put(*engine, "t", MakeItem("b", "1")).ok());
  clock.Advance(kDay + 1);
  ASSERT_TRUE(engine->MaintainHistory().ok());  // a third base; the first still opens the period
  ASSERT_EQ(Bases(*engine).size(), 3u);
  EXPECT_EQ(engine->TrimmedBelow(id), 0u);
  clock.Advance(kDay - 1);  // the recovery period (2 days) now starts at the second base
  ASSERT_TRUE(engine->MaintainHistory().ok());
  bases = Bases(*engine);
  ASSERT_EQ(bases.size(), 2u);  // the first went
  EXPECT_EQ(bases[0].item_count, 1);
  EXPECT_EQ(bases[1].item_count, 2);
  // The put of "a" preceded the kept base: its record is gone; "b"'s stays.
  EXPECT_EQ(engine->TrimmedBelow(id), bases[0].sequence + 1);
  EXPECT_EQ(Contents(*engine, {bases[0].id, clock.NowMicros()}),
            (Contents_t{{"a", "1"}, {"b", "1"}}));

  // Disabling drops the history.
  model::TableDef def = *engine->FindTable("t");
  def.pitr = {};
  ASSERT_TRUE(engine->ReplaceTable(def).ok());
  ASSERT_TRUE(engine->MaintainHistory().ok());
  EXPECT_TRUE(Bases(*engine).empty());
}

TEST(SnapshotTest, DeletedTableKeepsItsHistoryForTheRecoveryPeriod) {
  TempDir dir;
  EngineOptions options;
  options.path = dir.path();
  ManualClock clock(1'000'000'000'000);
  uint64_t base_id = 0;
  int64_t before_delete = 0;
  {
    auto engine = Engine::Open(options, &clock).value();
    ASSERT_TRUE(engine->CreateTable(Table("t", true, clock.NowMicros())).ok());
    clock.Advance(1);
    base_id = engine->CreateSnapshot("t", SnapshotKind::kPitrBase, "").value().id;
    ASSERT_TRUE(Put(*engine, "t", MakeItem("a", "1")).ok());
    clock.Advance(1000);
    before_delete = clock.NowMicros();
    clock.Advance(1);
    ASSERT_TRUE(Put(*engine, "t", MakeItem("b", "1")).ok());
    clock.Advance(1000);
    ASSERT_TRUE(engine->DeleteTable("t", std::string("t$DeletedTableBackup")).ok());
  }
  auto engine = Engine::Open(options, &clock).value();
  std::vector<RetiredTable> retired = engine->ListRetiredTables();
  ASSERT_EQ(retired.size(), 1u);
  EXPECT_EQ(retired[0].table.name, "t");
  EXPECT_EQ(Contents(*engine, {base_id, before_delete}), (Contents_t{{"a", "1"}}));
  // The final snapshot holds the last state.
  std::optional<SnapshotInfo> last;
  for (const SnapshotInfo& s : engine->ListSnapshots()) {
    if (s.kind == SnapshotKind::kSystem) last = s;
  }
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->name, "t$DeletedTableBackup");
  EXPECT_EQ(Contents(*engine, {last->id, std::nullopt}), (Contents_t{{"a", "1"}, {"b", "1"}}));

  // A new table of the same name starts its own history.
  ASSERT_TRUE(engine->CreateTable(Table("t")).ok());
  ASSERT_TRUE(Put(*engine, "t", MakeItem("z", "9")).ok());
  EXPECT_EQ(Contents(*engine, {base_id, clock.NowMicros()}), (Contents_t{{"a", "1"}, {"b", "1"}}));

  clock.Advance(2 * kDay);
  ASSERT_TRUE(engine->MaintainHistory().ok());
  EXPECT_TRUE(engine->ListRetiredTables().empty());
  EXPECT_FALSE(engine->FindSnapshot(base_id).has_value());
  EXPECT_TRUE(engine->FindSnapshot(last->id).has_value());  // backups are not history
}

TEST(SnapshotTest, DeletedTableKeepsItsStreamsReadableForADay) {
  EngineOptions options;
  options.in_memory = true;
  ManualClock clock(1'000'000'000'000);
  auto engine = Engine::Open(options, &clock).value();
  model::TableDef def = Table("s");
  def.streams.push_back({"label", model::StreamViewType::kNewImage, clock.NowMicros(), 0, 0, 0});
  const uint64_t id = engine->CreateTable(def).value()->table_id;
  ASSERT_TRUE(Put(*engine, "s", MakeItem("a", "1")).ok());
  clock.Advance(1);
  ASSERT_TRUE(engine->DeleteTable("s").ok());
  std::vector<RetiredTable> retired = engine->ListRetiredTables();
  ASSERT_EQ(retired.size(), 1u);
  ASSERT_EQ(retired[0].table.streams.size(), 1u);
  const model::StreamDef& stream = retired[0].table.streams[0];
  EXPECT_FALSE(stream.enabled());  // disabled by the deletion
  EXPECT_EQ(stream.disabled_micros, clock.NowMicros());
  EXPECT_GT(stream.end_sequence, stream.first_sequence);
  int records = 0;
  ASSERT_TRUE(engine
                  ->ReadChanges(id, stream.first_sequence, stream.end_sequence,
                                [&](const ChangeRecord&) -> Result<bool> {
                                  ++records;
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(records, 1);
  EXPECT_TRUE(engine->ListSnapshots().empty());  // no recovery: no SYSTEM backup

  clock.Advance(model::kStreamRetentionMicros - 1);
  ASSERT_TRUE(engine->MaintainHistory().ok());
  EXPECT_EQ(engine->ListRetiredTables().size(), 1u);
  clock.Advance(1);
  ASSERT_TRUE(engine->MaintainHistory().ok());
  EXPECT_TRUE(engine->ListRetiredTables().empty());
  records = 0;
  ASSERT_TRUE(engine
                  ->ReadChanges(id, 0, UINT64_MAX,
                                [&](const ChangeRecord&) -> Result<bool> {
                                  ++records;
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(records, 0);
}

TEST(SnapshotTest, RecordCodecsRoundTripAndRejectDamage) {
  SnapshotInfo info;
  info.id = 42;
  info.kind = SnapshotKind::kSystem;
  info.name = "b$x";
  info.table = Table("t", true, 7);
  info.micros = 123;
  info.sequence = 99;
  info.item_count = 3;
  info.size_bytes = 77;
  const std::string value = EncodeSnapshotInfo(info);
  Result<SnapshotInfo> back = DecodeSnapshotInfo(SnapshotKey(42), value);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->id, 42u);
  EXPECT_EQ(back->kind, SnapshotKind::kSystem);
  EXPECT_EQ(back->name, "b$x");
  EXPECT_EQ(back->table.name, "t");
  EXPECT_TRUE(back->table.pitr.enabled);
  EXPECT_EQ(back->table.pitr.recovery_days, 2);
  EXPECT_EQ(back->sequence, 99u);
  EXPECT_EQ(back->size_bytes, 77);
  for (size_t cut = 0; cut < value.size(); ++cut) {
    EXPECT_FALSE(DecodeSnapshotInfo(SnapshotKey(42), value.substr(0, cut)).ok()) << cut;
  }
  std::string bad_version = value;
  bad_version[0] = 9;
  EXPECT_FALSE(DecodeSnapshotInfo(SnapshotKey(42), bad_version).ok());
  EXPECT_FALSE(DecodeSnapshotInfo("x", value).ok());

  RetiredTable retired{Table("gone"), 555};
  const std::string r = EncodeRetiredTable(retired);
  Result<RetiredTable> r_back = DecodeRetiredTable(r);
  ASSERT_TRUE(r_back.ok());
  EXPECT_EQ(r_back->deleted_micros, 555);
  EXPECT_EQ(r_back->table.name, "gone");
  EXPECT_FALSE(DecodeRetiredTable(r.substr(0, r.size() - 1)).ok());
}

}  // namespace
}  // namespace stator::storage

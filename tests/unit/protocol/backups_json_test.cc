// The backup and point-in-time recovery requests and responses as JSON:
// decoding (types, member constraints, defaults) and the shape of answers.
#include "protocol/backups_json.h"

#include <gtest/gtest.h>

#include "decode_errors.h"
#include "protocol/table_json.h"

namespace stator::protocol {
namespace {

constexpr char kBackupArn[] =
    "arn:aws:dynamodb:us-east-1:123456789012:table/Music/backup/01576616366715-b4e58d3a";
constexpr char kTableArn[] = "arn:aws:dynamodb:us-east-1:123456789012:table/Music";

// ---- CreateBackup, DescribeBackup, DeleteBackup ----

TEST(BackupsJsonTest, CreateBackupDecodes) {
  auto req = DecodeCreateBackup({{"TableName", kTableArn}, {"BackupName", "Music.backup-1_a"}});
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(req->table_name, kTableArn);
  EXPECT_EQ(req->backup_name, "Music.backup-1_a");
}

TEST(BackupsJsonTest, CreateBackupConstraints) {
  EXPECT_EQ(Validation(DecodeCreateBackup({{"TableName", "Music"}})),
            OneError("null", "backupName", "Member must not be null"));
  EXPECT_EQ(Validation(DecodeCreateBackup({{"TableName", ""}, {"BackupName", "abc"}})),
            OneError("''", "tableName", "Member must have length greater than or equal to 1"));
  EXPECT_EQ(Validation(DecodeCreateBackup({{"TableName", "Music"}, {"BackupName", "a$"}})),
            "2 validation errors detected: Value 'a$' at 'backupName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
            "Value 'a$' at 'backupName' failed to satisfy constraint: Member must have length "
            "greater than or equal to 3");
  // A table name needs no pattern here: it may be an ARN.
  EXPECT_TRUE(DecodeCreateBackup({{"TableName", "a:b/c"}, {"BackupName", "abc"}}).ok());
}

TEST(BackupsJsonTest, CreateBackupTypeErrors) {
  EXPECT_EQ(
      Error(DecodeCreateBackup({{"TableName", "Music"}, {"BackupName", 5}}), Code::kSerialization),
      "NUMBER_VALUE cannot be converted to String");
}

TEST(BackupsJsonTest, BackupArnLength) {
  EXPECT_EQ(*DecodeBackupArn({{"BackupArn", kBackupArn}}), kBackupArn);
  EXPECT_EQ(Validation(DecodeBackupArn(Json::object())),
            OneError("null", "backupArn", "Member must not be null"));
  EXPECT_EQ(
      Validation(DecodeBackupArn({{"BackupArn", "arn:short"}})),
      OneError("'arn:short'", "backupArn", "Member must have length greater than or equal to 37"));
}

// ---- ListBackups ----

TEST(BackupsJsonTest, ListBackupsDefaults) {
  auto req = DecodeListBackups(Json::object());
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(req->backup_type, "USER");
  EXPECT_FALSE(req->table_name);
  EXPECT_FALSE(req->limit);
  EXPECT_FALSE(req->lower_micros);
  EXPECT_FALSE(req->upper_micros);
  EXPECT_FALSE(req->exclusive_start_backup_arn);
}

TEST(BackupsJsonTest, ListBackupsDecodes) {
  auto req = DecodeListBackups({{"TableName", "Music"},
                                {"Limit", 7},
                                {"TimeRangeLowerBound", 1576616366.715},
                                {"TimeRangeUpperBound", 1576616400},
                                {"ExclusiveStartBackupArn", kBackupArn},
                                {"BackupType", "ALL"}});
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(*req->table_name, "Music");
  EXPECT_EQ(*req->limit, 7);
  EXPECT_EQ(*req->lower_micros, 1576616366715000);
  EXPECT_EQ(*req->upper_micros, 1576616400000000);
  EXPECT_EQ(*req->exclusive_start_backup_arn, kBackupArn);
  EXPECT_EQ(req->backup_type, "ALL");
}

TEST(BackupsJsonTest, TimestampsRoundToTheNearestMicrosecond) {
  auto req =
      DecodeListBackups({{"TimeRangeLowerBound", 1.0000004}, {"TimeRangeUpperBound", 1.0000006}});
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(*req->lower_micros, 1000000);
  EXPECT_EQ(*req->upper_micros, 1000001);
  // A string holding a number is read as one.
  req = DecodeListBackups({{"TimeRangeLowerBound", "1576616366.5"}});
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(*req->lower_micros, 1576616366500000);
}

TEST(BackupsJsonTest, TimestampTypeErrors) {
  EXPECT_EQ(Error(DecodeListBackups({{"TimeRangeLowerBound", "yesterday"}}), Code::kSerialization),
            "STRING_VALUE cannot be converted to Date");
  EXPECT_EQ(Error(DecodeListBackups({{"TimeRangeUpperBound", true}}), Code::kSerialization),
            "TRUE_VALUE cannot be converted to Date");
  EXPECT_EQ(
      Error(DecodeListBackups({{"TimeRangeUpperBound", Json::object()}}), Code::kSerialization),
      "Start of structure or map found where not expected");
}

TEST(BackupsJsonTest, ListBackupsConstraints) {
  EXPECT_EQ(Validation(DecodeListBackups({{"Limit", 0}})),
            OneError("'0'", "limit", "Member must have value greater than or equal to 1"));
  EXPECT_EQ(Validation(DecodeListBackups({{"Limit", 101}})),
            OneError("'101'", "limit", "Member must have value less than or equal to 100"));
  EXPECT_EQ(Validation(DecodeListBackups({{"BackupType", "MINE"}})),
            OneError("'MINE'", "backupType",
                     "Member must satisfy enum value set: [USER, SYSTEM, AWS_BACKUP, ALL]"));
  EXPECT_EQ(Validation(DecodeListBackups({{"ExclusiveStartBackupArn", "x"}})),
            OneError("'x'", "exclusiveStartBackupArn",
                     "Member must have length greater than or equal to 37"));
}

// ---- RestoreTableFromBackup, RestoreTableToPointInTime ----

Json KeySchema(const std::string& hash) {
  return Json::array({{{"AttributeName", hash}, {"KeyType", "HASH"}}});
}

TEST(BackupsJsonTest, RestoreFromBackupWithoutOverrides) {
  auto req =
      DecodeRestoreTableFromBackup({{"TargetTableName", "Music2"}, {"BackupArn", kBackupArn}});
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(req->target_table_name, "Music2");
  EXPECT_EQ(req->backup_arn, kBackupArn);
  EXPECT_FALSE(req->overrides.billing_mode);
  EXPECT_FALSE(req->overrides.global_indexes);
  EXPECT_FALSE(req->overrides.local_indexes);
  EXPECT_FALSE(req->overrides.throughput);
  EXPECT_FALSE(req->overrides.sse);
}

TEST(BackupsJsonTest, RestoreFromBackupOverrides) {
  Json body = {
      {"TargetTableName", "Music2"},
      {"BackupArn", kBackupArn},
      {"BillingModeOverride", "PROVISIONED"},
      {"GlobalSecondaryIndexOverride",
       {{{"IndexName", "byTitle"},
         {"KeySchema", KeySchema("title")},
         {"Projection", {{"ProjectionType", "INCLUDE"}, {"NonKeyAttributes", {"year"}}}},
         {"ProvisionedThroughput", {{"ReadCapacityUnits", 3}, {"WriteCapacityUnits", 4}}}}}},
      {"LocalSecondaryIndexOverride", Json::array()},
      {"ProvisionedThroughputOverride", {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 6}}},
      {"SSESpecificationOverride",
       {{"Enabled", true}, {"SSEType", "KMS"}, {"KMSMasterKeyId", "alias/k"}}}};
  auto req = DecodeRestoreTableFromBackup(body);
  ASSERT_TRUE(req.ok()) << req.status().message();
  const ops::RestoreOverrides& o = req->overrides;
  EXPECT_EQ(*o.billing_mode, model::BillingMode::kProvisioned);
  ASSERT_EQ(o.global_indexes->size(), 1u);
  const ops::IndexInput& gsi = o.global_indexes->front();
  EXPECT_EQ(gsi.index_name, "byTitle");
  ASSERT_EQ(gsi.key_schema.size(), 1u);
  EXPECT_EQ(gsi.key_schema[0].attribute_name, "title");
  EXPECT_EQ(gsi.key_schema[0].key_type, ops::KeyType::kHash);
  EXPECT_TRUE(gsi.projection_type_given);
  EXPECT_EQ(gsi.projection.type, model::ProjectionType::kInclude);
  EXPECT_EQ(gsi.projection.non_key_attributes, std::vector<std::string>{"year"});
  EXPECT_EQ(gsi.throughput->read_units, 3);
  EXPECT_EQ(gsi.throughput->write_units, 4);
  EXPECT_TRUE(o.local_indexes->empty());  // [] drops every local index
  EXPECT_EQ(o.throughput->read_units, 5);
  EXPECT_EQ(o.throughput->write_units, 6);
  EXPECT_EQ(*o.sse->enabled, true);
  EXPECT_EQ(*o.sse->sse_type, "KMS");
  EXPECT_EQ(*o.sse->kms_master_key_id, "alias/k");
}

TEST(BackupsJsonTest, RestoreFromBackupConstraints) {
  EXPECT_EQ(Validation(DecodeRestoreTableFromBackup({{"BackupArn", kBackupArn}})),
            OneError("null", "targetTableName", "Member must not be null"));
  EXPECT_EQ(Validation(DecodeRestoreTableFromBackup(
                {{"TargetTableName", "Music 2"}, {"BackupArn", kBackupArn}})),
            OneError("'Music 2'", "targetTableName",
                     "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
  Json base = {{"TargetTableName", "Music2"}, {"BackupArn", kBackupArn}};

  Json body = base;
  body["GlobalSecondaryIndexOverride"] = {
      {{"IndexName", "byTitle"}, {"KeySchema", KeySchema("t")}}};
  EXPECT_EQ(Validation(DecodeRestoreTableFromBackup(body)),
            OneError("null", "globalSecondaryIndexOverride.1.member.projection",
                     "Member must not be null"));

  body = base;
  body["LocalSecondaryIndexOverride"] = {
      {{"IndexName", "ix"}, {"KeySchema", KeySchema("t")}, {"Projection", Json::object()}}};
  EXPECT_EQ(Validation(DecodeRestoreTableFromBackup(body)),
            OneError("'ix'", "localSecondaryIndexOverride.1.member.indexName",
                     "Member must have length greater than or equal to 3"));

  body = base;
  body["ProvisionedThroughputOverride"] = {{"WriteCapacityUnits", 1}};
  EXPECT_EQ(Validation(DecodeRestoreTableFromBackup(body)),
            OneError("null", "provisionedThroughputOverride.readCapacityUnits",
                     "Member must not be null"));

  body = base;
  body["BillingModeOverride"] = "FREE";
  body["SSESpecificationOverride"] = {{"SSEType", "ROT13"}};
  EXPECT_EQ(Validation(DecodeRestoreTableFromBackup(body)),
            "2 validation errors detected: Value 'FREE' at 'billingModeOverride' failed to "
            "satisfy constraint: Member must satisfy enum value set: [PROVISIONED, "
            "PAY_PER_REQUEST]; Value 'ROT13' at 'sSESpecificationOverride.sSEType' failed to "
            "satisfy constraint: Member must satisfy enum value set: [AES256, KMS]");
}

TEST(BackupsJsonTest, RestoreOverrideTypeErrors) {
  Json body = {{"TargetTableName", "Music2"},
               {"BackupArn", kBackupArn},
               {"GlobalSecondaryIndexOverride", "byTitle"}};
  EXPECT_EQ(Error(DecodeRestoreTableFromBackup(body), Code::kSerialization),
            "Unexpected field type");
  body["GlobalSecondaryIndexOverride"] = {{"IndexName", "byTitle"}};
  EXPECT_EQ(Error(DecodeRestoreTableFromBackup(body), Code::kSerialization),
            "Start of structure or map found where not expected");
  body = {{"TargetTableName", "Music2"},
          {"BackupArn", kBackupArn},
          {"ProvisionedThroughputOverride", Json::array()}};
  EXPECT_EQ(Error(DecodeRestoreTableFromBackup(body), Code::kSerialization),
            "Unrecognized collection type class com.amazonaws.dynamodb.v20120810."
            "ProvisionedThroughput");
}

TEST(BackupsJsonTest, RestoreToPointInTimeDecodes) {
  auto req = DecodeRestoreTableToPointInTime({{"SourceTableName", "Music"},
                                              {"TargetTableName", "Music2"},
                                              {"RestoreDateTime", 1576622404.25},
                                              {"BillingModeOverride", "PAY_PER_REQUEST"}});
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(*req->source_table_name, "Music");
  EXPECT_FALSE(req->source_table_arn);
  EXPECT_EQ(req->target_table_name, "Music2");
  EXPECT_FALSE(req->use_latest_restorable_time);
  EXPECT_EQ(*req->restore_micros, 1576622404250000);
  EXPECT_EQ(*req->overrides.billing_mode, model::BillingMode::kPayPerRequest);

  req = DecodeRestoreTableToPointInTime({{"SourceTableArn", kTableArn},
                                         {"TargetTableName", "Music2"},
                                         {"UseLatestRestorableTime", true}});
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(*req->source_table_arn, kTableArn);
  EXPECT_TRUE(*req->use_latest_restorable_time);
  EXPECT_FALSE(req->restore_micros);
}

TEST(BackupsJsonTest, RestoreToPointInTimeConstraints) {
  EXPECT_EQ(Validation(DecodeRestoreTableToPointInTime({{"SourceTableName", "Music"}})),
            OneError("null", "targetTableName", "Member must not be null"));
  EXPECT_EQ(
      Validation(DecodeRestoreTableToPointInTime(
          {{"SourceTableName", "Mu"}, {"TargetTableName", "Music2"}})),
      OneError("'Mu'", "sourceTableName", "Member must have length greater than or equal to 3"));
  EXPECT_EQ(Validation(DecodeRestoreTableToPointInTime(
                {{"SourceTableArn", ""}, {"TargetTableName", "Music2"}})),
            OneError("''", "sourceTableArn", "Member must have length greater than or equal to 1"));
  EXPECT_EQ(Error(DecodeRestoreTableToPointInTime(
                      {{"TargetTableName", "Music2"}, {"RestoreDateTime", "now"}}),
                  Code::kSerialization),
            "STRING_VALUE cannot be converted to Date");
}

// ---- UpdateContinuousBackups, DescribeContinuousBackups ----

TEST(BackupsJsonTest, UpdateContinuousBackupsDecodes) {
  auto req = DecodeUpdateContinuousBackups(
      {{"TableName", "Music"},
       {"PointInTimeRecoverySpecification", {{"PointInTimeRecoveryEnabled", true}}}});
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(req->table_name, "Music");
  EXPECT_TRUE(req->spec.enabled);
  EXPECT_FALSE(req->spec.recovery_period_days);

  req = DecodeUpdateContinuousBackups(
      {{"TableName", kTableArn},
       {"PointInTimeRecoverySpecification",
        {{"PointInTimeRecoveryEnabled", false}, {"RecoveryPeriodInDays", 7}}}});
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_FALSE(req->spec.enabled);
  EXPECT_EQ(*req->spec.recovery_period_days, 7);
}

TEST(BackupsJsonTest, UpdateContinuousBackupsConstraints) {
  EXPECT_EQ(Validation(DecodeUpdateContinuousBackups({{"TableName", "Music"}})),
            OneError("null", "pointInTimeRecoverySpecification", "Member must not be null"));
  EXPECT_EQ(Validation(DecodeUpdateContinuousBackups(
                {{"TableName", "Music"}, {"PointInTimeRecoverySpecification", Json::object()}})),
            OneError("null", "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled",
                     "Member must not be null"));
  EXPECT_EQ(Validation(DecodeUpdateContinuousBackups(
                {{"TableName", "Music"},
                 {"PointInTimeRecoverySpecification",
                  {{"PointInTimeRecoveryEnabled", true}, {"RecoveryPeriodInDays", 36}}}})),
            OneError("'36'", "pointInTimeRecoverySpecification.recoveryPeriodInDays",
                     "Member must have value less than or equal to 35"));
  EXPECT_EQ(Error(DecodeUpdateContinuousBackups({{"TableName", "Music"},
                                                 {"PointInTimeRecoverySpecification",
                                                  {{"PointInTimeRecoveryEnabled", "yes"}}}}),
                  Code::kSerialization),
            "Unexpected token received from parser");
}

TEST(BackupsJsonTest, DescribeContinuousBackupsTableName) {
  EXPECT_EQ(*DecodeDescribeContinuousBackups({{"TableName", kTableArn}}), kTableArn);
  EXPECT_EQ(Validation(DecodeDescribeContinuousBackups(Json::object())),
            OneError("null", "tableName", "Member must not be null"));
}

// ---- encoders ----

ops::BackupDetails Details() {
  ops::BackupDetails d;
  d.backup_arn = kBackupArn;
  d.backup_name = "MusicBackup";
  d.size_bytes = 170;
  d.status = "AVAILABLE";
  d.type = "USER";
  d.creation_micros = 1576616366715123;
  return d;
}

model::TableDef SourceTable() {
  model::TableDef t;
  t.name = "Music";
  t.uuid = "b0c04bcc-309b-4352-b2ae-9088af169fe2";
  t.creation_micros = 1576615228571000;
  t.key.hash = {"Artist", model::Type::kS};
  t.key.range = model::KeyElement{"SongTitle", model::Type::kS};
  t.billing_mode = model::BillingMode::kProvisioned;
  t.throughput.read_units = 5;
  t.throughput.write_units = 6;
  return t;
}

class BackupsJsonEncodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.account_id = "123456789012";
    ctx_ = ops::RequestContext{&env_, "us-east-1"};
  }
  ops::OpsEnv env_;
  ops::RequestContext ctx_;
};

TEST_F(BackupsJsonEncodeTest, CreateBackup) {
  ops::BackupDetails d = Details();
  d.status = "CREATING";
  d.size_bytes = 0;
  EXPECT_EQ(EncodeCreateBackup(d), Json::parse(R"({"BackupDetails": {
      "BackupArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music/backup/01576616366715-b4e58d3a",
      "BackupName": "MusicBackup", "BackupSizeBytes": 0, "BackupStatus": "CREATING",
      "BackupType": "USER", "BackupCreationDateTime": 1576616366.715}})"));
  d.type = "SYSTEM";
  d.expiry_micros = 1579640366715000;
  EXPECT_EQ(EncodeCreateBackup(d)["BackupDetails"]["BackupExpiryDateTime"], 1579640366.715);
}

TEST_F(BackupsJsonEncodeTest, DescribeBackupOfAPlainTable) {
  ops::BackupDescription desc{Details(), SourceTable(), kTableArn, 3, 170};
  EXPECT_EQ(EncodeBackupDescription(desc, ctx_), Json::parse(R"({"BackupDescription": {
      "BackupDetails": {
        "BackupArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music/backup/01576616366715-b4e58d3a",
        "BackupName": "MusicBackup", "BackupSizeBytes": 170, "BackupStatus": "AVAILABLE",
        "BackupType": "USER", "BackupCreationDateTime": 1576616366.715},
      "SourceTableDetails": {
        "TableName": "Music", "TableId": "b0c04bcc-309b-4352-b2ae-9088af169fe2",
        "TableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music", "TableSizeBytes": 170,
        "KeySchema": [{"AttributeName": "Artist", "KeyType": "HASH"},
                      {"AttributeName": "SongTitle", "KeyType": "RANGE"}],
        "TableCreationDateTime": 1576615228.571,
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 6},
        "ItemCount": 3, "BillingMode": "PROVISIONED"},
      "SourceTableFeatureDetails": {}}})"));
}

TEST_F(BackupsJsonEncodeTest, DescribeBackupFeatures) {
  model::TableDef t = SourceTable();
  t.billing_mode = model::BillingMode::kPayPerRequest;
  t.throughput = {};
  model::IndexDef lsi;
  lsi.name = "byYear";
  lsi.key.hash = t.key.hash;
  lsi.key.range = model::KeyElement{"Year", model::Type::kN};
  lsi.projection.type = model::ProjectionType::kKeysOnly;
  t.local_indexes.push_back(lsi);
  model::IndexDef gsi;
  gsi.name = "byTitle";
  gsi.key.hash = {"SongTitle", model::Type::kS};
  gsi.projection = {model::ProjectionType::kInclude, {"b", "a"}};
  t.global_indexes.push_back(gsi);
  t.stream.enabled = true;
  t.stream.view_type = model::StreamViewType::kNewImage;
  t.ttl = {true, "expires", 1};
  t.sse = {true, "alias/mine"};
  ops::BackupDescription desc{Details(), t, kTableArn, 0, 0};

  Json out = EncodeBackupDescription(desc, ctx_)["BackupDescription"];
  EXPECT_EQ(out["SourceTableDetails"]["BillingMode"], "PAY_PER_REQUEST");
  EXPECT_EQ(out["SourceTableDetails"]["ProvisionedThroughput"],
            Json::parse(R"({"ReadCapacityUnits": 0, "WriteCapacityUnits": 0})"));
  EXPECT_EQ(out["SourceTableFeatureDetails"], Json::parse(R"({
      "LocalSecondaryIndexes": [{"IndexName": "byYear",
        "KeySchema": [{"AttributeName": "Artist", "KeyType": "HASH"},
                      {"AttributeName": "Year", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"}}],
      "GlobalSecondaryIndexes": [{"IndexName": "byTitle",
        "KeySchema": [{"AttributeName": "SongTitle", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b"]},
        "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}}],
      "StreamDescription": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"},
      "TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"},
      "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS",
        "KMSMasterKeyArn": "arn:aws:kms:us-east-1:123456789012:key/alias/mine"}})"));
}

TEST_F(BackupsJsonEncodeTest, ListBackups) {
  ops::ListBackupsResponse resp;
  EXPECT_EQ(EncodeListBackups(resp), Json::parse(R"({"BackupSummaries": []})"));
  resp.backups.push_back({Details(), "Music", "b0c04bcc-309b-4352-b2ae-9088af169fe2", kTableArn});
  resp.last_evaluated_backup_arn = kBackupArn;
  EXPECT_EQ(EncodeListBackups(resp), Json::parse(R"({"BackupSummaries": [{
      "TableName": "Music", "TableId": "b0c04bcc-309b-4352-b2ae-9088af169fe2",
      "TableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music",
      "BackupArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music/backup/01576616366715-b4e58d3a",
      "BackupName": "MusicBackup", "BackupCreationDateTime": 1576616366.715,
      "BackupStatus": "AVAILABLE", "BackupType": "USER", "BackupSizeBytes": 170}],
      "LastEvaluatedBackupArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music/backup/01576616366715-b4e58d3a"})"));
}

TEST_F(BackupsJsonEncodeTest, ContinuousBackups) {
  ops::ContinuousBackupsDescription desc;
  EXPECT_EQ(EncodeContinuousBackups(desc), Json::parse(R"({"ContinuousBackupsDescription": {
      "ContinuousBackupsStatus": "ENABLED",
      "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}})"));
  desc = {true, 35, 1576622404000000, 1576622404010999};
  EXPECT_EQ(EncodeContinuousBackups(desc), Json::parse(R"({"ContinuousBackupsDescription": {
      "ContinuousBackupsStatus": "ENABLED",
      "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED",
        "RecoveryPeriodInDays": 35, "EarliestRestorableDateTime": 1576622404.0,
        "LatestRestorableDateTime": 1576622404.01}}})"));
}

TEST_F(BackupsJsonEncodeTest, RestoreSummaryInTheTableDescription) {
  auto def = std::make_shared<model::TableDef>(SourceTable());
  def->name = "Music2";
  ops::TableDescription desc{def, {}, {}, "CREATING", ctx_.TableArn("Music2")};
  EXPECT_FALSE(EncodeTableDescription(desc, ctx_).contains("RestoreSummary"));

  def->restore = model::RestoreInfo{kBackupArn, kTableArn, 1576616366715000};
  EXPECT_EQ(EncodeTableDescription(desc, ctx_)["RestoreSummary"], Json::parse(R"({
      "SourceBackupArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music/backup/01576616366715-b4e58d3a",
      "SourceTableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music",
      "RestoreDateTime": 1576616366.715, "RestoreInProgress": true})"));

  // A point-in-time restore names no backup; done, it is no longer in progress.
  def->restore = model::RestoreInfo{"", kTableArn, 1576622404000000};
  desc.status = "ACTIVE";
  EXPECT_EQ(EncodeTableDescription(desc, ctx_)["RestoreSummary"], Json::parse(R"({
      "SourceTableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music",
      "RestoreDateTime": 1576622404.0, "RestoreInProgress": false})"));
}

}  // namespace
}  // namespace stator::protocol

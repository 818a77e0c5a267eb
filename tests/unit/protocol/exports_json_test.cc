// The export-to-S3 requests and responses as JSON: decoding (types, member
// constraints) and which members an answer shows for each status.
#include "protocol/exports_json.h"

#include <gtest/gtest.h>

#include "decode_errors.h"

namespace stator::protocol {
namespace {

constexpr char kTableArn[] = "arn:aws:dynamodb:us-east-1:123456789012:table/Music";
constexpr char kExportArn[] =
    "arn:aws:dynamodb:us-east-1:123456789012:table/Music/export/01693467621041-039fcf72";

// A valid ExportTableToPointInTime body plus `extra`.
Json ExportBody(const Json& extra = Json::object()) {
  Json body = {{"TableArn", kTableArn}, {"S3Bucket", "my-bucket"}};
  body.update(extra);
  return body;
}

// ---- ExportTableToPointInTime ----

TEST(ExportsJsonTest, ExportMinimal) {
  auto req = DecodeExportTableToPointInTime(ExportBody());
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(req->table_arn, kTableArn);
  EXPECT_EQ(req->s3_bucket, "my-bucket");
  EXPECT_FALSE(req->export_micros);
  EXPECT_FALSE(req->client_token);
  EXPECT_FALSE(req->s3_prefix);
  EXPECT_FALSE(req->s3_sse_algorithm);
  EXPECT_FALSE(req->export_format);
  EXPECT_FALSE(req->export_type);
}

TEST(ExportsJsonTest, ExportEveryMember) {
  auto req = DecodeExportTableToPointInTime(ExportBody({
      {"ExportTime", 1693467621.041},
      {"ClientToken", "3c7f1244-aaaa"},
      {"S3BucketOwner", "123456789012"},
      {"S3Prefix", "dira/dirb"},
      {"S3SseAlgorithm", "KMS"},
      {"S3SseKmsKeyId", "alias/mine"},
      {"ExportFormat", "DYNAMODB_JSON"},
      {"ExportType", "FULL_EXPORT"},
  }));
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(*req->export_micros, 1693467621041000);
  EXPECT_EQ(*req->client_token, "3c7f1244-aaaa");
  EXPECT_EQ(*req->s3_bucket_owner, "123456789012");
  EXPECT_EQ(*req->s3_prefix, "dira/dirb");
  EXPECT_EQ(*req->s3_sse_algorithm, "KMS");
  EXPECT_EQ(*req->s3_sse_kms_key_id, "alias/mine");
  EXPECT_EQ(*req->export_format, "DYNAMODB_JSON");
  EXPECT_EQ(*req->export_type, "FULL_EXPORT");
}

TEST(ExportsJsonTest, ExportRequiredMembers) {
  EXPECT_EQ(Validation(DecodeExportTableToPointInTime(Json::object())),
            "2 validation errors detected: Value null at 'tableArn' failed to satisfy constraint: "
            "Member must not be null; Value null at 's3Bucket' failed to satisfy constraint: "
            "Member must not be null");
  EXPECT_EQ(Validation(DecodeExportTableToPointInTime(ExportBody({{"TableArn", ""}}))),
            OneError("''", "tableArn", "Member must have length greater than or equal to 1"));
}

TEST(ExportsJsonTest, ExportBucketPatternAndLength) {
  const std::string kPattern =
      R"(Member must satisfy regular expression pattern: ^[a-z0-9A-Z]+[\.\-\w]*[a-z0-9A-Z]+$)";
  for (const char* bad : {"", "a", "-bucket", "bucket.", "arn:aws:s3:::bkt", "my bucket"}) {
    EXPECT_EQ(Validation(DecodeExportTableToPointInTime(ExportBody({{"S3Bucket", bad}}))),
              OneError(Constraints::Quote(bad), "s3Bucket", kPattern))
        << bad;
  }
  for (const char* good : {"ab", "My.Bucket_1-x", "UPPER"}) {
    EXPECT_TRUE(DecodeExportTableToPointInTime(ExportBody({{"S3Bucket", good}})).ok()) << good;
  }
  std::string long_name(256, 'b');
  EXPECT_EQ(Validation(DecodeExportTableToPointInTime(ExportBody({{"S3Bucket", long_name}}))),
            OneError("'" + long_name + "'", "s3Bucket",
                     "Member must have length less than or equal to 255"));
}

TEST(ExportsJsonTest, ExportPatternsOfTokenAndOwner) {
  EXPECT_EQ(
      Validation(DecodeExportTableToPointInTime(ExportBody({{"ClientToken", ""}}))),
      OneError("''", "clientToken", R"(Member must satisfy regular expression pattern: ^[^\$]+$)"));
  EXPECT_FALSE(DecodeExportTableToPointInTime(ExportBody({{"ClientToken", "a$b"}})).ok());
  EXPECT_EQ(
      Validation(DecodeExportTableToPointInTime(ExportBody({{"S3BucketOwner", "not-an-account"}}))),
      OneError("'not-an-account'", "s3BucketOwner",
               "Member must satisfy regular expression pattern: [0-9]{12}"));
  EXPECT_FALSE(DecodeExportTableToPointInTime(ExportBody({{"S3BucketOwner", ""}})).ok());
  EXPECT_FALSE(
      DecodeExportTableToPointInTime(ExportBody({{"S3BucketOwner", "1234567890123"}})).ok());
}

TEST(ExportsJsonTest, ExportPrefixAndKeyLengths) {
  EXPECT_EQ(Validation(DecodeExportTableToPointInTime(ExportBody({{"S3Prefix", ""}}))),
            OneError("''", "s3Prefix", "Member must have length greater than or equal to 1"));
  EXPECT_FALSE(
      DecodeExportTableToPointInTime(ExportBody({{"S3Prefix", std::string(1025, 'p')}})).ok());
  EXPECT_TRUE(
      DecodeExportTableToPointInTime(ExportBody({{"S3Prefix", std::string(1024, 'p')}})).ok());
  EXPECT_EQ(Validation(DecodeExportTableToPointInTime(ExportBody({{"S3SseKmsKeyId", ""}}))),
            OneError("''", "s3SseKmsKeyId", "Member must have length greater than or equal to 1"));
}

TEST(ExportsJsonTest, ExportEnums) {
  // DynamoDB's observed text, ION first.
  EXPECT_EQ(Validation(DecodeExportTableToPointInTime(ExportBody({{"ExportFormat", "QWERTY"}}))),
            OneError("'QWERTY'", "exportFormat",
                     "Member must satisfy enum value set: [ION, DYNAMODB_JSON]"));
  EXPECT_EQ(
      Validation(DecodeExportTableToPointInTime(ExportBody({{"ExportFormat", ""}}))),
      OneError("''", "exportFormat", "Member must satisfy enum value set: [ION, DYNAMODB_JSON]"));
  EXPECT_EQ(Validation(DecodeExportTableToPointInTime(ExportBody({{"ExportType", "PARTIAL"}}))),
            OneError("'PARTIAL'", "exportType",
                     "Member must satisfy enum value set: [FULL_EXPORT, INCREMENTAL_EXPORT]"));
  EXPECT_EQ(
      Validation(DecodeExportTableToPointInTime(ExportBody({{"S3SseAlgorithm", "aws:kms"}}))),
      OneError("'aws:kms'", "s3SseAlgorithm", "Member must satisfy enum value set: [AES256, KMS]"));
  EXPECT_TRUE(DecodeExportTableToPointInTime(ExportBody({{"ExportFormat", "ION"}})).ok());
  // Incremental exports pass the protocol layer; ops refuses them.
  EXPECT_TRUE(
      DecodeExportTableToPointInTime(ExportBody({{"ExportType", "INCREMENTAL_EXPORT"}})).ok());
}

TEST(ExportsJsonTest, ExportIncrementalSpecificationIsShapeChecked) {
  Json spec = {{"ExportFromTime", 1693467621},
               {"ExportToTime", "1693471221.5"},
               {"ExportViewType", "NEW_IMAGE"}};
  EXPECT_TRUE(
      DecodeExportTableToPointInTime(ExportBody({{"IncrementalExportSpecification", spec}})).ok());
  spec["ExportViewType"] = "NEW_IMAGES";
  EXPECT_EQ(Validation(DecodeExportTableToPointInTime(
                ExportBody({{"IncrementalExportSpecification", spec}}))),
            OneError("'NEW_IMAGES'", "incrementalExportSpecification.exportViewType",
                     "Member must satisfy enum value set: [NEW_IMAGE, NEW_AND_OLD_IMAGES]"));
  spec["ExportViewType"] = "NEW_IMAGE";
  spec["ExportFromTime"] = "soon";
  EXPECT_EQ(
      Error(DecodeExportTableToPointInTime(ExportBody({{"IncrementalExportSpecification", spec}})),
            Code::kSerialization),
      "STRING_VALUE cannot be converted to Date");
  EXPECT_EQ(
      Error(DecodeExportTableToPointInTime(ExportBody({{"IncrementalExportSpecification", "x"}})),
            Code::kSerialization),
      "Unexpected field type");
}

TEST(ExportsJsonTest, ExportTypeErrors) {
  EXPECT_EQ(
      Error(DecodeExportTableToPointInTime(ExportBody({{"S3Bucket", 5}})), Code::kSerialization),
      "NUMBER_VALUE cannot be converted to String");
  EXPECT_EQ(Error(DecodeExportTableToPointInTime(ExportBody({{"ExportTime", "yesterday"}})),
                  Code::kSerialization),
            "STRING_VALUE cannot be converted to Date");
  // Type errors come before constraints.
  EXPECT_EQ(Error(DecodeExportTableToPointInTime({{"ExportTime", true}}), Code::kSerialization),
            "TRUE_VALUE cannot be converted to Date");
}

// ---- DescribeExport, ListExports ----

TEST(ExportsJsonTest, DescribeExportArn) {
  EXPECT_EQ(*DecodeDescribeExport({{"ExportArn", kExportArn}}), kExportArn);
  EXPECT_EQ(Validation(DecodeDescribeExport(Json::object())),
            OneError("null", "exportArn", "Member must not be null"));
  EXPECT_EQ(
      Validation(DecodeDescribeExport({{"ExportArn", "arn:short"}})),
      OneError("'arn:short'", "exportArn", "Member must have length greater than or equal to 37"));
}

TEST(ExportsJsonTest, ListExports) {
  auto req = DecodeListExports(Json::object());
  ASSERT_TRUE(req.ok());
  EXPECT_FALSE(req->table_arn);
  EXPECT_FALSE(req->max_results);
  EXPECT_FALSE(req->next_token);
  req = DecodeListExports({{"TableArn", kTableArn}, {"MaxResults", 25}, {"NextToken", "t"}});
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(*req->table_arn, kTableArn);
  EXPECT_EQ(*req->max_results, 25);
  EXPECT_EQ(*req->next_token, "t");
  EXPECT_EQ(Validation(DecodeListExports({{"MaxResults", 26}})),
            OneError("'26'", "maxResults", "Member must have value less than or equal to 25"));
  EXPECT_EQ(Validation(DecodeListExports({{"MaxResults", 0}})),
            OneError("'0'", "maxResults", "Member must have value greater than or equal to 1"));
  EXPECT_EQ(Validation(DecodeListExports({{"TableArn", ""}})),
            OneError("''", "tableArn", "Member must have length greater than or equal to 1"));
  EXPECT_EQ(Error(DecodeListExports({{"NextToken", 1}}), Code::kSerialization),
            "NUMBER_VALUE cannot be converted to String");
}

// ---- encoding ----

ops::ExportDescription InProgress() {
  ops::ExportDescription d;
  d.export_id = "01693467621041-039fcf72";
  d.export_arn = kExportArn;
  d.status = "IN_PROGRESS";
  d.start_micros = 1693467621041000;
  d.table_arn = kTableArn;
  d.table_id = "38148de1-7171-4ea4-85b2-e8b004fe4fe0";
  d.export_micros = 1693467621041000;
  d.client_token = "3c7f1244";
  d.s3_bucket = "my-bucket";
  return d;
}

TEST(ExportsJsonTest, EncodeInProgress) {
  EXPECT_EQ(EncodeExportDescription(InProgress()), Json::parse(R"({"ExportDescription": {
      "ExportArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music/export/01693467621041-039fcf72",
      "ExportStatus": "IN_PROGRESS", "StartTime": 1693467621.041,
      "TableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music",
      "TableId": "38148de1-7171-4ea4-85b2-e8b004fe4fe0", "ExportTime": 1693467621.041,
      "ClientToken": "3c7f1244", "S3Bucket": "my-bucket", "S3SseAlgorithm": "AES256",
      "ExportFormat": "DYNAMODB_JSON"}})"));
}

TEST(ExportsJsonTest, EncodeCompletedWithOptionalMembers) {
  ops::ExportDescription d = InProgress();
  d.status = "COMPLETED";
  d.end_micros = 1693468066862000;
  d.export_manifest = "p/AWSDynamoDB/01693467621041-039fcf72/manifest-summary.json";
  d.item_count = 3;
  d.billed_size_bytes = 120;
  d.s3_bucket_owner = "123456789012";
  d.s3_prefix = "p";
  d.s3_sse_algorithm = "KMS";
  d.s3_sse_kms_key_id = "alias/mine";
  d.export_type = "FULL_EXPORT";
  Json out = EncodeExportDescription(d)["ExportDescription"];
  EXPECT_EQ(out["ExportStatus"], "COMPLETED");
  EXPECT_EQ(out["EndTime"], 1693468066.862);
  EXPECT_EQ(out["ExportManifest"], d.export_manifest);
  EXPECT_EQ(out["ItemCount"], 3);
  EXPECT_EQ(out["BilledSizeBytes"], 120);
  EXPECT_EQ(out["S3BucketOwner"], "123456789012");
  EXPECT_EQ(out["S3Prefix"], "p");
  EXPECT_EQ(out["S3SseAlgorithm"], "KMS");
  EXPECT_EQ(out["S3SseKmsKeyId"], "alias/mine");
  EXPECT_EQ(out["ExportType"], "FULL_EXPORT");
  EXPECT_FALSE(out.contains("FailureCode"));
  EXPECT_FALSE(out.contains("FailureMessage"));
}

TEST(ExportsJsonTest, EncodeFailed) {
  ops::ExportDescription d = InProgress();
  d.status = "FAILED";
  d.end_micros = 1693467622000000;
  d.failure_code = "S3NoSuchBucket";
  d.failure_message = "The specified bucket does not exist";
  Json out = EncodeExportDescription(d)["ExportDescription"];
  EXPECT_EQ(out["FailureCode"], "S3NoSuchBucket");
  EXPECT_EQ(out["FailureMessage"], "The specified bucket does not exist");
  EXPECT_EQ(out["EndTime"], 1693467622.0);
  for (const char* absent : {"ExportManifest", "ItemCount", "BilledSizeBytes", "ExportType"}) {
    EXPECT_FALSE(out.contains(absent)) << absent;
  }
}

TEST(ExportsJsonTest, EncodeListExports) {
  EXPECT_EQ(EncodeListExports({}), Json::parse(R"({"ExportSummaries": []})"));
  ops::ListExportsResponse resp;
  resp.exports.push_back({kExportArn, "COMPLETED", "FULL_EXPORT"});
  resp.next_token = "next";
  EXPECT_EQ(EncodeListExports(resp), Json::parse(R"({"ExportSummaries": [
      {"ExportArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Music/export/01693467621041-039fcf72",
       "ExportStatus": "COMPLETED", "ExportType": "FULL_EXPORT"}], "NextToken": "next"})"));
}

}  // namespace
}  // namespace stator::protocol

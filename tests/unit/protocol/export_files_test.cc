// The files of a DYNAMODB_JSON export: layout, the gzipped data lines, the
// manifests' keys in DynamoDB's order, and checksums that match the files.
#include "protocol/export_files.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <zlib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "common/base64.h"
#include "model/item_size.h"

namespace stator::protocol {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr char kKeyPrefix[] = "dira/dirb/AWSDynamoDB/01693467621041-039fcf72/";

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "stator-export-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Gunzip(const fs::path& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr);
  if (f == nullptr) return "";
  std::string out;
  char buf[4096];
  int n = 0;
  while ((n = gzread(f, buf, sizeof(buf))) > 0) out.append(buf, n);
  EXPECT_EQ(n, 0);
  gzclose(f);
  return out;
}

std::string Md5(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string Hex(std::string_view bytes) {
  std::string out;
  char buf[3];
  for (unsigned char b : bytes) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    out += buf;
  }
  return out;
}

std::vector<std::string> Keys(const OrderedJson& obj) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : obj.items()) keys.push_back(k);
  return keys;
}

ops::ItemSource Source(const std::vector<model::Item>& items) {
  return [&items](const std::function<Result<bool>(model::Item)>& visit) -> Status {
    for (const model::Item& item : items) {
      auto more = visit(item);
      if (!more.ok()) return more.status();
      if (!*more) break;
    }
    return Status::OK();
  };
}

std::vector<model::Item> SomeItems() {
  using model::AttributeValue;
  std::vector<model::Item> items;
  items.push_back({{"Artist", AttributeValue::S("Acme Band")},
                   {"Plays", AttributeValue::N(*model::Number::Parse("49010"))}});
  items.push_back({{"Artist", AttributeValue::S("No One You Know")},
                   {"Data", AttributeValue::B(std::string("\x00\x01", 2))},
                   {"Tags", AttributeValue::SS({"a", "b"})},
                   {"Nested", AttributeValue::M({{"ok", AttributeValue::Bool(true)},
                                                 {"none", AttributeValue::MakeNull()}})}});
  items.push_back({{"Artist", AttributeValue::S("The Acme Band")},
                   {"List", AttributeValue::L({AttributeValue::S("x")})}});
  return items;
}

TEST(ExportFilesTest, WritesDataAndManifestFiles) {
  TempDir dir;
  std::vector<model::Item> items = SomeItems();
  DynamoDbJsonExportWriter writer;
  auto data = writer.WriteData(dir.path(), kKeyPrefix, Source(items));
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->item_count, 3);
  int64_t size = 0;
  for (const auto& item : items) size += static_cast<int64_t>(model::ItemSize(item));
  EXPECT_EQ(data->billed_size_bytes, size);

  EXPECT_TRUE(fs::exists(dir.path() / "_started"));
  EXPECT_EQ(fs::file_size(dir.path() / "_started"), 0u);

  // One data file with a 26-character base32 name.
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir.path() / "data")) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  std::string name = files[0].filename().string();
  ASSERT_EQ(name.size(), 26 + std::string(".json.gz").size()) << name;
  EXPECT_EQ(name.substr(26), ".json.gz");
  EXPECT_EQ(name.substr(0, 26).find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"),
            std::string::npos)
      << name;

  // One DynamoDB JSON line per item.
  std::string text = Gunzip(files[0]);
  std::vector<Json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  EXPECT_EQ(text.back(), '\n');
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            Json::parse(R"({"Item":{"Artist":{"S":"Acme Band"},"Plays":{"N":"49010"}}})"));
  EXPECT_EQ(lines[1], Json::parse(R"({"Item":{"Artist":{"S":"No One You Know"},"Data":{"B":"AAE="},
      "Tags":{"SS":["a","b"]},"Nested":{"M":{"ok":{"BOOL":true},"none":{"NULL":true}}}}})"));
  EXPECT_EQ(lines[2],
            Json::parse(R"({"Item":{"Artist":{"S":"The Acme Band"},"List":{"L":[{"S":"x"}]}}})"));

  // manifest-files.json: one line per data file, keys in DynamoDB's order.
  std::string manifest = ReadFile(dir.path() / "manifest-files.json");
  ASSERT_FALSE(manifest.empty());
  EXPECT_EQ(manifest.back(), '\n');
  EXPECT_EQ(manifest.find('\n'), manifest.size() - 1);
  EXPECT_EQ(manifest.find(' '), std::string::npos);  // compact
  OrderedJson entry = OrderedJson::parse(manifest);
  EXPECT_EQ(Keys(entry),
            (std::vector<std::string>{"itemCount", "md5Checksum", "etag", "dataFileS3Key"}));
  EXPECT_EQ(entry["itemCount"], 3);
  std::string gz = ReadFile(files[0]);
  EXPECT_EQ(entry["md5Checksum"], Base64Encode(Md5(gz)));
  EXPECT_EQ(entry["etag"], Hex(Md5(Md5(gz))) + "-1");
  EXPECT_EQ(entry["dataFileS3Key"], std::string(kKeyPrefix) + "data/" + name);
  EXPECT_EQ(ReadFile(dir.path() / "manifest-files.md5"), Base64Encode(Md5(manifest)));
}

TEST(ExportFilesTest, EmptyTableGivesAnEmptyGzipFile) {
  TempDir dir;
  std::vector<model::Item> none;
  auto data = DynamoDbJsonExportWriter().WriteData(dir.path(), kKeyPrefix, Source(none));
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->item_count, 0);
  EXPECT_EQ(data->billed_size_bytes, 0);
  auto it = fs::directory_iterator(dir.path() / "data");
  ASSERT_NE(it, fs::directory_iterator());
  EXPECT_EQ(Gunzip(it->path()), "");
  EXPECT_EQ(OrderedJson::parse(ReadFile(dir.path() / "manifest-files.json"))["itemCount"], 0);
}

TEST(ExportFilesTest, StreamsManyItems) {
  // More compressed bytes than one output buffer holds.
  std::mt19937 random(7);
  std::vector<model::Item> items;
  for (int i = 0; i < 3000; ++i) {
    std::string noise(100, ' ');
    for (char& c : noise) c = static_cast<char>('!' + random() % 90);
    items.push_back({{"id", model::AttributeValue::S(std::to_string(i))},
                     {"noise", model::AttributeValue::S(noise)}});
  }
  TempDir dir;
  auto data = DynamoDbJsonExportWriter().WriteData(dir.path(), kKeyPrefix, Source(items));
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->item_count, 3000);
  fs::path file = fs::directory_iterator(dir.path() / "data")->path();
  EXPECT_GT(fs::file_size(file), 128u * 1024);
  std::istringstream in(Gunzip(file));
  int n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    ASSERT_EQ(Json::parse(line)["Item"]["id"]["S"], std::to_string(n));
  }
  EXPECT_EQ(n, 3000);
  OrderedJson entry = OrderedJson::parse(ReadFile(dir.path() / "manifest-files.json"));
  EXPECT_EQ(entry["md5Checksum"], Base64Encode(Md5(ReadFile(file))));
}

TEST(ExportFilesTest, SourceErrorsAndUnwritableDirectoriesFail) {
  TempDir dir;
  ops::ItemSource failing = [](const std::function<Result<bool>(model::Item)>&) -> Status {
    return Status::IOError("disk gone");
  };
  auto data = DynamoDbJsonExportWriter().WriteData(dir.path(), kKeyPrefix, failing);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().message(), "disk gone");

  std::vector<model::Item> none;
  data = DynamoDbJsonExportWriter().WriteData(dir.path() / "missing", kKeyPrefix, Source(none));
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().code(), Code::kIOError);
  EXPECT_NE(data.status().message().find((dir.path() / "missing" / "_started").string()),
            std::string::npos)
      << data.status().message();
}

TEST(ExportFilesTest, WritesTheSummary) {
  TempDir dir;
  ops::ExportDescription d;
  d.export_arn =
      "arn:aws:dynamodb:us-east-1:531647909506:table/Airline/export/01693467621041-039fcf72";
  d.status = "COMPLETED";
  d.start_micros = 1693467621041000;
  d.end_micros = 1693468066862000;
  d.table_arn = "arn:aws:dynamodb:us-east-1:531647909506:table/Airline";
  d.table_id = "38148de1-7171-4ea4-85b2-e8b004fe4fe0";
  d.export_micros = 1693467621041999;  // shown to the millisecond
  d.s3_bucket = "ori-531647909506";
  d.item_count = 59871;
  ASSERT_TRUE(DynamoDbJsonExportWriter()
                  .WriteSummary(dir.path(), "AWSDynamoDB/01693467621041-039fcf72/", d)
                  .ok());
  std::string summary = ReadFile(dir.path() / "manifest-summary.json");
  // DynamoDB's form, byte for byte.
  EXPECT_EQ(
      summary,
      R"({"version":"2020-06-30","exportArn":"arn:aws:dynamodb:us-east-1:531647909506:table/Airline/export/01693467621041-039fcf72",)"
      R"("startTime":"2023-08-31T07:40:21.041Z","endTime":"2023-08-31T07:47:46.862Z",)"
      R"("tableArn":"arn:aws:dynamodb:us-east-1:531647909506:table/Airline","tableId":"38148de1-7171-4ea4-85b2-e8b004fe4fe0",)"
      R"("exportTime":"2023-08-31T07:40:21.041Z","s3Bucket":"ori-531647909506","s3Prefix":null,)"
      R"("s3SseAlgorithm":"AES256","s3SseKmsKeyId":null,)"
      R"("manifestFilesS3Key":"AWSDynamoDB/01693467621041-039fcf72/manifest-files.json",)"
      R"("billedSizeBytes":0,"itemCount":59871,"outputFormat":"DYNAMODB_JSON","exportType":"FULL_EXPORT"})");
  EXPECT_EQ(ReadFile(dir.path() / "manifest-summary.md5"), Base64Encode(Md5(summary)));

  d.s3_prefix = "p";
  d.s3_sse_algorithm = "KMS";
  d.s3_sse_kms_key_id = "alias/k";
  ASSERT_TRUE(DynamoDbJsonExportWriter().WriteSummary(dir.path(), "p/AWSDynamoDB/x/", d).ok());
  OrderedJson s = OrderedJson::parse(ReadFile(dir.path() / "manifest-summary.json"));
  EXPECT_EQ(s["s3Prefix"], "p");
  EXPECT_EQ(s["s3SseAlgorithm"], "KMS");
  EXPECT_EQ(s["s3SseKmsKeyId"], "alias/k");
  EXPECT_EQ(s["manifestFilesS3Key"], "p/AWSDynamoDB/x/manifest-files.json");
}

}  // namespace
}  // namespace stator::protocol

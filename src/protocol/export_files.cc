#include "protocol/export_files.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/base64.h"
#include "common/time_format.h"
#include "model/item_size.h"
#include "protocol/attribute_value_json.h"

namespace stator::protocol {
namespace {

namespace fs = std::filesystem;
using OrderedJson = nlohmann::ordered_json;

constexpr char kManifestVersion[] = "2020-06-30";  // of full exports
constexpr size_t kBufferSize = 64 * 1024;

// ---- checksums and names ----

class Md5 {
 public:
  Md5() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_md5(), nullptr); }
  void Update(std::string_view bytes) { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }
  // The 16-byte digest; ends the computation.
  std::string Digest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &size);
    return std::string(reinterpret_cast<const char*>(digest), size);
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

std::string Md5Of(std::string_view bytes) {
  Md5 md5;
  md5.Update(bytes);
  return md5.Digest();
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0F]);
  }
  return out;
}

// S3's ETag of an object uploaded as one multipart part, as DynamoDB's
// exports upload their data files: the hex MD5 of the part's MD5, then "-1".
std::string OnePartEtag(std::string_view md5_digest) { return Hex(Md5Of(md5_digest)) + "-1"; }

// 26 characters of lowercase base32 ([a-z2-7]) from 128 random bits.
Result<std::string> RandomDataFileId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return Status::Internal("no random bytes for an export's data file name");
  }
  static constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  uint32_t bits = 0;
  int pending = 0;
  for (unsigned char b : bytes) {
    bits = (bits << 8) | b;
    pending += 8;
    while (pending >= 5) {
      out.push_back(kBase32[(bits >> (pending - 5)) & 31]);
      pending -= 5;
    }
  }
  if (pending > 0) out.push_back(kBase32[(bits << (5 - pending)) & 31]);
  return out;
}

// "2023-08-31T07:40:21.041Z"
std::string IsoTime(int64_t micros) { return FormatIsoMillis(micros) + "Z"; }

// ---- files ----

Status WriteError(const fs::path& path) {
  return Status::IOError("cannot write " + path.string() + ": " + std::strerror(errno));
}

struct CloseFile {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, CloseFile>;

Status WriteFile(const fs::path& path, std::string_view content) {
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) return WriteError(path);
  if (!content.empty() &&
      std::fwrite(content.data(), 1, content.size(), f.get()) != content.size()) {
    return WriteError(path);
  }
  if (std::fclose(f.release()) != 0) return WriteError(path);
  return Status::OK();
}

// A file and its .md5 (the base64 MD5 of the file).
Status WriteWithMd5(const fs::path& directory, const std::string& stem, std::string_view content) {
  STATOR_RETURN_IF_ERROR(WriteFile(directory / (stem + ".json"), content));
  return WriteFile(directory / (stem + ".md5"), Base64Encode(Md5Of(content)));
}

// A gzip file written as a stream, with the MD5 of its bytes.
class GzipFile {
 public:
  explicit GzipFile(fs::path path) : path_(std::move(path)), out_(kBufferSize, '\0') {}
  ~GzipFile() {
    if (deflating_) deflateEnd(&z_);
  }
  GzipFile(const GzipFile&) = delete;
  GzipFile& operator=(const GzipFile&) = delete;

  Status Open() {
    file_.reset(std::fopen(path_.c_str(), "wb"));
    if (!file_) return WriteError(path_);
    // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
    if (deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
      return Status::Internal("cannot start compressing " + path_.string());
    }
    deflating_ = true;
    return Status::OK();
  }

  Status Append(std::string_view data) { return Deflate(data, Z_NO_FLUSH); }

  // Ends the gzip stream and closes the file.
  Status Finish() {
    STATOR_RETURN_IF_ERROR(Deflate({}, Z_FINISH));
    deflateEnd(&z_);
    deflating_ = false;
    if (std::fclose(file_.release()) != 0) return WriteError(path_);
    return Status::OK();
  }

  // The MD5 of the compressed bytes, once finished.
  std::string Md5Digest() { return md5_.Digest(); }

 private:
  Status Deflate(std::string_view data, int flush) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    int rc = Z_OK;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(out_.data());
      z_.avail_out = static_cast<uInt>(out_.size());
      rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) return Status::Internal("cannot compress " + path_.string());
      size_t n = out_.size() - z_.avail_out;
      if (n > 0) {
        if (std::fwrite(out_.data(), 1, n, file_.get()) != n) return WriteError(path_);
        md5_.Update(std::string_view(out_.data(), n));
      }
    } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return Status::OK();
  }

  fs::path path_;
  File file_;
  z_stream z_{};
  bool deflating_ = false;
  std::string out_;
  Md5 md5_;
};

// The per-file line of manifest-files.json.
std::string ManifestFilesLine(int64_t item_count, const std::string& md5_digest,
                              const std::string& key) {
  OrderedJson line;
  line["itemCount"] = item_count;
  line["md5Checksum"] = Base64Encode(md5_digest);
  line["etag"] = OnePartEtag(md5_digest);
  line["dataFileS3Key"] = key;
  return line.dump(-1, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

}  // namespace

Result<ops::ExportData> DynamoDbJsonExportWriter::WriteData(const fs::path& directory,
                                                            const std::string& key_prefix,
                                                            const ops::ItemSource& items) const {
  // _started first: it shows the bucket is writable.
  STATOR_RETURN_IF_ERROR(WriteFile(directory / "_started", ""));
  std::error_code ec;
  fs::create_directory(directory / "data", ec);
  if (ec) {
    return Status::IOError("cannot create " + (directory / "data").string() + ": " + ec.message());
  }

  STATOR_ASSIGN_OR_RETURN(std::string id, RandomDataFileId());
  std::string name = "data/" + id + ".json.gz";
  GzipFile data(directory / name);
  STATOR_RETURN_IF_ERROR(data.Open());
  ops::ExportData totals;
  STATOR_RETURN_IF_ERROR(items([&](model::Item item) -> Result<bool> {
    Json line = {{"Item", EncodeItem(item)}};
    STATOR_RETURN_IF_ERROR(data.Append(line.dump(-1, ' ', false, Json::error_handler_t::replace)));
    STATOR_RETURN_IF_ERROR(data.Append("\n"));
    ++totals.item_count;
    totals.billed_size_bytes += static_cast<int64_t>(model::ItemSize(item));
    return true;
  }));
  STATOR_RETURN_IF_ERROR(data.Finish());

  STATOR_RETURN_IF_ERROR(
      WriteWithMd5(directory, "manifest-files",
                   ManifestFilesLine(totals.item_count, data.Md5Digest(), key_prefix + name)));
  return totals;
}

Status DynamoDbJsonExportWriter::WriteSummary(const fs::path& directory,
                                              const std::string& key_prefix,
                                              const ops::ExportDescription& d) const {
  OrderedJson summary;
  summary["version"] = kManifestVersion;
  summary["exportArn"] = d.export_arn;
  summary["startTime"] = IsoTime(d.start_micros);
  summary["endTime"] = IsoTime(d.end_micros);
  summary["tableArn"] = d.table_arn;
  summary["tableId"] = d.table_id;
  summary["exportTime"] = IsoTime(d.export_micros);
  summary["s3Bucket"] = d.s3_bucket;
  summary["s3Prefix"] = d.s3_prefix ? OrderedJson(*d.s3_prefix) : OrderedJson(nullptr);
  summary["s3SseAlgorithm"] = d.s3_sse_algorithm;
  summary["s3SseKmsKeyId"] =
      d.s3_sse_kms_key_id ? OrderedJson(*d.s3_sse_kms_key_id) : OrderedJson(nullptr);
  summary["manifestFilesS3Key"] = key_prefix + "manifest-files.json";
  summary["billedSizeBytes"] = d.billed_size_bytes;
  summary["itemCount"] = d.item_count;
  summary["outputFormat"] = d.export_format;
  summary["exportType"] = "FULL_EXPORT";
  return WriteWithMd5(directory, "manifest-summary",
                      summary.dump(-1, ' ', false, OrderedJson::error_handler_t::replace));
}

}  // namespace stator::protocol

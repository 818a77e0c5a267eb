// The files of an export to S3 in DynamoDB's DYNAMODB_JSON format
// (docs/design/exports.md; ops/exports.h says where they go):
//
//   _started                    empty, written first
//   data/<26 base32 chars>.json.gz
//                               gzip; one line {"Item":{...}}\n per item,
//                               in DynamoDB JSON
//   manifest-files.json         one compact line per data file: itemCount,
//                               md5Checksum, etag, dataFileS3Key
//   manifest-files.md5          base64 of the MD5 of manifest-files.json
//   manifest-summary.json       one compact line describing the export
//   manifest-summary.md5        base64 of the MD5 of manifest-summary.json
//
// As in DynamoDB's exports, md5Checksum is the base64 MD5 of the gzipped
// file and etag the one-part multipart-upload ETag S3 gives it (hex MD5 of
// that MD5, then "-1"); object keys start with the export's key prefix. One
// data file holds every item, streamed as the source yields it.
//
// Thread-safety: stateless; safe for concurrent use.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"
#include "ops/exports.h"

namespace stator::protocol {

class DynamoDbJsonExportWriter final : public ops::ExportWriter {
 public:
  Result<ops::ExportData> WriteData(const std::filesystem::path& directory,
                                    const std::string& key_prefix,
                                    const ops::ItemSource& items) const override;
  Status WriteSummary(const std::filesystem::path& directory, const std::string& key_prefix,
                      const ops::ExportDescription& export_description) const override;
};

}  // namespace stator::protocol

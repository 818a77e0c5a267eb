// HTTP body compression as DynamoDB does it.
//
// Requests: a body sent with `Content-Encoding: gzip` or `deflate` (names
// case-insensitive; a comma-separated list is undone last coding first;
// `identity` is a no-op) is inflated before anything parses it. Concatenated
// gzip members are one body. Inflating stops as soon as the output would pass
// `max_bytes`, so a tiny "zip bomb" costs at most that much memory.
//
// Responses: when the client's Accept-Encoding allows gzip or deflate and the
// body is at least kCompressionThresholdBytes, the body is compressed and the
// caller sets `Content-Encoding`; x-amz-crc32 is then computed over the
// compressed bytes, as DynamoDB does.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace stator::protocol {

// DynamoDB compresses responses of 4 KB and more.
inline constexpr size_t kCompressionThresholdBytes = 4096;

enum class ContentCoding { kIdentity, kGzip, kDeflate };

enum class DecodeOutcome {
  kOk,
  kUnknownEncoding,  // a coding other than gzip, deflate or identity
  kCorrupt,          // not a valid stream of the named coding (or empty)
  kTooLarge,         // inflates past max_bytes
};

// Undoes `content_encoding` on `body` into `*out`. `*out` is left empty
// unless the outcome is kOk.
[[nodiscard]] DecodeOutcome DecodeBody(std::string_view content_encoding, std::string_view body,
                                       size_t max_bytes, std::string* out);

// The coding DynamoDB picks for an Accept-Encoding value: the acceptable
// (q > 0) gzip or deflate with the highest quality; at equal quality an
// explicitly named coding beats one allowed only by `*`, an earlier one beats
// a later one, and gzip beats deflate. `identity` and unknown codings are
// ignored; malformed entries name nothing.
ContentCoding ChooseResponseCoding(std::string_view accept_encoding);

// The Content-Encoding token for `coding` ("gzip", "deflate"; "" for identity).
std::string_view CodingName(ContentCoding coding);

// Compresses `body` with `coding` (zlib's default level). Deflate is the zlib
// format (RFC 1950), as HTTP's "deflate" means.
std::string CompressBody(ContentCoding coding, std::string_view body);

}  // namespace stator::protocol

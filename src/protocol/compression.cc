#include "protocol/compression.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

namespace stator::protocol {
namespace {

constexpr int kGzipWindowBits = 16 + MAX_WBITS;  // gzip wrapper (RFC 1952)
constexpr int kZlibWindowBits = MAX_WBITS;       // zlib wrapper (RFC 1950)

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits on `sep`, trimming each piece; empty pieces are kept.
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t at = s.find(sep);
    parts.push_back(Trim(s.substr(0, at)));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

// Owns a z_stream set up for inflating.
class Inflater {
 public:
  explicit Inflater(int window_bits) { ok_ = inflateInit2(&zs_, window_bits) == Z_OK; }
  ~Inflater() {
    if (ok_) inflateEnd(&zs_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates all of `in` (one or more concatenated streams) into `*out`.
  DecodeOutcome Run(std::string_view in, size_t max_bytes, std::string* out) {
    if (!ok_ || in.empty()) return DecodeOutcome::kCorrupt;
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    char chunk[64 * 1024];
    while (true) {
      zs_.next_out = reinterpret_cast<Bytef*>(chunk);
      zs_.avail_out = sizeof(chunk);
      int rc = inflate(&zs_, Z_NO_FLUSH);
      size_t produced = sizeof(chunk) - zs_.avail_out;
      if (out->size() + produced > max_bytes) return DecodeOutcome::kTooLarge;
      out->append(chunk, produced);
      if (rc == Z_STREAM_END) {
        if (zs_.avail_in == 0) return DecodeOutcome::kOk;
        // Another stream follows (gzip allows concatenated members).
        if (inflateReset(&zs_) != Z_OK) return DecodeOutcome::kCorrupt;
        continue;
      }
      // Z_BUF_ERROR here means the input ended mid-stream.
      if (rc != Z_OK) return DecodeOutcome::kCorrupt;
    }
  }

 private:
  z_stream zs_{};
  bool ok_ = false;
};

int WindowBits(ContentCoding coding) {
  return coding == ContentCoding::kGzip ? kGzipWindowBits : kZlibWindowBits;
}

// One coding's standing in an Accept-Encoding value.
struct Preference {
  double q = 0;
  bool named = false;   // named explicitly (not only through "*")
  size_t position = 0;  // index of the entry that named it
};

// The first q parameter of an entry's parameters; 1 when absent. A
// well-formed number is clamped to [0, 1]; a malformed one counts as 1, as
// DynamoDB treats "q=0.x".
double Quality(const std::vector<std::string_view>& params) {
  for (size_t i = 1; i < params.size(); ++i) {
    size_t eq = params[i].find('=');
    if (eq == std::string_view::npos || Lower(Trim(params[i].substr(0, eq))) != "q") continue;
    std::string value(Trim(params[i].substr(eq + 1)));
    size_t digits =
        std::count_if(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    size_t dots = std::count(value.begin(), value.end(), '.');
    size_t sign = !value.empty() && value.front() == '-' ? 1 : 0;
    if (digits == 0 || dots > 1 || digits + dots + sign != value.size()) return 1;
    return std::clamp(std::strtod(value.c_str(), nullptr), 0.0, 1.0);
  }
  return 1;
}

bool Better(const Preference& a, const Preference& b) {
  if (a.q != b.q) return a.q > b.q;
  if (a.named != b.named) return a.named;
  return a.named && a.position < b.position;
}

}  // namespace

DecodeOutcome DecodeBody(std::string_view content_encoding, std::string_view body, size_t max_bytes,
                         std::string* out) {
  out->clear();
  std::vector<ContentCoding> codings;
  for (std::string_view token : Split(content_encoding, ',')) {
    std::string name = Lower(token);
    if (name.empty() || name == "identity") continue;
    if (name == "gzip") {
      codings.push_back(ContentCoding::kGzip);
    } else if (name == "deflate") {
      codings.push_back(ContentCoding::kDeflate);
    } else {
      return DecodeOutcome::kUnknownEncoding;
    }
  }
  std::string current(body);
  // Codings are listed in the order they were applied; undo the last first.
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    std::string next;
    DecodeOutcome outcome = Inflater(WindowBits(*it)).Run(current, max_bytes, &next);
    if (outcome != DecodeOutcome::kOk) return outcome;
    current = std::move(next);
  }
  *out = std::move(current);
  return DecodeOutcome::kOk;
}

ContentCoding ChooseResponseCoding(std::string_view accept_encoding) {
  Preference gzip, deflate, any;
  bool any_seen = false;
  std::vector<std::string_view> entries = Split(accept_encoding, ',');
  for (size_t i = 0; i < entries.size(); ++i) {
    std::vector<std::string_view> params = Split(entries[i], ';');
    std::string name = Lower(params[0]);
    Preference* pref = name == "gzip"      ? &gzip
                       : name == "deflate" ? &deflate
                       : name == "*"       ? &any
                                           : nullptr;
    if (pref == nullptr) continue;
    double q = Quality(params);
    if (!pref->named || q > pref->q) *pref = Preference{q, true, i};
    if (pref == &any) any_seen = true;
  }
  // A coding not named explicitly takes the quality of "*", if any.
  for (Preference* pref : {&gzip, &deflate}) {
    if (!pref->named && any_seen) *pref = Preference{any.q, false, entries.size()};
  }
  const Preference& best = Better(deflate, gzip) ? deflate : gzip;
  if (best.q <= 0) return ContentCoding::kIdentity;
  return &best == &gzip ? ContentCoding::kGzip : ContentCoding::kDeflate;
}

std::string_view CodingName(ContentCoding coding) {
  switch (coding) {
    case ContentCoding::kGzip:
      return "gzip";
    case ContentCoding::kDeflate:
      return "deflate";
    case ContentCoding::kIdentity:
      break;
  }
  return "";
}

std::string CompressBody(ContentCoding coding, std::string_view body) {
  if (coding == ContentCoding::kIdentity) return std::string(body);
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, WindowBits(coding), 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    std::abort();  // only on out of memory or bad parameters
  }
  std::string out(deflateBound(&zs, body.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  zs.avail_in = static_cast<uInt>(body.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) std::abort();  // deflateBound guarantees room
  return out;
}

}  // namespace stator::protocol

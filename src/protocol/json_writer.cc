#include "protocol/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

namespace stator::protocol {
namespace {

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF) starting at s[i], or 0 if there is none.
// The same language as nlohmann's decoder accepts.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](size_t k) { return k < s.size() && (at(k) & 0xC0) == 0x80; };
  unsigned char b = at(i);
  if (b >= 0xC2 && b <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    if (i + 1 >= s.size()) return 0;
    unsigned char b1 = at(i + 1);
    if (b == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b == 0xED && b1 >= 0xA0) return 0;  // surrogate
    return cont(i + 1) && cont(i + 2) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (i + 1 >= s.size()) return 0;
    unsigned char b1 = at(i + 1);
    if (b == 0xF0 && b1 < 0x90) return 0;   // overlong
    if (b == 0xF4 && b1 >= 0x90) return 0;  // above U+10FFFF
    return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

// The bytes that cannot be copied as they are: controls, '"', '\\' and every
// byte of a multi-byte UTF-8 sequence (which must be checked).
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> table{};
  for (int b = 0; b < 256; ++b) table[b] = b < 0x20 || b >= 0x80 || b == '"' || b == '\\';
  return table;
}();

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// Whether any of the 8 bytes in `w` is special (see kSpecial), tested all at
// once: a byte with its high bit set, below 0x20, or equal to '"' or '\\'.
bool AnySpecial(uint64_t w) {
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHighBits; };
  uint64_t below_space = (w - 0x20 * kOnes) & ~w & kHighBits;
  return ((w & kHighBits) | below_space | has_zero(w ^ ('"' * kOnes)) |
          has_zero(w ^ ('\\' * kOnes))) != 0;
}

}  // namespace

void JsonWriter::Key(std::string_view key) {
  Separate();
  Escaped(key);
  out_->push_back(':');
  need_comma_ = false;
}

void JsonWriter::String(std::string_view value) {
  Separate();
  Escaped(value);
  need_comma_ = true;
}

void JsonWriter::Int(int64_t value) {
  Separate();
  std::array<char, 24> buf;
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  out_->append(buf.data(), end);
  need_comma_ = true;
}

void JsonWriter::Double(double value) {
  Separate();
  if (!std::isfinite(value)) {
    out_->append("null");
  } else {
    // nlohmann's own conversion, so the digits are those of Json::dump.
    std::array<char, 64> buf;
    char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), value);
    out_->append(buf.data(), end);
  }
  need_comma_ = true;
}

void JsonWriter::Bool(bool value) {
  Separate();
  out_->append(value ? "true" : "false");
  need_comma_ = true;
}

void JsonWriter::Escaped(std::string_view s) {
  const size_t start = out_->size();
  out_->push_back('"');
  size_t run = 0;  // start of the bytes not yet copied, all plain
  for (size_t i = 0; i < s.size();) {
    // Eight plain bytes at a time; a word with a special byte is looked at bytewise.
    if (i + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (!AnySpecial(word)) {
        i += 8;
        continue;
      }
    }
    auto b = static_cast<unsigned char>(s[i]);
    if (!kSpecial[b]) {
      ++i;
      continue;
    }
    out_->append(s.data() + run, i - run);
    if (b >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        // Not UTF-8: nlohmann's replacement rules are subtle; let it render the whole string.
        out_->resize(start);
        out_->append(nlohmann::json(std::string(s))
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        return;
      }
      out_->append(s.data() + i, n);
      i += n;
    } else {
      AppendEscape(b);
      ++i;
    }
    run = i;
  }
  out_->append(s.data() + run, s.size() - run);
  out_->push_back('"');
}

void JsonWriter::AppendEscape(unsigned char b) {
  switch (b) {
    case '\b':
      out_->append("\\b");
      break;
    case '\t':
      out_->append("\\t");
      break;
    case '\n':
      out_->append("\\n");
      break;
    case '\f':
      out_->append("\\f");
      break;
    case '\r':
      out_->append("\\r");
      break;
    case '"':
      out_->append("\\\"");
      break;
    case '\\':
      out_->append("\\\\");
      break;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char esc[6] = {'\\', 'u', '0', '0', kHex[b >> 4], kHex[b & 15]};
      out_->append(esc, sizeof(esc));
    }
  }
}

}  // namespace stator::protocol

// JsonWriter: renders JSON straight into a string, for the answers of the hot
// operations (GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan), without
// building a nlohmann DOM first.
//
// The bytes are exactly those of `Json::dump(-1, ' ', false,
// Json::error_handler_t::replace)` for the same document, which is what every
// other answer goes through: no whitespace, strings escaped as nlohmann does
// (control characters as \b \t \n \f \r or \u00xx, '"' and '\\' escaped,
// everything else as is; a string that is not valid UTF-8 has its bad bytes
// replaced by U+FFFD), doubles in nlohmann's shortest round-trip form. The
// caller writes members in nlohmann's order: an object's keys sorted
// byte-wise, as std::map<std::string, ...> holds them.
//
// Thread-safety: an instance is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stator::protocol {

class JsonWriter {
 public:
  // Appends to *out, which must outlive the writer.
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // An object member's key; the member's value comes next.
  void Key(std::string_view key);

  void String(std::string_view value);
  void Int(int64_t value);
  void Double(double value);
  void Bool(bool value);

 private:
  void Separate() {
    if (need_comma_) out_->push_back(',');
  }
  void Open(char c) {
    Separate();
    out_->push_back(c);
    need_comma_ = false;
  }
  void Close(char c) {
    out_->push_back(c);
    need_comma_ = true;
  }
  void Escaped(std::string_view value);
  // A control character, '"' or '\\' as nlohmann escapes it.
  void AppendEscape(unsigned char b);

  std::string* out_;
  bool need_comma_ = false;  // a value was written at this level: the next one needs a ','
};

}  // namespace stator::protocol

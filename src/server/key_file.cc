#include "server/key_file.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace stator::server {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kMaxFileBytes = 4096;  // far more than any valid key file

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool AllHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return HexValue(c) >= 0; });
}

// Erases the key material a string held before it is freed.
struct Wipe {
  std::string* s;
  ~Wipe() { OPENSSL_cleanse(s->data(), s->size()); }
};

}  // namespace

Result<std::string> ParseEncryptionKey(std::string_view contents) {
  constexpr std::string_view kExpected = "32 raw bytes or 64 hex digits expected";
  if (contents.size() == kKeyBytes) {
    // A random 32-byte key is all hex digits with probability (22/256)^32:
    // such a file is a 128-bit key written in hex, too short for AES-256.
    if (AllHex(contents)) {
      return Status::Validation(
          "the encryption key file holds 32 hex digits (128 bits); a 256-bit key takes 64 hex "
          "digits, e.g. from `openssl rand -hex 32`");
    }
    return std::string(contents);
  }
  std::string_view hex = contents;
  if (hex.ends_with("\r\n")) {
    hex.remove_suffix(2);
  } else if (hex.ends_with('\n')) {
    hex.remove_suffix(1);
  }
  if (hex.size() != 2 * kKeyBytes) {
    return Status::Validation("the encryption key file holds " + std::to_string(contents.size()) +
                              " bytes; " + std::string(kExpected));
  }
  if (!AllHex(hex)) {
    return Status::Validation(
        "the encryption key file holds 64 characters that are not all hex "
        "digits; " +
        std::string(kExpected));
  }
  std::string key(kKeyBytes, '\0');
  for (size_t i = 0; i < kKeyBytes; ++i) {
    key[i] = static_cast<char>(HexValue(hex[2 * i]) * 16 + HexValue(hex[2 * i + 1]));
  }
  return key;
}

Result<EncryptionKey> LoadEncryptionKey(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec) return Status::IOError("cannot read encryption key file " + path + ": " + ec.message());
  if (!std::filesystem::is_regular_file(status)) {
    return Status::IOError("encryption key file " + path + " is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read encryption key file " + path);
  std::string contents(kMaxFileBytes + 1, '\0');
  Wipe wipe{&contents};
  in.read(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (in.bad()) return Status::IOError("cannot read encryption key file " + path);
  size_t size = static_cast<size_t>(in.gcount());

  auto key = ParseEncryptionKey(std::string_view(contents).substr(0, size));
  if (!key.ok()) return Status(key.status().code(), path + ": " + key.status().message());
  EncryptionKey out;
  out.bytes = std::move(key).value();
  using std::filesystem::perms;
  if ((status.permissions() & (perms::group_read | perms::others_read)) != perms::none) {
    out.warning = "encryption key file " + path +
                  " is readable by other users; restrict it to its owner (chmod 600)";
  }
  return out;
}

}  // namespace stator::server

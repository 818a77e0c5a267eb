// The encryption key file of --encryption-key-file (docs/security.md): a
// 256-bit key as exactly 32 raw bytes, or as 64 hex digits optionally
// followed by one newline (what `openssl rand -hex 32 > key` writes).
//
// Messages never quote the file's contents.
//
// Thread-safety: pure functions (LoadEncryptionKey reads the file system).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace stator::server {

struct EncryptionKey {
  std::string bytes;    // 32 bytes
  std::string warning;  // non-empty: something the operator should fix, e.g. the file's mode
};

// The 32-byte key the file's contents hold; an error saying what is wrong
// otherwise (wrong length, not hex, 32 hex digits standing for a 128-bit key).
Result<std::string> ParseEncryptionKey(std::string_view contents);

// Reads and parses the key file at `path`. A file readable by group or others
// still loads, with a warning.
Result<EncryptionKey> LoadEncryptionKey(const std::string& path);

}  // namespace stator::server

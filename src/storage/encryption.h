// Encryption at rest: every file of the RocksDB database (tables, indexes, the
// change log, snapshots, the catalog, the WAL, the MANIFEST, the info LOG) is
// encrypted with AES-256-CTR through RocksDB's encrypted Env, and a small
// key-check file tells a wrong key apart before RocksDB opens anything. The
// formats (the per-file prefix and the key-check file) are specified in
// docs/design/encryption.md.
//
// Contract:
//  - CheckEncryptionKey reads the data directory and changes nothing in it,
//    except that it creates the key-check file in a directory that holds no
//    database yet. Any mismatch (wrong key, key missing, key given for an
//    unencrypted database) is an error, so RocksDB never runs on the wrong
//    assumption.
//  - Each file gets a fresh random IV when it is created; a byte's keystream
//    depends on the IV and its offset in the file, so (key, IV, counter) never
//    encrypts two different plaintexts as long as files are only appended to
//    (the RocksDB options UseEncryption sets keep it so).
//  - CTR gives confidentiality only: a tampered file decrypts to garbage that
//    RocksDB's checksums usually, but not cryptographically, catch.
//
// Private to the storage module: its interface uses RocksDB types.
//
// Thread-safety: the functions are safe to call from any thread. A cipher
// stream may be used by many threads at once (RocksDB reads one file from
// several threads); each call sets up its own cipher context.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/env_encryption.h>
#include <rocksdb/options.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace stator::storage {

// DO NOT CHANGE: persisted (docs/design/encryption.md).
inline constexpr size_t kEncryptionKeyBytes = 32;  // AES-256
inline constexpr size_t kFilePrefixBytes = 4096;   // one page before each file's data
inline constexpr uint8_t kFilePrefixVersion = 1;   // AES-256-CTR, IV in the prefix
inline constexpr uint8_t kKeyCheckVersion = 1;     // HMAC-SHA256 of a label and salt
inline constexpr char kKeyCheckFileName[] = "STATOR-ENCRYPTION";

// Decides, before RocksDB touches `dir`, whether the directory may be opened
// with `key` (32 bytes; empty: no encryption):
//  - with a key: the key-check file must match it (else an error saying the
//    key is not the one the directory was created with); a directory without
//    a key-check file must hold no database (no CURRENT), and then gets one;
//  - without a key: the directory must hold neither a key-check file nor an
//    encrypted database.
// On any error nothing in the directory was changed.
Status CheckEncryptionKey(const std::string& dir, std::string_view key);

// Makes `options` encrypt every file of the database in `dir` with `key`
// (checked by CheckEncryptionKey first): sets options->env to an encrypted
// Env, stored in `*env` (which must outlive the database), and
// options->info_log to a LOG written through it (the previous run's LOG is
// kept as LOG.old).
Status UseEncryption(const std::string& dir, std::string_view key, rocksdb::Options* options,
                     std::unique_ptr<rocksdb::Env>* env);

// The encryption provider UseEncryption installs: AES-256-CTR under a file key
// derived from `key` (32 bytes), a random IV in each file's prefix.
std::shared_ptr<rocksdb::EncryptionProvider> NewAesCtrEncryptionProvider(std::string_view key);

// AES-256-CTR with `file_key` (32 bytes) whose counter for the 16-byte block
// at file offset o is `iv` (16 bytes, big-endian) + o / 16. The provider's
// streams; exposed for tests.
std::unique_ptr<rocksdb::BlockAccessCipherStream> NewAesCtrStream(std::string_view file_key,
                                                                  std::string_view iv);

}  // namespace stator::storage

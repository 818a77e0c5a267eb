#include "storage/encryption.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <system_error>

namespace stator::storage {
namespace {

namespace fs = std::filesystem;

// DO NOT CHANGE: persisted (docs/design/encryption.md).
constexpr std::string_view kFileMagic = "STATORFE";      // file encryption prefix
constexpr std::string_view kKeyCheckMagic = "STATORKC";  // key-check file
constexpr std::string_view kFileKeyLabel = "stator file encryption v1";
constexpr std::string_view kKeyCheckLabel = "stator key check v1";
constexpr size_t kIvBytes = 16;
constexpr size_t kSaltBytes = 16;
constexpr size_t kMacBytes = 32;
constexpr size_t kKeyCheckBytes = 8 + 1 + kSaltBytes + kMacBytes;

using Bytes32 = std::array<unsigned char, 32>;

// Fills out[0, n) from the kernel's CSPRNG (getrandom). Not OpenSSL's
// RAND_bytes: IVs are made on RocksDB's pool threads, and RAND_bytes gives
// each calling thread a DRBG of its own, freed when the thread ends, which
// for those threads comes after OpenSSL's exit-time cleanup: never.
bool RandomBytes(void* out, size_t n) {
  auto* p = static_cast<unsigned char*>(out);
  while (n > 0) {
    ssize_t got = ::getrandom(p, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

Bytes32 HmacSha256(std::string_view key, std::string_view message) {
  Bytes32 out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &len);
  return out;
}

// The key each file is encrypted with: the user's key is only ever an HMAC
// key, so the key-check file and the data never use the same key.
std::string DeriveFileKey(std::string_view key) {
  Bytes32 derived = HmacSha256(key, kFileKeyLabel);
  std::string out(reinterpret_cast<const char*>(derived.data()), derived.size());
  OPENSSL_cleanse(derived.data(), derived.size());
  return out;
}

// counter += blocks, as a 128-bit big-endian integer (wrapping, as OpenSSL's
// CTR mode increments it).
void AddToCounter(unsigned char counter[16], uint64_t blocks) {
  for (int i = 15; i >= 0 && blocks != 0; --i) {
    uint64_t sum = uint64_t{counter[i]} + (blocks & 0xFF);
    counter[i] = static_cast<unsigned char>(sum);
    blocks = (blocks >> 8) + (sum >> 8);
  }
}

// The file key and the AES-256-CTR implementation, fetched once.
class CipherKey {
 public:
  explicit CipherKey(std::string_view key)
      : cipher_(EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr)) {
    std::memcpy(key_.data(), key.data(), std::min(key.size(), key_.size()));
  }
  ~CipherKey() {
    OPENSSL_cleanse(key_.data(), key_.size());
    EVP_CIPHER_free(cipher_);
  }
  CipherKey(const CipherKey&) = delete;
  CipherKey& operator=(const CipherKey&) = delete;

  const EVP_CIPHER* cipher() const { return cipher_; }
  const unsigned char* key() const { return key_.data(); }

 private:
  EVP_CIPHER* cipher_;
  Bytes32 key_{};
};

class AesCtrStream final : public rocksdb::BlockAccessCipherStream {
 public:
  AesCtrStream(std::shared_ptr<const CipherKey> key, const unsigned char* iv)
      : key_(std::move(key)) {
    std::memcpy(iv_.data(), iv, iv_.size());
  }

  size_t BlockSize() override { return 16; }

  // Whole buffers at once, rather than the base class's block at a time.
  rocksdb::Status Encrypt(uint64_t offset, char* data, size_t size) override {
    return Apply(offset, data, size);
  }
  rocksdb::Status Decrypt(uint64_t offset, char* data, size_t size) override {
    return Apply(offset, data, size);
  }

 protected:
  void AllocateScratch(std::string&) override {}
  rocksdb::Status EncryptBlock(uint64_t block, char* data, char*) override {
    return Apply(block * 16, data, 16);
  }
  rocksdb::Status DecryptBlock(uint64_t block, char* data, char*) override {
    return Apply(block * 16, data, 16);
  }

 private:
  // XORs data[0, size) with the keystream bytes at file offsets
  // [offset, offset + size). Encryption and decryption are the same.
  rocksdb::Status Apply(uint64_t offset, char* data, size_t size) const {
    if (size == 0) return rocksdb::Status::OK();
    if (key_->cipher() == nullptr) return rocksdb::Status::IOError("AES-256-CTR is unavailable");
    unsigned char counter[16];
    std::memcpy(counter, iv_.data(), sizeof(counter));
    AddToCounter(counter, offset / 16);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        &EVP_CIPHER_CTX_free);
    if (ctx == nullptr ||
        EVP_EncryptInit_ex2(ctx.get(), key_->cipher(), key_->key(), counter, nullptr) != 1) {
      return rocksdb::Status::IOError("cannot set up AES-256-CTR");
    }
    int out_len = 0;
    if (size_t skip = offset % 16; skip != 0) {  // into the first block
      unsigned char discard[16] = {};
      if (EVP_EncryptUpdate(ctx.get(), discard, &out_len, discard, static_cast<int>(skip)) != 1) {
        return rocksdb::Status::IOError("AES-256-CTR failed");
      }
    }
    auto* bytes = reinterpret_cast<unsigned char*>(data);
    while (size > 0) {
      int chunk = static_cast<int>(std::min<size_t>(size, size_t{1} << 30));
      if (EVP_EncryptUpdate(ctx.get(), bytes, &out_len, bytes, chunk) != 1) {
        return rocksdb::Status::IOError("AES-256-CTR failed");
      }
      bytes += chunk;
      size -= static_cast<size_t>(chunk);
    }
    return rocksdb::Status::OK();
  }

  std::shared_ptr<const CipherKey> key_;
  std::array<unsigned char, kIvBytes> iv_{};
};

// Prefix: magic, version, IV, zeros up to kFilePrefixBytes.
class AesCtrProvider final : public rocksdb::EncryptionProvider {
 public:
  explicit AesCtrProvider(std::string_view file_key)
      : key_(std::make_shared<const CipherKey>(file_key)) {}

  const char* Name() const override { return "StatorAes256Ctr"; }
  size_t GetPrefixLength() const override { return kFilePrefixBytes; }

  rocksdb::Status CreateNewPrefix(const std::string& fname, char* prefix,
                                  size_t length) const override {
    if (length < kFileMagic.size() + 1 + kIvBytes) {
      return rocksdb::Status::InvalidArgument("encryption prefix too short");
    }
    std::memset(prefix, 0, length);
    std::memcpy(prefix, kFileMagic.data(), kFileMagic.size());
    prefix[kFileMagic.size()] = static_cast<char>(kFilePrefixVersion);
    auto* iv = reinterpret_cast<unsigned char*>(prefix + kFileMagic.size() + 1);
    if (!RandomBytes(iv, kIvBytes)) {
      return rocksdb::Status::IOError("no random IV for " + fname);
    }
    return rocksdb::Status::OK();
  }

  rocksdb::Status AddCipher(const std::string&, const char*, size_t, bool) override {
    return rocksdb::Status::NotSupported("the key is fixed when the provider is made");
  }

  rocksdb::Status CreateCipherStream(
      const std::string& fname, const rocksdb::EnvOptions&, rocksdb::Slice& prefix,
      std::unique_ptr<rocksdb::BlockAccessCipherStream>* result) override {
    if (prefix.size() < kFilePrefixBytes ||
        std::memcmp(prefix.data(), kFileMagic.data(), kFileMagic.size()) != 0) {
      return rocksdb::Status::Corruption(fname + " is not encrypted by Stator");
    }
    if (static_cast<uint8_t>(prefix[kFileMagic.size()]) != kFilePrefixVersion) {
      return rocksdb::Status::Corruption(fname + " has an unknown encryption format version");
    }
    auto iv = reinterpret_cast<const unsigned char*>(prefix.data() + kFileMagic.size() + 1);
    *result = std::make_unique<AesCtrStream>(key_, iv);
    return rocksdb::Status::OK();
  }

 private:
  std::shared_ptr<const CipherKey> key_;
};

// RocksDB's info LOG, written through the encrypted file system. Left to
// itself RocksDB writes the LOG in plain text even on an encrypted Env (the
// encrypted file system does not wrap NewLogger), and the LOG names keys in
// hex (e.g. a manual compaction's range, corruption reports).
class EncryptedInfoLog final : public rocksdb::Logger {
 public:
  explicit EncryptedInfoLog(std::unique_ptr<rocksdb::FSWritableFile> file)
      : file_(std::move(file)) {}
  ~EncryptedInfoLog() override {
    if (!closed_) Close().PermitUncheckedError();
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    auto now = std::chrono::system_clock::now();
    std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
        1000000;
    std::tm tm{};
    localtime_r(&seconds, &tm);
    char stamp[64];
    std::snprintf(stamp, sizeof(stamp), "%04d/%02d/%02d-%02d:%02d:%02d.%06lld ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(micros));
    std::string line = stamp;
    va_list copy;
    va_copy(copy, ap);
    int n = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    if (n > 0) {
      size_t start = line.size();
      line.resize(start + static_cast<size_t>(n) + 1);
      std::vsnprintf(line.data() + start, static_cast<size_t>(n) + 1, format, ap);
      line.resize(start + static_cast<size_t>(n));
    }
    if (line.empty() || line.back() != '\n') line.push_back('\n');
    std::lock_guard lock(mu_);
    if (closed_) return;
    file_->Append(line, rocksdb::IOOptions(), nullptr).PermitUncheckedError();
    file_->Flush(rocksdb::IOOptions(), nullptr).PermitUncheckedError();
  }

  void Flush() override {
    std::lock_guard lock(mu_);
    if (!closed_) file_->Flush(rocksdb::IOOptions(), nullptr).PermitUncheckedError();
  }

 protected:
  rocksdb::Status CloseImpl() override {
    std::lock_guard lock(mu_);
    return file_->Close(rocksdb::IOOptions(), nullptr);
  }

 private:
  std::mutex mu_;
  std::unique_ptr<rocksdb::FSWritableFile> file_;  // GUARDED_BY(mu_)
};

// --- The key-check file: magic, version, salt, HMAC(key, label | salt) ---

std::string KeyCheckMac(std::string_view key, std::string_view salt) {
  std::string message(kKeyCheckLabel);
  message.append(salt);
  Bytes32 mac = HmacSha256(key, message);
  return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

// Reads at most `limit` bytes of `path`. NotFound if there is no such file.
Result<std::string> ReadSmallFile(const fs::path& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec) && !ec) return Status::NotFound(path.string());
    return Status::IOError("cannot read " + path.string());
  }
  std::string bytes(limit, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(limit));
  if (in.bad()) return Status::IOError("cannot read " + path.string());
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

Status SyncPath(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot open " + path.string() + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IOError("cannot sync " + path.string() + ": " + std::strerror(errno));
  return Status::OK();
}

// Writes the key-check file durably (temporary file, fsync, rename, fsync of
// the directory), so a crash never leaves a half-written one.
Status WriteKeyCheckFile(const fs::path& dir, std::string_view key) {
  std::string salt(kSaltBytes, '\0');
  if (!RandomBytes(salt.data(), salt.size())) {
    return Status::IOError("no random salt for the encryption key-check file");
  }
  std::string contents(kKeyCheckMagic);
  contents.push_back(static_cast<char>(kKeyCheckVersion));
  contents += salt;
  contents += KeyCheckMac(key, salt);

  fs::path final_path = dir / kKeyCheckFileName;
  fs::path tmp_path = dir / (std::string(kKeyCheckFileName) + ".tmp");
  {
    std::ofstream out(tmp_path, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) return Status::IOError("cannot write " + tmp_path.string());
  }
  STATOR_RETURN_IF_ERROR(SyncPath(tmp_path, O_RDONLY));
  std::error_code ec;
  fs::rename(tmp_path, final_path, ec);
  if (ec) return Status::IOError("cannot create " + final_path.string() + ": " + ec.message());
  return SyncPath(dir, O_RDONLY | O_DIRECTORY);
}

// Whether RocksDB's CURRENT file in `dir` starts with an encryption prefix.
bool HasEncryptedDatabase(const fs::path& dir) {
  auto head = ReadSmallFile(dir / "CURRENT", kFileMagic.size());
  return head.ok() && *head == kFileMagic;
}

Status CheckAgainstKeyCheckFile(const fs::path& dir, std::string_view contents,
                                std::string_view key) {
  fs::path path = dir / kKeyCheckFileName;
  if (contents.size() != kKeyCheckBytes ||
      contents.substr(0, kKeyCheckMagic.size()) != kKeyCheckMagic) {
    return Status::Corruption("encryption key-check file " + path.string() + " is damaged");
  }
  if (static_cast<uint8_t>(contents[kKeyCheckMagic.size()]) != kKeyCheckVersion) {
    return Status::Corruption("encryption key-check file " + path.string() +
                              " has an unsupported format version");
  }
  std::string_view salt = contents.substr(kKeyCheckMagic.size() + 1, kSaltBytes);
  std::string_view stored = contents.substr(kKeyCheckMagic.size() + 1 + kSaltBytes);
  std::string expected = KeyCheckMac(key, salt);
  if (CRYPTO_memcmp(expected.data(), stored.data(), kMacBytes) != 0) {
    return Status::Validation("the encryption key does not match the one data directory " +
                              dir.string() + " was created with; the directory was left unchanged");
  }
  return Status::OK();
}

}  // namespace

Status CheckEncryptionKey(const std::string& dir_name, std::string_view key) {
  const fs::path dir(dir_name);
  if (!key.empty() && key.size() != kEncryptionKeyBytes) {
    return Status::Validation("an encryption key must be 32 bytes (256 bits)");
  }
  auto check = ReadSmallFile(dir / kKeyCheckFileName, kKeyCheckBytes + 1);
  if (!check.ok() && !check.status().IsNotFound()) return check.status();
  std::error_code ec;
  bool has_database = fs::exists(dir / "CURRENT", ec);
  if (ec) return Status::IOError("cannot read data directory " + dir_name + ": " + ec.message());

  if (key.empty()) {
    if (check.ok() || (has_database && HasEncryptedDatabase(dir))) {
      return Status::Validation("data directory " + dir_name +
                                " is encrypted; it opens only with the encryption key it was "
                                "created with (--encryption-key-file)");
    }
    return Status::OK();
  }
  if (check.ok()) return CheckAgainstKeyCheckFile(dir, *check, key);
  if (has_database) {
    if (HasEncryptedDatabase(dir)) {
      return Status::Corruption("data directory " + dir_name +
                                " is encrypted but its encryption key-check file " +
                                kKeyCheckFileName + " is missing");
    }
    return Status::Validation("data directory " + dir_name +
                              " holds unencrypted data; an existing directory cannot be opened "
                              "with an encryption key (start a new directory and restore into "
                              "it instead)");
  }
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir_name + ": " + ec.message());
  return WriteKeyCheckFile(dir, key);
}

std::shared_ptr<rocksdb::EncryptionProvider> NewAesCtrEncryptionProvider(std::string_view key) {
  return std::make_shared<AesCtrProvider>(DeriveFileKey(key));
}

std::unique_ptr<rocksdb::BlockAccessCipherStream> NewAesCtrStream(std::string_view file_key,
                                                                  std::string_view iv) {
  unsigned char iv_bytes[kIvBytes] = {};
  std::memcpy(iv_bytes, iv.data(), std::min(iv.size(), kIvBytes));
  return std::make_unique<AesCtrStream>(std::make_shared<const CipherKey>(file_key), iv_bytes);
}

Status UseEncryption(const std::string& dir, std::string_view key, rocksdb::Options* options,
                     std::unique_ptr<rocksdb::Env>* env) {
  if (key.size() != kEncryptionKeyBytes) {
    return Status::Validation("an encryption key must be 32 bytes (256 bits)");
  }
  env->reset(rocksdb::NewEncryptedEnv(rocksdb::Env::Default(), NewAesCtrEncryptionProvider(key)));
  if (*env == nullptr || (*env)->GetFileSystem() == nullptr) {
    return Status::Internal("cannot set up the encrypted file system");
  }
  options->env = env->get();
  // A recycled WAL is rewritten in place from its start. Each reuse would get
  // a fresh IV (so no keystream repeats), but the old records past the new
  // ones would then decrypt to garbage where RocksDB expects old, well-formed
  // records. Keep RocksDB's default: never recycle.
  options->recycle_log_file_num = 0;
  // mmap bypasses the Env's read and write calls, hence the encryption.
  options->allow_mmap_reads = false;
  options->allow_mmap_writes = false;

  const fs::path log_path = fs::path(dir) / "LOG";
  std::error_code ec;
  if (fs::exists(log_path, ec)) fs::rename(log_path, fs::path(dir) / "LOG.old", ec);
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = (*env)->GetFileSystem()->NewWritableFile(
      log_path.string(), rocksdb::FileOptions(), &file, nullptr);
  if (!s.ok()) return Status::IOError("cannot create " + log_path.string() + ": " + s.ToString());
  options->info_log = std::make_shared<EncryptedInfoLog>(std::move(file));
  return Status::OK();
}

}  // namespace stator::storage

#include "storage/encryption.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "storage/engine.h"

namespace stator::storage {
namespace {

namespace fs = std::filesystem;
using model::AttributeValue;
using model::Item;

// Strings only the items hold: none may appear in any file of an encrypted directory.
constexpr std::string_view kSecretKeyValue = "partition-zebra-quokka";
constexpr std::string_view kSecretPayload = "payload-aubergine-marmalade";
constexpr std::string_view kSecretTable = "table-periwinkle";

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "stator-enc-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Key(char fill) { return std::string(kEncryptionKeyBytes, fill); }

model::TableDef Table() {
  model::TableDef def;
  def.name = std::string(kSecretTable);
  def.uuid = "00000000-0000-4000-8000-000000000000";
  def.key.hash = {"pk", model::Type::kS};
  def.attribute_definitions = {{"pk", model::Type::kS}};
  return def;
}

Item MakeItem(int i) {
  Item item;
  item["pk"] = AttributeValue::S(std::string(kSecretKeyValue) + "-" + std::to_string(i));
  item["payload"] = AttributeValue::S(std::string(kSecretPayload) + "-" + std::to_string(i));
  return item;
}

Item KeyOf(int i) {
  Item key;
  key["pk"] = MakeItem(i).at("pk");
  return key;
}

Result<std::unique_ptr<Engine>> Open(const std::string& dir, const std::string& key) {
  EngineOptions options;
  options.path = dir;
  options.encryption_key = key;
  options.write_buffer_bytes = 64 << 10;  // small memtables: the writes below reach table files
  return Engine::Open(options, SystemClock::Default());
}

constexpr int kItems = 3000;

// Creates the table and writes enough items that memtables are flushed to
// table files, so the WAL, the MANIFEST and table files all hold data.
void WriteItems(const std::string& dir, const std::string& key) {
  auto engine = Open(dir, key);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  auto table = (*engine)->CreateTable(Table());
  ASSERT_TRUE(table.ok()) << table.status().message();
  for (int i = 0; i < kItems; ++i) {
    Item item = MakeItem(i);
    Status s = (*engine)->Mutate(**table, KeyOf(i), [&](const std::optional<Item>&) {
      return Result<WriteDecision>(WriteDecision::Put(item));
    });
    ASSERT_TRUE(s.ok()) << s.message();
  }
  ASSERT_TRUE((*engine)->Flush().ok());
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every regular file under `dir` (recursively), by relative path: its bytes and mtime.
struct FileState {
  std::string bytes;
  fs::file_time_type mtime;
  bool operator==(const FileState&) const = default;
};
std::map<std::string, FileState> Snapshot(const std::string& dir) {
  std::map<std::string, FileState> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    files[fs::relative(entry.path(), dir).string()] = {ReadAll(entry.path()),
                                                       entry.last_write_time()};
  }
  return files;
}

// The files under `dir` that contain `needle`.
std::vector<std::string> FilesContaining(const std::string& dir, std::string_view needle) {
  std::vector<std::string> found;
  for (const auto& [name, state] : Snapshot(dir)) {
    if (state.bytes.find(needle) != std::string::npos) found.push_back(name);
  }
  return found;
}

bool HasTableFile(const std::string& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".sst") return true;
  }
  return false;
}

TEST(EncryptionTest, NoPlaintextOnDiskAndDataComesBack) {
  TempDir dir;
  WriteItems(dir.path(), Key('k'));
  ASSERT_TRUE(HasTableFile(dir.path()));  // table files are covered, not only the WAL
  for (std::string_view secret : {kSecretKeyValue, kSecretPayload, kSecretTable}) {
    EXPECT_EQ(FilesContaining(dir.path(), secret), std::vector<std::string>{}) << secret;
  }
  // The info LOG is written, and encrypted too.
  EXPECT_TRUE(fs::exists(fs::path(dir.path()) / "LOG"));
  EXPECT_EQ(FilesContaining(dir.path(), "RocksDB version"), std::vector<std::string>{});

  auto engine = Open(dir.path(), Key('k'));
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  auto table = (*engine)->FindTable(kSecretTable);
  ASSERT_NE(table, nullptr);
  for (int i : {0, 1234, kItems - 1}) {
    auto item = (*engine)->GetItem(*table, KeyOf(i));
    ASSERT_TRUE(item.ok()) << item.status().message();
    ASSERT_TRUE(item->has_value());
    EXPECT_EQ(**item, MakeItem(i));
  }
}

// The control: without a key the same scan finds the data, so the scan can fail.
TEST(EncryptionTest, WithoutAKeyThePlaintextIsFound) {
  TempDir dir;
  WriteItems(dir.path(), "");
  EXPECT_FALSE(FilesContaining(dir.path(), kSecretKeyValue).empty());
  EXPECT_FALSE(FilesContaining(dir.path(), kSecretPayload).empty());
  EXPECT_FALSE(FilesContaining(dir.path(), "RocksDB version").empty());  // the plain LOG
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / kKeyCheckFileName));
}

TEST(EncryptionTest, WrongKeyFailsAndChangesNothing) {
  TempDir dir;
  WriteItems(dir.path(), Key('k'));
  auto before = Snapshot(dir.path());
  auto engine = Open(dir.path(), Key('w'));
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("encryption key does not match"), std::string::npos)
      << engine.status().message();
  EXPECT_TRUE(Snapshot(dir.path()) == before);
  EXPECT_TRUE(Open(dir.path(), Key('k')).ok());  // the right key still works
}

TEST(EncryptionTest, EncryptedDirectoryNeedsItsKey) {
  TempDir dir;
  WriteItems(dir.path(), Key('k'));
  auto before = Snapshot(dir.path());
  auto engine = Open(dir.path(), "");
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("is encrypted"), std::string::npos)
      << engine.status().message();
  EXPECT_TRUE(Snapshot(dir.path()) == before);

  // Without its key-check file, an encrypted database is still recognised.
  fs::remove(fs::path(dir.path()) / kKeyCheckFileName);
  before = Snapshot(dir.path());
  engine = Open(dir.path(), "");
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("is encrypted"), std::string::npos);
  engine = Open(dir.path(), Key('k'));
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("key-check file"), std::string::npos)
      << engine.status().message();
  EXPECT_TRUE(Snapshot(dir.path()) == before);
}

TEST(EncryptionTest, UnencryptedDirectoryRefusesAKey) {
  TempDir dir;
  WriteItems(dir.path(), "");
  auto before = Snapshot(dir.path());
  auto engine = Open(dir.path(), Key('k'));
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("holds unencrypted data"), std::string::npos)
      << engine.status().message();
  EXPECT_TRUE(Snapshot(dir.path()) == before);
  EXPECT_TRUE(Open(dir.path(), "").ok());
}

TEST(EncryptionTest, KeyCheckFileHoldsNeitherTheKeyNorItsHex) {
  TempDir dir;
  std::string key = Key('k');
  ASSERT_TRUE(CheckEncryptionKey(dir.path(), key).ok());
  std::string check = ReadAll(fs::path(dir.path()) / kKeyCheckFileName);
  EXPECT_EQ(check.size(), 57u);
  EXPECT_EQ(check.substr(0, 9), std::string("STATORKC\x01", 9));
  EXPECT_EQ(check.find(key), std::string::npos);
  EXPECT_EQ(check.find("6b6b6b6b"), std::string::npos);
  EXPECT_TRUE(CheckEncryptionKey(dir.path(), key).ok());
  EXPECT_FALSE(CheckEncryptionKey(dir.path(), Key('j')).ok());

  // A damaged file is reported as such, not as a wrong key.
  std::ofstream(fs::path(dir.path()) / kKeyCheckFileName, std::ios::trunc) << "garbage";
  Status damaged = CheckEncryptionKey(dir.path(), key);
  EXPECT_EQ(damaged.code(), Code::kCorruption);
  EXPECT_FALSE(CheckEncryptionKey(dir.path(), Key('k').substr(1)).ok());  // 31 bytes
}

TEST(EncryptionTest, InMemoryRefusesAKey) {
  EngineOptions options;
  options.in_memory = true;
  options.encryption_key = Key('k');
  EXPECT_FALSE(Engine::Open(options, SystemClock::Default()).ok());
}

std::string Hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// NIST SP 800-38A, F.5.5 CTR-AES256.Encrypt: the stream is plain AES-256-CTR.
TEST(AesCtrStreamTest, MatchesTheNistVector) {
  auto stream =
      NewAesCtrStream(Hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
                      Hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"));
  const std::string plain =
      Hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
          "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
  std::string data = plain;
  ASSERT_TRUE(stream->Encrypt(0, data.data(), data.size()).ok());
  EXPECT_EQ(data, Hex("601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
                      "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"));
  // Decrypting a range that starts inside the second block.
  ASSERT_TRUE(stream->Decrypt(21, data.data() + 21, 30).ok());
  EXPECT_EQ(data.substr(21, 30), plain.substr(21, 30));
}

// Pieces at odd offsets and lengths decrypt what one whole call encrypted,
// also across a wrap of the 128-bit counter.
TEST(AesCtrStreamTest, RoundTripAtOddOffsets) {
  for (std::string iv : {std::string(16, '\x11'), std::string(16, '\xff')}) {
    auto stream = NewAesCtrStream(Key('f'), iv);
    std::string plain(10000, '\0');
    for (size_t i = 0; i < plain.size(); ++i) plain[i] = static_cast<char>(i * 7 + 3);
    const uint64_t base = kFilePrefixBytes + 3;
    std::string cipher = plain;
    ASSERT_TRUE(stream->Encrypt(base, cipher.data(), cipher.size()).ok());
    EXPECT_NE(cipher, plain);
    std::string pieces = cipher;
    size_t at = 0;
    for (size_t len : {1, 15, 16, 17, 33, 4095, 1, 4097}) {
      ASSERT_TRUE(stream->Decrypt(base + at, pieces.data() + at, len).ok());
      at += len;
    }
    ASSERT_TRUE(stream->Decrypt(base + at, pieces.data() + at, pieces.size() - at).ok());
    EXPECT_EQ(pieces, plain);
    // Encrypting in pieces gives the same bytes as at once.
    std::string piecewise = plain;
    ASSERT_TRUE(stream->Encrypt(base, piecewise.data(), 5).ok());
    ASSERT_TRUE(stream->Encrypt(base + 5, piecewise.data() + 5, piecewise.size() - 5).ok());
    EXPECT_EQ(piecewise, cipher);
  }
}

TEST(AesCtrProviderTest, FreshIvPerFileAndForeignFilesRefused) {
  auto provider = NewAesCtrEncryptionProvider(Key('k'));
  ASSERT_EQ(provider->GetPrefixLength(), kFilePrefixBytes);
  std::string a(kFilePrefixBytes, '\0');
  std::string b(kFilePrefixBytes, '\0');
  ASSERT_TRUE(provider->CreateNewPrefix("a", a.data(), a.size()).ok());
  ASSERT_TRUE(provider->CreateNewPrefix("b", b.data(), b.size()).ok());
  EXPECT_EQ(a.substr(0, 9), std::string("STATORFE\x01", 9));
  EXPECT_NE(a.substr(9, 16), b.substr(9, 16));  // random IVs
  EXPECT_EQ(a.substr(25), std::string(kFilePrefixBytes - 25, '\0'));

  std::unique_ptr<rocksdb::BlockAccessCipherStream> sa, sb;
  rocksdb::Slice pa(a), pb(b);
  ASSERT_TRUE(provider->CreateCipherStream("a", rocksdb::EnvOptions(), pa, &sa).ok());
  ASSERT_TRUE(provider->CreateCipherStream("b", rocksdb::EnvOptions(), pb, &sb).ok());
  std::string x(64, 'x'), y(64, 'x');
  ASSERT_TRUE(sa->Encrypt(kFilePrefixBytes, x.data(), x.size()).ok());
  ASSERT_TRUE(sb->Encrypt(kFilePrefixBytes, y.data(), y.size()).ok());
  EXPECT_NE(x, y);  // the same plaintext at the same offset of two files

  std::string plain(kFilePrefixBytes, 'p');
  rocksdb::Slice pp(plain);
  std::unique_ptr<rocksdb::BlockAccessCipherStream> sp;
  EXPECT_TRUE(provider->CreateCipherStream("p", rocksdb::EnvOptions(), pp, &sp).IsCorruption());
  rocksdb::Slice short_prefix(a.data(), 100);
  EXPECT_TRUE(
      provider->CreateCipherStream("s", rocksdb::EnvOptions(), short_prefix, &sp).IsCorruption());
}

}  // namespace
}  // namespace stator::storage

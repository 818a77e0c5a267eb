#include "server/key_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace stator::server {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHex =
    "00112233445566778899aabbccddeeff0123456789ABCDEFfedcba9876543210";

std::string KeyOfHex() {
  return std::string(
      "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff"
      "\x01\x23\x45\x67\x89\xab\xcd\xef\xfe\xdc\xba\x98\x76\x54\x32\x10",
      32);
}

TEST(KeyFileTest, RawBytes) {
  std::string raw(32, '\0');
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<char>(0xA0 + i);
  raw[31] = '\n';  // a raw key may end in any byte
  auto key = ParseEncryptionKey(raw);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(*key, raw);
}

TEST(KeyFileTest, HexDigitsWithOrWithoutANewline) {
  for (std::string text :
       {std::string(kHex), std::string(kHex) + "\n", std::string(kHex) + "\r\n"}) {
    auto key = ParseEncryptionKey(text);
    ASSERT_TRUE(key.ok()) << key.status().message();
    EXPECT_EQ(*key, KeyOfHex());
  }
}

TEST(KeyFileTest, RejectsWrongLengthsAndNonHex) {
  for (std::string text :
       {std::string(), std::string(31, 'x'), std::string(33, 'x'), std::string(kHex.substr(1)),
        std::string(kHex) + "0", std::string(kHex) + "\n\n", std::string(kHex) + " ",
        std::string(kHex) + "\n" + std::string(kHex)}) {
    auto key = ParseEncryptionKey(text);
    ASSERT_FALSE(key.ok()) << text.size();
    EXPECT_NE(key.status().message().find("32 raw bytes or 64 hex digits"), std::string::npos);
  }
  std::string not_hex(kHex);
  not_hex[10] = 'g';
  auto key = ParseEncryptionKey(not_hex);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("not all hex digits"), std::string::npos);
  // 32 hex digits: a 128-bit key in hex, not 32 raw bytes.
  key = ParseEncryptionKey(kHex.substr(0, 32));
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("128 bits"), std::string::npos);
}

class KeyFileOnDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "stator-key-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(std::string_view contents, fs::perms mode) {
    std::string path = (fs::path(dir_) / "key").string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
    fs::permissions(path, mode);
    return path;
  }
  std::string dir_;
};

TEST_F(KeyFileOnDiskTest, LoadsAndWarnsWhenOthersCanRead) {
  using fs::perms;
  auto key =
      LoadEncryptionKey(Write(std::string(kHex) + "\n", perms::owner_read | perms::owner_write));
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(key->bytes, KeyOfHex());
  EXPECT_EQ(key->warning, "");

  key = LoadEncryptionKey(Write(kHex, perms::owner_read | perms::group_read));
  ASSERT_TRUE(key.ok());
  EXPECT_NE(key->warning.find("readable by other users"), std::string::npos);
  key = LoadEncryptionKey(Write(kHex, perms::owner_read | perms::others_read));
  ASSERT_TRUE(key.ok());
  EXPECT_NE(key->warning.find("readable by other users"), std::string::npos);
}

TEST_F(KeyFileOnDiskTest, ErrorsNameTheFileButNotTheKey) {
  std::string path = Write("secret-but-too-short", fs::perms::owner_read);
  auto key = LoadEncryptionKey(path);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find(path), std::string::npos);
  EXPECT_EQ(key.status().message().find("secret"), std::string::npos);

  auto missing = LoadEncryptionKey((fs::path(dir_) / "absent").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("absent"), std::string::npos);
  EXPECT_FALSE(LoadEncryptionKey(dir_).ok());  // a directory
}

}  // namespace
}  // namespace stator::server

#include "auth/credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace stator::auth {
namespace {

std::string ErrorOf(std::string_view text) {
  auto store = CredentialStore::FromText(text, "credentials file F");
  EXPECT_FALSE(store.ok());
  return store.ok() ? "" : store.status().message();
}

TEST(CredentialStoreTest, ParsesKeysCommentsAndBlankLines) {
  auto store = CredentialStore::FromText(
      "# team keys\n"
      "\n"
      "  AKIDLONGTERM:secret/with+chars=  \r\n"
      "\t# indented comment\n"
      "ASIATEMP : tempsecret : FwoGZXIvYXdzEtoken==\n"
      "   \n",
      "credentials file F");
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store->size(), 2u);
  const Credential* long_term = store->Find("AKIDLONGTERM");
  ASSERT_NE(long_term, nullptr);
  EXPECT_EQ(long_term->secret_access_key, "secret/with+chars=");
  EXPECT_EQ(long_term->session_token, "");
  const Credential* temp = store->Find("ASIATEMP");
  ASSERT_NE(temp, nullptr);
  EXPECT_EQ(temp->access_key_id, "ASIATEMP");
  EXPECT_EQ(temp->secret_access_key, "tempsecret");
  EXPECT_EQ(temp->session_token, "FwoGZXIvYXdzEtoken==");
  EXPECT_EQ(store->Find("akidlongterm"), nullptr);  // ids are case-sensitive
  EXPECT_EQ(store->Find("NOPE"), nullptr);
}

TEST(CredentialStoreTest, ReportsMalformedLinesWithTheirNumber) {
  EXPECT_EQ(ErrorOf("# c\nAKID:s\njustonefield\n"),
            "credentials file F line 3: expected "
            "ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]");
  EXPECT_EQ(ErrorOf("a:b:c:d\n"),
            "credentials file F line 1: expected "
            "ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]");
  EXPECT_EQ(ErrorOf(":secret"), "credentials file F line 1: the access key id is empty");
  EXPECT_EQ(ErrorOf("\n\nAKID:  "), "credentials file F line 3: the secret access key is empty");
  EXPECT_EQ(ErrorOf("AKID:s:"),
            "credentials file F line 1: the session token is empty (leave out the last ':')");
  EXPECT_EQ(ErrorOf("AK ID:s"), "credentials file F line 1: a field contains whitespace");
}

TEST(CredentialStoreTest, RejectsDuplicatesAndEmptyFiles) {
  EXPECT_EQ(ErrorOf("A:one\nB:two\n\nA:three\n"),
            "credentials file F line 4: access key id 'A' is already defined on line 1");
  EXPECT_EQ(ErrorOf(""),
            "credentials file F defines no credentials (expected lines "
            "ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN])");
  EXPECT_EQ(ErrorOf("# only a comment\n\n"), ErrorOf(""));
}

TEST(CredentialStoreTest, ErrorsNeverShowSecrets) {
  for (const char* text : {"AKID:topsecret:tok:extra", "AKID:topsecret\nAKID:topsecret2"}) {
    std::string message = ErrorOf(text);
    EXPECT_EQ(message.find("topsecret"), std::string::npos) << message;
  }
}

TEST(CredentialStoreTest, ReadsFiles) {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("stator-credentials-test-" + std::to_string(::getpid()));
  {
    std::ofstream out(path);
    out << "AKID:secret\n";
  }
  auto store = CredentialStore::FromFile(path.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_NE(store->Find("AKID"), nullptr);
  {
    std::ofstream out(path);
    out << "AKID\n";
  }
  EXPECT_EQ(CredentialStore::FromFile(path.string()).status().message(),
            "credentials file " + path.string() +
                " line 1: expected ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]");
  std::filesystem::remove(path);
  auto missing = CredentialStore::FromFile(path.string());
  EXPECT_EQ(missing.status().code(), Code::kIOError);
  EXPECT_EQ(missing.status().message(), "cannot read credentials file " + path.string());
}

TEST(CredentialStoreTest, FromEnvironment) {
  auto store = CredentialStore::FromEnvironment(
      {"PATH=/bin", "AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY=sec=ret"});
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store->size(), 1u);
  ASSERT_NE(store->Find("AKID"), nullptr);
  EXPECT_EQ(store->Find("AKID")->secret_access_key, "sec=ret");
  EXPECT_EQ(store->Find("AKID")->session_token, "");

  auto with_token = CredentialStore::FromEnvironment(
      {"AWS_SESSION_TOKEN=tok", "AWS_ACCESS_KEY_ID=ASIA", "AWS_SECRET_ACCESS_KEY=s"});
  ASSERT_TRUE(with_token.ok());
  EXPECT_EQ(with_token->Find("ASIA")->session_token, "tok");

  EXPECT_EQ(CredentialStore::FromEnvironment({"PATH=/bin"}).status().message(),
            "--auth needs credentials: --credentials-file FILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY in the environment");
  EXPECT_EQ(CredentialStore::FromEnvironment({"AWS_ACCESS_KEY_ID=AKID"}).status().message(),
            "--auth without --credentials-file needs both AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY in the environment");
  EXPECT_FALSE(CredentialStore::FromEnvironment({"AWS_SECRET_ACCESS_KEY=s"}).ok());
}

}  // namespace
}  // namespace stator::auth

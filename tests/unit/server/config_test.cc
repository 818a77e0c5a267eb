#include "server/config.h"

#include <gtest/gtest.h>

namespace stator::server {
namespace {

TEST(ConfigTest, DefaultsFlagsAndEnvironment) {
  auto defaults = ParseConfig({}, {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->port, 8000);
  EXPECT_EQ(defaults->host, "127.0.0.1");
  EXPECT_EQ(defaults->data_dir, "./stator-data");

  auto parsed = ParseConfig({"--port", "0", "--in-memory", "--region=eu-west-1", "--sync"},
                            {"STATOR_PORT=9000", "STATOR_DATA_DIR=/tmp/x", "OTHER=1"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->port, 0);  // the flag wins over the environment
  EXPECT_EQ(parsed->data_dir, "/tmp/x");
  EXPECT_TRUE(parsed->in_memory);
  EXPECT_TRUE(parsed->sync);
  EXPECT_EQ(parsed->region, "eu-west-1");

  EXPECT_EQ(defaults->item_collection_limit, int64_t{10} << 30);
  auto limit = ParseConfig({"--item-collection-limit", "4096"}, {});
  ASSERT_TRUE(limit.ok());
  EXPECT_EQ(limit->item_collection_limit, 4096);
  EXPECT_EQ(defaults->ttl_interval_seconds, 60);
  EXPECT_EQ(ParseConfig({"--ttl-interval=1"}, {})->ttl_interval_seconds, 1);

  auto env_bool = ParseConfig({}, {"STATOR_IN_MEMORY=1"});
  EXPECT_TRUE(env_bool->in_memory);

  EXPECT_EQ(defaults->clock, "system");
  EXPECT_EQ(ParseConfig({"--clock", "virtual"}, {})->clock, "virtual");
  EXPECT_EQ(ParseConfig({}, {"STATOR_CLOCK=virtual"})->clock, "virtual");
  EXPECT_EQ(ParseConfig({"--clock=system"}, {"STATOR_CLOCK=virtual"})->clock, "system");
  EXPECT_EQ(ParseConfig({"--clock", "fake"}, {}).status().message(),
            "invalid value for --clock: 'fake' (system or virtual expected)");
}

TEST(ConfigTest, SecurityAndOperationsFlags) {
  auto defaults = ParseConfig({}, {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->auth);
  EXPECT_EQ(defaults->cors_origins, "*");
  EXPECT_EQ(defaults->log_format, "text");

  auto parsed = ParseConfig(
      {"--auth", "--credentials-file", "creds", "--policy-file=p.json", "--tls-cert", "c.pem",
       "--tls-key", "k.pem", "--encryption-key-file", "key", "--log-format", "json"},
      {"STATOR_CORS_ORIGINS="});
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_TRUE(parsed->auth);
  EXPECT_EQ(parsed->credentials_file, "creds");
  EXPECT_EQ(parsed->policy_file, "p.json");
  EXPECT_EQ(parsed->tls_cert, "c.pem");
  EXPECT_EQ(parsed->tls_key, "k.pem");
  EXPECT_EQ(parsed->encryption_key_file, "key");
  EXPECT_EQ(parsed->log_format, "json");
  EXPECT_EQ(parsed->cors_origins, "");  // CORS off

  // Flags that only make sense together.
  auto message = [](const std::vector<std::string>& args) {
    auto c = ParseConfig(args, {});
    return c.ok() ? std::string("ok") : c.status().message();
  };
  EXPECT_EQ(message({"--tls-cert", "c.pem"}), "--tls-cert and --tls-key go together");
  EXPECT_EQ(message({"--tls-key", "k.pem"}), "--tls-cert and --tls-key go together");
  EXPECT_EQ(message({"--policy-file", "p.json"}),
            "--policy-file needs --auth: policies apply to verified access keys");
  EXPECT_EQ(message({"--in-memory", "--encryption-key-file", "k"}),
            "--encryption-key-file encrypts data on disk; --in-memory keeps none");
  EXPECT_EQ(message({"--log-format", "xml"}),
            "invalid value for --log-format: 'xml' (text or json expected)");
  EXPECT_EQ(message({"--credentials-file="}), "--credentials-file needs a file");
}

TEST(ConfigTest, ExportDir) {
  // By default exports go beside the data, or to the temp dir when nothing is on disk.
  EXPECT_EQ(ExportDir(*ParseConfig({"--data-dir", "/var/lib/stator"}, {})),
            std::filesystem::path("/var/lib/stator/exports"));
  EXPECT_EQ(ExportDir(*ParseConfig({"--in-memory"}, {})),
            std::filesystem::temp_directory_path() / "stator-exports");
  auto flag = ParseConfig({"--export-dir", "/srv/s3", "--in-memory"}, {});
  ASSERT_TRUE(flag.ok());
  EXPECT_EQ(flag->export_dir, "/srv/s3");
  EXPECT_EQ(ExportDir(*flag), std::filesystem::path("/srv/s3"));
  EXPECT_EQ(ExportDir(*ParseConfig({}, {"STATOR_EXPORT_DIR=/srv/env"})),
            std::filesystem::path("/srv/env"));
  EXPECT_FALSE(ParseConfig({"--export-dir="}, {}).ok());
}

TEST(ConfigTest, RejectsBadInput) {
  EXPECT_FALSE(ParseConfig({"--port", "70000"}, {}).ok());
  EXPECT_FALSE(ParseConfig({"--nope"}, {}).ok());
  EXPECT_FALSE(ParseConfig({"--port"}, {}).ok());
  EXPECT_FALSE(ParseConfig({"--account-id", "12"}, {}).ok());
  EXPECT_FALSE(ParseConfig({}, {"STATOR_THREADS=lots"}).ok());
  EXPECT_FALSE(ParseConfig({"--item-collection-limit", "0"}, {}).ok());
  EXPECT_FALSE(ParseConfig({"--ttl-interval", "0"}, {}).ok());
  EXPECT_FALSE(ParseConfig({"--item-collection-limit", "10737418241"}, {}).ok());
}

}  // namespace
}  // namespace stator::server

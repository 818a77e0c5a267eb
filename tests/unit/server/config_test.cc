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

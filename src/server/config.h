// Stator's command-line flags and their STATOR_* environment equivalents
// (a flag wins over the environment).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace stator::server {

struct Config {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;
  std::string data_dir = "./stator-data";
  bool in_memory = false;
  std::string export_dir;  // the directory standing for S3; "": see ExportDir
  bool sync = false;
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  int threads = 0;                                    // 0: one per core
  int64_t item_collection_limit = int64_t{10} << 30;  // bytes
  int64_t ttl_interval_seconds = 60;                  // between sweeps for expired items
  // "system", or "virtual": a clock that stands still until the admin API
  // moves it (POST /_stator/clock), for tests of time-based behaviour.
  std::string clock = "system";
  std::string log_level = "info";
  std::string log_format = "text";  // "text" or "json" (one JSON object per line)
  // Security (docs/security.md).
  bool auth = false;                // verify SigV4 signatures against known credentials
  std::string credentials_file;     // ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN] lines
  std::string policy_file;          // IAM-style policies per user; needs auth
  std::string tls_cert;             // PEM certificate chain; with tls_key, serve HTTPS
  std::string tls_key;              // PEM private key
  std::string encryption_key_file;  // 32-byte key (raw or 64 hex digits): encrypt data at rest
  std::string cors_origins = "*";   // comma-separated origins browsers may call from; "" none
  bool show_help = false;
  bool show_version = false;
};

// `env` holds "NAME=value" strings (as environ does).
Result<Config> ParseConfig(const std::vector<std::string>& args,
                           const std::vector<std::string>& env);

// The directory standing for S3 in exports: --export-dir, else
// <data-dir>/exports, or <temp dir>/stator-exports with --in-memory.
std::filesystem::path ExportDir(const Config& config);

std::string UsageText();

}  // namespace stator::server

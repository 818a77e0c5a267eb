#include "server/config.h"

#include <charconv>
#include <functional>
#include <map>

namespace stator::server {
namespace {

struct Flag {
  const char* name;  // without the leading "--"
  bool takes_value;
  std::function<Status(Config&, const std::string&)> apply;
};

Status ParseInt(const std::string& flag, const std::string& text, int64_t min, int64_t max,
                int64_t* out) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max) {
    return Status::Validation("invalid value for --" + flag + ": '" + text + "'");
  }
  *out = v;
  return Status::OK();
}

Status ParseBool(const std::string& flag, const std::string& text, bool* out) {
  if (text.empty() || text == "1" || text == "true" || text == "yes" || text == "on") {
    *out = true;
  } else if (text == "0" || text == "false" || text == "no" || text == "off") {
    *out = false;
  } else {
    return Status::Validation("invalid value for --" + flag + ": '" + text + "'");
  }
  return Status::OK();
}

Status SetPath(const std::string& flag, const std::string& value, std::string* out) {
  if (value.empty()) return Status::Validation("--" + flag + " needs a file");
  *out = value;
  return Status::OK();
}

// Flags that only make sense together.
Status CheckCombinations(const Config& c) {
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return Status::Validation("--tls-cert and --tls-key go together");
  }
  if (!c.policy_file.empty() && !c.auth) {
    return Status::Validation("--policy-file needs --auth: policies apply to verified access keys");
  }
  if (!c.encryption_key_file.empty() && c.in_memory) {
    return Status::Validation(
        "--encryption-key-file encrypts data on disk; --in-memory keeps none");
  }
  return Status::OK();
}

const std::vector<Flag>& Flags() {
  static const std::vector<Flag> kFlags = {
      {"host", true,
       [](Config& c, const std::string& v) {
         c.host = v;
         return Status::OK();
       }},
      {"port", true,
       [](Config& c, const std::string& v) {
         int64_t p = 0;
         STATOR_RETURN_IF_ERROR(ParseInt("port", v, 0, 65535, &p));
         c.port = static_cast<uint16_t>(p);
         return Status::OK();
       }},
      {"data-dir", true,
       [](Config& c, const std::string& v) {
         c.data_dir = v;
         return Status::OK();
       }},
      {"export-dir", true,
       [](Config& c, const std::string& v) {
         if (v.empty()) return Status::Validation("--export-dir needs a directory");
         c.export_dir = v;
         return Status::OK();
       }},
      {"in-memory", false,
       [](Config& c, const std::string& v) { return ParseBool("in-memory", v, &c.in_memory); }},
      {"sync", false,
       [](Config& c, const std::string& v) { return ParseBool("sync", v, &c.sync); }},
      {"region", true,
       [](Config& c, const std::string& v) {
         c.region = v;
         return Status::OK();
       }},
      {"account-id", true,
       [](Config& c, const std::string& v) {
         if (v.size() != 12 || v.find_first_not_of("0123456789") != std::string::npos) {
           return Status::Validation("invalid value for --account-id: '" + v +
                                     "' (12 digits expected)");
         }
         c.account_id = v;
         return Status::OK();
       }},
      {"threads", true,
       [](Config& c, const std::string& v) {
         int64_t t = 0;
         STATOR_RETURN_IF_ERROR(ParseInt("threads", v, 0, 1024, &t));
         c.threads = static_cast<int>(t);
         return Status::OK();
       }},
      {"item-collection-limit", true,
       [](Config& c, const std::string& v) {
         return ParseInt("item-collection-limit", v, 1, int64_t{10} << 30,
                         &c.item_collection_limit);
       }},
      {"ttl-interval", true,
       [](Config& c, const std::string& v) {
         return ParseInt("ttl-interval", v, 1, 86400, &c.ttl_interval_seconds);
       }},
      {"clock", true,
       [](Config& c, const std::string& v) {
         if (v != "system" && v != "virtual") {
           return Status::Validation("invalid value for --clock: '" + v +
                                     "' (system or virtual expected)");
         }
         c.clock = v;
         return Status::OK();
       }},
      {"log-level", true,
       [](Config& c, const std::string& v) {
         c.log_level = v;
         return Status::OK();
       }},
      {"log-format", true,
       [](Config& c, const std::string& v) {
         if (v != "text" && v != "json") {
           return Status::Validation("invalid value for --log-format: '" + v +
                                     "' (text or json expected)");
         }
         c.log_format = v;
         return Status::OK();
       }},
      {"auth", false,
       [](Config& c, const std::string& v) { return ParseBool("auth", v, &c.auth); }},
      {"credentials-file", true,
       [](Config& c, const std::string& v) {
         return SetPath("credentials-file", v, &c.credentials_file);
       }},
      {"policy-file", true,
       [](Config& c, const std::string& v) { return SetPath("policy-file", v, &c.policy_file); }},
      {"tls-cert", true,
       [](Config& c, const std::string& v) { return SetPath("tls-cert", v, &c.tls_cert); }},
      {"tls-key", true,
       [](Config& c, const std::string& v) { return SetPath("tls-key", v, &c.tls_key); }},
      {"encryption-key-file", true,
       [](Config& c, const std::string& v) {
         return SetPath("encryption-key-file", v, &c.encryption_key_file);
       }},
      {"cors-origins", true,
       [](Config& c, const std::string& v) {
         c.cors_origins = v;
         return Status::OK();
       }},
  };
  return kFlags;
}

const Flag* FindFlag(const std::string& name) {
  for (const auto& f : Flags()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

// "data-dir" -> "STATOR_DATA_DIR"
std::string EnvName(const std::string& flag) {
  std::string out = "STATOR_";
  for (char c : flag) out += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return out;
}

}  // namespace

Result<Config> ParseConfig(const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
  Config config;
  std::map<std::string, std::string> env_map;
  for (const auto& e : env) {
    size_t eq = e.find('=');
    if (eq != std::string::npos) env_map[e.substr(0, eq)] = e.substr(eq + 1);
  }
  for (const auto& flag : Flags()) {
    auto it = env_map.find(EnvName(flag.name));
    if (it != env_map.end()) STATOR_RETURN_IF_ERROR(flag.apply(config, it->second));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      config.show_help = true;
      continue;
    }
    if (arg == "--version") {
      config.show_version = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) return Status::Validation("unexpected argument: " + arg);
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Flag* flag = FindFlag(name);
    if (flag == nullptr) return Status::Validation("unknown flag: --" + name);
    if (flag->takes_value && !value) {
      if (i + 1 >= args.size()) return Status::Validation("--" + name + " needs a value");
      value = args[++i];
    }
    STATOR_RETURN_IF_ERROR(flag->apply(config, value.value_or("")));
  }
  STATOR_RETURN_IF_ERROR(CheckCombinations(config));
  return config;
}

std::filesystem::path ExportDir(const Config& config) {
  if (!config.export_dir.empty()) return config.export_dir;
  if (!config.in_memory) return std::filesystem::path(config.data_dir) / "exports";
  std::error_code ec;
  std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);
  return (ec ? std::filesystem::path("/tmp") : tmp) / "stator-exports";
}

std::string UsageText() {
  return R"(Usage: stator [flags]
       stator snapshot|reset|clock ... [--endpoint URL]
                       (admin commands for a running server; stator reset --help)

Stator: a DynamoDB-compatible database server.

Flags (each also settable as an environment variable, e.g. STATOR_PORT=8001):
  --host HOST          address to listen on (default 127.0.0.1)
  --port PORT          port to listen on (default 8000; 0 picks a free port)
  --data-dir DIR       where data is stored (default ./stator-data)
  --in-memory          keep everything in memory; nothing touches disk but exports
  --export-dir DIR     the directory standing for S3 in exports: bucket B is
                       the folder DIR/B, which must exist (default
                       DATA-DIR/exports, or <temp dir>/stator-exports
                       with --in-memory)
  --sync               fsync every write group (survives power loss)
  --region REGION      region used in ARNs when a request does not name one
                       (default us-east-1)
  --account-id ID      12-digit account id used in ARNs (default 000000000000)
  --threads N          I/O threads (default: one per core)
  --item-collection-limit BYTES
                       largest item collection of a table with local indexes
                       (default and maximum: DynamoDB's 10 GB, 10737418240)
  --ttl-interval SECONDS
                       seconds between sweeps that delete expired items of tables
                       with time to live enabled (default 60)
  --clock MODE         system (default), or virtual: the database's time stands
                       still until moved through the admin API (POST
                       /_stator/clock, or stator clock advance|set) and drives
                       every time-based behaviour (TTL, streams, PITR, backups)
  --log-level LEVEL    trace, debug, info, warn, error or off (default info);
                       debug logs one line per request
  --log-format FORMAT  text or json (one JSON object per line) (default text)

Security (see docs/security.md):
  --auth               verify every request's SigV4 signature against known
                       credentials (default: accept any well-formed signature)
  --credentials-file FILE
                       one ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN] per
                       line, '#' starts a comment; without it, --auth uses
                       AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
                       AWS_SESSION_TOKEN from the environment
  --policy-file FILE   IAM-style policies per user (needs --auth): requests
                       no policy allows get AccessDeniedException
  --tls-cert FILE      PEM certificate (chain); with --tls-key, serve HTTPS only
  --tls-key FILE       PEM private key for --tls-cert
  --encryption-key-file FILE
                       a 256-bit key (32 raw bytes or 64 hex digits): encrypt
                       every file under --data-dir (exports
                       excepted) with AES-256-CTR
  --cors-origins LIST  comma-separated origins browsers may call from, '*' for
                       any, '' for none (default *)
  --version            print the version and exit
  -h, --help           print this help and exit
)";
}

}  // namespace stator::server

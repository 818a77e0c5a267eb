#include "server/stator_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "common/logging.h"
#include "common/time_format.h"
#include "http/server.h"
#include "ops/backups.h"
#include "ops/context.h"
#include "ops/transactions.h"
#include "ops/ttl.h"
#include "protocol/dispatcher.h"
#include "protocol/export_files.h"
#include "protocol/policy_json.h"
#include "server/admin_client.h"
#include "server/key_file.h"
#include "stator/version.h"
#include "storage/engine.h"

extern char** environ;

namespace stator::server {
namespace {

protocol::WireRequest ToWire(const http::Request& req) {
  protocol::WireRequest wire;
  wire.method = req.method;
  wire.path = req.target;
  if (size_t q = req.target.find('?'); q != std::string::npos) {
    wire.path = std::string_view(req.target).substr(0, q);
    wire.query = std::string_view(req.target).substr(q + 1);
  }
  wire.headers = &req.headers;
  wire.target = req.Header("X-Amz-Target");
  wire.content_type = req.Header("Content-Type");
  wire.authorization = req.Header("Authorization");
  wire.has_date = !req.Header("X-Amz-Date").empty() || !req.Header("Date").empty();
  wire.body = req.body;
  wire.origin = req.Header("Origin");
  wire.cors_request_method = req.Header("Access-Control-Request-Method");
  wire.cors_request_headers = req.Header("Access-Control-Request-Headers");
  wire.content_encoding = req.Header("Content-Encoding");
  wire.accept_encoding = req.Header("Accept-Encoding");
  return wire;
}

// "a, b,,c" -> {"a", "b", "c"}
std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = std::min(list.find(',', start), list.size());
    std::string item = list.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(std::move(item));
    start = end + 1;
  }
  return out;
}

// The keys --auth accepts: those of --credentials-file, else the one in the
// environment. Logs how many, never what.
Result<std::unique_ptr<auth::CredentialStore>> LoadCredentials(
    const Config& config, const std::vector<std::string>& environment) {
  auto store = config.credentials_file.empty()
                   ? auth::CredentialStore::FromEnvironment(environment)
                   : auth::CredentialStore::FromFile(config.credentials_file);
  if (!store.ok()) return store.status();
  spdlog::info("--auth: {} access key{} from {}", store->size(), store->size() == 1 ? "" : "s",
               config.credentials_file.empty() ? "the environment" : config.credentials_file);
  return std::make_unique<auth::CredentialStore>(std::move(store).value());
}

// The users and policies of --policy-file; a file that cannot be read or
// decoded stops the server, its message naming the file and the place.
Result<std::unique_ptr<auth::PolicySet>> LoadPolicies(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Validation("--policy-file " + path + ": cannot open the file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto policies = protocol::DecodePolicyFile(text);
  if (!policies.ok()) {
    return Status::Validation("--policy-file " + path + ": " + policies.status().message());
  }
  spdlog::info("--policy-file: {} user{} from {}", policies->users().size(),
               policies->users().size() == 1 ? "" : "s", path);
  return std::make_unique<auth::PolicySet>(std::move(policies).value());
}

void FromWire(protocol::WireResponse wire, http::Response& resp) {
  resp.status = wire.status;
  resp.headers = std::move(wire.headers);
  resp.body = std::move(wire.body);
}

// Runs `task` every `interval` on its own thread until destroyed (periodic
// upkeep: trimming change logs, sweeping expired items).
class Housekeeper {
 public:
  Housekeeper(std::function<void()> task, std::chrono::seconds interval)
      : task_(std::move(task)), interval_(interval), thread_([this] { Loop(); }) {}
  ~Housekeeper() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      task_();
      lock.lock();
    }
  }

  std::function<void()> task_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;     // last: starts once the members above exist
};

// A virtual clock never goes back: after a restart it resumes from the
// time it was last moved to, if that is later than now.
Status ResumeVirtualClock(const storage::Engine& engine, ManualClock& clock) {
  STATOR_ASSIGN_OR_RETURN(std::optional<int64_t> saved, engine.LoadVirtualClock());
  if (saved && *saved > clock.NowMicros()) clock.Set(*saved);
  spdlog::info("virtual clock at {}Z", FormatIsoMillis(clock.NowMicros()));
  return Status::OK();
}

}  // namespace

struct StatorServer::Parts {
  // --clock virtual: the database's clock, which the admin API moves. First,
  // so that it outlives everything reading it.
  std::unique_ptr<ManualClock> virtual_clock;
  std::unique_ptr<storage::Engine> engine;
  // Destroyed (stopped) before the engine and the token store they use.
  std::unique_ptr<Housekeeper> trimmer;
  std::unique_ptr<Housekeeper> ttl_sweeper;
  ops::TransactionTokens transaction_tokens;
  protocol::DynamoDbJsonExportWriter export_writer;
  std::unique_ptr<auth::CredentialStore> credentials;  // --auth only; outlives the dispatcher
  std::unique_ptr<auth::PolicySet> policies;  // --policy-file only; outlives the dispatcher
  std::unique_ptr<protocol::Dispatcher> dispatcher;
  std::unique_ptr<http::Server> http;
};

StatorServer::StatorServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

StatorServer::~StatorServer() {
  if (parts_->engine) {
    Status s = parts_->engine->Flush();
    if (!s.ok()) spdlog::error("flush on shutdown failed: {}", s.message());
  }
}

Result<std::unique_ptr<StatorServer>> StatorServer::Create(
    const Config& config, const Clock* clock, const std::vector<std::string>& environment) {
  auto parts = std::make_unique<Parts>();
  // Unusable credentials stop the server before it touches the data.
  if (config.auth) {
    STATOR_ASSIGN_OR_RETURN(parts->credentials, LoadCredentials(config, environment));
  }
  storage::EngineOptions engine_options;
  engine_options.path = config.data_dir;
  engine_options.in_memory = config.in_memory;
  engine_options.sync = config.sync;
  engine_options.item_collection_limit_bytes = config.item_collection_limit;
  if (!config.encryption_key_file.empty()) {
    STATOR_ASSIGN_OR_RETURN(EncryptionKey key, LoadEncryptionKey(config.encryption_key_file));
    if (!key.warning.empty()) spdlog::warn("{}", key.warning);
    engine_options.encryption_key = std::move(key.bytes);
  }
  if (!config.in_memory) {
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) return Status::IOError("cannot create " + config.data_dir + ": " + ec.message());
  }
  // The database's time: the real one, or a virtual clock starting at it.
  const Clock* data_clock = clock;
  if (config.clock == "virtual") {
    // At a whole second, so that times read back are round numbers.
    const int64_t whole_second = clock->NowMicros() / 1'000'000 * 1'000'000;
    parts->virtual_clock = std::make_unique<ManualClock>(whole_second);
    data_clock = parts->virtual_clock.get();
  }
  STATOR_ASSIGN_OR_RETURN(parts->engine, storage::Engine::Open(engine_options, data_clock));
  storage::Engine* engine = parts->engine.get();
  if (parts->virtual_clock) {
    STATOR_RETURN_IF_ERROR(ResumeVirtualClock(*engine, *parts->virtual_clock));
  }
  ops::OpsEnv env;
  env.engine = engine;
  env.transaction_tokens = &parts->transaction_tokens;
  env.clock = data_clock;
  env.virtual_clock = parts->virtual_clock.get();
  env.default_region = config.region;
  env.account_id = config.account_id;
  env.export_dir = ExportDir(config);
  env.export_writer = &parts->export_writer;
  parts->trimmer = std::make_unique<Housekeeper>(
      [env] {
        Status s = env.engine->MaintainHistory();
        if (!s.ok()) spdlog::warn("maintaining change logs and snapshots failed: {}", s.message());
        s = ops::ExpireSystemBackups(env);
        if (!s.ok()) spdlog::warn("expiring system backups failed: {}", s.message());
      },
      std::chrono::seconds(60));
  protocol::DispatcherOptions dispatcher_options;
  dispatcher_options.cors_origins = SplitList(config.cors_origins);
  dispatcher_options.credentials = parts->credentials.get();  // null without --auth
  dispatcher_options.signature_clock = clock;                 // clients sign with real time
  if (!config.policy_file.empty()) {
    STATOR_ASSIGN_OR_RETURN(parts->policies, LoadPolicies(config.policy_file));
    dispatcher_options.policies = parts->policies.get();
  }
  parts->dispatcher = std::make_unique<protocol::Dispatcher>(env, std::move(dispatcher_options));
  parts->ttl_sweeper = std::make_unique<Housekeeper>(
      [env] {
        Result<int64_t> swept = ops::SweepExpiredItems(env);
        if (!swept.ok()) spdlog::warn("time-to-live sweep failed: {}", swept.status().message());
      },
      std::chrono::seconds(config.ttl_interval_seconds));

  http::ServerOptions http_options;
  http_options.host = config.host;
  http_options.port = config.port;
  http_options.threads = config.threads;
  http_options.stop_signals = {SIGINT, SIGTERM};
  http_options.tls_certificate_file = config.tls_cert;
  http_options.tls_private_key_file = config.tls_key;
  const protocol::Dispatcher* dispatcher = parts->dispatcher.get();
  parts->http = std::make_unique<http::Server>(
      http_options,
      [dispatcher](const http::Request& req, http::Response& resp) {
        FromWire(dispatcher->Handle(ToWire(req)), resp);
      },
      [dispatcher](const http::Request&, http::Response& resp) {
        FromWire(dispatcher->TooLarge(), resp);
      });
  return std::unique_ptr<StatorServer>(new StatorServer(std::move(parts)));
}

Status StatorServer::Start() {
  STATOR_RETURN_IF_ERROR(parts_->http->Start());
  spdlog::info("listening on {}:{}{}", parts_->http->host(), parts_->http->port(),
               parts_->http->tls() ? " (https)" : "");
  return Status::OK();
}

uint16_t StatorServer::port() const { return parts_->http->port(); }
void StatorServer::Run() { parts_->http->Run(); }
void StatorServer::Stop() { parts_->http->Stop(); }

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  if (IsAdminCommand(args)) return RunAdminCommand(args, env);
  auto config = ParseConfig(args, env);
  if (!config.ok()) {
    std::fprintf(stderr, "stator: %s\n\n%s", config.status().message().c_str(),
                 UsageText().c_str());
    return 2;
  }
  if (config->show_help) {
    std::fputs(UsageText().c_str(), stdout);
    return 0;
  }
  if (config->show_version) {
    std::printf("stator %s\n", kVersion);
    return 0;
  }
  if (!SetLogLevel(config->log_level)) {
    std::fprintf(stderr, "stator: unknown --log-level '%s'\n", config->log_level.c_str());
    return 2;
  }
  if (!SetLogFormat(config->log_format)) {
    std::fprintf(stderr, "stator: unknown --log-format '%s'\n", config->log_format.c_str());
    return 2;
  }
  auto server = StatorServer::Create(*config, SystemClock::Default(), env);
  if (!server.ok()) {
    spdlog::critical("{}", server.status().message());
    return 1;
  }
  if (Status s = (*server)->Start(); !s.ok()) {
    spdlog::critical("{}", s.message());
    return 1;
  }
  spdlog::info("stator {} ready ({})", kVersion,
               config->in_memory ? "in memory" : "data in " + config->data_dir);
  (*server)->Run();
  spdlog::info("stopped");
  return 0;
}

}  // namespace stator::server

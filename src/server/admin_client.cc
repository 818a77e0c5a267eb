#include "server/admin_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "auth/sigv4.h"
#include "common/clock.h"
#include "ops/admin.h"
#include "protocol/admin_api.h"

namespace stator::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

constexpr std::string_view kDefaultEndpoint = "http://127.0.0.1:8000";

std::map<std::string, std::string> EnvMap(const std::vector<std::string>& env) {
  std::map<std::string, std::string> out;
  for (const std::string& e : env) {
    const size_t eq = e.find('=');
    if (eq != std::string::npos) out[e.substr(0, eq)] = e.substr(eq + 1);
  }
  return out;
}

// "http://HOST[:PORT][/]" into `command`.
Status ParseEndpoint(const std::string& url, AdminCommand* command) {
  const Status bad = Status::Validation("--endpoint: '" + url +
                                        "' is not an http://HOST[:PORT] URL (https is not "
                                        "supported by the admin commands)");
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return bad;
  std::string authority = url.substr(kScheme.size());
  if (!authority.empty() && authority.back() == '/') authority.pop_back();
  if (authority.empty() || authority.find('/') != std::string::npos) return bad;
  const size_t colon = authority.rfind(':');
  const bool bracketed = authority.front() == '[';  // [::1]:8000
  if (colon == std::string::npos || (bracketed && colon < authority.find(']'))) {
    command->host = authority;
    command->port = 80;
  } else {
    command->host = authority.substr(0, colon);
    int port = 0;
    const std::string digits = authority.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || port < 1 || port > 65535) {
      return bad;
    }
    command->port = static_cast<uint16_t>(port);
  }
  if (bracketed) command->host = command->host.substr(1, command->host.size() - 2);
  return command->host.empty() ? bad : Status::OK();
}

// A number of seconds as JSON: the argument, if it is a plain decimal number.
Result<std::string> SecondsArgument(const std::string& what, const std::string& text) {
  const Status bad = Status::Validation(what + " must be a number of seconds, not '" + text + "'");
  if (text.empty() || text.find_first_not_of("0123456789.-") != std::string::npos) return bad;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) return bad;
  return text;
}

// The command's words (flags removed) into method, path and body.
Status ParseWords(const std::vector<std::string>& words, AdminCommand* command) {
  auto usage = [&](const std::string& what) { return Status::Validation(what); };
  const std::string& verb = words[0];
  const size_t n = words.size();
  if (verb == "reset") {
    if (n != 1) return usage("usage: stator reset");
    *command = {"POST", "/_stator/reset", "", command->host, command->port};
    return Status::OK();
  }
  if (verb == "clock") {
    if (n == 1 || (n == 2 && words[1] == "show")) {
      *command = {"GET", "/_stator/clock", "", command->host, command->port};
      return Status::OK();
    }
    if (n == 3 && (words[1] == "advance" || words[1] == "set")) {
      const bool advance = words[1] == "advance";
      STATOR_ASSIGN_OR_RETURN(std::string seconds,
                              SecondsArgument(advance ? "SECONDS" : "EPOCH_SECONDS", words[2]));
      *command = {
          "POST", "/_stator/clock",
          std::string("{\"") + (advance ? "advance_seconds" : "set") + "\": " + seconds + "}",
          command->host, command->port};
      return Status::OK();
    }
    return usage("usage: stator clock [show] | advance SECONDS | set EPOCH_SECONDS");
  }
  // snapshot
  const std::string snapshot_usage =
      "usage: stator snapshot create NAME | restore NAME | delete NAME | describe NAME | list";
  if (n == 2 && words[1] == "list") {
    *command = {"GET", "/_stator/snapshots", "", command->host, command->port};
    return Status::OK();
  }
  if (n != 3) return usage(snapshot_usage);
  const std::string& name = words[2];
  STATOR_RETURN_IF_ERROR(ops::ValidateSnapshotName(name));
  const std::string path = "/_stator/snapshots/" + name;
  if (words[1] == "create") {
    // The name holds no character JSON would escape.
    *command = {"POST", "/_stator/snapshots", "{\"name\": \"" + name + "\"}", command->host,
                command->port};
  } else if (words[1] == "restore") {
    *command = {"POST", path + "/restore", "", command->host, command->port};
  } else if (words[1] == "delete") {
    *command = {"DELETE", path, "", command->host, command->port};
  } else if (words[1] == "describe") {
    *command = {"GET", path, "", command->host, command->port};
  } else {
    return usage(snapshot_usage);
  }
  return Status::OK();
}

std::string HostHeader(const AdminCommand& command) {
  const bool ipv6 = command.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + command.host + "]" : command.host) + ":" + std::to_string(command.port);
}

// Sends `command` and returns the answer's status and body.
Result<std::pair<int, std::string>> Send(
    const AdminCommand& command, const std::vector<std::pair<std::string, std::string>>& headers) {
  const std::string where = HostHeader(command);
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::minutes(10));  // a restore of a large snapshot takes a while
    stream.connect(resolver.resolve(command.host, std::to_string(command.port)));
    http::request<http::string_body> req{http::string_to_verb(command.method), command.path, 11};
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = command.body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    auto& resp = parser.get();
    return std::make_pair(static_cast<int>(resp.result_int()), std::move(resp.body()));
  } catch (const std::exception& e) {
    return Status::IOError("cannot reach Stator at " + where + ": " + e.what());
  }
}

}  // namespace

bool IsAdminCommand(const std::vector<std::string>& args) {
  return !args.empty() && (args[0] == "snapshot" || args[0] == "reset" || args[0] == "clock");
}

Result<AdminCommand> ParseAdminCommand(const std::vector<std::string>& args,
                                       const std::vector<std::string>& env) {
  const std::map<std::string, std::string> vars = EnvMap(env);
  std::string endpoint(kDefaultEndpoint);
  if (auto it = vars.find("STATOR_ENDPOINT"); it != vars.end() && !it->second.empty()) {
    endpoint = it->second;
  }
  AdminCommand command;
  std::vector<std::string> words;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      command.help = true;
    } else if (arg == "--endpoint") {
      if (i + 1 >= args.size()) return Status::Validation("--endpoint needs a URL");
      endpoint = args[++i];
    } else if (arg.rfind("--endpoint=", 0) == 0) {
      endpoint = arg.substr(11);
    } else if (arg.rfind("--", 0) == 0) {
      return Status::Validation("unknown flag: " + arg);
    } else {
      words.push_back(arg);
    }
  }
  if (command.help) return command;
  if (words.empty() || !IsAdminCommand(words)) return Status::Validation("no admin command given");
  STATOR_RETURN_IF_ERROR(ParseEndpoint(endpoint, &command));
  STATOR_RETURN_IF_ERROR(ParseWords(words, &command));
  return command;
}

std::vector<std::pair<std::string, std::string>> AdminRequestHeaders(
    const AdminCommand& command, const std::vector<std::string>& env, int64_t now_seconds) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Host", HostHeader(command)}};
  if (!command.body.empty()) headers.emplace_back("Content-Type", "application/json");
  const std::map<std::string, std::string> vars = EnvMap(env);
  auto var = [&vars](const char* name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
  const std::string key_id = var("AWS_ACCESS_KEY_ID");
  const std::string secret = var("AWS_SECRET_ACCESS_KEY");
  if (key_id.empty() || secret.empty()) return headers;
  std::string region = var("AWS_REGION");
  if (region.empty()) region = var("AWS_DEFAULT_REGION");
  if (region.empty()) region = "us-east-1";
  const std::string amz_date = auth::FormatAmzDate(now_seconds);
  headers.emplace_back("X-Amz-Date", amz_date);
  if (const std::string token = var("AWS_SESSION_TOKEN"); !token.empty()) {
    headers.emplace_back("X-Amz-Security-Token", token);
  }
  std::string signed_headers;
  for (const auto& [name, value] : headers) {
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }
  signed_headers = auth::NormalizedSignedHeaders(signed_headers);
  const auth::HttpRequestView view{command.method, command.path, "", &headers, command.body};
  const std::string date = amz_date.substr(0, 8);
  const std::string scope =
      date + "/" + region + "/" + std::string(auth::kSigningService) + "/aws4_request";
  const std::string string_to_sign = auth::StringToSign(
      amz_date, scope, auth::CanonicalRequest(view, signed_headers, /*presigned=*/false));
  const std::string signature = auth::SignatureHex(
      auth::DeriveSigningKey(secret, date, region, auth::kSigningService), string_to_sign);
  headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + key_id + "/" + scope +
                                            ", SignedHeaders=" + signed_headers +
                                            ", Signature=" + signature);
  return headers;
}

std::string AdminUsageText() {
  return R"(Usage: stator COMMAND [--endpoint URL]

Admin commands: each calls the admin API of a running Stator server
(docs/testing-with-stator.md) and prints its JSON answer.

  snapshot create NAME     capture every table (data, indexes, settings)
  snapshot restore NAME    return the whole database to a snapshot
  snapshot delete NAME     drop a snapshot
  snapshot describe NAME   show a snapshot
  snapshot list            list the snapshots
  reset                    empty every table, keeping its definition
  clock [show]             the server's time and clock mode
  clock advance SECONDS    move a virtual clock (--clock virtual) forward
  clock set EPOCH_SECONDS  set a virtual clock to a later time

  --endpoint URL           the server (default $STATOR_ENDPOINT, else
                           http://127.0.0.1:8000)

With AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set, requests are signed, as
a server running with --auth requires.
)";
}

int RunAdminCommand(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  Result<AdminCommand> command = ParseAdminCommand(args, env);
  if (!command.ok()) {
    std::fprintf(stderr, "stator: %s\n\n%s", command.status().message().c_str(),
                 AdminUsageText().c_str());
    return 2;
  }
  if (command->help) {
    std::fputs(AdminUsageText().c_str(), stdout);
    return 0;
  }
  // Signatures carry the real time, whatever the server's clock says.
  const int64_t now = SystemClock::Default()->NowMicros() / 1'000'000;
  auto answer = Send(*command, AdminRequestHeaders(*command, env, now));
  if (!answer.ok()) {
    std::fprintf(stderr, "stator: %s\n", answer.status().message().c_str());
    return 1;
  }
  const auto& [status, body] = *answer;
  if (status != 200) {
    std::fprintf(stderr, "stator: %s (HTTP %d)\n", protocol::AdminErrorText(body).c_str(), status);
    return 1;
  }
  std::printf("%s\n", protocol::PrettyAdminAnswer(body).c_str());
  return 0;
}

}  // namespace stator::server

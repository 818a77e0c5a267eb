// The admin commands of the `stator` executable: each calls the admin API
// (protocol/admin_api.h) of a running server and prints its answer.
//
//   stator snapshot create NAME | restore NAME | delete NAME | describe NAME | list
//   stator reset
//   stator clock [show] | advance SECONDS | set EPOCH_SECONDS
//
// Every command takes --endpoint URL (default: $STATOR_ENDPOINT, else
// http://127.0.0.1:8000; http only). When AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY are set (AWS_SESSION_TOKEN too, if any) the request
// is signed with them (SigV4, service "dynamodb", region AWS_REGION or
// AWS_DEFAULT_REGION, else us-east-1), as a server running with --auth
// demands. The answer goes to stdout as indented JSON; exit code 0 on
// success, 1 when the server refuses or cannot be reached (the error on
// stderr), 2 for a usage error.
//
// Thread-safety: pure functions, except RunAdminCommand (network and stdio).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace stator::server {

// Whether `args` (without the program name) start with an admin command.
bool IsAdminCommand(const std::vector<std::string>& args);

// An admin command as the HTTP request it sends.
struct AdminCommand {
  std::string method;  // "GET", "POST", "DELETE"
  std::string path;    // "/_stator/..."
  std::string body;    // JSON; "" for none
  std::string host;    // of the endpoint
  uint16_t port = 8000;
  bool help = false;  // --help: print AdminUsageText() and send nothing
};

// kValidation (with a message for people) for a malformed command. `env`
// holds "NAME=VALUE" strings.
Result<AdminCommand> ParseAdminCommand(const std::vector<std::string>& args,
                                       const std::vector<std::string>& env);

// The headers to send with `command`: Host, Content-Type with a body, and
// X-Amz-Date, X-Amz-Security-Token and Authorization when `env` holds keys
// to sign with. `now_seconds` is the real time.
std::vector<std::pair<std::string, std::string>> AdminRequestHeaders(
    const AdminCommand& command, const std::vector<std::string>& env, int64_t now_seconds);

std::string AdminUsageText();

// Parses, sends, prints; returns the exit code.
int RunAdminCommand(const std::vector<std::string>& args, const std::vector<std::string>& env);

}  // namespace stator::server

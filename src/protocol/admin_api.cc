#include "protocol/admin_api.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "common/time_format.h"
#include "ops/admin.h"
#include "protocol/access_checks.h"
#include "protocol/errors.h"
#include "protocol/json_shape.h"
#include "protocol/request_signature.h"

namespace stator::protocol {
namespace {

// What a route's handler receives: the environment, the request's JSON body
// (an object; empty when it had none) and the snapshot name of its path.
struct AdminCall {
  const ops::OpsEnv& env;
  const Json& body;
  const std::string& name;
};

using AdminHandler = Result<Json> (*)(const AdminCall& call);

struct Route {
  std::string_view pattern;  // path segments after /_stator/; "*" is a snapshot name
  std::string_view method;
  std::string_view action;  // "stator:<action>" under --policy-file
  AdminHandler handler;
};

WireResponse JsonResponse(int status, const Json& body) {
  WireResponse resp;
  resp.status = status;
  resp.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  resp.headers.emplace_back("Content-Type", "application/json");
  return resp;
}

WireResponse AdminError(int status, std::string_view error, std::string_view message) {
  return JsonResponse(status, Json{{"error", error}, {"message", message}});
}

// The admin API's answer to an error Status.
WireResponse StatusResponse(const Status& status) {
  switch (status.code()) {
    case Code::kValidation:
    case Code::kSerialization:
      return AdminError(400, "ValidationError", status.message());
    case Code::kNotFound:
      return AdminError(404, "NotFound", status.message());
    case Code::kResourceInUse:
      return AdminError(409, "AlreadyExists", status.message());
    case Code::kMissingAuthenticationToken:
    case Code::kUnrecognizedClient:
    case Code::kInvalidSignature:
    case Code::kIncompleteSignature:
    case Code::kAccessDenied: {
      // DynamoDB's exception name, without its namespace.
      const std::string type = ErrorType(status.code());
      return AdminError(403, type.substr(type.find('#') + 1), status.message());
    }
    default:
      spdlog::error("admin request failed: {}", status.message());
      return AdminError(500, "InternalError", status.message());
  }
}

double Seconds(int64_t micros) { return static_cast<double>(micros) / 1e6; }
std::string Iso(int64_t micros) { return FormatIsoMillis(micros) + "Z"; }

Json SnapshotJson(const storage::DatabaseSnapshotInfo& info) {
  Json tables = Json::array();
  for (const storage::DatabaseSnapshotTable& t : info.tables) {
    tables.push_back(
        {{"name", t.table.name}, {"item_count", t.item_count}, {"size_bytes", t.size_bytes}});
  }
  return {{"name", info.name},
          {"created", Seconds(info.micros)},
          {"created_iso", Iso(info.micros)},
          {"tables", std::move(tables)}};
}

Json ClockJson(const ops::ClockState& clock) {
  return {{"mode", clock.is_virtual ? "virtual" : "system"},
          {"now", Seconds(clock.now_micros)},
          {"iso", Iso(clock.now_micros)}};
}

// Refuses members of `body` other than `allowed`.
Status OnlyMembers(const Json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (std::string_view a : allowed) known |= key == a;
    if (!known) return Status::Validation("unknown member '" + key + "'");
  }
  return Status::OK();
}

// A number of seconds as microseconds; kValidation unless a finite number
// within the clock's range (its sign is checked by the caller).
Result<int64_t> Micros(const Json& body, const char* member) {
  const Json& v = body.at(member);
  if (!v.is_number())
    return Status::Validation(std::string(member) + " must be a number of seconds");
  const double seconds = v.get<double>();
  if (!std::isfinite(seconds) || std::fabs(seconds) > Seconds(ops::kMaxClockMicros)) {
    return Status::Validation(std::string(member) + " is out of range");
  }
  return static_cast<int64_t>(std::llround(seconds * 1e6));
}

Result<Json> ListSnapshots(const AdminCall& call) {
  Json list = Json::array();
  for (const auto& info : ops::ListDatabaseSnapshots(call.env)) list.push_back(SnapshotJson(info));
  return Json{{"snapshots", std::move(list)}};
}

Result<Json> CreateSnapshot(const AdminCall& call) {
  STATOR_RETURN_IF_ERROR(OnlyMembers(call.body, {"name"}));
  auto name = call.body.find("name");
  if (name == call.body.end() || !name->is_string()) {
    return Status::Validation("the body needs \"name\": a string");
  }
  STATOR_ASSIGN_OR_RETURN(storage::DatabaseSnapshotInfo info,
                          ops::CreateDatabaseSnapshot(call.env, name->get<std::string>()));
  return SnapshotJson(info);
}

Result<Json> DescribeSnapshot(const AdminCall& call) {
  STATOR_ASSIGN_OR_RETURN(storage::DatabaseSnapshotInfo info,
                          ops::DescribeDatabaseSnapshot(call.env, call.name));
  return SnapshotJson(info);
}

Result<Json> DeleteSnapshot(const AdminCall& call) {
  STATOR_ASSIGN_OR_RETURN(storage::DatabaseSnapshotInfo info,
                          ops::DeleteDatabaseSnapshot(call.env, call.name));
  return SnapshotJson(info);
}

Result<Json> RestoreSnapshot(const AdminCall& call) {
  STATOR_RETURN_IF_ERROR(OnlyMembers(call.body, {}));
  STATOR_ASSIGN_OR_RETURN(std::vector<std::string> tables,
                          ops::RestoreDatabaseSnapshot(call.env, call.name));
  return Json{{"restored", call.name}, {"tables", tables}};
}

Result<Json> Reset(const AdminCall& call) {
  STATOR_RETURN_IF_ERROR(OnlyMembers(call.body, {}));
  STATOR_ASSIGN_OR_RETURN(std::vector<std::string> tables, ops::ResetTables(call.env));
  return Json{{"tables", tables}};
}

Result<Json> DescribeClock(const AdminCall& call) {
  return ClockJson(ops::DescribeClock(call.env));
}

Result<Json> MoveClock(const AdminCall& call) {
  STATOR_RETURN_IF_ERROR(OnlyMembers(call.body, {"advance_seconds", "set"}));
  ops::ClockMove move;
  if (call.body.contains("advance_seconds")) {
    STATOR_ASSIGN_OR_RETURN(move.advance_micros, Micros(call.body, "advance_seconds"));
  }
  if (call.body.contains("set")) {
    STATOR_ASSIGN_OR_RETURN(move.set_micros, Micros(call.body, "set"));
  }
  STATOR_ASSIGN_OR_RETURN(ops::ClockMoved moved, ops::MoveClock(call.env, move));
  Json out = ClockJson(moved.clock);
  out["expired_items"] = moved.expired_items;
  return out;
}

const std::vector<Route>& Routes() {
  static const std::vector<Route> kRoutes = {
      {"snapshots", "GET", "ListSnapshots", &ListSnapshots},
      {"snapshots", "POST", "CreateSnapshot", &CreateSnapshot},
      {"snapshots/*", "GET", "DescribeSnapshot", &DescribeSnapshot},
      {"snapshots/*", "DELETE", "DeleteSnapshot", &DeleteSnapshot},
      {"snapshots/*/restore", "POST", "RestoreSnapshot", &RestoreSnapshot},
      {"reset", "POST", "Reset", &Reset},
      {"clock", "GET", "DescribeClock", &DescribeClock},
      {"clock", "POST", "MoveClock", &MoveClock},
  };
  return kRoutes;
}

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

// Whether `segments` match `pattern`; sets `*name` to the "*" segment.
bool Matches(std::string_view pattern, const std::vector<std::string_view>& segments,
             std::string* name) {
  const std::vector<std::string_view> parts = Split(pattern);
  if (parts.size() != segments.size()) return false;
  std::string_view captured;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "*" && !segments[i].empty()) {
      captured = segments[i];
    } else if (parts[i] != segments[i]) {
      return false;
    }
  }
  *name = std::string(captured);
  return true;
}

// With --auth the request's signature, with --policy-file its user's right
// to `action`.
Status CheckAccess(const ops::OpsEnv& env, const AdminAccess& access, const WireRequest& request,
                   std::string_view action) {
  if (access.credentials == nullptr) return Status::OK();
  STATOR_ASSIGN_OR_RETURN(auth::AuthorizationHeader signature,
                          CheckSignature(request, access.credentials, access.now_seconds));
  if (access.policies == nullptr) return Status::OK();
  ops::RequestContext ctx{&env, signature.region.empty() ? env.default_region : signature.region};
  return Authorize(*access.policies, signature.access_key_id,
                   {AccessCheck{"stator:" + std::string(action), "*", {}}}, ctx);
}

}  // namespace

bool IsAdminPath(std::string_view path) {
  if (path.substr(0, kAdminPathPrefix.size()) != kAdminPathPrefix) return false;
  return path.size() == kAdminPathPrefix.size() || path[kAdminPathPrefix.size()] == '/';
}

WireResponse AnswerAdmin(const ops::OpsEnv& env, const AdminAccess& access,
                         const WireRequest& request) {
  std::string_view rest = request.path.substr(kAdminPathPrefix.size());
  if (!rest.empty()) rest.remove_prefix(1);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const std::vector<std::string_view> segments = Split(rest);
  const Route* route = nullptr;
  std::string allowed;  // the methods the path has, for 405's Allow
  std::string name;
  for (const Route& r : Routes()) {
    if (!Matches(r.pattern, segments, &name)) continue;
    if (r.method == request.method) route = &r;
    allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
  }
  if (allowed.empty()) {
    return AdminError(404, "NotFound", "no admin resource at " + std::string(request.path));
  }
  if (route == nullptr) {
    WireResponse resp = AdminError(405, "MethodNotAllowed",
                                   std::string(request.method) + " is not allowed on " +
                                       std::string(request.path) + "; allowed: " + allowed);
    resp.headers.emplace_back("Allow", allowed);
    return resp;
  }
  if (Status s = CheckAccess(env, access, request, route->action); !s.ok()) {
    return StatusResponse(s);
  }
  Json body = Json::object();
  if (!request.body.empty()) {
    body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
      return AdminError(400, "ValidationError", "the body is not a JSON object");
    }
  }
  Result<Json> result = route->handler(AdminCall{env, body, name});
  if (!result.ok()) return StatusResponse(result.status());
  return JsonResponse(200, *result);
}

std::string PrettyAdminAnswer(std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return std::string(body);
  return json.dump(2, ' ', false, Json::error_handler_t::replace);
}

std::string AdminErrorText(std::string_view body) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("error") || !json["error"].is_string() ||
      !json.contains("message") || !json["message"].is_string()) {
    return std::string(body);
  }
  return json["error"].get<std::string>() + ": " + json["message"].get<std::string>();
}

}  // namespace stator::protocol

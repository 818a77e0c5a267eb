#include "protocol/policy_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace stator::protocol {
namespace {

using Json = nlohmann::json;

Status Fail(const std::string& where, const std::string& what) {
  return Status::Validation(where + ": " + what);
}

// Every member of `obj` is one of `allowed`.
Status CheckMembers(const Json& obj, const std::string& where,
                    std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : obj.items()) {
    if (name == "Principal" || name == "NotPrincipal") {
      return Fail(where, name + " is not allowed in an identity-based policy");
    }
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Fail(where, "unknown member \"" + name + "\"");
    }
  }
  return Status::OK();
}

// A condition value: IAM accepts strings, numbers and booleans.
bool ScalarText(const Json& v, std::string* out) {
  if (v.is_string()) {
    *out = v.get<std::string>();
  } else if (v.is_boolean()) {
    *out = v.get<bool>() ? "true" : "false";
  } else if (v.is_number()) {
    *out = v.dump();
  } else {
    return false;
  }
  return true;
}

// A member that may be one value or a list of them. `scalars`: numbers and
// booleans are accepted too (condition values).
Result<std::vector<std::string>> OneOrMany(const Json& v, const std::string& where,
                                           bool scalars = false) {
  std::vector<std::string> out;
  auto add = [&](const Json& e) {
    std::string text;
    if (!(e.is_string() || (scalars && ScalarText(e, &text)))) return false;
    out.push_back(e.is_string() ? e.get<std::string>() : text);
    return true;
  };
  if (v.is_array()) {
    for (const Json& e : v) {
      if (!add(e)) return Fail(where, "must be a string or a list of strings");
    }
  } else if (!add(v)) {
    return Fail(where, "must be a string or a list of strings");
  }
  if (out.empty()) return Fail(where, "must not be empty");
  return out;
}

struct OperatorName {
  std::string_view name;
  auth::ConditionTest test;
};

constexpr OperatorName kOperators[] = {
    {"StringEquals", auth::ConditionTest::kStringEquals},
    {"StringNotEquals", auth::ConditionTest::kStringNotEquals},
    {"StringEqualsIgnoreCase", auth::ConditionTest::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", auth::ConditionTest::kStringNotEqualsIgnoreCase},
    {"StringLike", auth::ConditionTest::kStringLike},
    {"StringNotLike", auth::ConditionTest::kStringNotLike},
    {"Bool", auth::ConditionTest::kBool},
    {"Null", auth::ConditionTest::kNull},
};

// "ForAllValues:StringEqualsIfExists" -> qualifier, test, if_exists.
Status ParseOperator(std::string_view op, const std::string& where, auth::ConditionClause* out) {
  const std::string full(op);
  constexpr std::string_view kAll = "ForAllValues:", kAny = "ForAnyValue:", kIf = "IfExists";
  if (op.substr(0, kAll.size()) == kAll) {
    out->qualifier = auth::SetQualifier::kForAllValues;
    op.remove_prefix(kAll.size());
  } else if (op.substr(0, kAny.size()) == kAny) {
    out->qualifier = auth::SetQualifier::kForAnyValue;
    op.remove_prefix(kAny.size());
  }
  if (op.size() > kIf.size() && op.substr(op.size() - kIf.size()) == kIf) {
    out->if_exists = true;
    op.remove_suffix(kIf.size());
  }
  for (const OperatorName& o : kOperators) {
    if (o.name != op) continue;
    if (o.test == auth::ConditionTest::kNull &&
        (out->if_exists || out->qualifier != auth::SetQualifier::kNone)) {
      break;
    }
    out->test = o.test;
    return Status::OK();
  }
  return Fail(where,
              "unsupported condition operator \"" + full +
                  "\" (supported: StringEquals, StringNotEquals, StringEqualsIgnoreCase, "
                  "StringNotEqualsIgnoreCase, StringLike, StringNotLike, Bool, each optionally "
                  "with IfExists and a ForAllValues: or ForAnyValue: prefix, and Null)");
}

Status DecodeCondition(const Json& cond, const std::string& where,
                       std::vector<auth::ConditionClause>* out) {
  if (!cond.is_object()) return Fail(where, "must be an object of condition operators");
  for (const auto& [op, keys] : cond.items()) {
    const std::string op_where = where + "." + op;
    auth::ConditionClause proto;
    STATOR_RETURN_IF_ERROR(ParseOperator(op, where, &proto));
    if (!keys.is_object() || keys.empty()) {
      return Fail(op_where, "must be a non-empty object of condition keys");
    }
    for (const auto& [key, values] : keys.items()) {
      auth::ConditionClause clause = proto;
      clause.key = key;
      STATOR_ASSIGN_OR_RETURN(clause.values, OneOrMany(values, op_where + "." + key, true));
      if (clause.test == auth::ConditionTest::kNull || clause.test == auth::ConditionTest::kBool) {
        for (const std::string& v : clause.values) {
          if (v != "true" && v != "false") {
            return Fail(op_where + "." + key, std::string(op.substr(op.find(':') + 1)) +
                                                  " takes \"true\" or \"false\", not \"" + v +
                                                  "\"");
          }
        }
      }
      out->push_back(std::move(clause));
    }
  }
  return Status::OK();
}

// Exactly one of `name` and "Not" + `name` (Action/NotAction, Resource/NotResource).
Status DecodeList(const Json& st, const std::string& where, const std::string& name,
                  std::vector<std::string>* values, bool* negated) {
  const std::string not_name = "Not" + name;
  const bool has = st.contains(name), has_not = st.contains(not_name);
  if (has && has_not) return Fail(where, "has both " + name + " and " + not_name);
  if (!has && !has_not) return Fail(where, "needs " + name + " or " + not_name);
  *negated = has_not;
  const std::string& member = has ? name : not_name;
  STATOR_ASSIGN_OR_RETURN(*values, OneOrMany(st[member], where + "." + member));
  for (const std::string& v : *values) {
    bool ok =
        name == "Action"
            ? (v == "*" || v.find(':') != std::string::npos)
            : (v == "*" || (v.rfind("arn:", 0) == 0 && std::count(v.begin(), v.end(), ':') >= 5));
    if (!ok) {
      return Fail(where + "." + member,
                  "\"" + v + "\" is not " +
                      (name == "Action" ? "\"*\" or \"service:action\""
                                        : "\"*\" or an ARN (arn:partition:service:region:account:"
                                          "resource)"));
    }
  }
  return Status::OK();
}

Result<auth::Statement> DecodeStatement(const Json& st, const std::string& where) {
  if (!st.is_object()) return Fail(where, "must be an object");
  STATOR_RETURN_IF_ERROR(CheckMembers(
      st, where, {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}));
  auth::Statement out;
  if (st.contains("Sid")) {
    if (!st["Sid"].is_string()) return Fail(where + ".Sid", "must be a string");
    out.sid = st["Sid"].get<std::string>();
  }
  if (!st.contains("Effect")) return Fail(where, "needs an Effect");
  const Json& effect = st["Effect"];
  if (effect == "Allow") {
    out.effect = auth::Effect::kAllow;
  } else if (effect == "Deny") {
    out.effect = auth::Effect::kDeny;
  } else {
    return Fail(where, "Effect must be \"Allow\" or \"Deny\", not " + effect.dump());
  }
  STATOR_RETURN_IF_ERROR(DecodeList(st, where, "Action", &out.actions, &out.not_action));
  STATOR_RETURN_IF_ERROR(DecodeList(st, where, "Resource", &out.resources, &out.not_resource));
  if (st.contains("Condition")) {
    STATOR_RETURN_IF_ERROR(DecodeCondition(st["Condition"], where + ".Condition", &out.conditions));
  }
  return out;
}

Result<auth::Policy> DecodePolicy(const Json& doc, const std::string& where) {
  if (!doc.is_object()) return Fail(where, "must be a policy document (an object)");
  STATOR_RETURN_IF_ERROR(CheckMembers(doc, where, {"Version", "Id", "Statement"}));
  auth::Policy out;
  if (doc.contains("Version")) {
    const Json& v = doc["Version"];
    const std::string version = v.is_string() ? v.get<std::string>() : "";
    if (version != auth::kPolicyVersion2012 && version != auth::kPolicyVersion2008) {
      return Fail(where, "Version must be \"2012-10-17\" or \"2008-10-17\", not " + v.dump());
    }
    out.version = version;
  }
  if (!doc.contains("Statement")) return Fail(where, "needs a Statement");
  const Json& statements = doc["Statement"];
  if (statements.is_array()) {
    if (statements.empty()) return Fail(where + ".Statement", "must not be empty");
    for (size_t i = 0; i < statements.size(); ++i) {
      STATOR_ASSIGN_OR_RETURN(
          auth::Statement st,
          DecodeStatement(statements[i], where + ".Statement[" + std::to_string(i) + "]"));
      out.statements.push_back(std::move(st));
    }
  } else {
    STATOR_ASSIGN_OR_RETURN(auth::Statement st, DecodeStatement(statements, where + ".Statement"));
    out.statements.push_back(std::move(st));
  }
  return out;
}

// IAM user names: 1-64 of [A-Za-z0-9+=,.@_-].
bool ValidUserName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("+=,.@_-").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

Result<auth::User> DecodeUser(const Json& u, const std::string& where) {
  if (!u.is_object()) return Fail(where, "must be an object");
  STATOR_RETURN_IF_ERROR(CheckMembers(u, where, {"UserName", "AccessKeyIds", "Policies"}));
  auth::User out;
  if (!u.contains("UserName") || !u["UserName"].is_string()) {
    return Fail(where, "needs a UserName (a string)");
  }
  out.name = u["UserName"].get<std::string>();
  if (!ValidUserName(out.name)) {
    return Fail(where,
                "UserName \"" + out.name + "\" must be 1 to 64 letters, digits or any of +=,.@_-");
  }
  if (u.contains("AccessKeyIds")) {
    STATOR_ASSIGN_OR_RETURN(out.access_key_ids,
                            OneOrMany(u["AccessKeyIds"], where + ".AccessKeyIds"));
  }
  if (u.contains("Policies")) {
    const Json& policies = u["Policies"];
    if (!policies.is_array()) return Fail(where + ".Policies", "must be a list");
    for (size_t i = 0; i < policies.size(); ++i) {
      STATOR_ASSIGN_OR_RETURN(
          auth::Policy p,
          DecodePolicy(policies[i], where + ".Policies[" + std::to_string(i) + "]"));
      out.policies.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace

Result<auth::PolicySet> DecodePolicyFile(std::string_view text) {
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return Status::Validation(std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return Status::Validation("the file must hold a JSON object");
  STATOR_RETURN_IF_ERROR(CheckMembers(doc, "the file", {"Users"}));
  if (!doc.contains("Users") || !doc["Users"].is_array()) {
    return Status::Validation("the file needs a \"Users\" list");
  }
  std::vector<auth::User> users;
  std::set<std::string> names, keys;
  for (size_t i = 0; i < doc["Users"].size(); ++i) {
    const std::string where = "Users[" + std::to_string(i) + "]";
    STATOR_ASSIGN_OR_RETURN(auth::User user, DecodeUser(doc["Users"][i], where));
    if (!names.insert(user.name).second) {
      return Fail(where, "UserName \"" + user.name + "\" is used twice");
    }
    for (const std::string& key : user.access_key_ids) {
      if (!keys.insert(key).second) {
        return Fail(where, "access key id \"" + key + "\" belongs to two users");
      }
    }
    users.push_back(std::move(user));
  }
  return auth::PolicySet(std::move(users));
}

}  // namespace stator::protocol

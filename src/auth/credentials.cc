#include "auth/credentials.h"

#include <fstream>
#include <sstream>

namespace stator::auth {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n\f\v";
constexpr std::string_view kLineForm = "ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]";

std::string_view Trim(std::string_view s) {
  size_t begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kWhitespace);
  return s.substr(begin, end - begin + 1);
}

// Splits on ':' into at most four pieces; a fourth means too many fields.
std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  while (fields.size() < 3) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) break;
    fields.push_back(Trim(line.substr(0, colon)));
    line.remove_prefix(colon + 1);
  }
  fields.push_back(Trim(line));
  return fields;
}

// Parses one non-comment line. Messages never quote the line: it holds a
// secret.
Result<Credential> ParseLine(std::string_view line, const std::string& where) {
  std::vector<std::string_view> fields = SplitFields(line);
  if (fields.size() < 2 || fields.size() > 3) {
    return Status::Validation(where + ": expected " + std::string(kLineForm));
  }
  if (fields[0].empty()) return Status::Validation(where + ": the access key id is empty");
  if (fields[1].empty()) return Status::Validation(where + ": the secret access key is empty");
  if (fields.size() == 3 && fields[2].empty()) {
    return Status::Validation(where + ": the session token is empty (leave out the last ':')");
  }
  for (std::string_view field : fields) {
    if (field.find_first_of(kWhitespace) != std::string_view::npos) {
      return Status::Validation(where + ": a field contains whitespace");
    }
  }
  Credential credential;
  credential.access_key_id = std::string(fields[0]);
  credential.secret_access_key = std::string(fields[1]);
  if (fields.size() == 3) credential.session_token = std::string(fields[2]);
  return credential;
}

}  // namespace

Result<CredentialStore> CredentialStore::FromText(std::string_view text, std::string_view source) {
  CredentialStore store;
  std::map<std::string, int, std::less<>> first_line;  // access key id -> line defining it
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    size_t newline = text.find('\n');
    std::string_view line = Trim(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.empty() || line.front() == '#') continue;
    std::string where = std::string(source) + " line " + std::to_string(line_number);
    STATOR_ASSIGN_OR_RETURN(Credential credential, ParseLine(line, where));
    auto [it, inserted] = first_line.emplace(credential.access_key_id, line_number);
    if (!inserted) {
      return Status::Validation(where + ": access key id '" + credential.access_key_id +
                                "' is already defined on line " + std::to_string(it->second));
    }
    std::string id = credential.access_key_id;
    store.by_id_.emplace(std::move(id), std::move(credential));
  }
  if (store.by_id_.empty()) {
    return Status::Validation(std::string(source) + " defines no credentials (expected lines " +
                              std::string(kLineForm) + ")");
  }
  return store;
}

Result<CredentialStore> CredentialStore::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read credentials file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read credentials file " + path);
  return FromText(text.str(), "credentials file " + path);
}

Result<CredentialStore> CredentialStore::FromEnvironment(
    const std::vector<std::string>& environment) {
  std::string id, secret, token;
  for (const std::string& entry : environment) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string_view name(entry.data(), eq);
    std::string_view value = Trim(std::string_view(entry).substr(eq + 1));
    if (name == "AWS_ACCESS_KEY_ID") id = std::string(value);
    if (name == "AWS_SECRET_ACCESS_KEY") secret = std::string(value);
    if (name == "AWS_SESSION_TOKEN") token = std::string(value);
  }
  if (id.empty() && secret.empty()) {
    return Status::Validation(
        "--auth needs credentials: --credentials-file FILE, or AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY in the environment");
  }
  if (id.empty() || secret.empty()) {
    return Status::Validation(
        "--auth without --credentials-file needs both AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY in the environment");
  }
  CredentialStore store;
  std::string key = id;
  store.by_id_.emplace(std::move(key),
                       Credential{std::move(id), std::move(secret), std::move(token)});
  return store;
}

const Credential* CredentialStore::Find(std::string_view access_key_id) const {
  auto it = by_id_.find(access_key_id);
  return it == by_id_.end() ? nullptr : &it->second;
}

}  // namespace stator::auth

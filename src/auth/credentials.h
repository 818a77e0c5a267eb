// CredentialStore: the access keys `--auth` accepts, each with its secret
// and, for temporary credentials, the session token requests must carry.
//
// Sources, in the server's order of preference:
//   - a credentials file (--credentials-file): one
//       ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]
//     per line; '#' starts a comment line; blank lines are skipped; every
//     line and field is trimmed of surrounding whitespace. A malformed line,
//     a repeated access key id or a file with no keys is an error naming the
//     file and line (never the secret);
//   - the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, if set,
//     AWS_SESSION_TOKEN.
//
// Thread-safety: immutable once built; Find may be called concurrently.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace stator::auth {

struct Credential {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" for long-term keys
};

class CredentialStore {
 public:
  // Reads and parses the file at `path`.
  static Result<CredentialStore> FromFile(const std::string& path);
  // Parses credentials-file `text`; `source` names it in error messages.
  static Result<CredentialStore> FromText(std::string_view text, std::string_view source);
  // From "NAME=VALUE" strings such as a process's environ.
  static Result<CredentialStore> FromEnvironment(const std::vector<std::string>& environment);

  // The credential of `access_key_id`, or nullptr. The pointer lives as long
  // as the store.
  const Credential* Find(std::string_view access_key_id) const;
  size_t size() const { return by_id_.size(); }

 private:
  CredentialStore() = default;
  std::map<std::string, Credential, std::less<>> by_id_;
};

}  // namespace stator::auth

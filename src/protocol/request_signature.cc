#include "protocol/request_signature.h"

#include "auth/sigv4.h"

namespace stator::protocol {

Result<auth::AuthorizationHeader> CheckSignature(const WireRequest& request,
                                                 const auth::CredentialStore* credentials,
                                                 int64_t now_seconds) {
  auto signature =
      auth::ParseRequestSignature(request.authorization, request.query, request.has_date);
  if (!signature.ok() || credentials == nullptr) return signature;
  // The signature covers the body as sent (request.body), compressed or not.
  auth::HttpRequestView signed_request{request.method, request.path, request.query, request.headers,
                                       request.body};
  auto verified = auth::VerifySignature(signed_request, *signature, *credentials, now_seconds);
  if (!verified.ok()) return verified.status();
  return signature;
}

}  // namespace stator::protocol

// Dispatcher: DynamoDB's JSON protocol over an abstract HTTP exchange.
//
// It checks a request in DynamoDB's order — method and content type, JSON
// syntax, X-Amz-Target, the Authorization header's form, then the body —
// routes it to the operation, and renders the answer or the error exactly as
// DynamoDB does (errors through errors.h). Every response it builds carries
// x-amzn-RequestId and x-amz-crc32. Compressed request bodies are inflated
// first and large answers compressed last (compression.h); x-amz-crc32 then
// covers the bytes on the wire. `GET /metrics` answers with the metrics of
// every request handled (metrics.h), paths under /_stator/ are Stator's admin
// API (admin_api.h), any other GET answers with a health line.
//
// Thread-safety: Handle may be called concurrently from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "auth/policy.h"
#include "common/clock.h"
#include "ops/context.h"
#include "protocol/wire.h"

namespace stator::protocol {

struct DispatcherOptions {
  // Origins browsers may call from (the Origin header's exact value); "*"
  // allows any. Empty: no CORS headers at all, so browsers refuse answers.
  std::vector<std::string> cors_origins = {"*"};
  const auth::PolicySet* policies = nullptr;           // non-null: enforce policies (--policy-file)
  const auth::CredentialStore* credentials = nullptr;  // non-null: verify signatures (--auth)
  // The real time a signature's 15-minute window is checked against: clients
  // sign with their wall clock, whatever time the database keeps (--clock
  // virtual). nullptr: the operations' clock.
  const Clock* signature_clock = nullptr;
};

class Metrics;  // protocol/metrics.h

class Dispatcher {
 public:
  explicit Dispatcher(ops::OpsEnv env, DispatcherOptions options = {});
  ~Dispatcher();

  WireResponse Handle(const WireRequest& request) const;
  // The response to a body over the 16 MB limit (validation::kMaxRequestBodyBytes),
  // before or after inflating it.
  WireResponse TooLarge() const;

 private:
  WireResponse Answer(const WireRequest& request) const;
  WireResponse AnswerJson(const WireRequest& request, std::string_view body,
                          const std::string& response_type) const;

  // The real time in seconds, for signatures' 15-minute window.
  int64_t SignatureTime() const;
  // The Access-Control-Allow-Origin value for `origin`, "" if not allowed.
  std::string AllowedOrigin(std::string_view origin) const;

  ops::OpsEnv env_;
  DispatcherOptions options_;
  std::unique_ptr<Metrics> metrics_;  // never null; updated concurrently by Handle
};

}  // namespace stator::protocol

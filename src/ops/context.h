// What every operation receives: the process-wide services (storage, clock,
// identity defaults) and the per-request facts (region from the request's
// credential scope).
//
// Thread-safety: OpsEnv is shared read-only by all requests; a RequestContext
// belongs to one request.
#pragma once

#include <filesystem>
#include <string>

#include "common/clock.h"
#include "storage/engine.h"

namespace stator::ops {

class TransactionTokens;  // ops/transactions.h
class ExportWriter;       // ops/exports.h

struct OpsEnv {
  storage::Engine* engine = nullptr;
  TransactionTokens* transaction_tokens = nullptr;  // ClientRequestTokens; none: not remembered
  const Clock* clock = nullptr;
  // --clock virtual: the same clock as `clock`, which the admin API moves
  // (ops/admin.h); nullptr with the system's clock.
  ManualClock* virtual_clock = nullptr;
  std::string default_region = "us-east-1";
  std::string account_id = "000000000000";
  // Exports: the directory standing for S3 (bucket B is its folder B) and
  // what writes the files. No writer: exports fail.
  std::filesystem::path export_dir;
  const ExportWriter* export_writer = nullptr;
};

struct RequestContext {
  const OpsEnv* env = nullptr;
  std::string region;  // from the credential scope, else env->default_region

  storage::Engine& engine() const { return *env->engine; }
  int64_t NowMicros() const { return env->clock->NowMicros(); }
  // arn:aws:dynamodb:REGION:ACCOUNT:table/NAME
  std::string TableArn(const std::string& table_name) const {
    return "arn:aws:dynamodb:" + region + ":" + env->account_id + ":table/" + table_name;
  }
};

}  // namespace stator::ops

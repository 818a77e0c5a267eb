// What an ops test needs: an in-memory engine on a given clock, the
// operations' environment and a request context, and a hash-keyed table.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "ops/context.h"
#include "storage/engine.h"

namespace stator::ops {

class OpsTestEnv {
 public:
  explicit OpsTestEnv(const Clock* clock) {
    storage::EngineOptions options;
    options.in_memory = true;
    engine = storage::Engine::Open(options, clock).value();
    env.engine = engine.get();
    env.clock = clock;
    ctx.env = &env;
    ctx.region = "us-east-1";
  }

  // A table keyed by `pk` (S), with `def`'s other settings.
  storage::TablePtr CreateTable(const std::string& name, model::TableDef def = {}) {
    def.name = name;
    def.uuid = "00000000-0000-4000-8000-000000000000";
    def.key.hash = {"pk", model::Type::kS};
    def.attribute_definitions = {{"pk", model::Type::kS}};
    return engine->CreateTable(def).value();
  }

  std::unique_ptr<storage::Engine> engine;
  OpsEnv env;
  RequestContext ctx;
};

}  // namespace stator::ops

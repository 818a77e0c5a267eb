#include "ops/ttl.h"

#include "model/number.h"
#include "ops/tables.h"
#include "storage/keys.h"

namespace stator::ops {
namespace {

// The new TTL settings of `def` for `spec`, with DynamoDB's refusals.
Status ApplyTtl(model::TableDef& def, const TimeToLiveSpecification& spec, int64_t now) {
  model::TtlSpec& ttl = def.ttl;
  if (spec.enabled && ttl.enabled) {
    if (ttl.attribute != spec.attribute_name) {
      return Status::Validation("TimeToLive is active on a different AttributeName");
    }
    return Status::Validation("TimeToLive is already enabled");
  }
  if (!spec.enabled && !ttl.enabled) return Status::Validation("TimeToLive is already disabled");
  if (!spec.enabled && ttl.attribute != spec.attribute_name) {
    return Status::Validation("TimeToLive is active on a different AttributeName");
  }
  if (ttl.updated_micros != 0 && now - ttl.updated_micros < kTtlChangeIntervalMicros) {
    return Status::Validation(
        "Time to live has been modified multiple times within a fixed interval");
  }
  ttl.enabled = spec.enabled;
  ttl.attribute = spec.attribute_name;
  ttl.updated_micros = now;
  return Status::OK();
}

// Whether `item` is expired at `now_seconds`: its `attribute` is a number of
// epoch seconds at or before now, and not more than five years before.
bool Expired(const model::Item& item, const std::string& attribute, int64_t now_seconds) {
  auto it = item.find(attribute);
  if (it == item.end() || it->second.type() != model::Type::kN) return false;
  const model::Number& expiry = it->second.n();
  const auto now = model::Number::Parse(std::to_string(now_seconds));
  const auto oldest = model::Number::Parse(std::to_string(now_seconds - kTtlMaxAgeSeconds));
  return now.ok() && oldest.ok() && expiry.Compare(*now) <= 0 && expiry.Compare(*oldest) >= 0;
}

}  // namespace

Result<TimeToLiveSpecification> UpdateTimeToLive(const RequestContext& ctx,
                                                 const UpdateTimeToLiveRequest& req) {
  STATOR_RETURN_IF_ERROR(
      ChangeTableDefinition(ctx, req.table_name, [&](model::TableDef& def) -> Result<bool> {
        STATOR_RETURN_IF_ERROR(ApplyTtl(def, req.specification, ctx.NowMicros()));
        return true;
      }).status());
  return req.specification;
}

Result<TimeToLiveDescription> DescribeTimeToLive(const RequestContext& ctx,
                                                 const std::string& table_name) {
  storage::TablePtr table = ctx.engine().FindTable(table_name);
  if (table == nullptr) return TableNotFound(table_name);
  TimeToLiveDescription d;
  d.enabled = table->ttl.enabled;
  if (d.enabled) d.attribute_name = table->ttl.attribute;
  return d;
}

Result<int64_t> SweepExpiredItems(const OpsEnv& env) {
  int64_t deleted = 0;
  for (const storage::TablePtr& table : env.engine->ListTables()) {
    if (!table->ttl.enabled) continue;
    const std::string attribute = table->ttl.attribute;
    const int64_t now_seconds = env.clock->NowMicros() / 1'000'000;
    // Collect first (the scan reads a snapshot), then delete each under its
    // lock if it is still expired: a write since the scan may have renewed it.
    std::vector<model::Item> keys;
    STATOR_RETURN_IF_ERROR(
        env.engine->Iterate(storage::ReadRange{storage::TableItemsBegin(table->table_id),
                                               storage::TableItemsEnd(table->table_id)},
                            [&](std::string_view, model::Item item) -> Result<bool> {
                              if (!Expired(item, attribute, now_seconds)) return true;
                              model::Item key;
                              for (const model::KeyElement* e : table->key.Elements()) {
                                key.emplace(e->name, item.at(e->name));
                              }
                              keys.push_back(std::move(key));
                              return true;
                            }));
    for (const model::Item& key : keys) {
      bool removed = false;
      Status s = env.engine->Mutate(
          *table, key,
          [&](const std::optional<model::Item>& current) -> Result<storage::WriteDecision> {
            if (!current || !Expired(*current, attribute, now_seconds)) {
              return storage::WriteDecision::None();
            }
            removed = true;
            return storage::WriteDecision::Delete();
          },
          /*by_service=*/true);
      // A table deleted or an item held by a transaction: the next sweep retries.
      if (s.code() == Code::kResourceNotFound || s.code() == Code::kTransactionConflict) break;
      STATOR_RETURN_IF_ERROR(s);
      if (removed) ++deleted;
    }
  }
  return deleted;
}

}  // namespace stator::ops

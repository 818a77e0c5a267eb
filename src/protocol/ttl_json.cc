#include "protocol/ttl_json.h"

namespace stator::protocol {

Result<ops::UpdateTimeToLiveRequest> DecodeUpdateTimeToLive(const Json& body) {
  ShapeReader r;
  auto table_name = r.String(body, "TableName");
  const Json* spec = r.Struct(body, "TimeToLiveSpecification", "TimeToLiveSpecification");
  std::optional<bool> enabled;
  std::optional<std::string> attribute;
  if (spec != nullptr) {
    enabled = r.Bool(*spec, "Enabled");
    attribute = r.String(*spec, "AttributeName");
  }
  if (!r.ok()) return r.status();
  Constraints c;
  c.TableName(table_name, "tableName", true);
  if (spec == nullptr) {
    c.NotNull("timeToLiveSpecification");
  } else {
    if (!enabled) c.NotNull("timeToLiveSpecification.enabled");
    if (!attribute) {
      c.NotNull("timeToLiveSpecification.attributeName");
    } else {
      c.StringLength(*attribute, "timeToLiveSpecification.attributeName", 1, 255);
    }
  }
  STATOR_RETURN_IF_ERROR(c.status());
  return ops::UpdateTimeToLiveRequest{*table_name, {*enabled, *attribute}};
}

Result<std::string> DecodeDescribeTimeToLive(const Json& body) {
  ShapeReader r;
  auto table_name = r.String(body, "TableName");
  if (!r.ok()) return r.status();
  Constraints c;
  c.TableName(table_name, "tableName", true);
  STATOR_RETURN_IF_ERROR(c.status());
  return *table_name;
}

Json EncodeUpdateTimeToLive(const ops::TimeToLiveSpecification& spec) {
  return {{"TimeToLiveSpecification",
           {{"Enabled", spec.enabled}, {"AttributeName", spec.attribute_name}}}};
}

Json EncodeDescribeTimeToLive(const ops::TimeToLiveDescription& desc) {
  Json d = {{"TimeToLiveStatus", desc.enabled ? "ENABLED" : "DISABLED"}};
  if (desc.enabled) d["AttributeName"] = desc.attribute_name;
  return {{"TimeToLiveDescription", std::move(d)}};
}

}  // namespace stator::protocol

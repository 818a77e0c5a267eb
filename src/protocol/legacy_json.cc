#include "protocol/legacy_json.h"

#include <string_view>
#include <vector>

#include "protocol/attribute_value_json.h"

namespace stator::protocol {
namespace {

using expr::LegacyKind;

// How DynamoDB declares each condition map: the request member, its path in constraint
// messages, and the class of its values.
struct MapSpec {
  std::string_view member;
  std::string_view path;
  std::string_view value_class;
};

MapSpec SpecOf(LegacyKind kind) {
  switch (kind) {
    case LegacyKind::kExpected:
      return {"Expected", "expected", "ExpectedAttributeValue"};
    case LegacyKind::kQueryFilter:
      return {"QueryFilter", "queryFilter", "Condition"};
    case LegacyKind::kScanFilter:
      return {"ScanFilter", "scanFilter", "Condition"};
    case LegacyKind::kKeyConditions:
      return {"KeyConditions", "keyConditions", "Condition"};
  }
  return {"", "", ""};
}

constexpr std::string_view kClassPrefix = "com.amazonaws.dynamodb.v20120810.";

std::string MapType(std::string_view value_class) {
  return "java.util.Map<java.lang.String, " + std::string(kClassPrefix) + std::string(value_class) +
         ">";
}

// The enums, in DynamoDB's order for messages.
const std::vector<std::string_view> kComparisonOperators = {
    "IN",       "NULL", "BETWEEN", "LT",          "NOT_CONTAINS", "EQ",      "GT",
    "NOT_NULL", "NE",   "LE",      "BEGINS_WITH", "GE",           "CONTAINS"};
const std::vector<std::string_view> kConditionalOperators = {"OR", "AND"};
const std::vector<std::string_view> kActions = {"ADD", "PUT", "DELETE"};

// A member that phase 1 found to be a string, or absent/null.
std::optional<std::string> StringMember(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

const Json* PresentMember(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

// An AttributeValue in a structure's field position (Expected.a.Value,
// AttributeUpdates.a.Value): a non-object is a field type error, not a value one.
void ReadValueField(ShapeReader& r, const Json& obj) {
  if (const Json* v = r.Struct(obj, "Value", "AttributeValue")) CheckValueShape(r, *v);
}

void ReadValueList(ShapeReader& r, const Json& obj) {
  const Json* list = r.List(obj, "AttributeValueList");
  if (list == nullptr) return;
  for (const auto& e : *list) {
    if (!r.ok()) return;
    CheckValueShape(r, e);
  }
}

// Value and Exists belong to ExpectedAttributeValue only; a Condition ignores them, as it
// ignores any unknown member.
Result<expr::LegacyCondition> DecodeCondition(const Json& entry, LegacyKind kind) {
  expr::LegacyCondition cond;
  if (kind == LegacyKind::kExpected) {
    if (const Json* v = PresentMember(entry, "Value")) {
      STATOR_ASSIGN_OR_RETURN(cond.value, DecodeValue(*v));
    }
    if (const Json* e = PresentMember(entry, "Exists")) cond.exists = e->get<bool>();
  }
  cond.comparison_operator = StringMember(entry, "ComparisonOperator");
  if (const Json* list = PresentMember(entry, "AttributeValueList")) {
    cond.attribute_value_list.emplace();
    for (const auto& e : *list) {
      STATOR_ASSIGN_OR_RETURN(model::AttributeValue v, DecodeValue(e));
      cond.attribute_value_list->push_back(std::move(v));
    }
  }
  return cond;
}

}  // namespace

std::string_view LegacyMemberName(LegacyKind kind) { return SpecOf(kind).member; }

const Json* ReadLegacyConditions(ShapeReader& r, const Json& body, LegacyKind kind) {
  const MapSpec spec = SpecOf(kind);
  const Json* map = r.Map(body, spec.member, MapType(spec.value_class));
  if (map == nullptr) return nullptr;
  for (const auto& [name, entry] : map->items()) {
    if (!r.ok()) break;
    if (!r.StructValue(entry, spec.value_class)) break;
    if (kind == LegacyKind::kExpected) {
      ReadValueField(r, entry);
      r.Bool(entry, "Exists");
    }
    r.String(entry, "ComparisonOperator");
    ReadValueList(r, entry);
  }
  return r.ok() ? map : nullptr;
}

const Json* ReadAttributeUpdates(ShapeReader& r, const Json& body) {
  const Json* map = r.Map(body, "AttributeUpdates", MapType("AttributeValueUpdate"));
  if (map == nullptr) return nullptr;
  for (const auto& [name, entry] : map->items()) {
    if (!r.ok()) break;
    if (!r.StructValue(entry, "AttributeValueUpdate")) break;
    ReadValueField(r, entry);
    r.String(entry, "Action");
  }
  return r.ok() ? map : nullptr;
}

void CheckLegacyConditionConstraints(Constraints& c, const Json* map, LegacyKind kind) {
  if (map == nullptr) return;
  const MapSpec spec = SpecOf(kind);
  for (const auto& [name, entry] : map->items()) {
    const std::string path = std::string(spec.path) + "." + name + ".member.comparisonOperator";
    auto op = StringMember(entry, "ComparisonOperator");
    if (op) {
      c.Enum(*op, path, kComparisonOperators);
    } else if (kind != LegacyKind::kExpected) {
      c.NotNull(path);
    }
  }
}

void CheckConditionalOperatorConstraint(Constraints& c,
                                        const std::optional<std::string>& conditional_operator) {
  if (conditional_operator) {
    c.Enum(*conditional_operator, "conditionalOperator", kConditionalOperators);
  }
}

void CheckAttributeUpdatesConstraints(Constraints& c, const Json* map) {
  if (map == nullptr) return;
  for (const auto& [name, entry] : map->items()) {
    if (auto action = StringMember(entry, "Action")) {
      c.Enum(*action, "attributeUpdates." + name + ".member.action", kActions);
    }
  }
}

Result<expr::LegacyConditions> DecodeLegacyConditions(const Json& map, LegacyKind kind) {
  expr::LegacyConditions out;
  for (const auto& [name, entry] : map.items()) {
    STATOR_ASSIGN_OR_RETURN(expr::LegacyCondition cond, DecodeCondition(entry, kind));
    expr::LegacyConditions one = {{name, cond}};
    STATOR_RETURN_IF_ERROR(expr::TranslateLegacyConditions(one, std::nullopt, kind).status());
    out.emplace_back(name, std::move(cond));
  }
  return out;
}

Result<expr::LegacyAttributeUpdates> DecodeAttributeUpdates(const Json& map) {
  expr::LegacyAttributeUpdates out;
  for (const auto& [name, entry] : map.items()) {
    expr::LegacyAttributeUpdate update;
    if (const Json* v = PresentMember(entry, "Value")) {
      STATOR_ASSIGN_OR_RETURN(update.value, DecodeValue(*v));
    }
    update.action = StringMember(entry, "Action");
    expr::LegacyAttributeUpdates one = {{name, update}};
    STATOR_RETURN_IF_ERROR(expr::TranslateAttributeUpdates(one).status());
    out.emplace_back(name, std::move(update));
  }
  return out;
}

Result<std::optional<expr::ResolvedCondition>> DecodeAndTranslateLegacyConditions(
    const Json* map, const std::optional<std::string>& conditional_operator, LegacyKind kind) {
  expr::LegacyConditions conditions;
  if (map != nullptr) {
    STATOR_ASSIGN_OR_RETURN(conditions, DecodeLegacyConditions(*map, kind));
  }
  return expr::TranslateLegacyConditions(conditions, conditional_operator, kind);
}

Result<expr::ResolvedUpdate> DecodeAndTranslateAttributeUpdates(const Json& map) {
  STATOR_ASSIGN_OR_RETURN(expr::LegacyAttributeUpdates updates, DecodeAttributeUpdates(map));
  return expr::TranslateAttributeUpdates(updates);
}

}  // namespace stator::protocol

#include "ops/projection.h"

#include <set>

#include "expr/evaluator.h"
#include "expr/parser.h"
#include "expr/resolver.h"

namespace stator::ops {
namespace {

// A projected subtree: a whole value, or the parts of a map or list.
struct Node {
  std::optional<model::AttributeValue> whole;
  bool is_list = false;
  std::map<std::string, Node> fields;
  std::map<uint32_t, Node> elements;
};

model::AttributeValue ToValue(const Node& node) {
  if (node.whole) return *node.whole;
  if (node.is_list) {
    model::List list;
    for (const auto& [index, child] : node.elements) list.push_back(ToValue(child));
    return model::AttributeValue::L(std::move(list));
  }
  model::Map map;
  for (const auto& [name, child] : node.fields) map.emplace(name, ToValue(child));
  return model::AttributeValue::M(std::move(map));
}

}  // namespace

Status CheckNoParameterMix(const std::vector<std::string_view>& legacy,
                           const std::vector<std::string_view>& expressions) {
  if (legacy.empty() || expressions.empty()) return Status::OK();
  auto join = [](const std::vector<std::string_view>& names) {
    std::string out;
    for (std::string_view n : names) out += std::string(out.empty() ? "" : ", ") + std::string(n);
    return "{" + out + "}";
  };
  return Status::Validation(
      "Can not use both expression and non-expression parameters in the same request: "
      "Non-expression parameters: " +
      join(legacy) + " Expression parameters: " + join(expressions));
}

Status CheckDistinctAttributes(const std::vector<std::string>& names) {
  std::set<std::string> seen;
  for (const auto& a : names) {
    if (!seen.insert(a).second) {
      return Status::Validation(
          "One or more parameter values were invalid: Duplicate value in attribute name: " + a);
    }
  }
  return Status::OK();
}

Status CheckParameterConflicts(const ExpressionParams& p) {
  if (p.projection_expression && p.attributes_to_get) {
    return CheckNoParameterMix({"AttributesToGet"}, {"ProjectionExpression"});
  }
  if (p.names && !p.projection_expression) {
    return Status::Validation(
        "ExpressionAttributeNames can only be specified when using expressions");
  }
  return Status::OK();
}

Result<ProjectionSpec> ResolveProjection(const ExpressionParams& p) {
  STATOR_RETURN_IF_ERROR(CheckParameterConflicts(p));
  ProjectionSpec spec;
  if (p.attributes_to_get) {
    STATOR_RETURN_IF_ERROR(CheckDistinctAttributes(*p.attributes_to_get));
    for (const auto& a : *p.attributes_to_get) {
      spec.paths.push_back(expr::Path{{expr::PathElement::Name(a)}});
    }
    spec.all = false;
    return spec;
  }
  if (!p.projection_expression) return spec;
  if (p.names) STATOR_RETURN_IF_ERROR(expr::CheckNameKeys(*p.names));
  STATOR_ASSIGN_OR_RETURN(expr::ProjectionExpr parsed,
                          expr::ParseProjection(*p.projection_expression));
  expr::Resolver resolver(p.names ? &*p.names : nullptr, nullptr);
  STATOR_ASSIGN_OR_RETURN(expr::ResolvedProjection resolved, resolver.Resolve(parsed));
  STATOR_RETURN_IF_ERROR(resolver.CheckAllUsed());
  spec.all = false;
  spec.paths = std::move(resolved.paths);
  return spec;
}

model::Item ApplyProjection(const ProjectionSpec& spec, const model::Item& item) {
  if (spec.all) return item;
  std::map<std::string, Node> top;
  for (const auto& path : spec.paths) {
    const model::AttributeValue* value = expr::Lookup(item, path);
    if (value == nullptr) continue;
    Node* node = &top[path.elements[0].name];
    for (size_t i = 1; i < path.elements.size(); ++i) {
      const auto& e = path.elements[i];
      if (e.kind == expr::PathElement::Kind::kIndex) {
        node->is_list = true;
        node = &node->elements[e.index];
      } else {
        node = &node->fields[e.name];
      }
    }
    node->whole = *value;
  }
  model::Item out;
  for (const auto& [name, node] : top) out.emplace(name, ToValue(node));
  return out;
}

Status CheckKeyPathsScalar(const model::TableDef& table, const std::vector<expr::Path>& paths) {
  auto is_key = [](const model::KeySchema& k, const std::string& name) { return k.Contains(name); };
  for (const auto& path : paths) {
    if (path.elements.size() < 2) continue;
    const std::string& top = path.elements[0].name;
    std::string which;
    if (is_key(table.key, top)) {
      which = "Key: ";
    } else {
      for (const auto* indexes : {&table.local_indexes, &table.global_indexes}) {
        for (const auto& index : *indexes) {
          if (is_key(index.key, top)) which = "IndexKey: ";
        }
      }
    }
    if (!which.empty()) {
      return Status::Validation(
          "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
          "allowed: " +
          which + top);
    }
  }
  return Status::OK();
}

}  // namespace stator::ops

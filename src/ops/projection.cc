#include "ops/projection.h"

#include <set>

#include "expr/resolver.h"

namespace stator::ops {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Status SyntaxError(std::string_view token, std::string_view near) {
  return Status::Validation("Invalid ProjectionExpression: Syntax error; token: \"" +
                            std::string(token) + "\", near: \"" + std::string(near) + "\"");
}

// Splits "a, #b ,c" into its path tokens; each must be a bare name or a #name.
Result<std::vector<std::string>> Tokenize(const std::string& expr) {
  std::vector<std::string> tokens;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < expr.size() && IsSpace(expr[i])) ++i;
  };
  std::string previous;
  while (true) {
    skip_space();
    size_t start = i;
    if (i < expr.size() && expr[i] == '#') ++i;
    while (i < expr.size() && IsNameChar(expr[i])) ++i;
    std::string token = expr.substr(start, i - start);
    if (token.empty() || token == "#" || (token[0] != '#' && !IsNameStart(token[0]))) {
      if (i >= expr.size()) return SyntaxError("<EOF>", previous);
      return SyntaxError(std::string(1, expr[i]), previous + expr[i]);
    }
    tokens.push_back(token);
    skip_space();
    if (i >= expr.size()) break;
    if (expr[i] != ',') {
      // Nested paths (a.b, a[0]) and anything else beyond top-level names.
      return SyntaxError(std::string(1, expr[i]), token + expr[i]);
    }
    previous = ",";
    ++i;
  }
  return tokens;
}

}  // namespace

Status CheckParameterConflicts(const ExpressionParams& p) {
  if (p.projection_expression && p.attributes_to_get) {
    return Status::Validation(
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: "
        "{ProjectionExpression}");
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
    std::set<std::string> seen;
    for (const auto& a : *p.attributes_to_get) {
      if (!seen.insert(a).second) {
        return Status::Validation(
            "One or more parameter values were invalid: Duplicate value in attribute name: " + a);
      }
    }
    spec.all = false;
    spec.attributes = *p.attributes_to_get;
    return spec;
  }
  if (!p.projection_expression) return spec;
  if (p.names && p.names->empty()) {
    return Status::Validation("ExpressionAttributeNames must not be empty");
  }
  if (p.names) {
    for (const auto& [k, v] : *p.names) {
      if (!expr::IsValidPlaceholder(k, '#')) {
        return Status::Validation(
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + k + "\"");
      }
    }
  }
  const std::string& expr = *p.projection_expression;
  bool blank = true;
  for (char c : expr) blank = blank && IsSpace(c);
  if (blank) {
    return Status::Validation("Invalid ProjectionExpression: The expression can not be empty;");
  }
  STATOR_ASSIGN_OR_RETURN(std::vector<std::string> tokens, Tokenize(expr));
  std::set<std::string> used_names;
  std::vector<std::string> paths;
  for (const auto& t : tokens) {
    std::string name = t;
    if (t[0] == '#') {
      auto it = p.names ? p.names->find(t) : decltype(p.names->end()){};
      if (!p.names || it == p.names->end()) {
        return Status::Validation(
            "Invalid ProjectionExpression: An expression attribute name used in the document "
            "path is not defined; attribute name: " + t);
      }
      used_names.insert(t);
      name = it->second;
    }
    for (const auto& earlier : paths) {
      if (earlier == name) {
        return Status::Validation(
            "Invalid ProjectionExpression: Two document paths overlap with each other; must "
            "remove or rewrite one of these paths; path one: [" + earlier + "], path two: [" +
            name + "]");
      }
    }
    paths.push_back(name);
  }
  if (p.names) {
    std::string unused;
    for (const auto& [k, v] : *p.names) {
      if (used_names.count(k) == 0) unused += (unused.empty() ? "" : ", ") + k;
    }
    if (!unused.empty()) {
      return Status::Validation(
          "Value provided in ExpressionAttributeNames unused in expressions: keys: {" + unused +
          "}");
    }
  }
  spec.all = false;
  spec.attributes = std::move(paths);
  return spec;
}

model::Item ApplyProjection(const ProjectionSpec& spec, const model::Item& item) {
  if (spec.all) return item;
  model::Item out;
  for (const auto& name : spec.attributes) {
    auto it = item.find(name);
    if (it != item.end()) out.emplace(it->first, it->second);
  }
  return out;
}

}  // namespace stator::ops

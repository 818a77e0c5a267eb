#include "ops/partiql_expressions.h"

#include <algorithm>
#include <set>

namespace stator::ops {
namespace {

using partiql::Expr;

Status Unsupported(std::string_view what, const partiql::Span& span) {
  return Status::Validation("Unsupported operation: " + std::string(what) +
                            partiql::SpanSuffix(span));
}

// A set literal <<...>>: strings only or numbers only (binary sets come as parameters), at
// least one, no duplicates.
Result<model::AttributeValue> MakeSet(const Expr& e,
                                      const std::vector<model::AttributeValue>& elements) {
  if (elements.empty()) {
    return Status::Validation("Empty bags are not supported" + partiql::SpanSuffix(e.span));
  }
  const model::Type type = elements.front().type();
  for (const model::AttributeValue& v : elements) {
    if (v.type() != type || (type != model::Type::kS && type != model::Type::kN)) {
      return Status::Validation(
          "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
    }
  }
  bool duplicates = false;
  for (size_t i = 0; i < elements.size() && !duplicates; ++i) {
    for (size_t j = i + 1; j < elements.size() && !duplicates; ++j) {
      duplicates = elements[i] == elements[j];
    }
  }
  if (duplicates) {
    std::string listed;
    for (const model::AttributeValue& v : elements) {
      listed += (listed.empty() ? "" : ", ") + (type == model::Type::kS ? v.s() : v.n().ToString());
    }
    return Status::Validation("One or more parameter values were invalid: Input collection [" +
                              listed + "] contains duplicates.");
  }
  if (type == model::Type::kS) {
    std::vector<std::string> out;
    for (const auto& v : elements) out.push_back(v.s());
    return model::AttributeValue::SS(std::move(out));
  }
  std::vector<model::Number> out;
  for (const auto& v : elements) out.push_back(v.n());
  return model::AttributeValue::NS(std::move(out));
}

// DynamoDB's answer for an operator a condition cannot hold (arithmetic, ||).
Status UnsupportedOperator(const std::string& op) {
  return Status::Validation("Unsupported operator in Condition Expression. Operator: " + op);
}

// Appends "[index]" (built in place: concatenating temporaries trips a false GCC 12 -Wrestrict
// warning).
void AppendIndex(uint32_t index, std::string* out) {
  out->push_back('[');
  out->append(std::to_string(index));
  out->push_back(']');
}

// DynamoDB's checks of a condition function's arguments: how many, and a path first.
Status CheckFunctionArguments(const Expr& e, size_t count) {
  if (e.args.size() != count) {
    return Status::Validation(
        "Incorrect number of operands for operator or function; operator or function: " +
        e.function + ", number of operands: " + std::to_string(e.args.size()));
  }
  if (e.args[0]->kind != Expr::Kind::kPath) {
    return Status::Validation(
        "Operator or function requires a document path; operator or function: " + e.function);
  }
  return Status::OK();
}

// attribute_type's type name, checked here: PartiQL lists the valid names in another order than
// the expression language does.
Status CheckTypeName(const Expr& e, const PartiqlParameters& parameters) {
  if (!IsValueExpression(e)) return Status::OK();
  STATOR_ASSIGN_OR_RETURN(model::AttributeValue v, EvaluateValue(e, parameters));
  if (v.type() != model::Type::kS) return Status::OK();  // the operand type check answers
  static constexpr std::string_view kTypes[] = {"N", "BS", "L",  "B",  "NULL",
                                                "M", "S",  "SS", "NS", "BOOL"};
  for (std::string_view t : kTypes) {
    if (v.s() == t) return Status::OK();
  }
  return Status::Validation("Invalid attribute type name found; type: " + v.s() +
                            ", valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}");
}

}  // namespace

bool IsValueExpression(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
    case Expr::Kind::kParameter:
    case Expr::Kind::kList:
    case Expr::Kind::kBag:
    case Expr::Kind::kTuple:
      return true;
    case Expr::Kind::kNegate:
      return IsValueExpression(*e.args[0]);
    default:
      return false;
  }
}

Result<model::AttributeValue> EvaluateValue(const Expr& e, const PartiqlParameters& parameters) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      return e.literal;
    case Expr::Kind::kParameter:
      if (e.parameter == 0 || e.parameter > parameters.size()) {
        return Status::Validation("Number of parameters in request and statement don't match.");
      }
      return parameters[e.parameter - 1];
    case Expr::Kind::kNegate: {
      STATOR_ASSIGN_OR_RETURN(model::AttributeValue v, EvaluateValue(*e.args[0], parameters));
      if (v.type() != model::Type::kN) return Unsupported("negation of a non-number", e.span);
      return model::AttributeValue::N(
          model::Number::Subtract(model::Number(), v.n()).value());
    }
    case Expr::Kind::kList: {
      model::List list;
      for (const auto& arg : e.args) {
        STATOR_ASSIGN_OR_RETURN(model::AttributeValue v, EvaluateValue(*arg, parameters));
        list.push_back(std::move(v));
      }
      return model::AttributeValue::L(std::move(list));
    }
    case Expr::Kind::kTuple: {
      model::Map map;
      for (size_t i = 0; i < e.args.size(); ++i) {
        STATOR_ASSIGN_OR_RETURN(model::AttributeValue v, EvaluateValue(*e.args[i], parameters));
        if (map.count(e.keys[i])) {
          return Status::Validation("Duplicate keys in tuple. Key: " + e.keys[i] + " under root" +
                                    partiql::SpanSuffix(e.key_spans[i]));
        }
        map.emplace(e.keys[i], std::move(v));
      }
      return model::AttributeValue::M(std::move(map));
    }
    case Expr::Kind::kBag: {
      std::vector<model::AttributeValue> elements;
      for (const auto& arg : e.args) {
        if (arg->kind == Expr::Kind::kParameter) {
          return Status::Validation(
              "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in "
              "bags");
        }
        STATOR_ASSIGN_OR_RETURN(model::AttributeValue v, EvaluateValue(*arg, parameters));
        elements.push_back(std::move(v));
      }
      return MakeSet(e, elements);
    }
    case Expr::Kind::kMissing:
      return Unsupported("MISSING as a value", e.span);
    default:
      return Unsupported("an expression where a value is expected", e.span);
  }
}

std::vector<const Expr*> Conjuncts(const Expr* e) {
  std::vector<const Expr*> out;
  if (e == nullptr) return out;
  if (e->kind == Expr::Kind::kBinary && e->op == "and") {
    for (const auto& arg : e->args) {
      std::vector<const Expr*> part = Conjuncts(arg.get());
      out.insert(out.end(), part.begin(), part.end());
    }
    return out;
  }
  out.push_back(e);
  return out;
}

std::string ExpressionWriter::Path(const partiql::Path& path) {
  auto alias = [&](const std::string& name) {
    auto it = name_aliases_.find(name);
    if (it != name_aliases_.end()) return it->second;
    std::string placeholder = "#p" + std::to_string(names_.size());
    names_.emplace(placeholder, name);
    name_aliases_.emplace(name, placeholder);
    return placeholder;
  };
  std::string out = alias(path.root);
  for (const partiql::PathStep& step : path.steps) {
    if (step.kind == partiql::PathStep::Kind::kIndex) {
      AppendIndex(step.index, &out);
    } else {
      out += '.';
      out += alias(step.name);
    }
  }
  return out;
}

std::string ExpressionWriter::Value(model::AttributeValue value) {
  std::string placeholder = ":v" + std::to_string(values_.size());
  values_.emplace(placeholder, std::move(value));
  return placeholder;
}

Result<std::string> ExpressionWriter::Operand(const Expr& e) {
  if (e.kind == Expr::Kind::kPath) return Path(e.path);
  if (e.kind == Expr::Kind::kCall && e.function == "size") {
    STATOR_RETURN_IF_ERROR(CheckFunctionArguments(e, 1));
    return "size(" + Path(e.args[0]->path) + ")";
  }
  if (e.kind == Expr::Kind::kCall) {
    return Status::Validation("Unrecognized function: " + e.function + partiql::SpanSuffix(e.span));
  }
  if (IsValueExpression(e)) {
    STATOR_ASSIGN_OR_RETURN(model::AttributeValue v, EvaluateValue(e, *parameters_));
    return Value(std::move(v));
  }
  if (e.kind == Expr::Kind::kBinary &&
      (e.op == "+" || e.op == "-" || e.op == "*" || e.op == "/" || e.op == "%" || e.op == "||")) {
    return UnsupportedOperator(e.op);
  }
  return Unsupported("this expression as an operand", e.span);
}

Result<std::string> ExpressionWriter::Condition(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kBinary: {
      if (e.op == "and" || e.op == "or") {
        STATOR_ASSIGN_OR_RETURN(std::string left, Condition(*e.args[0]));
        STATOR_ASSIGN_OR_RETURN(std::string right, Condition(*e.args[1]));
        return "(" + left + ") " + (e.op == "and" ? "AND" : "OR") + " (" + right + ")";
      }
      static constexpr std::string_view kComparisons[] = {"=", "<>", "<", "<=", ">", ">="};
      if (std::find(std::begin(kComparisons), std::end(kComparisons), e.op) ==
          std::end(kComparisons)) {
        return UnsupportedOperator(e.op);
      }
      STATOR_ASSIGN_OR_RETURN(std::string left, Operand(*e.args[0]));
      STATOR_ASSIGN_OR_RETURN(std::string right, Operand(*e.args[1]));
      return left + " " + e.op + " " + right;
    }
    case Expr::Kind::kNot: {
      STATOR_ASSIGN_OR_RETURN(std::string inner, Condition(*e.args[0]));
      return "NOT (" + inner + ")";
    }
    case Expr::Kind::kBetween: {
      STATOR_ASSIGN_OR_RETURN(std::string subject, Operand(*e.args[0]));
      STATOR_ASSIGN_OR_RETURN(std::string low, Operand(*e.args[1]));
      STATOR_ASSIGN_OR_RETURN(std::string high, Operand(*e.args[2]));
      std::string text = subject + " BETWEEN " + low + " AND " + high;
      return e.negated ? "NOT (" + text + ")" : text;
    }
    case Expr::Kind::kIn: {
      STATOR_ASSIGN_OR_RETURN(std::string subject, Operand(*e.args[0]));
      const Expr& list = *e.args[1];
      std::vector<const Expr*> elements;
      if (list.kind == Expr::Kind::kList) {
        for (const auto& arg : list.args) elements.push_back(arg.get());
      } else {
        return Unsupported("IN without a list", list.span);
      }
      if (elements.empty()) return Unsupported("IN with an empty list", list.span);
      std::string text = subject + " IN (";
      for (size_t i = 0; i < elements.size(); ++i) {
        STATOR_ASSIGN_OR_RETURN(std::string operand, Operand(*elements[i]));
        text += (i ? ", " : "") + operand;
      }
      text += ")";
      return e.negated ? "NOT (" + text + ")" : text;
    }
    case Expr::Kind::kIs: {
      const Expr& subject = *e.args[0];
      if (subject.kind != Expr::Kind::kPath) return Unsupported("IS on a non-path", e.span);
      const std::string path = Path(subject.path);
      if (e.is_type == "MISSING") {
        return std::string(e.negated ? "attribute_exists(" : "attribute_not_exists(") + path + ")";
      }
      const std::string type = Value(model::AttributeValue::S(e.is_type));
      std::string text = "attribute_type(" + path + ", " + type + ")";
      return e.negated ? "NOT (" + text + ")" : text;
    }
    case Expr::Kind::kCall: {
      const std::string& f = e.function;
      const bool one_path = f == "attribute_exists" || f == "attribute_not_exists";
      if (!one_path && f != "begins_with" && f != "contains" && f != "attribute_type") {
        return Status::Validation("Unrecognized function: " + f + partiql::SpanSuffix(e.span));
      }
      STATOR_RETURN_IF_ERROR(CheckFunctionArguments(e, one_path ? 1 : 2));
      if (f == "attribute_type") STATOR_RETURN_IF_ERROR(CheckTypeName(*e.args[1], *parameters_));
      std::string text = f + "(" + Path(e.args[0]->path);
      for (size_t i = 1; i < e.args.size(); ++i) {
        STATOR_ASSIGN_OR_RETURN(std::string operand, Operand(*e.args[i]));
        text += ", " + operand;
      }
      return text + ")";
    }
    default:
      return Unsupported("this expression as a condition", e.span);
  }
}

std::optional<expr::NameMap> ExpressionWriter::names() const {
  if (names_.empty()) return std::nullopt;
  return names_;
}

std::optional<expr::ValueMap> ExpressionWriter::values() const {
  if (values_.empty()) return std::nullopt;
  return values_;
}

std::string RootProjection(const std::vector<partiql::Path>& paths, ExpressionWriter& writer) {
  std::string text;
  std::set<std::string> seen;
  for (const partiql::Path& p : paths) {
    if (!seen.insert(p.root).second) continue;
    partiql::Path root;
    root.root = p.root;
    text += (text.empty() ? "" : ", ") + writer.Path(root);
  }
  return text;
}

model::Item ProjectToLeafNames(const std::vector<partiql::Path>& paths, const model::Item& item) {
  model::Item out;
  for (const partiql::Path& path : paths) {
    auto it = item.find(path.root);
    if (it == item.end()) continue;
    const model::AttributeValue* v = &it->second;
    std::string leaf = path.root;
    for (const partiql::PathStep& step : path.steps) {
      if (step.kind == partiql::PathStep::Kind::kName) {
        if (v->type() != model::Type::kM) {
          v = nullptr;
          break;
        }
        auto child = v->m().find(step.name);
        if (child == v->m().end()) {
          v = nullptr;
          break;
        }
        v = &child->second;
        leaf = step.name;
      } else {
        if (v->type() != model::Type::kL || step.index >= v->l().size()) {
          v = nullptr;
          break;
        }
        v = &v->l()[step.index];
        AppendIndex(step.index, &leaf);
      }
    }
    if (v != nullptr) out.insert_or_assign(leaf, *v);
  }
  return out;
}

bool IsAttribute(const Expr& e, const std::string& name) {
  return e.kind == Expr::Kind::kPath && e.path.steps.empty() && e.path.root == name;
}

bool IsEqualityOn(const Expr& e, const std::string& name, const Expr** value) {
  if (e.kind != Expr::Kind::kBinary || e.op != "=") return false;
  for (int side = 0; side < 2; ++side) {
    if (IsAttribute(*e.args[side], name) && IsValueExpression(*e.args[1 - side])) {
      *value = e.args[1 - side].get();
      return true;
    }
  }
  return false;
}

}  // namespace stator::ops

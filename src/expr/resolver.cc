#include "expr/resolver.h"

#include <optional>
#include <utility>

namespace stator::expr {

bool IsValidPlaceholder(std::string_view key, char sigil) {
  if (key.size() < 2 || key[0] != sigil) return false;
  for (char c : key.substr(1)) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status CheckPlaceholderKeys(const std::vector<std::string>& keys, char sigil,
                            const std::string& parameter) {
  if (keys.empty()) return Status::Validation(parameter + " must not be empty");
  for (const auto& k : keys) {
    if (k.size() > kMaxPlaceholderBytes) {
      return Status::Validation(parameter +
                                " contains invalid key: The expression attribute map contains a "
                                "key that is too long; size of key: " +
                                std::to_string(k.size()));
    }
    if (!IsValidPlaceholder(k, sigil)) {
      return Status::Validation(parameter + " contains invalid key: Syntax error; key: \"" + k +
                                "\"");
    }
  }
  return Status::OK();
}
namespace {

template <typename Map>
std::vector<std::string> KeysOf(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : map) keys.push_back(k);
  return keys;
}

}  // namespace

Status CheckNameKeys(const NameMap& names) {
  return CheckPlaceholderKeys(KeysOf(names), '#', "ExpressionAttributeNames");
}

Status CheckValueKeys(const ValueMap& values) {
  return CheckPlaceholderKeys(KeysOf(values), ':', "ExpressionAttributeValues");
}

namespace {

Status Invalid(ExpressionKind kind, const std::string& msg) {
  return Status::Validation("Invalid " + std::string(ExpressionKindName(kind)) + ": " + msg);
}

std::string UndefinedName(const std::string& n) {
  return "An expression attribute name used in the document path is not defined; "
         "attribute name: " +
         n;
}
std::string UndefinedValue(const std::string& v) {
  return "An expression attribute value used in expression is not defined; attribute value: " + v;
}

const model::AttributeValue* ImmediateValue(const Operand& o) {
  return o.kind == Operand::Kind::kValue && o.value.value ? &*o.value.value : nullptr;
}

std::string OperandTypeError(std::string_view function, std::string_view type) {
  return "Incorrect operand type for operator or function; operator or function: " +
         std::string(function) + ", operand type: " + std::string(type);
}

// "path one"/"path two" checks shared by updates and projections: overlap beats conflict.
std::optional<std::string> CheckPaths(const std::vector<const Path*>& paths) {
  std::optional<std::string> conflict;
  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const auto& a = paths[j]->elements;
      const auto& b = paths[i]->elements;
      bool diverged = false;
      bool conflicting = false;
      for (size_t k = 0; k < a.size() && k < b.size(); ++k) {
        const bool a_index = a[k].kind == PathElement::Kind::kIndex;
        const bool b_index = b[k].kind == PathElement::Kind::kIndex;
        if (a_index != b_index) {
          conflicting = true;
          break;
        }
        if (a[k] != b[k]) {
          diverged = true;
          break;
        }
      }
      const std::string which =
          "must remove or rewrite one of these paths; path one: " + PathForMessage(*paths[j]) +
          ", path two: " + PathForMessage(*paths[i]);
      if (conflicting) {
        if (!conflict) conflict = "Two document paths conflict with each other; " + which;
      } else if (!diverged) {
        return "Two document paths overlap with each other; " + which;
      }
    }
  }
  return conflict;
}

// Int-like comparison of two values of one type, for BETWEEN bounds; nullopt if unordered.
std::optional<int> CompareBounds(const model::AttributeValue& a, const model::AttributeValue& b) {
  switch (a.type()) {
    case model::Type::kS:
      return a.s().compare(b.s());
    case model::Type::kB:
      return a.b().compare(b.b());
    case model::Type::kN:
      return a.n().Compare(b.n());
    default:
      return std::nullopt;
  }
}

class ConditionChecker {
 public:
  // The first distinct-operands error, else the first function/operand type error.
  std::optional<std::string> Check(const Condition& root) {
    Walk(root);
    return distinct_ ? distinct_ : type_;
  }

 private:
  void Distinct(std::string_view op, const std::vector<Operand>& operands) {
    if (distinct_ || operands.size() != 2) return;
    if (operands[0].kind != Operand::Kind::kPath || operands[1].kind != Operand::Kind::kPath ||
        operands[0].path != operands[1].path) {
      return;
    }
    distinct_ =
        "The first operand must be distinct from the remaining operands for this "
        "operator or function; operator: " +
        std::string(op) + ", first operand: " + PathForMessage(operands[0].path);
  }
  void Type(std::string msg) {
    if (!type_) type_ = std::move(msg);
  }
  void WalkOperand(const Operand& o) {
    for (const Operand& a : o.args) WalkOperand(a);
    if (o.kind != Operand::Kind::kFunction || o.function != "size" || o.args.size() != 1) return;
    if (const model::AttributeValue* v = ImmediateValue(o.args[0])) {
      const model::Type t = v->type();
      if (t == model::Type::kN || t == model::Type::kBool || t == model::Type::kNull) {
        Type(OperandTypeError("size", model::TypeName(t)));
      }
    }
  }
  void Function(const Condition& c) {
    if (c.function == "begins_with") {
      for (const Operand& o : c.operands) {
        const model::AttributeValue* v = ImmediateValue(o);
        if (v && v->type() != model::Type::kS && v->type() != model::Type::kB) {
          Type(OperandTypeError("begins_with", model::TypeName(v->type())));
          return;
        }
      }
    } else if (c.function == "attribute_type" && c.operands.size() == 2) {
      const model::AttributeValue* v = ImmediateValue(c.operands[1]);
      if (v == nullptr || v->type() != model::Type::kS) {
        Type(OperandTypeError("attribute_type",
                              v ? model::TypeName(v->type()) : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"));
        return;
      }
      static constexpr std::string_view kTypes[] = {"S",    "N", "B",  "NULL", "SS",
                                                    "BOOL", "L", "BS", "NS",   "M"};
      for (std::string_view t : kTypes) {
        if (v->s() == t) return;
      }
      Type("Invalid attribute type name found; type: " + v->s() +
           ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
    }
  }
  void Between(const Condition& c) {
    const model::AttributeValue* lo = ImmediateValue(c.operands[1]);
    const model::AttributeValue* hi = ImmediateValue(c.operands[2]);
    if (!lo || !hi) return;
    const std::string bounds = "lower bound operand: AttributeValue: " + ValueForMessage(*lo) +
                               ", upper bound operand: AttributeValue: " + ValueForMessage(*hi);
    if (lo->type() != hi->type()) {
      Type("The BETWEEN operator requires same data type for lower and upper bounds; " + bounds);
    } else if (auto order = CompareBounds(*lo, *hi); order && *order > 0) {
      Type(
          "The BETWEEN operator requires upper bound to be greater than or equal to lower "
          "bound; " +
          bounds);
    }
  }
  void Walk(const Condition& c) {
    for (const Condition& child : c.children) Walk(child);
    for (const Operand& o : c.operands) WalkOperand(o);
    switch (c.kind) {
      case Condition::Kind::kCompare:
        Distinct(CompareOpName(c.op), c.operands);
        break;
      case Condition::Kind::kFunction:
        Distinct(c.function, c.operands);
        Function(c);
        break;
      case Condition::Kind::kBetween:
        Between(c);
        break;
      default:
        break;
    }
  }

  std::optional<std::string> distinct_;
  std::optional<std::string> type_;
};

std::string_view LongTypeName(model::Type t) {
  switch (t) {
    case model::Type::kS:
      return "STRING";
    case model::Type::kN:
      return "NUMBER";
    case model::Type::kB:
      return "BINARY";
    case model::Type::kNull:
      return "NULL";
    case model::Type::kBool:
      return "BOOLEAN";
    case model::Type::kL:
      return "LIST";
    case model::Type::kM:
      return "MAP";
    default:
      return "";  // sets
  }
}

// Value types of an update's SET operands: +/- take numbers, list_append lists.
std::optional<std::string> CheckSetOperand(const Operand& o) {
  for (const Operand& a : o.args) {
    if (auto e = CheckSetOperand(a)) return e;
  }
  std::string_view function;
  model::Type wanted;
  if (o.kind == Operand::Kind::kPlus || o.kind == Operand::Kind::kMinus) {
    function = o.kind == Operand::Kind::kPlus ? "+" : "-";
    wanted = model::Type::kN;
  } else if (o.kind == Operand::Kind::kFunction && o.function == "list_append") {
    function = "list_append";
    wanted = model::Type::kL;
  } else {
    return std::nullopt;
  }
  for (const Operand& a : o.args) {
    const model::AttributeValue* v = ImmediateValue(a);
    if (v && v->type() != wanted) return OperandTypeError(function, model::TypeName(v->type()));
  }
  return std::nullopt;
}

std::string JoinKeys(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& k : keys) out += (out.empty() ? "" : ", ") + k;
  return "{" + out + "}";
}

}  // namespace

struct Resolver::Missing {
  std::optional<std::string> name;
  std::optional<std::string> value;
  std::optional<std::string> first;  // whichever came first, already worded
};

Resolver::Resolver(const NameMap* names, const ValueMap* values) : names_(names), values_(values) {}

void Resolver::ResolvePath(Path* path, Missing* missing) {
  for (PathElement& e : path->elements) {
    if (e.kind != PathElement::Kind::kPlaceholder) continue;
    const auto it = names_ ? names_->find(e.name) : NameMap::const_iterator();
    if (names_ == nullptr || it == names_->end()) {
      if (!missing->name) missing->name = e.name;
      if (!missing->first) missing->first = UndefinedName(e.name);
      continue;
    }
    used_names_.insert(e.name);
    e = PathElement::Name(it->second);
  }
}

void Resolver::ResolveOperand(Operand* o, Missing* missing) {
  if (o->kind == Operand::Kind::kPath) ResolvePath(&o->path, missing);
  if (o->kind == Operand::Kind::kValue && !o->value.value) {
    const std::string& p = o->value.placeholder;
    const auto it = values_ ? values_->find(p) : ValueMap::const_iterator();
    if (values_ == nullptr || it == values_->end()) {
      if (!missing->value) missing->value = p;
      if (!missing->first) missing->first = UndefinedValue(p);
    } else {
      used_values_.insert(p);
      o->value.value = it->second;
    }
  }
  for (Operand& a : o->args) ResolveOperand(&a, missing);
}

void Resolver::ResolveCondition(Condition* c, Missing* missing) {
  for (Operand& o : c->operands) ResolveOperand(&o, missing);
  for (Condition& child : c->children) ResolveCondition(&child, missing);
}

Result<ResolvedCondition> Resolver::Resolve(const ConditionExpr& expr, ExpressionKind kind) {
  ResolvedCondition out{expr.root};
  Missing missing;
  ResolveCondition(&out.root, &missing);
  if (missing.first) return Invalid(kind, *missing.first);
  if (auto e = ConditionChecker().Check(out.root)) return Invalid(kind, *e);
  return out;
}

Result<ResolvedProjection> Resolver::Resolve(const ProjectionExpr& expr) {
  ResolvedProjection out{expr.paths};
  Missing missing;
  for (Path& p : out.paths) ResolvePath(&p, &missing);
  if (missing.first) return Invalid(ExpressionKind::kProjection, *missing.first);
  std::vector<const Path*> paths;
  for (const Path& p : out.paths) paths.push_back(&p);
  if (auto e = CheckPaths(paths)) return Invalid(ExpressionKind::kProjection, *e);
  return out;
}

Result<ResolvedUpdate> Resolver::Resolve(const UpdateExpr& expr) {
  constexpr ExpressionKind kKind = ExpressionKind::kUpdate;
  ResolvedUpdate out{expr.actions};
  Missing missing;
  for (UpdateAction& a : out.actions) {
    ResolvePath(&a.path, &missing);
    if (a.kind != UpdateAction::Kind::kRemove) ResolveOperand(&a.value, &missing);
  }
  if (missing.name) return Invalid(kKind, UndefinedName(*missing.name));
  if (missing.value) return Invalid(kKind, UndefinedValue(*missing.value));
  std::vector<const Path*> paths;
  for (const UpdateAction& a : out.actions) paths.push_back(&a.path);
  if (auto e = CheckPaths(paths)) return Invalid(kKind, *e);
  for (const UpdateAction& a : out.actions) {
    if (a.kind != UpdateAction::Kind::kAdd && a.kind != UpdateAction::Kind::kDelete) continue;
    const model::AttributeValue* v = ImmediateValue(a.value);
    if (v == nullptr) continue;
    const std::string_view type = LongTypeName(v->type());
    if (!type.empty() && !(a.kind == UpdateAction::Kind::kAdd && v->type() == model::Type::kN)) {
      const std::string op = a.kind == UpdateAction::Kind::kAdd ? "ADD" : "DELETE";
      return Invalid(kKind, "Incorrect operand type for operator or function; operator: " + op +
                                ", operand type: " + std::string(type) + ", typeSet: ALLOWED_FOR_" +
                                op + "_OPERAND");
    }
  }
  for (const UpdateAction& a : out.actions) {
    if (a.kind != UpdateAction::Kind::kSet) continue;
    if (auto e = CheckSetOperand(a.value)) return Invalid(kKind, *e);
  }
  return out;
}

Status Resolver::CheckAllUsed() const {
  std::vector<std::string> unused;
  if (names_) {
    for (const auto& [k, v] : *names_) {
      if (!used_names_.count(k)) unused.push_back(k);
    }
  }
  if (!unused.empty()) {
    return Status::Validation(
        "Value provided in ExpressionAttributeNames unused in expressions: keys: " +
        JoinKeys(unused));
  }
  if (values_) {
    for (const auto& [k, v] : *values_) {
      if (!used_values_.count(k)) unused.push_back(k);
    }
  }
  if (!unused.empty()) {
    return Status::Validation(
        "Value provided in ExpressionAttributeValues unused in expressions: keys: " +
        JoinKeys(unused));
  }
  return Status::OK();
}

std::string ToString(const ResolvedCondition& c) { return ToString(c.root); }
std::string ToString(const ResolvedProjection& p) { return ToString(ProjectionExpr{p.paths}); }
std::string ToString(const ResolvedUpdate& u) { return ToString(UpdateExpr{u.actions}); }

}  // namespace stator::expr

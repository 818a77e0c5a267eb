#include "expr/legacy.h"

#include <string_view>

namespace stator::expr {
namespace {

using model::AttributeValue;
using model::Type;

constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";

Status Invalid(const std::string& detail) {
  return Status::Validation(std::string(kInvalid) + detail);
}

// The ComparisonOperator enum. Each operator takes a fixed number of arguments (IN: at least
// one) of the types it accepts; the predicates are DynamoDB's, checked before the table.
enum class Op {
  kEq,
  kNe,
  kLe,
  kLt,
  kGe,
  kGt,
  kNotNull,
  kNull,
  kContains,
  kNotContains,
  kBeginsWith,
  kIn,
  kBetween
};

bool AnyType(Type) { return true; }
bool Ordered(Type t) { return t == Type::kS || t == Type::kN || t == Type::kB; }
bool Scalar(Type t) { return Ordered(t) || t == Type::kBool || t == Type::kNull; }
bool Prefixable(Type t) { return t == Type::kS || t == Type::kB; }

struct OpInfo {
  std::string_view name;
  Op op;
  size_t min_args;
  size_t max_args;
  bool (*accepts)(Type);
};

constexpr size_t kUnbounded = static_cast<size_t>(-1);
constexpr OpInfo kOps[] = {
    {"EQ", Op::kEq, 1, 1, AnyType},
    {"NE", Op::kNe, 1, 1, AnyType},
    {"LE", Op::kLe, 1, 1, Ordered},
    {"LT", Op::kLt, 1, 1, Ordered},
    {"GE", Op::kGe, 1, 1, Ordered},
    {"GT", Op::kGt, 1, 1, Ordered},
    {"NOT_NULL", Op::kNotNull, 0, 0, AnyType},
    {"NULL", Op::kNull, 0, 0, AnyType},
    {"CONTAINS", Op::kContains, 1, 1, Scalar},
    {"NOT_CONTAINS", Op::kNotContains, 1, 1, Scalar},
    {"BEGINS_WITH", Op::kBeginsWith, 1, 1, Prefixable},
    {"IN", Op::kIn, 1, kUnbounded, Ordered},
    {"BETWEEN", Op::kBetween, 2, 2, Ordered},
};

const OpInfo* FindOp(std::string_view name) {
  for (const OpInfo& info : kOps) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

// lower > upper for two values of one ordered type (N by value, S and B by unsigned bytes).
bool GreaterThan(const AttributeValue& a, const AttributeValue& b) {
  switch (a.type()) {
    case Type::kN:
      return a.n().Compare(b.n()) > 0;
    case Type::kS:
      return a.s().compare(b.s()) > 0;
    case Type::kB:
      return a.b().compare(b.b()) > 0;
    default:
      return false;
  }
}

// DynamoDB's argument checks, in its order: the count, then per argument its type against
// the operator and against the first argument's type, then BETWEEN's bounds.
Status CheckArguments(const OpInfo& info, const std::vector<AttributeValue>& args) {
  if (args.size() < info.min_args || args.size() > info.max_args) {
    return Invalid("Invalid number of argument(s) for the " + std::string(info.name) +
                   " ComparisonOperator");
  }
  for (const AttributeValue& arg : args) {
    if (!info.accepts(arg.type())) {
      return Invalid("ComparisonOperator " + std::string(info.name) + " is not valid for " +
                     std::string(model::TypeName(arg.type())) + " AttributeValue type");
    }
    if (arg.type() != args.front().type()) {
      return Invalid("AttributeValues inside AttributeValueList must be of same type");
    }
  }
  if (info.op == Op::kBetween && GreaterThan(args[0], args[1])) {
    return Status::Validation(
        "The BETWEEN condition was provided a range where the lower bound is greater than the "
        "upper bound");
  }
  return Status::OK();
}

CompareOp CompareOpOf(Op op) {
  switch (op) {
    case Op::kNe:
      return CompareOp::kNe;
    case Op::kLe:
      return CompareOp::kLe;
    case Op::kLt:
      return CompareOp::kLt;
    case Op::kGe:
      return CompareOp::kGe;
    case Op::kGt:
      return CompareOp::kGt;
    default:
      return CompareOp::kEq;
  }
}

// Builds the AST terms; numbers the synthetic placeholders so ToString and debugging can
// tell the values of one request apart.
class Builder {
 public:
  static Operand Attribute(const std::string& name) {
    Operand o;
    o.kind = Operand::Kind::kPath;
    o.path.elements.push_back(PathElement::Name(name));
    return o;
  }
  Operand Value(const AttributeValue& v) {
    Operand o;
    o.kind = Operand::Kind::kValue;
    o.value.placeholder = ":legacy" + std::to_string(next_++);
    o.value.value = v;
    return o;
  }
  static Condition Function(std::string name, std::vector<Operand> operands) {
    Condition c;
    c.kind = Condition::Kind::kFunction;
    c.function = std::move(name);
    c.operands = std::move(operands);
    return c;
  }
  static Condition Join(Condition::Kind kind, Condition left, Condition right) {
    Condition c;
    c.kind = kind;
    c.children.push_back(std::move(left));
    c.children.push_back(std::move(right));
    return c;
  }
  Condition Compare(CompareOp op, const std::string& name, const AttributeValue& v) {
    Condition c;
    c.kind = Condition::Kind::kCompare;
    c.op = op;
    c.operands = {Attribute(name), Value(v)};
    return c;
  }

  // `args` already passed CheckArguments for `op`.
  Condition Build(Op op, const std::string& name, const std::vector<AttributeValue>& args) {
    switch (op) {
      case Op::kEq:
      case Op::kNe:
      case Op::kLe:
      case Op::kLt:
      case Op::kGe:
      case Op::kGt:
        return Compare(CompareOpOf(op), name, args[0]);
      case Op::kNotNull:
        return Function("attribute_exists", {Attribute(name)});
      case Op::kNull:
        return Function("attribute_not_exists", {Attribute(name)});
      case Op::kContains:
        return Function("contains", {Attribute(name), Value(args[0])});
      case Op::kNotContains: {
        // Unlike "<>", NOT_CONTAINS is false when the attribute is missing, so the negated
        // contains() needs the existence check beside it.
        Condition negated;
        negated.kind = Condition::Kind::kNot;
        negated.children.push_back(Function("contains", {Attribute(name), Value(args[0])}));
        return Join(Condition::Kind::kAnd, Function("attribute_exists", {Attribute(name)}),
                    std::move(negated));
      }
      case Op::kBeginsWith:
        return Function("begins_with", {Attribute(name), Value(args[0])});
      case Op::kIn:
      case Op::kBetween: {
        Condition c;
        c.kind = op == Op::kIn ? Condition::Kind::kIn : Condition::Kind::kBetween;
        c.operands.push_back(Attribute(name));
        for (const AttributeValue& v : args) c.operands.push_back(Value(v));
        return c;
      }
    }
    return Condition();
  }

 private:
  int next_ = 0;
};

// A ComparisonOperator entry of any kind: its arguments are Value (Expected only) or the
// AttributeValueList.
Result<Condition> TranslateComparison(const std::string& name, const LegacyCondition& cond,
                                      Builder* builder) {
  const OpInfo* info = FindOp(*cond.comparison_operator);
  if (info == nullptr) {
    return Status::Internal("unknown ComparisonOperator " + *cond.comparison_operator);
  }
  std::vector<AttributeValue> args;
  if (cond.value) {
    args.push_back(*cond.value);
  } else if (cond.attribute_value_list) {
    args = *cond.attribute_value_list;
  }
  STATOR_RETURN_IF_ERROR(CheckArguments(*info, args));
  return builder->Build(info->op, name, args);
}

// One ExpectedAttributeValue: its shape checks in DynamoDB's order, then the comparison.
Result<Condition> TranslateExpected(const std::string& name, const LegacyCondition& cond,
                                    Builder* builder) {
  const std::string for_attribute = " for Attribute: " + name;
  if (cond.exists && cond.comparison_operator) {
    return Invalid("Exists and ComparisonOperator cannot be used together" + for_attribute);
  }
  if (cond.value && cond.attribute_value_list) {
    return Invalid("Value and AttributeValueList cannot be used together" + for_attribute);
  }
  if (!cond.comparison_operator && cond.attribute_value_list) {
    return Invalid("AttributeValueList can only be used with a ComparisonOperator" + for_attribute);
  }
  if (cond.exists == false && cond.value) {
    return Invalid("Value cannot be used when Exists is false" + for_attribute);
  }
  if (!cond.value && !cond.attribute_value_list) {
    if (cond.comparison_operator) {
      const std::string& op = *cond.comparison_operator;
      if (op != "NULL" && op != "NOT_NULL") {
        return Invalid("Value or AttributeValueList must be used with ComparisonOperator: " + op +
                       for_attribute);
      }
    } else if (!cond.exists) {
      return Invalid("Value must be provided when Exists is null" + for_attribute);
    } else if (*cond.exists) {
      return Invalid("Value must be provided when Exists is true" + for_attribute);
    }
  }
  if (cond.comparison_operator) return TranslateComparison(name, cond, builder);
  if (cond.exists == false)
    return Builder::Function("attribute_not_exists", {Builder::Attribute(name)});
  return builder->Compare(CompareOp::kEq, name, *cond.value);
}

// The request-level rule on ConditionalOperator, after the entries' own checks.
Status CheckConditionalOperator(size_t entries, const std::optional<std::string>& op) {
  if (!op) return Status::OK();
  if (entries == 0) {
    return Status::Validation("ConditionalOperator cannot be used without Filter or Expected");
  }
  if (entries == 1) {
    return Status::Validation(
        "ConditionalOperator can only be used when Filter or Expected has two or more elements");
  }
  if (*op != "AND" && *op != "OR") return Status::Internal("unknown ConditionalOperator " + *op);
  return Status::OK();
}

bool IsSet(Type t) { return t == Type::kSS || t == Type::kNS || t == Type::kBS; }

}  // namespace

Result<std::optional<ResolvedCondition>> TranslateLegacyConditions(
    const LegacyConditions& conditions, const std::optional<std::string>& conditional_operator,
    LegacyKind kind) {
  Builder builder;
  std::vector<Condition> terms;
  for (const auto& [name, cond] : conditions) {
    if (kind == LegacyKind::kExpected) {
      STATOR_ASSIGN_OR_RETURN(Condition term, TranslateExpected(name, cond, &builder));
      terms.push_back(std::move(term));
      continue;
    }
    if (!cond.comparison_operator) {
      return Status::Internal("legacy condition without ComparisonOperator for " + name);
    }
    STATOR_ASSIGN_OR_RETURN(Condition term, TranslateComparison(name, cond, &builder));
    terms.push_back(std::move(term));
  }

  Condition::Kind join = Condition::Kind::kAnd;
  if (kind == LegacyKind::kKeyConditions) {
    // A single-attribute key takes at most 2 (checked against the schema
    // later); a multi-attribute index key up to 8.
    if (terms.empty() || terms.size() > kMaxKeyConditions) {
      return Status::Validation("Conditions can be of length 1 or 2 only");
    }
  } else {
    STATOR_RETURN_IF_ERROR(CheckConditionalOperator(terms.size(), conditional_operator));
    if (conditional_operator == "OR") join = Condition::Kind::kOr;
  }
  if (terms.empty()) return std::optional<ResolvedCondition>();

  Condition root = std::move(terms[0]);
  for (size_t i = 1; i < terms.size(); ++i) {
    root = Builder::Join(join, std::move(root), std::move(terms[i]));
  }
  return std::optional<ResolvedCondition>(ResolvedCondition{std::move(root)});
}

Status CheckIndexableKeyCondition(const LegacyCondition& condition) {
  static constexpr std::string_view kNotIndexable[] = {"NULL",     "NOT_NULL", "NE",
                                                       "CONTAINS", "IN",       "NOT_CONTAINS"};
  if (!condition.comparison_operator) return Status::OK();
  for (std::string_view op : kNotIndexable) {
    if (*condition.comparison_operator == op) {
      return Status::Validation("Attempted conditional constraint is not an indexable operation");
    }
  }
  return Status::OK();
}

Result<ResolvedUpdate> TranslateAttributeUpdates(const LegacyAttributeUpdates& updates) {
  Builder builder;
  ResolvedUpdate out;
  for (const auto& [name, update] : updates) {
    const std::string action = update.action.value_or("PUT");
    if (action != "PUT" && action != "ADD" && action != "DELETE") {
      return Status::Internal("unknown AttributeUpdates Action " + action);
    }
    if (!update.value && action != "DELETE") {
      return Invalid("Only DELETE action is allowed when no attribute value is specified");
    }
    UpdateAction a;
    a.path = Builder::Attribute(name).path;
    if (!update.value) {
      a.kind = UpdateAction::Kind::kRemove;
      out.actions.push_back(std::move(a));
      continue;
    }
    const Type type = update.value->type();
    // Type names as DynamoDB prints them here: the short tags ("S", "BOOL"), not the
    // expression messages' "STRING"/"BOOLEAN".
    const std::string type_name(model::TypeName(type));
    if (action == "DELETE" && !IsSet(type)) {
      return Invalid("DELETE action with value is not supported for the type " + type_name);
    }
    if (action == "ADD" && type != Type::kN && type != Type::kL && !IsSet(type)) {
      return Invalid("ADD action is not supported for the type " + type_name);
    }
    a.kind = action == "PUT"   ? UpdateAction::Kind::kSet
             : action == "ADD" ? UpdateAction::Kind::kAdd
                               : UpdateAction::Kind::kDelete;
    a.value = builder.Value(*update.value);
    out.actions.push_back(std::move(a));
  }
  return out;
}

}  // namespace stator::expr

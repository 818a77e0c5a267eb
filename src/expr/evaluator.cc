#include "expr/evaluator.h"

#include <algorithm>
#include <optional>

namespace stator::expr {
namespace {

using model::AttributeValue;
using model::Type;

// An operand's value: absent when its path is missing.
using Value = std::optional<AttributeValue>;

class Evaluator {
 public:
  Evaluator(const model::Item& item, ExpressionKind kind) : item_(item), kind_(kind) {}

  Result<bool> Eval(const Condition& c) {
    switch (c.kind) {
      case Condition::Kind::kAnd: {
        STATOR_ASSIGN_OR_RETURN(bool left, Eval(c.children[0]));
        if (!left) return false;
        return Eval(c.children[1]);
      }
      case Condition::Kind::kOr: {
        STATOR_ASSIGN_OR_RETURN(bool left, Eval(c.children[0]));
        if (left) return true;
        return Eval(c.children[1]);
      }
      case Condition::Kind::kNot: {
        STATOR_ASSIGN_OR_RETURN(bool inner, Eval(c.children[0]));
        return !inner;
      }
      case Condition::Kind::kCompare: {
        STATOR_ASSIGN_OR_RETURN(Value a, Operand(c.operands[0]));
        STATOR_ASSIGN_OR_RETURN(Value b, Operand(c.operands[1]));
        return Compare(c.op, a, b);
      }
      case Condition::Kind::kBetween: {
        STATOR_ASSIGN_OR_RETURN(Value x, Operand(c.operands[0]));
        STATOR_ASSIGN_OR_RETURN(Value low, Operand(c.operands[1]));
        STATOR_ASSIGN_OR_RETURN(Value high, Operand(c.operands[2]));
        return Compare(CompareOp::kGe, x, low) && Compare(CompareOp::kLe, x, high);
      }
      case Condition::Kind::kIn: {
        STATOR_ASSIGN_OR_RETURN(Value x, Operand(c.operands[0]));
        for (size_t i = 1; i < c.operands.size(); ++i) {
          STATOR_ASSIGN_OR_RETURN(Value candidate, Operand(c.operands[i]));
          if (Compare(CompareOp::kEq, x, candidate)) return true;
        }
        return false;
      }
      case Condition::Kind::kFunction:
        return Function(c);
    }
    return false;
  }

 private:
  Result<Value> Operand(const expr::Operand& op) {
    switch (op.kind) {
      case expr::Operand::Kind::kPath: {
        const AttributeValue* v = Lookup(item_, op.path);
        return v == nullptr ? Value() : Value(*v);
      }
      case expr::Operand::Kind::kValue:
        return Value(op.value.value);
      case expr::Operand::Kind::kFunction:
        if (op.function == "size") return Size(op.args[0]);
        break;
      default:
        break;
    }
    return Status::Validation("Invalid " + std::string(ExpressionKindName(kind_)) +
                              ": The function is not allowed in this expression; function: " +
                              op.function);
  }

  Result<Value> Size(const expr::Operand& arg) {
    STATOR_ASSIGN_OR_RETURN(Value v, Operand(arg));
    if (!v) return Value();
    size_t n = 0;
    switch (v->type()) {
      case Type::kS: n = v->s().size(); break;
      case Type::kB: n = v->b().size(); break;
      case Type::kSS: n = v->ss().size(); break;
      case Type::kNS: n = v->ns().size(); break;
      case Type::kBS: n = v->bs().size(); break;
      case Type::kL: n = v->l().size(); break;
      case Type::kM: n = v->m().size(); break;
      default:
        return Status::Validation(
            "Invalid " + std::string(ExpressionKindName(kind_)) +
            ": Incorrect operand type for operator or function; operator or function: size, "
            "operand type: " + std::string(model::TypeName(v->type())));
    }
    return Value(AttributeValue::N(model::Number::Parse(std::to_string(n)).value()));
  }

  // <0, 0, >0; nullopt when the two are not ordered (different or unordered types).
  static std::optional<int> Order(const AttributeValue& a, const AttributeValue& b) {
    if (a.type() != b.type()) return std::nullopt;
    switch (a.type()) {
      case Type::kN: return a.n().Compare(b.n());
      case Type::kS: return a.s().compare(b.s());  // std::string compares as unsigned bytes
      case Type::kB: return a.b().compare(b.b());
      default: return std::nullopt;
    }
  }

  static bool Compare(CompareOp op, const Value& a, const Value& b) {
    if (op == CompareOp::kNe) return !a || !b || !(*a == *b);
    if (!a || !b) return false;
    if (op == CompareOp::kEq) return *a == *b;
    std::optional<int> order = Order(*a, *b);
    if (!order) return false;
    switch (op) {
      case CompareOp::kLt: return *order < 0;
      case CompareOp::kLe: return *order <= 0;
      case CompareOp::kGt: return *order > 0;
      case CompareOp::kGe: return *order >= 0;
      default: return false;
    }
  }

  Result<bool> Function(const Condition& c) {
    const std::string& f = c.function;
    if (f == "attribute_exists" || f == "attribute_not_exists") {
      bool exists = Lookup(item_, c.operands[0].path) != nullptr;
      return f == "attribute_exists" ? exists : !exists;
    }
    STATOR_ASSIGN_OR_RETURN(Value a, Operand(c.operands[0]));
    STATOR_ASSIGN_OR_RETURN(Value b, Operand(c.operands[1]));
    if (!a || !b) return false;
    if (f == "attribute_type") {
      return b->type() == Type::kS && model::TypeName(a->type()) == b->s();
    }
    if (f == "begins_with") {
      if (a->type() != b->type()) return false;
      if (a->type() == Type::kS) return a->s().rfind(b->s(), 0) == 0;
      if (a->type() == Type::kB) return a->b().rfind(b->b(), 0) == 0;
      return false;
    }
    if (f == "contains") return Contains(*a, *b);
    return false;
  }

  static bool Contains(const AttributeValue& a, const AttributeValue& b) {
    switch (a.type()) {
      case Type::kS:
        return b.type() == Type::kS && a.s().find(b.s()) != std::string::npos;
      case Type::kB:
        return b.type() == Type::kB && a.b().find(b.b()) != std::string::npos;
      case Type::kSS:
        return b.type() == Type::kS &&
               std::find(a.ss().begin(), a.ss().end(), b.s()) != a.ss().end();
      case Type::kBS:
        return b.type() == Type::kB &&
               std::find(a.bs().begin(), a.bs().end(), b.b()) != a.bs().end();
      case Type::kNS:
        return b.type() == Type::kN &&
               std::any_of(a.ns().begin(), a.ns().end(),
                           [&](const model::Number& n) { return n == b.n(); });
      case Type::kL:
        return std::any_of(a.l().begin(), a.l().end(),
                           [&](const AttributeValue& e) { return e == b; });
      default:
        return false;
    }
  }

  const model::Item& item_;
  ExpressionKind kind_;
};

}  // namespace

const AttributeValue* Lookup(const model::Item& item, const Path& path) {
  if (path.elements.empty()) return nullptr;
  auto top = item.find(path.elements[0].name);
  if (top == item.end()) return nullptr;
  const AttributeValue* current = &top->second;
  for (size_t i = 1; i < path.elements.size(); ++i) {
    const PathElement& e = path.elements[i];
    if (e.kind == PathElement::Kind::kIndex) {
      if (current->type() != Type::kL || e.index >= current->l().size()) return nullptr;
      current = &current->l()[e.index];
    } else {
      if (current->type() != Type::kM) return nullptr;
      auto it = current->m().find(e.name);
      if (it == current->m().end()) return nullptr;
      current = &it->second;
    }
  }
  return current;
}

Result<bool> Evaluate(const ResolvedCondition& condition, const model::Item& item,
                      ExpressionKind kind) {
  return Evaluator(item, kind).Eval(condition.root);
}

}  // namespace stator::expr

#include "expr/ast.h"

namespace stator::expr {

std::string_view ExpressionKindName(ExpressionKind kind) {
  switch (kind) {
    case ExpressionKind::kCondition:
      return "ConditionExpression";
    case ExpressionKind::kFilter:
      return "FilterExpression";
    case ExpressionKind::kKeyCondition:
      return "KeyConditionExpression";
    case ExpressionKind::kProjection:
      return "ProjectionExpression";
    case ExpressionKind::kUpdate:
      return "UpdateExpression";
  }
  return "Expression";
}

std::string_view CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "<>";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

std::string ToString(const Path& path) {
  std::string out;
  for (const PathElement& e : path.elements) {
    if (e.kind == PathElement::Kind::kIndex) {
      out += "[" + std::to_string(e.index) + "]";
    } else {
      if (!out.empty()) out += ".";
      out += e.name;
    }
  }
  return out;
}

std::string PathForMessage(const Path& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.elements.size(); ++i) {
    const PathElement& e = path.elements[i];
    if (i > 0) out += ", ";
    out += e.kind == PathElement::Kind::kIndex ? "[" + std::to_string(e.index) + "]" : e.name;
  }
  return out + "]";
}

std::string ValueForMessage(const model::AttributeValue& value) {
  std::string body;
  switch (value.type()) {
    case model::Type::kS:
      body = value.s();
      break;
    case model::Type::kN:
      body = value.n().ToString();
      break;
    case model::Type::kB: {
      // DynamoDB renders a binary value as its Java buffer's description,
      // never the raw bytes, so the message stays valid UTF-8.
      const std::string n = std::to_string(value.b().size());
      body = "java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]";
      break;
    }
    case model::Type::kBool:
      body = value.boolean() ? "true" : "false";
      break;
    case model::Type::kNull:
      body = "true";
      break;
    default:
      body = "...";
      break;
  }
  return "{" + std::string(model::TypeName(value.type())) + ":" + body + "}";
}

std::string ToString(const Operand& operand) {
  switch (operand.kind) {
    case Operand::Kind::kPath:
      return ToString(operand.path);
    case Operand::Kind::kValue:
      return operand.value.value ? ValueForMessage(*operand.value.value)
                                 : operand.value.placeholder;
    case Operand::Kind::kFunction:
    case Operand::Kind::kPlus:
    case Operand::Kind::kMinus: {
      std::string out = "(";
      out += operand.kind == Operand::Kind::kFunction ? operand.function
             : operand.kind == Operand::Kind::kPlus   ? "+"
                                                      : "-";
      for (const Operand& a : operand.args) out += " " + ToString(a);
      return out + ")";
    }
  }
  return "?";
}

std::string ToString(const Condition& c) {
  std::string out = "(";
  switch (c.kind) {
    case Condition::Kind::kCompare:
      out += CompareOpName(c.op);
      break;
    case Condition::Kind::kBetween:
      out += "BETWEEN";
      break;
    case Condition::Kind::kIn:
      out += "IN";
      break;
    case Condition::Kind::kFunction:
      out += c.function;
      break;
    case Condition::Kind::kAnd:
      out += "AND";
      break;
    case Condition::Kind::kOr:
      out += "OR";
      break;
    case Condition::Kind::kNot:
      out += "NOT";
      break;
  }
  for (const Operand& o : c.operands) out += " " + ToString(o);
  for (const Condition& child : c.children) out += " " + ToString(child);
  return out + ")";
}

std::string ToString(const ConditionExpr& expr) { return ToString(expr.root); }

std::string ToString(const ProjectionExpr& expr) {
  std::string out;
  for (const Path& p : expr.paths) out += (out.empty() ? "" : ", ") + ToString(p);
  return out;
}

std::string ToString(const UpdateExpr& expr) {
  static constexpr std::string_view kNames[] = {"SET", "REMOVE", "ADD", "DELETE"};
  std::string out;
  for (const UpdateAction& a : expr.actions) {
    if (!out.empty()) out += "; ";
    out += kNames[static_cast<int>(a.kind)];
    out += " " + ToString(a.path);
    if (a.kind != UpdateAction::Kind::kRemove) out += " " + ToString(a.value);
  }
  return out;
}

}  // namespace stator::expr

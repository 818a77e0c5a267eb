// The expression grammar of the PartiQL parser (parser.h): OR, AND, NOT, predicates, sums,
// products, unary signs and primaries.
#include <cctype>
#include <utility>

#include "model/number.h"
#include "partiql/parser_impl.h"

namespace stator::partiql::internal {

Result<ExprPtr> Parser::ParseExpr() {
  DepthGuard guard(&depth_);
  if (guard.too_deep()) return NotWellFormed("Statement is nested too deeply");
  return ParseOr();
}

Result<ExprPtr> Parser::ParseLeftAssociative(std::string_view op,
                                              Result<ExprPtr> (Parser::*operand)()) {
  STATOR_ASSIGN_OR_RETURN(ExprPtr left, (this->*operand)());
  while (AcceptOperator(op)) {
    STATOR_RETURN_IF_ERROR(CheckRightHandSide());
    STATOR_ASSIGN_OR_RETURN(ExprPtr right, (this->*operand)());
    left = MakeBinary(std::string(op), std::move(left), std::move(right));
  }
  return left;
}

Result<ExprPtr> Parser::ParseOr() { return ParseLeftAssociative("or", &Parser::ParseAnd); }

Result<ExprPtr> Parser::ParseAnd() { return ParseLeftAssociative("and", &Parser::ParseNot); }

Result<ExprPtr> Parser::ParseNot() {
  if (!AtOperator("not")) return ParsePredicate();
  const Span span = Next().span;
  DepthGuard guard(&depth_);
  if (guard.too_deep()) return NotWellFormed("Statement is nested too deeply");
  STATOR_ASSIGN_OR_RETURN(ExprPtr operand, ParseNot());
  ExprPtr e = MakeExpr(Expr::Kind::kNot, span);
  e->args.push_back(std::move(operand));
  return e;
}

Result<ExprPtr> Parser::ParsePredicate() {
  STATOR_ASSIGN_OR_RETURN(ExprPtr left, ParseSum());
  const Token& t = Peek();
  if (t.kind != TokenKind::kOperator) return left;
  static constexpr std::string_view kComparisons[] = {"=", "<>", "<", "<=", ">", ">="};
  for (std::string_view op : kComparisons) {
    if (t.text != op) continue;
    Next();
    STATOR_RETURN_IF_ERROR(CheckRightHandSide());
    STATOR_ASSIGN_OR_RETURN(ExprPtr right, ParseSum());
    return MakeBinary(std::string(op), std::move(left), std::move(right));
  }
  if (t.text == "between" || t.text == "not_between") {
    ExprPtr e = MakeExpr(Expr::Kind::kBetween, left->span);
    e->negated = Next().text == "not_between";
    e->args.push_back(std::move(left));
    STATOR_ASSIGN_OR_RETURN(ExprPtr low, ParseSum());
    if (!AcceptOperator("and")) return Unexpected();
    STATOR_ASSIGN_OR_RETURN(ExprPtr high, ParseSum());
    e->args.push_back(std::move(low));
    e->args.push_back(std::move(high));
    return e;
  }
  if (t.text == "in" || t.text == "not_in") {
    ExprPtr e = MakeExpr(Expr::Kind::kIn, left->span);
    e->negated = Next().text == "not_in";
    e->args.push_back(std::move(left));
    ExprPtr list;
    if (Peek().kind == TokenKind::kLeftParen) {
      const Span span = Next().span;
      STATOR_ASSIGN_OR_RETURN(list, ParseCollection(Expr::Kind::kList, TokenKind::kRightParen));
      list->span = span;
    } else if (Peek().kind == TokenKind::kLeftBracket) {
      const Span span = Next().span;
      STATOR_ASSIGN_OR_RETURN(list, ParseCollection(Expr::Kind::kList, TokenKind::kRightBracket));
      list->span = span;
    } else {
      return Status::Validation(
          "IN operator must have a left hand argument of type Variable Reference and right hand "
          "argument of type Seq with at least one member");
    }
    e->args.push_back(std::move(list));
    return e;
  }
  if (t.text == "is" || t.text == "is_not") {
    ExprPtr e = MakeExpr(Expr::Kind::kIs, left->span);
    e->negated = Next().text == "is_not";
    if (Accept(TokenKind::kMissing)) {
      e->is_type = "MISSING";
    } else if (Accept(TokenKind::kNull)) {
      e->is_type = "NULL";
    } else if (Peek().kind == TokenKind::kKeyword) {
      // IS <type>: the PartiQL types with a DynamoDB counterpart.
      static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
          {"boolean", "BOOL"}, {"blob", "B"},   {"string", "S"}, {"numeric", "N"},
          {"struct", "M"},     {"tuple", "M"},  {"list", "L"}};
      const std::string& word = Next().text;
      for (const auto& [name, type] : kTypes) {
        if (word == name) e->is_type = type;
      }
      if (e->is_type.empty()) return Status::Validation("Unsupported operation: IsType");
    } else {
      return NotWellFormed("Expected type name");
    }
    e->args.push_back(std::move(left));
    return e;
  }
  if (t.text == "like" || t.text == "not_like") {
    return Status::Validation("Unsupported operator in Condition Expression. Operator: like");
  }
  return left;
}

Result<ExprPtr> Parser::ParseSum() {
  STATOR_ASSIGN_OR_RETURN(ExprPtr left, ParseProduct());
  while (AtOperator("+") || AtOperator("-") || AtOperator("||")) {
    std::string op = Next().text;
    STATOR_RETURN_IF_ERROR(CheckRightHandSide());
    STATOR_ASSIGN_OR_RETURN(ExprPtr right, ParseProduct());
    left = MakeBinary(std::move(op), std::move(left), std::move(right));
  }
  return left;
}

Result<ExprPtr> Parser::ParseProduct() {
  STATOR_ASSIGN_OR_RETURN(ExprPtr left, ParseUnary());
  while (Peek().kind == TokenKind::kStar || AtOperator("/") || AtOperator("%")) {
    std::string op = Peek().kind == TokenKind::kStar ? "*" : Peek().text;
    Next();
    STATOR_RETURN_IF_ERROR(CheckRightHandSide());
    STATOR_ASSIGN_OR_RETURN(ExprPtr right, ParseUnary());
    left = MakeBinary(std::move(op), std::move(left), std::move(right));
  }
  return left;
}

Result<ExprPtr> Parser::ParseUnary() {
  if (AtOperator("-") || AtOperator("+")) {
    const Token& sign = Next();
    const bool minus = sign.text == "-";
    const Span span = sign.span;
    DepthGuard guard(&depth_);
    if (guard.too_deep()) return NotWellFormed("Statement is nested too deeply");
    // A signed number literal stays one literal, so "-5" keys and values read as -5.
    const Token& t = Peek();
    if (t.kind == TokenKind::kLiteral &&
        (t.literal == LiteralKind::kInteger || t.literal == LiteralKind::kDecimal)) {
      STATOR_ASSIGN_OR_RETURN(model::Number n,
                              model::Number::Parse((minus ? "-" : "") + Next().text));
      ExprPtr e = MakeExpr(Expr::Kind::kLiteral, span);
      e->literal = model::AttributeValue::N(std::move(n));
      return e;
    }
    STATOR_ASSIGN_OR_RETURN(ExprPtr operand, ParseUnary());
    if (!minus) return operand;
    ExprPtr e = MakeExpr(Expr::Kind::kNegate, span);
    e->args.push_back(std::move(operand));
    return e;
  }
  return ParsePrimary();
}

Result<ExprPtr> Parser::ParseLiteral() {
  const Token& t = Next();
  ExprPtr e = MakeExpr(Expr::Kind::kLiteral, t.span);
  switch (t.literal) {
    case LiteralKind::kString:
      e->literal = model::AttributeValue::S(t.text);
      break;
    case LiteralKind::kInteger:
    case LiteralKind::kDecimal: {
      STATOR_ASSIGN_OR_RETURN(model::Number n, model::Number::Parse(t.text));
      e->literal = model::AttributeValue::N(std::move(n));
      break;
    }
    case LiteralKind::kTrue:
    case LiteralKind::kFalse:
      e->literal = model::AttributeValue::Bool(t.literal == LiteralKind::kTrue);
      break;
    case LiteralKind::kNone:
      return NotWellFormed("Unexpected token" + SpanSuffix(t.span));
  }
  return e;
}

// The elements up to `close` (the opening token already read), comma-separated.
Result<ExprPtr> Parser::ParseCollection(Expr::Kind kind, TokenKind close) {
  ExprPtr e = MakeExpr(kind, Peek().span);
  DepthGuard guard(&depth_);
  if (guard.too_deep()) return NotWellFormed("Statement is nested too deeply");
  if (Accept(close)) return e;
  do {
    STATOR_ASSIGN_OR_RETURN(ExprPtr element, ParseExpr());
    e->args.push_back(std::move(element));
  } while (Accept(TokenKind::kComma));
  STATOR_RETURN_IF_ERROR(Expect(close));
  return e;
}

Result<ExprPtr> Parser::ParseTuple() {
  ExprPtr e = MakeExpr(Expr::Kind::kTuple, Next().span);
  DepthGuard guard(&depth_);
  if (guard.too_deep()) return NotWellFormed("Statement is nested too deeply");
  if (Accept(TokenKind::kRightCurly)) return e;
  do {
    const Token& key = Peek();
    if (key.kind != TokenKind::kLiteral || key.literal != LiteralKind::kString) {
      // DynamoDB's map keys are string literals: 'name'.
      if (key.kind == TokenKind::kEof) return Unexpected();
      return NotWellFormed("Map keys must be string literals" + SpanSuffix(key.span));
    }
    e->key_spans.push_back(key.span);
    e->keys.push_back(Next().text);
    STATOR_RETURN_IF_ERROR(Expect(TokenKind::kColon));
    STATOR_ASSIGN_OR_RETURN(ExprPtr value, ParseExpr());
    e->args.push_back(std::move(value));
  } while (Accept(TokenKind::kComma));
  STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightCurly));
  return e;
}

// name(args) is a function call; anything else starting with a name is a path.
Result<ExprPtr> Parser::ParseCallOrPath() {
  const Token& t = Peek();
  const bool callable = t.kind == TokenKind::kIdentifier ||
                        (t.kind == TokenKind::kKeyword && (t.text == "size" || t.text == "exists"));
  if (callable && Peek(1).kind == TokenKind::kLeftParen) {
    std::string function = t.text;
    for (char& c : function) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ExprPtr e = MakeExpr(Expr::Kind::kCall, t.span);
    e->function = std::move(function);
    Next();
    Next();
    ExprPtr args;
    STATOR_ASSIGN_OR_RETURN(args, ParseCollection(Expr::Kind::kList, TokenKind::kRightParen));
    e->args = std::move(args->args);
    return e;
  }
  ExprPtr e = MakeExpr(Expr::Kind::kPath, t.span);
  STATOR_ASSIGN_OR_RETURN(e->path, ParsePath());
  return e;
}

Result<ExprPtr> Parser::ParseParenthesized() {
  const Span span = Next().span;
  if (AtKeyword("select")) {
    STATOR_ASSIGN_OR_RETURN(SelectStatement select, ParseSelect());
    STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
    ExprPtr e = MakeExpr(Expr::Kind::kSubquery, span);
    e->select = std::make_shared<const SelectStatement>(std::move(select));
    return e;
  }
  STATOR_ASSIGN_OR_RETURN(ExprPtr inner, ParseExpr());
  STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  return inner;
}

Result<ExprPtr> Parser::ParsePrimary() {
  const Token& t = Peek();
  switch (t.kind) {
    case TokenKind::kLiteral:
      return ParseLiteral();
    case TokenKind::kNull: {
      ExprPtr e = MakeExpr(Expr::Kind::kLiteral, Next().span);
      e->literal = model::AttributeValue::MakeNull();
      return e;
    }
    case TokenKind::kMissing:
      return MakeExpr(Expr::Kind::kMissing, Next().span);
    case TokenKind::kQuestionMark: {
      ExprPtr e = MakeExpr(Expr::Kind::kParameter, t.span);
      e->parameter = Next().parameter;
      return e;
    }
    case TokenKind::kLeftParen:
      return ParseParenthesized();
    case TokenKind::kLeftBracket: {
      const Span span = Next().span;
      STATOR_ASSIGN_OR_RETURN(ExprPtr list,
                              ParseCollection(Expr::Kind::kList, TokenKind::kRightBracket));
      list->span = span;
      return list;
    }
    case TokenKind::kLeftDoubleAngle: {
      const Span span = Next().span;
      STATOR_ASSIGN_OR_RETURN(ExprPtr bag,
                              ParseCollection(Expr::Kind::kBag, TokenKind::kRightDoubleAngle));
      bag->span = span;
      return bag;
    }
    case TokenKind::kLeftCurly:
      return ParseTuple();
    case TokenKind::kIdentifier:
    case TokenKind::kQuotedIdentifier:
    case TokenKind::kKeyword:
      if (t.kind == TokenKind::kKeyword && t.text != "size" && t.text != "exists") {
        return UnexpectedTerm();
      }
      return ParseCallOrPath();
    case TokenKind::kIonLiteral:
      return Status::Validation("Ion Literals are not supported: " + t.text);
    default:
      return UnexpectedTerm();
  }
}


}  // namespace stator::partiql::internal

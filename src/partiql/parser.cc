#include "partiql/parser.h"

#include <utility>

#include "model/number.h"

namespace stator::partiql {
namespace {

// Nesting deeper than this (parentheses, lists, maps, NOT chains) is refused rather than
// risking the stack: DynamoDB's own documents nest at most 32 levels.
constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<Statement> ParseStatement();

 private:
  const Token& Peek(size_t ahead = 0) const {
    const size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool AtKeyword(std::string_view word, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kKeyword && t.text == word;
  }
  bool AtOperator(std::string_view op) const {
    return Peek().kind == TokenKind::kOperator && Peek().text == op;
  }
  bool Accept(TokenKind kind) {
    if (Peek().kind != kind) return false;
    Next();
    return true;
  }
  bool AcceptKeyword(std::string_view word) {
    if (!AtKeyword(word)) return false;
    Next();
    return true;
  }
  bool AcceptOperator(std::string_view op) {
    if (!AtOperator(op)) return false;
    Next();
    return true;
  }

  // The error for the token at hand: what kind of token stands where another was needed.
  Status Unexpected() const;
  // The error for the token at hand where a term (an operand) was needed.
  Status UnexpectedTerm() const;
  // After an infix operator: its right-hand side must follow.
  Status CheckRightHandSide() const;
  Status Expect(TokenKind kind);
  Status ExpectKeyword(std::string_view word);

  Result<std::string> ParseName();
  // The table a DML statement names (INSERT INTO, UPDATE, DELETE FROM).
  Result<std::string> ParseTarget();
  // DynamoDB refuses aliases after a table name.
  Status RefuseAlias() const;
  Result<Path> ParsePath();
  Result<SelectStatement> ParseSelect();
  Result<InsertStatement> ParseInsert();
  Result<UpdateStatement> ParseUpdate();
  Result<DeleteStatement> ParseDelete();
  Result<ExistsStatement> ParseExists();
  Result<Returning> ParseReturning();

  Result<ExprPtr> ParseExpr();
  // operand {op operand}, grouped to the left.
  Result<ExprPtr> ParseLeftAssociative(std::string_view op, Result<ExprPtr> (Parser::*operand)());
  Result<ExprPtr> ParseOr();
  Result<ExprPtr> ParseAnd();
  Result<ExprPtr> ParseNot();
  Result<ExprPtr> ParsePredicate();
  Result<ExprPtr> ParseSum();
  Result<ExprPtr> ParseProduct();
  Result<ExprPtr> ParseUnary();
  Result<ExprPtr> ParsePrimary();
  Result<ExprPtr> ParseLiteral();
  Result<ExprPtr> ParseCollection(Expr::Kind kind, TokenKind close);
  Result<ExprPtr> ParseTuple();
  Result<ExprPtr> ParseCallOrPath();
  Result<ExprPtr> ParseParenthesized();

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

ExprPtr MakeExpr(Expr::Kind kind, Span span) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->span = span;
  return e;
}

ExprPtr MakeBinary(std::string op, ExprPtr left, ExprPtr right) {
  ExprPtr e = MakeExpr(Expr::Kind::kBinary, left->span);
  e->op = std::move(op);
  e->args.push_back(std::move(left));
  e->args.push_back(std::move(right));
  return e;
}

// Guards one level of recursion.
class DepthGuard {
 public:
  explicit DepthGuard(int* depth) : depth_(depth) { ++*depth_; }
  ~DepthGuard() { --*depth_; }
  bool too_deep() const { return *depth_ > kMaxDepth; }

 private:
  int* depth_;
};

bool IsKeywordKind(TokenKind kind) {
  switch (kind) {
    case TokenKind::kKeyword:
    case TokenKind::kAs:
    case TokenKind::kAt:
    case TokenKind::kBy:
    case TokenKind::kFor:
    case TokenKind::kAsc:
    case TokenKind::kDesc:
      return true;
    default:
      return false;
  }
}

Status Parser::UnexpectedTerm() const {
  const Token& t = Peek();
  if (IsKeywordKind(t.kind)) return NotWellFormed("Unexpected keyword");
  if (t.kind == TokenKind::kOperator) return NotWellFormed("Unexpected operator");
  return NotWellFormed("Unexpected term");
}

Status Parser::CheckRightHandSide() const {
  const Token& t = Peek();
  if (t.kind == TokenKind::kEof || t.kind == TokenKind::kRightParen ||
      t.kind == TokenKind::kSemicolon || (t.kind == TokenKind::kKeyword && t.text != "size" &&
                                          t.text != "exists")) {
    return NotWellFormed("Missing right-hand side expression of infix operator");
  }
  return Status::OK();
}

Result<std::string> Parser::ParseTarget() {
  const Token& t = Peek();
  if (t.kind != TokenKind::kIdentifier && t.kind != TokenKind::kQuotedIdentifier) {
    return NotWellFormed("Expected identifier for simple path");
  }
  std::string name = Next().text;
  if (Peek().kind == TokenKind::kDot) {
    return Status::Validation("This operation is not supported on an index");
  }
  return name;
}

Status Parser::RefuseAlias() const {
  const Token& t = Peek();
  if (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier ||
      t.kind == TokenKind::kAs) {
    return Status::Validation("Aliasing is not supported");
  }
  return Status::OK();
}

Status Parser::Unexpected() const {
  const Token& t = Peek();
  switch (t.kind) {
    case TokenKind::kEof:
      return NotWellFormed("Unexpected end of statement");
    case TokenKind::kKeyword:
    case TokenKind::kAs:
    case TokenKind::kAt:
    case TokenKind::kBy:
    case TokenKind::kFor:
    case TokenKind::kAsc:
    case TokenKind::kDesc:
    case TokenKind::kMissing:
    case TokenKind::kNull:
      return NotWellFormed("Unexpected keyword" + SpanSuffix(t.span));
    default:
      return NotWellFormed("Unexpected token" + SpanSuffix(t.span));
  }
}

Status Parser::Expect(TokenKind kind) {
  if (Accept(kind)) return Status::OK();
  return Unexpected();
}

Status Parser::ExpectKeyword(std::string_view word) {
  if (AcceptKeyword(word)) return Status::OK();
  return Unexpected();
}

Result<std::string> Parser::ParseName() {
  const Token& t = Peek();
  if (t.kind != TokenKind::kIdentifier && t.kind != TokenKind::kQuotedIdentifier) {
    return Unexpected();
  }
  return Next().text;
}

Result<Path> Parser::ParsePath() {
  Path path;
  path.span = Peek().span;
  STATOR_ASSIGN_OR_RETURN(path.root, ParseName());
  while (true) {
    if (Peek().kind == TokenKind::kDot) {
      Next();
      STATOR_ASSIGN_OR_RETURN(std::string name, ParseName());
      path.steps.push_back({PathStep::Kind::kName, std::move(name), 0});
    } else if (Peek().kind == TokenKind::kLeftBracket) {
      Next();
      const Token& t = Peek();
      if (t.kind == TokenKind::kLiteral && t.literal == LiteralKind::kString) {
        path.steps.push_back({PathStep::Kind::kName, Next().text, 0});
      } else if (t.kind == TokenKind::kLiteral && t.literal == LiteralKind::kInteger) {
        const std::string& digits = t.text;
        if (digits.size() > 10 || std::stoll(digits) > INT32_MAX) {
          return NotWellFormed("List index out of range" + SpanSuffix(t.span));
        }
        path.steps.push_back({PathStep::Kind::kIndex, {}, static_cast<uint32_t>(std::stoll(digits))});
        Next();
      } else {
        return Unexpected();
      }
      STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightBracket));
    } else {
      return path;
    }
  }
}

Result<Statement> Parser::ParseStatement() {
  Statement statement;
  if (AtKeyword("select")) {
    STATOR_ASSIGN_OR_RETURN(statement.body, ParseSelect());
  } else if (AtKeyword("insert_into")) {
    STATOR_ASSIGN_OR_RETURN(statement.body, ParseInsert());
  } else if (AtKeyword("update")) {
    STATOR_ASSIGN_OR_RETURN(statement.body, ParseUpdate());
  } else if (AtKeyword("delete")) {
    STATOR_ASSIGN_OR_RETURN(statement.body, ParseDelete());
  } else if (AtKeyword("exists")) {
    STATOR_ASSIGN_OR_RETURN(statement.body, ParseExists());
  } else {
    return NotWellFormed("Expected data manipulation");
  }
  Accept(TokenKind::kSemicolon);
  if (Peek().kind != TokenKind::kEof) return NotWellFormed("Unexpected token after expression");
  for (const Token& t : tokens_) {
    if (t.kind == TokenKind::kQuestionMark) statement.parameter_count = t.parameter;
  }
  return statement;
}

Result<SelectStatement> Parser::ParseSelect() {
  SelectStatement select;
  STATOR_RETURN_IF_ERROR(ExpectKeyword("select"));
  if (Accept(TokenKind::kStar)) {
    select.star = true;
  } else {
    do {
      if (Peek(1).kind == TokenKind::kLeftParen) {
        // A function (COUNT(*), attribute_exists(x), ...) where a path belongs.
        return Status::Validation("Unexpected path component" + SpanSuffix(Peek().span));
      }
      STATOR_ASSIGN_OR_RETURN(Path path, ParsePath());
      select.projection.push_back(std::move(path));
    } while (Accept(TokenKind::kComma));
  }
  STATOR_RETURN_IF_ERROR(ExpectKeyword("from"));
  if (Peek().kind != TokenKind::kIdentifier && Peek().kind != TokenKind::kQuotedIdentifier) {
    return UnexpectedTerm();
  }
  select.table = Next().text;
  if (Accept(TokenKind::kDot)) {
    STATOR_ASSIGN_OR_RETURN(std::string index, ParseName());
    select.index = std::move(index);
    if (Peek().kind == TokenKind::kDot) {
      return Status::Validation("A path may contain at most 2 components in the FROM clause");
    }
  }
  if (select.table.empty() || (select.index && select.index->empty())) {
    return Status::Validation("Path component cannot be an empty string");
  }
  STATOR_RETURN_IF_ERROR(RefuseAlias());
  if (AcceptKeyword("where")) {
    STATOR_ASSIGN_OR_RETURN(select.where, ParseExpr());
  }
  if (AcceptKeyword("order")) {
    STATOR_RETURN_IF_ERROR(Expect(TokenKind::kBy));
    do {
      OrderBy order;
      STATOR_ASSIGN_OR_RETURN(order.path, ParsePath());
      if (Accept(TokenKind::kDesc)) {
        order.descending = true;
      } else {
        Accept(TokenKind::kAsc);
      }
      select.order_by.push_back(std::move(order));
    } while (Accept(TokenKind::kComma));
  }
  return select;
}

Result<InsertStatement> Parser::ParseInsert() {
  InsertStatement insert;
  STATOR_RETURN_IF_ERROR(ExpectKeyword("insert_into"));
  if (Peek().kind == TokenKind::kIdentifier || Peek().kind == TokenKind::kQuotedIdentifier) {
    insert.table = Next().text;
    if (Peek().kind == TokenKind::kDot) {
      return Status::Validation("FROM clause may only contain a single table name");
    }
  } else {
    return NotWellFormed("Expected identifier for simple path");
  }
  STATOR_RETURN_IF_ERROR(ExpectKeyword("value"));
  STATOR_ASSIGN_OR_RETURN(insert.value, ParseExpr());
  return insert;
}

Result<Returning> Parser::ParseReturning() {
  if (!AcceptKeyword("returning")) return Returning::kNone;
  Returning returning;
  if (AcceptKeyword("all_old")) {
    returning = Returning::kAllOld;
  } else if (AcceptKeyword("all_new")) {
    returning = Returning::kAllNew;
  } else if (AcceptKeyword("modified_old")) {
    returning = Returning::kModifiedOld;
  } else if (AcceptKeyword("modified_new")) {
    returning = Returning::kModifiedNew;
  } else {
    return Unexpected();
  }
  STATOR_RETURN_IF_ERROR(Expect(TokenKind::kStar));
  return returning;
}

Result<UpdateStatement> Parser::ParseUpdate() {
  UpdateStatement update;
  STATOR_RETURN_IF_ERROR(ExpectKeyword("update"));
  STATOR_ASSIGN_OR_RETURN(update.table, ParseTarget());
  STATOR_RETURN_IF_ERROR(RefuseAlias());
  bool any = false;
  while (true) {
    if (AcceptKeyword("set")) {
      do {
        SetClause clause;
        STATOR_ASSIGN_OR_RETURN(clause.target, ParsePath());
        if (!AcceptOperator("=")) return Unexpected();
        STATOR_ASSIGN_OR_RETURN(clause.value, ParseExpr());
        update.sets.push_back(std::move(clause));
      } while (Accept(TokenKind::kComma));
    } else if (AcceptKeyword("remove")) {
      do {
        STATOR_ASSIGN_OR_RETURN(Path path, ParsePath());
        update.removes.push_back(std::move(path));
      } while (Accept(TokenKind::kComma));
    } else {
      break;
    }
    any = true;
  }
  if (!any) return Unexpected();
  STATOR_RETURN_IF_ERROR(ExpectKeyword("where"));
  STATOR_ASSIGN_OR_RETURN(update.where, ParseExpr());
  STATOR_ASSIGN_OR_RETURN(update.returning, ParseReturning());
  return update;
}

Result<DeleteStatement> Parser::ParseDelete() {
  DeleteStatement del;
  STATOR_RETURN_IF_ERROR(ExpectKeyword("delete"));
  STATOR_RETURN_IF_ERROR(ExpectKeyword("from"));
  STATOR_ASSIGN_OR_RETURN(del.table, ParseTarget());
  STATOR_RETURN_IF_ERROR(RefuseAlias());
  STATOR_RETURN_IF_ERROR(ExpectKeyword("where"));
  STATOR_ASSIGN_OR_RETURN(del.where, ParseExpr());
  STATOR_ASSIGN_OR_RETURN(del.returning, ParseReturning());
  return del;
}

Result<ExistsStatement> Parser::ParseExists() {
  STATOR_RETURN_IF_ERROR(ExpectKeyword("exists"));
  STATOR_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen));
  STATOR_ASSIGN_OR_RETURN(SelectStatement select, ParseSelect());
  STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  return ExistsStatement{std::make_shared<const SelectStatement>(std::move(select))};
}

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

}  // namespace

Result<Statement> Parse(std::string_view text) {
  STATOR_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  Parser parser(std::move(tokens));
  return parser.ParseStatement();
}

}  // namespace stator::partiql

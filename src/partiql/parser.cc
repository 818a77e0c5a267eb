#include "partiql/parser.h"

#include <utility>

#include "partiql/parser_impl.h"

namespace stator::partiql {
namespace internal {

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
  if (t.kind == TokenKind::kEof) return NotWellFormed("Unexpected end of statement");
  if (IsKeywordKind(t.kind) || t.kind == TokenKind::kMissing || t.kind == TokenKind::kNull) {
    return NotWellFormed("Unexpected keyword" + SpanSuffix(t.span));
  }
  return NotWellFormed("Unexpected token" + SpanSuffix(t.span));
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

}  // namespace internal

Result<Statement> Parse(std::string_view text) {
  STATOR_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  internal::Parser parser(std::move(tokens));
  return parser.ParseStatement();
}

}  // namespace stator::partiql

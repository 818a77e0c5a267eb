// The PartiQL parser's internals, shared by parser.cc (statements, tokens) and
// parser_expressions.cc (the expression grammar). Not part of the module's interface: include
// parser.h.
//
// Thread-safety: a Parser belongs to one call of Parse.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "partiql/ast.h"
#include "partiql/lexer.h"

namespace stator::partiql::internal {

// Nesting deeper than this (parentheses, lists, maps, NOT chains) is refused rather than
// risking the stack: DynamoDB's own documents nest at most 32 levels.
inline constexpr int kMaxDepth = 64;

// A recursive-descent parser over one statement's tokens (the grammar is in parser.h).
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

ExprPtr MakeExpr(Expr::Kind kind, Span span);
ExprPtr MakeBinary(std::string op, ExprPtr left, ExprPtr right);

// Guards one level of recursion.
class DepthGuard {
 public:
  explicit DepthGuard(int* depth) : depth_(depth) { ++*depth_; }
  ~DepthGuard() { --*depth_; }
  bool too_deep() const { return *depth_ > kMaxDepth; }

 private:
  int* depth_;
};

// Keywords and the words with a token kind of their own (AS, BY, ...).
bool IsKeywordKind(TokenKind kind);

}  // namespace stator::partiql::internal

#include "expr/parser.h"

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "expr/lexer.h"
#include "expr/reserved_words.h"

namespace stator::expr {
namespace {

// Errors reported after a complete parse; see parser.h for their order.
enum class Deferred {
  kParens,
  kUnknownFunction,
  kMisusedFunction,
  kReserved,
  kSection,
  kOperands,
  kCount
};

constexpr std::array<Deferred, 5> kConditionOrder = {Deferred::kParens, Deferred::kUnknownFunction,
                                                     Deferred::kMisusedFunction,
                                                     Deferred::kReserved, Deferred::kOperands};
constexpr std::array<Deferred, 5> kUpdateOrder = {Deferred::kParens, Deferred::kReserved,
                                                  Deferred::kUnknownFunction, Deferred::kSection,
                                                  Deferred::kOperands};

struct FunctionSpec {
  std::string_view name;
  size_t operands;
  bool needs_path;  // the first operand must be a document path
};
constexpr std::array<FunctionSpec, 6> kConditionFunctions = {{
    {"attribute_exists", 1, true},
    {"attribute_not_exists", 1, true},
    {"attribute_type", 2, false},
    {"begins_with", 2, false},
    {"contains", 2, false},
    {"size", 1, false},
}};
constexpr std::array<FunctionSpec, 2> kUpdateFunctions = {{
    {"if_not_exists", 2, true},
    {"list_append", 2, false},
}};

// A parsed primary: a condition, or an operand that no comparison followed (yet).
struct Term {
  bool is_condition = false;
  Condition condition;
  Operand operand;
  bool parenthesized = false;  // directly enclosed in "( )"
};

class Parser {
 public:
  Parser(std::string_view text, ExpressionKind kind)
      : text_(text), kind_(kind), tokens_(Lex(text)) {}

  Result<ConditionExpr> Condition();
  Result<ProjectionExpr> Projection();
  Result<UpdateExpr> Update();

 private:
  bool InUpdate() const { return kind_ == ExpressionKind::kUpdate; }
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool At(TokenKind k) const { return Peek().kind == k; }
  void Advance() {
    if (pos_ + 1 < tokens_.size()) ++pos_;
  }
  Status Invalid(std::string_view msg) const {
    return Status::Validation("Invalid " + std::string(ExpressionKindName(kind_)) + ": " +
                              std::string(msg));
  }
  Status SyntaxError() const;
  Status Expect(TokenKind k) {
    if (!At(k)) return SyntaxError();
    Advance();
    return Status::OK();
  }
  void Defer(Deferred d, std::string msg) {
    auto& slot = deferred_[static_cast<size_t>(d)];
    if (!slot) slot = std::move(msg);
  }
  template <size_t N>
  Status DeferredError(const std::array<Deferred, N>& order) const {
    for (Deferred d : order) {
      if (const auto& m = deferred_[static_cast<size_t>(d)]) return Invalid(*m);
    }
    return Status::OK();
  }
  bool IsGrammarKeyword(const Token& t) const;
  Status Enter() {
    if (++depth_ > kMaxNesting) return SyntaxError();
    return Status::OK();
  }

  // Condition grammar.
  Result<Term> ParseOr();
  Result<Term> ParseAnd();
  Result<Term> ParseNot();
  Result<Term> ParsePrimary();
  Result<Term> ParseComparisonTail(Operand lhs);
  Status ToCondition(Term* term);
  void CheckOperandUse(const Operand& operand);

  // Shared.
  Result<Operand> ParseOperand(bool* parenthesized);
  Result<Operand> ParseFunctionCall();
  void CheckFunction(const Operand& call);
  Result<Path> ParsePath();
  Status ParsePathName(Path* path);

  // Update grammar.
  Result<Operand> ParseSetValue(bool* parenthesized);
  Result<Operand> ParseSetTerm(bool allow_sum, bool* parenthesized);

  std::string_view text_;
  ExpressionKind kind_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::array<std::optional<std::string>, static_cast<size_t>(Deferred::kCount)> deferred_;
};

Status Parser::SyntaxError() const {
  const Token& tok = tokens_[pos_];
  std::string near;
  if (tok.kind == TokenKind::kEof) {
    // DynamoDB quotes from the last token to the end, trailing blanks included.
    near = std::string(text_.substr(pos_ > 0 ? tokens_[pos_ - 1].offset : 0));
    return Invalid("Syntax error; token: \"<EOF>\", near: \"" + near + "\"");
  }
  const size_t start = pos_ > 0 ? tokens_[pos_ - 1].offset : tok.offset;
  const Token& last = tokens_[pos_ + 1].kind == TokenKind::kEof ? tok : tokens_[pos_ + 1];
  near = std::string(text_.substr(start, last.offset + last.text.size() - start));
  return Invalid("Syntax error; token: \"" + std::string(tok.text) + "\", near: \"" + near + "\"");
}

bool Parser::IsGrammarKeyword(const Token& t) const {
  if (t.kind != TokenKind::kIdentifier) return false;
  switch (kind_) {
    case ExpressionKind::kUpdate:
      return IsKeyword(t, "SET") || IsKeyword(t, "REMOVE") || IsKeyword(t, "ADD") ||
             IsKeyword(t, "DELETE");
    case ExpressionKind::kProjection:
      return false;
    default:
      return IsKeyword(t, "AND") || IsKeyword(t, "OR") || IsKeyword(t, "NOT") ||
             IsKeyword(t, "BETWEEN") || IsKeyword(t, "IN");
  }
}

// ---------------------------------------------------------------- paths and operands

Status Parser::ParsePathName(Path* path) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kNamePlaceholder) {
    path->elements.push_back(PathElement::Placeholder(std::string(t.text)));
  } else if (t.kind == TokenKind::kIdentifier && !IsGrammarKeyword(t)) {
    if (IsReservedWord(t.text)) {
      Defer(Deferred::kReserved,
            "Attribute name is a reserved keyword; reserved keyword: " + std::string(t.text));
    }
    path->elements.push_back(PathElement::Name(std::string(t.text)));
  } else {
    return SyntaxError();
  }
  Advance();
  return Status::OK();
}

Result<Path> Parser::ParsePath() {
  Path path;
  STATOR_RETURN_IF_ERROR(ParsePathName(&path));
  while (true) {
    if (At(TokenKind::kDot)) {
      Advance();
      STATOR_RETURN_IF_ERROR(ParsePathName(&path));
    } else if (At(TokenKind::kLBracket)) {
      Advance();
      if (!At(TokenKind::kInteger)) return SyntaxError();
      uint64_t index = 0;
      for (char c : Peek().text) {
        index = index * 10 + static_cast<uint64_t>(c - '0');
        if (index > 0x7fffffff) return SyntaxError();
      }
      path.elements.push_back(PathElement::Index(static_cast<uint32_t>(index)));
      Advance();
      STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRBracket));
    } else {
      return path;
    }
  }
}

void Parser::CheckFunction(const Operand& call) {
  const FunctionSpec* spec = nullptr;
  if (InUpdate()) {
    for (const auto& f : kUpdateFunctions)
      if (f.name == call.function) spec = &f;
  } else {
    for (const auto& f : kConditionFunctions)
      if (f.name == call.function) spec = &f;
  }
  if (spec == nullptr) {
    Defer(Deferred::kUnknownFunction, "Invalid function name; function: " + call.function);
    return;
  }
  if (call.args.size() != spec->operands) {
    Defer(Deferred::kOperands,
          "Incorrect number of operands for operator or function; operator or function: " +
              call.function + ", number of operands: " + std::to_string(call.args.size()));
    return;
  }
  if (spec->needs_path && call.args[0].kind != Operand::Kind::kPath) {
    Defer(Deferred::kOperands,
          "Operator or function requires a document path; operator or function: " + call.function);
  }
}

// A boolean function (anything but size) may not stand where a value is expected.
void Parser::CheckOperandUse(const Operand& operand) {
  if (!InUpdate() && operand.kind == Operand::Kind::kFunction && operand.function != "size") {
    Defer(Deferred::kMisusedFunction,
          "The function is not allowed to be used this way in an expression; function: " +
              operand.function);
  }
}

Result<Operand> Parser::ParseFunctionCall() {
  Operand call;
  call.kind = Operand::Kind::kFunction;
  call.function = std::string(Peek().text);
  Advance();  // name
  Advance();  // "("
  STATOR_RETURN_IF_ERROR(Enter());
  while (true) {
    bool parenthesized = false;
    STATOR_ASSIGN_OR_RETURN(Operand arg, ParseOperand(&parenthesized));
    CheckOperandUse(arg);
    call.args.push_back(std::move(arg));
    if (!At(TokenKind::kComma)) break;
    Advance();
  }
  STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  --depth_;
  CheckFunction(call);
  return call;
}

Result<Operand> Parser::ParseOperand(bool* parenthesized) {
  *parenthesized = false;
  const Token& t = Peek();
  if (t.kind == TokenKind::kLParen) {
    Advance();
    STATOR_RETURN_IF_ERROR(Enter());
    bool inner_parenthesized = false;
    STATOR_ASSIGN_OR_RETURN(Operand inner, ParseOperand(&inner_parenthesized));
    STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    --depth_;
    if (inner_parenthesized && !InUpdate()) {
      Defer(Deferred::kParens, "The expression has redundant parentheses;");
    }
    *parenthesized = true;
    return inner;
  }
  if (t.kind == TokenKind::kValuePlaceholder) {
    Operand v;
    v.kind = Operand::Kind::kValue;
    v.value.placeholder = std::string(t.text);
    Advance();
    return v;
  }
  if (t.kind == TokenKind::kIdentifier && !IsGrammarKeyword(t) &&
      Peek(1).kind == TokenKind::kLParen) {
    return ParseFunctionCall();
  }
  Operand p;
  p.kind = Operand::Kind::kPath;
  STATOR_ASSIGN_OR_RETURN(p.path, ParsePath());
  return p;
}

// ---------------------------------------------------------------- conditions

Status Parser::ToCondition(Term* term) {
  if (term->is_condition) return Status::OK();
  if (term->operand.kind != Operand::Kind::kFunction) return SyntaxError();
  if (term->operand.function == "size") {
    Defer(Deferred::kMisusedFunction,
          "The function is not allowed to be used this way in an expression; function: size");
  }
  term->is_condition = true;
  term->condition.kind = Condition::Kind::kFunction;
  term->condition.function = term->operand.function;
  term->condition.operands = std::move(term->operand.args);
  return Status::OK();
}

Result<Term> Parser::ParseOr() {
  STATOR_ASSIGN_OR_RETURN(Term left, ParseAnd());
  while (IsKeyword(Peek(), "OR")) {
    STATOR_RETURN_IF_ERROR(ToCondition(&left));
    Advance();
    STATOR_ASSIGN_OR_RETURN(Term right, ParseAnd());
    STATOR_RETURN_IF_ERROR(ToCondition(&right));
    Term joined;
    joined.is_condition = true;
    joined.condition.kind = Condition::Kind::kOr;
    joined.condition.children.push_back(std::move(left.condition));
    joined.condition.children.push_back(std::move(right.condition));
    left = std::move(joined);
  }
  return left;
}

Result<Term> Parser::ParseAnd() {
  STATOR_ASSIGN_OR_RETURN(Term left, ParseNot());
  while (IsKeyword(Peek(), "AND")) {
    STATOR_RETURN_IF_ERROR(ToCondition(&left));
    Advance();
    STATOR_ASSIGN_OR_RETURN(Term right, ParseNot());
    STATOR_RETURN_IF_ERROR(ToCondition(&right));
    Term joined;
    joined.is_condition = true;
    joined.condition.kind = Condition::Kind::kAnd;
    joined.condition.children.push_back(std::move(left.condition));
    joined.condition.children.push_back(std::move(right.condition));
    left = std::move(joined);
  }
  return left;
}

Result<Term> Parser::ParseNot() {
  if (!IsKeyword(Peek(), "NOT")) return ParsePrimary();
  Advance();
  STATOR_RETURN_IF_ERROR(Enter());
  STATOR_ASSIGN_OR_RETURN(Term inner, ParseNot());
  STATOR_RETURN_IF_ERROR(ToCondition(&inner));
  --depth_;
  Term negated;
  negated.is_condition = true;
  negated.condition.kind = Condition::Kind::kNot;
  negated.condition.children.push_back(std::move(inner.condition));
  return negated;
}

Result<Term> Parser::ParsePrimary() {
  if (!At(TokenKind::kLParen)) {
    bool parenthesized = false;
    STATOR_ASSIGN_OR_RETURN(Operand lhs, ParseOperand(&parenthesized));
    return ParseComparisonTail(std::move(lhs));
  }
  Advance();
  STATOR_RETURN_IF_ERROR(Enter());
  STATOR_ASSIGN_OR_RETURN(Term inner, ParseOr());
  STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  --depth_;
  if (inner.parenthesized) Defer(Deferred::kParens, "The expression has redundant parentheses;");
  if (inner.is_condition) {
    inner.parenthesized = true;
    return inner;
  }
  // "(operand)": the left-hand side of a comparison, or a parenthesised function call.
  STATOR_ASSIGN_OR_RETURN(Term term, ParseComparisonTail(std::move(inner.operand)));
  if (!term.is_condition) term.parenthesized = true;
  return term;
}

Result<Term> Parser::ParseComparisonTail(Operand lhs) {
  Term term;
  term.is_condition = true;
  expr::Condition& c = term.condition;
  const Token& t = Peek();
  bool parenthesized = false;
  switch (t.kind) {
    case TokenKind::kEq:
      c.op = CompareOp::kEq;
      break;
    case TokenKind::kNe:
      c.op = CompareOp::kNe;
      break;
    case TokenKind::kLt:
      c.op = CompareOp::kLt;
      break;
    case TokenKind::kLe:
      c.op = CompareOp::kLe;
      break;
    case TokenKind::kGt:
      c.op = CompareOp::kGt;
      break;
    case TokenKind::kGe:
      c.op = CompareOp::kGe;
      break;
    default:
      if (IsKeyword(t, "BETWEEN")) {
        Advance();
        c.kind = Condition::Kind::kBetween;
        c.operands.push_back(std::move(lhs));
        STATOR_ASSIGN_OR_RETURN(Operand low, ParseOperand(&parenthesized));
        c.operands.push_back(std::move(low));
        if (!IsKeyword(Peek(), "AND")) return SyntaxError();
        Advance();
        STATOR_ASSIGN_OR_RETURN(Operand high, ParseOperand(&parenthesized));
        c.operands.push_back(std::move(high));
      } else if (IsKeyword(t, "IN")) {
        Advance();
        c.kind = Condition::Kind::kIn;
        c.operands.push_back(std::move(lhs));
        STATOR_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
        while (true) {
          STATOR_ASSIGN_OR_RETURN(Operand candidate, ParseOperand(&parenthesized));
          c.operands.push_back(std::move(candidate));
          if (!At(TokenKind::kComma)) break;
          Advance();
        }
        STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        if (c.operands.size() - 1 > 100) {
          Defer(Deferred::kOperands,
                "The IN operator is provided with too many operands; number of operands: " +
                    std::to_string(c.operands.size() - 1));
        }
      } else {
        Term bare;
        bare.operand = std::move(lhs);
        return bare;
      }
      for (const Operand& o : c.operands) CheckOperandUse(o);
      return term;
  }
  Advance();
  c.kind = Condition::Kind::kCompare;
  c.operands.push_back(std::move(lhs));
  STATOR_ASSIGN_OR_RETURN(Operand rhs, ParseOperand(&parenthesized));
  c.operands.push_back(std::move(rhs));
  for (const Operand& o : c.operands) CheckOperandUse(o);
  return term;
}

Result<ConditionExpr> Parser::Condition() {
  STATOR_ASSIGN_OR_RETURN(Term term, ParseOr());
  STATOR_RETURN_IF_ERROR(ToCondition(&term));
  if (!At(TokenKind::kEof)) return SyntaxError();
  STATOR_RETURN_IF_ERROR(DeferredError(kConditionOrder));
  return ConditionExpr{std::move(term.condition)};
}

// ---------------------------------------------------------------- projection

Result<ProjectionExpr> Parser::Projection() {
  ProjectionExpr expr;
  while (true) {
    STATOR_ASSIGN_OR_RETURN(Path path, ParsePath());
    expr.paths.push_back(std::move(path));
    if (!At(TokenKind::kComma)) break;
    Advance();
  }
  if (!At(TokenKind::kEof)) return SyntaxError();
  STATOR_RETURN_IF_ERROR(DeferredError(std::array<Deferred, 1>{Deferred::kReserved}));
  return expr;
}

// ---------------------------------------------------------------- update

// DynamoDB's SET value holds at most one "+" or "-": the whole value may be
// parenthesized, but a parenthesized sum is never an operand of another one
// ("(a + b) - c" and "a + (b - c)" are syntax errors at the second operator).
Result<Operand> Parser::ParseSetTerm(bool allow_sum, bool* parenthesized) {
  *parenthesized = false;
  if (!At(TokenKind::kLParen)) {
    bool unused = false;
    return ParseOperand(&unused);
  }
  Advance();
  STATOR_RETURN_IF_ERROR(Enter());
  Operand inner;
  bool inner_parenthesized = false;
  if (allow_sum) {
    STATOR_ASSIGN_OR_RETURN(inner, ParseSetValue(&inner_parenthesized));
  } else {
    STATOR_ASSIGN_OR_RETURN(inner, ParseSetTerm(false, &inner_parenthesized));
    if (At(TokenKind::kPlus) || At(TokenKind::kMinus)) return SyntaxError();
  }
  STATOR_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  --depth_;
  if (inner_parenthesized) Defer(Deferred::kParens, "The expression has redundant parentheses;");
  *parenthesized = true;
  return inner;
}

Result<Operand> Parser::ParseSetValue(bool* parenthesized) {
  STATOR_ASSIGN_OR_RETURN(Operand left, ParseSetTerm(true, parenthesized));
  if (left.kind == Operand::Kind::kPlus || left.kind == Operand::Kind::kMinus) return left;
  if (!At(TokenKind::kPlus) && !At(TokenKind::kMinus)) return left;
  *parenthesized = false;
  Operand sum;
  sum.kind = At(TokenKind::kPlus) ? Operand::Kind::kPlus : Operand::Kind::kMinus;
  Advance();
  bool right_parenthesized = false;
  STATOR_ASSIGN_OR_RETURN(Operand right, ParseSetTerm(false, &right_parenthesized));
  sum.args.push_back(std::move(left));
  sum.args.push_back(std::move(right));
  return sum;
}

Result<UpdateExpr> Parser::Update() {
  static constexpr std::array<std::string_view, 4> kClauses = {"SET", "REMOVE", "ADD", "DELETE"};
  std::array<bool, 4> seen = {};
  UpdateExpr expr;
  if (At(TokenKind::kEof)) return SyntaxError();  // blanks only
  while (!At(TokenKind::kEof)) {
    size_t clause = kClauses.size();
    for (size_t i = 0; i < kClauses.size(); ++i) {
      if (IsKeyword(Peek(), kClauses[i])) clause = i;
    }
    if (clause == kClauses.size()) return SyntaxError();
    if (seen[clause]) {
      Defer(Deferred::kSection, "The \"" + std::string(kClauses[clause]) +
                                    "\" section can only be used once in an update expression;");
    }
    seen[clause] = true;
    Advance();
    while (true) {
      UpdateAction action;
      action.kind = static_cast<UpdateAction::Kind>(clause);
      STATOR_ASSIGN_OR_RETURN(action.path, ParsePath());
      if (action.kind == UpdateAction::Kind::kSet) {
        STATOR_RETURN_IF_ERROR(Expect(TokenKind::kEq));
        bool parenthesized = false;
        STATOR_ASSIGN_OR_RETURN(action.value, ParseSetValue(&parenthesized));
      } else if (action.kind != UpdateAction::Kind::kRemove) {
        if (!At(TokenKind::kValuePlaceholder)) return SyntaxError();
        action.value.kind = Operand::Kind::kValue;
        action.value.value.placeholder = std::string(Peek().text);
        Advance();
      }
      expr.actions.push_back(std::move(action));
      if (!At(TokenKind::kComma)) break;
      Advance();
    }
  }
  STATOR_RETURN_IF_ERROR(DeferredError(kUpdateOrder));
  return expr;
}

// Empty and oversized texts are rejected before any parsing.
Status CheckText(std::string_view text, ExpressionKind kind) {
  const std::string prefix = "Invalid " + std::string(ExpressionKindName(kind)) + ": ";
  // Only the empty text: blanks alone are a syntax error at <EOF>, as in DynamoDB.
  if (text.empty()) {
    return Status::Validation(prefix + "The expression can not be empty;");
  }
  if (text.size() > kMaxExpressionBytes) {
    return Status::Validation(prefix +
                              "Expression size has exceeded the maximum allowed size; "
                              "expression size: " +
                              std::to_string(text.size()));
  }
  return Status::OK();
}

}  // namespace

namespace {

// DynamoDB allows at most kMaxOperators operators in an expression: the
// comparisons, BETWEEN, IN, AND, OR, NOT, "+", "-" and every function call
// (size() and attribute_exists() included). Parentheses, paths and update
// clauses do not count.
constexpr size_t kMaxOperators = 300;

size_t CountOperators(const Operand& o) {
  size_t n = (o.kind == Operand::Kind::kPlus || o.kind == Operand::Kind::kMinus ||
              o.kind == Operand::Kind::kFunction)
                 ? 1
                 : 0;
  for (const Operand& a : o.args) n += CountOperators(a);
  return n;
}

size_t CountOperators(const Condition& c) {
  size_t n = 1;
  for (const Operand& o : c.operands) n += CountOperators(o);
  for (const Condition& child : c.children) n += CountOperators(child);
  return n;
}

Status TooManyOperators(ExpressionKind kind, size_t count) {
  return Status::Validation(
      "Invalid " + std::string(ExpressionKindName(kind)) +
      ": The expression contains too many operators; operator count: " + std::to_string(count));
}

}  // namespace

Result<ConditionExpr> ParseCondition(std::string_view text, ExpressionKind kind) {
  STATOR_RETURN_IF_ERROR(CheckText(text, kind));
  STATOR_ASSIGN_OR_RETURN(ConditionExpr expr, Parser(text, kind).Condition());
  if (size_t n = CountOperators(expr.root); n > kMaxOperators) return TooManyOperators(kind, n);
  return expr;
}

Result<ProjectionExpr> ParseProjection(std::string_view text) {
  STATOR_RETURN_IF_ERROR(CheckText(text, ExpressionKind::kProjection));
  return Parser(text, ExpressionKind::kProjection).Projection();
}

Result<UpdateExpr> ParseUpdate(std::string_view text) {
  STATOR_RETURN_IF_ERROR(CheckText(text, ExpressionKind::kUpdate));
  STATOR_ASSIGN_OR_RETURN(UpdateExpr expr, Parser(text, ExpressionKind::kUpdate).Update());
  size_t n = 0;
  for (const UpdateAction& a : expr.actions) n += CountOperators(a.value);
  if (n > kMaxOperators) return TooManyOperators(ExpressionKind::kUpdate, n);
  return expr;
}

}  // namespace stator::expr

#include "partiql/lexer.h"

#include <cstdint>
#include <limits>

#include "partiql/keywords.h"

namespace stator::partiql {
namespace {

constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool IsIdentContinue(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Reads the text left to right, tracking line and column (code points) as it goes.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  Status Run(std::vector<Token>* tokens, std::vector<std::string>* words);

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void Advance();
  Span Start() const { return {line_, column_, 0}; }
  void Finish(Span* span) const { span->length = column_code_points_ - start_points_; }
  Status SkipSpaceAndComments();
  Status ScanToken(Token* token, std::string* word);
  void ScanWord(Token* token, std::string* word);
  Status ScanNumber(Token* token);
  Status ScanQuoted(char quote, Token* token);
  Status ScanOperator(Token* token);

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
  uint64_t column_code_points_ = 0;  // code points read so far, for span lengths
  uint64_t start_points_ = 0;
  uint32_t parameters_ = 0;
};

void Scanner::Advance() {
  const char c = text_[pos_++];
  if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) return;  // UTF-8 continuation byte
  ++column_code_points_;
  if (c == '\n' || (c == '\r' && Peek() != '\n')) {
    ++line_;
    column_ = 1;
  } else if (c != '\r') {
    ++column_;
  }
}

Status Scanner::SkipSpaceAndComments() {
  while (!AtEnd()) {
    if (IsWhitespace(Peek())) {
      Advance();
    } else if (Peek() == '-' && Peek(1) == '-') {
      while (!AtEnd() && Peek() != '\n' && Peek() != '\r') Advance();
    } else if (Peek() == '/' && Peek(1) == '*') {
      Advance();
      Advance();
      while (!(Peek() == '*' && Peek(1) == '/')) {
        if (AtEnd()) return NotWellFormed("");
        Advance();
      }
      Advance();
      Advance();
    } else {
      break;
    }
  }
  return Status::OK();
}

void Scanner::ScanWord(Token* token, std::string* word) {
  const size_t begin = pos_;
  while (!AtEnd() && IsIdentContinue(Peek())) Advance();
  const std::string_view raw = text_.substr(begin, pos_ - begin);
  std::string lower(raw);
  for (char& c : lower) c = Lower(c);
  const WordClass wc = ClassifyWord(lower);
  token->kind = wc.kind;
  token->literal = wc.literal;
  token->text = wc.kind == TokenKind::kIdentifier ? std::string(raw) : std::string(wc.text);
  *word = std::move(lower);
}

// digits [. digits*] [exp] | . digits [exp], exp = (e|E) [+|-] digits. The value must fit a
// Java BigDecimal: the exponent and (fraction digits - exponent) are 32-bit integers.
Status Scanner::ScanNumber(Token* token) {
  const size_t begin = pos_;
  int64_t fraction_digits = 0;
  bool decimal = false;
  while (IsDigit(Peek())) Advance();
  if (Peek() == '.') {
    decimal = true;
    Advance();
    while (IsDigit(Peek())) {
      Advance();
      ++fraction_digits;
    }
  }
  if (Peek() == 'e' || Peek() == 'E') {
    decimal = true;
    Advance();
    bool negative = false;
    if (Peek() == '+' || Peek() == '-') {
      negative = Peek() == '-';
      Advance();
    }
    if (!IsDigit(Peek())) return NotWellFormed("");
    int64_t exponent = 0;
    while (IsDigit(Peek())) {
      if (exponent <= kInt32Max + 1) exponent = exponent * 10 + (Peek() - '0');
      Advance();
    }
    if (negative) exponent = -exponent;
    const int64_t scale = fraction_digits - exponent;
    if (exponent < kInt32Min || exponent > kInt32Max || scale < kInt32Min || scale > kInt32Max) {
      return NotWellFormed("");
    }
  }
  token->kind = TokenKind::kLiteral;
  token->literal = decimal ? LiteralKind::kDecimal : LiteralKind::kInteger;
  token->text = std::string(text_.substr(begin, pos_ - begin));
  return Status::OK();
}

// 'string', "identifier" or `ion`; a doubled quote inside ' or " stands for one.
Status Scanner::ScanQuoted(char quote, Token* token) {
  Advance();
  std::string out;
  while (true) {
    if (AtEnd()) return NotWellFormed("");
    const char c = Peek();
    if (c == quote) {
      Advance();
      if (quote != '`' && Peek() == quote) {
        out += quote;
        Advance();
        continue;
      }
      break;
    }
    out += c;
    Advance();
  }
  token->kind = quote == '\'' ? TokenKind::kLiteral
                : quote == '"' ? TokenKind::kQuotedIdentifier
                               : TokenKind::kIonLiteral;
  token->literal = quote == '\'' ? LiteralKind::kString : LiteralKind::kNone;
  token->text = std::move(out);
  return Status::OK();
}

Status Scanner::ScanOperator(Token* token) {
  static constexpr std::string_view kTwo[] = {"<<", ">>", "<=", ">=", "<>", "!=", "||"};
  token->kind = TokenKind::kOperator;
  for (std::string_view op : kTwo) {
    if (Peek() == op[0] && Peek(1) == op[1]) {
      Advance();
      Advance();
      token->text = op == "!=" ? "<>" : std::string(op);
      if (op == "<<") token->kind = TokenKind::kLeftDoubleAngle;
      if (op == ">>") token->kind = TokenKind::kRightDoubleAngle;
      return Status::OK();
    }
  }
  switch (Peek()) {
    case '<':
    case '>':
    case '=':
    case '+':
    case '-':
    case '/':
    case '%':
    case '@':
      token->text = std::string(1, Peek());
      Advance();
      return Status::OK();
    default:
      return NotWellFormed("");  // ! | ^ alone, or any character PartiQL does not know
  }
}

Status Scanner::ScanToken(Token* token, std::string* word) {
  struct Punct {
    char c;
    TokenKind kind;
  };
  static constexpr Punct kPuncts[] = {
      {'(', TokenKind::kLeftParen},   {')', TokenKind::kRightParen}, {'[', TokenKind::kLeftBracket},
      {']', TokenKind::kRightBracket}, {'{', TokenKind::kLeftCurly},  {'}', TokenKind::kRightCurly},
      {',', TokenKind::kComma},       {':', TokenKind::kColon},      {';', TokenKind::kSemicolon},
      {'*', TokenKind::kStar},        {'?', TokenKind::kQuestionMark},
  };
  const char c = Peek();
  if (IsIdentStart(c)) {
    ScanWord(token, word);
    return Status::OK();
  }
  if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return ScanNumber(token);
  if (c == '\'' || c == '"' || c == '`') return ScanQuoted(c, token);
  if (c == '.') {
    token->kind = TokenKind::kDot;
    Advance();
    return Status::OK();
  }
  for (const Punct& p : kPuncts) {
    if (p.c != c) continue;
    token->kind = p.kind;
    if (p.kind == TokenKind::kQuestionMark) token->parameter = ++parameters_;
    Advance();
    return Status::OK();
  }
  return ScanOperator(token);
}

Status Scanner::Run(std::vector<Token>* tokens, std::vector<std::string>* words) {
  while (true) {
    STATOR_RETURN_IF_ERROR(SkipSpaceAndComments());
    Token token;
    token.span = Start();
    start_points_ = column_code_points_;
    std::string word;
    if (AtEnd()) {
      tokens->push_back(std::move(token));
      words->emplace_back();
      return Status::OK();
    }
    STATOR_RETURN_IF_ERROR(ScanToken(&token, &word));
    Finish(&token.span);
    tokens->push_back(std::move(token));
    words->push_back(std::move(word));
  }
}

// Folds keyword sequences such as "insert into" into one token that keeps the first word's
// span. `words` holds each token's lower-case word ("" for tokens that are not words).
std::vector<Token> MergeMultiWords(std::vector<Token> tokens,
                                   const std::vector<std::string>& words) {
  std::vector<Token> out;
  out.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::vector<std::string_view> run;
    for (size_t j = i; j < tokens.size() && j < i + 4 && !words[j].empty(); ++j) {
      run.push_back(words[j]);
    }
    TokenKind kind;
    std::string_view text;
    const size_t n = MatchMultiWord(run, &kind, &text);
    if (n > 1) {
      tokens[i].kind = kind;
      tokens[i].text = std::string(text);
      out.push_back(std::move(tokens[i]));
      i += n - 1;
      continue;
    }
    out.push_back(std::move(tokens[i]));
  }
  return out;
}

}  // namespace

Status NotWellFormed(std::string_view detail) {
  return Status::Validation("Statement wasn't well formed, can't be processed: " +
                            std::string(detail));
}

std::string SpanSuffix(const Span& span) {
  if (!span.known()) return "";
  return " at " + std::to_string(span.line) + ":" + std::to_string(span.column) + ":" +
         std::to_string(span.length);
}

Result<std::vector<Token>> Lex(std::string_view text) {
  std::vector<Token> tokens;
  std::vector<std::string> words;
  Scanner scanner(text);
  STATOR_RETURN_IF_ERROR(scanner.Run(&tokens, &words));
  return MergeMultiWords(std::move(tokens), words);
}

}  // namespace stator::partiql

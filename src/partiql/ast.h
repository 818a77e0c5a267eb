// The PartiQL statement AST: what parser.h produces from a statement's text, and what
// ops/partiql.cc plans into DynamoDB's item operations.
//
// Only DynamoDB's subset of PartiQL has a node here: SELECT (a projection or *, one table or
// index, WHERE, ORDER BY), INSERT ... VALUE, UPDATE ... SET/REMOVE ... WHERE, DELETE FROM ...
// WHERE, RETURNING, and EXISTS(SELECT ...) as a transaction's condition check.
//
// Thread-safety: values; no shared state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/attribute_value.h"
#include "partiql/lexer.h"

namespace stator::partiql {

// One step after a path's first name: .name, ['name'] or [index].
struct PathStep {
  enum class Kind { kName, kIndex };
  Kind kind = Kind::kName;
  std::string name;    // kName
  uint32_t index = 0;  // kIndex
  bool operator==(const PathStep&) const = default;
};

// A document path: a top-level attribute name and the steps below it.
struct Path {
  std::string root;
  std::vector<PathStep> steps;
  Span span;
  bool operator==(const Path& other) const { return root == other.root && steps == other.steps; }
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// An expression: a value, a path, an operator applied to operands, or a function call.
struct Expr {
  enum class Kind {
    kPath,       // path
    kLiteral,    // a scalar literal: literal holds it
    kParameter,  // ?: parameter is its 1-based position
    kMissing,    // MISSING
    kList,       // [a, b]: args
    kBag,        // <<a, b>>: args
    kTuple,      // {'k': v}: keys and args, pairwise
    kBinary,     // op in and or = <> < <= > >= + - * / % ||: args[0] op args[1]
    kNot,        // NOT args[0]
    kNegate,     // -args[0]
    kBetween,    // args[0] [NOT] BETWEEN args[1] AND args[2]
    kIn,         // args[0] [NOT] IN args[1] (a kList)
    kIs,         // args[0] IS [NOT] MISSING, NULL or a type: is_type
    kCall,       // function(args...): function in lower case
    kSubquery,   // (SELECT ...): select
  };
  Kind kind = Kind::kLiteral;
  Span span;
  std::string op;  // kBinary
  bool negated = false;     // kBetween, kIn, kIs
  // kIs: "MISSING", or the DynamoDB type tested ("NULL", "BOOL", "S", "N", "B", "M", "L").
  std::string is_type;
  Path path;                // kPath
  model::AttributeValue literal;  // kLiteral
  uint32_t parameter = 0;         // kParameter
  std::string function;           // kCall
  std::vector<std::string> keys;  // kTuple
  std::vector<Span> key_spans;    // kTuple: where each key stands
  std::vector<ExprPtr> args;
  std::shared_ptr<const struct SelectStatement> select;  // kSubquery
};

struct OrderBy {
  Path path;
  bool descending = false;
};

struct SelectStatement {
  bool star = false;
  std::vector<Path> projection;  // when !star
  std::string table;
  std::optional<std::string> index;
  ExprPtr where;  // may be null
  std::vector<OrderBy> order_by;
};

// The values RETURNING asks for, as UpdateItem's and DeleteItem's ReturnValues name them.
enum class Returning { kNone, kAllOld, kModifiedOld, kAllNew, kModifiedNew };

struct InsertStatement {
  std::string table;
  ExprPtr value;  // the item: a tuple, or a parameter holding a map
};

struct SetClause {
  Path target;
  ExprPtr value;
};

struct UpdateStatement {
  std::string table;
  // The SET and REMOVE clauses in the order written.
  std::vector<SetClause> sets;
  std::vector<Path> removes;
  ExprPtr where;
  Returning returning = Returning::kNone;
};

struct DeleteStatement {
  std::string table;
  ExprPtr where;
  Returning returning = Returning::kNone;
};

// EXISTS(SELECT * FROM t WHERE ...): a condition check inside ExecuteTransaction.
struct ExistsStatement {
  std::shared_ptr<const SelectStatement> select;
};

struct Statement {
  std::variant<SelectStatement, InsertStatement, UpdateStatement, DeleteStatement,
               ExistsStatement>
      body;
  uint32_t parameter_count = 0;  // the ?s in the text
};

// A canonical rendering that parses back to the same tree (for tests and the fuzzer): names
// double-quoted, operators parenthesised.
std::string ToString(const Path& path);
std::string ToString(const Expr& e);
std::string ToString(const SelectStatement& s);
std::string ToString(const Statement& statement);

}  // namespace stator::partiql

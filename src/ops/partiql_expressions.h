// PartiQL terms in DynamoDB's expression language: the bridge that lets a PartiQL statement
// run through the same Query, Scan, PutItem, UpdateItem, DeleteItem and transaction code as
// the JSON operations, with their validation, index maintenance and capacity accounting.
//
// An ExpressionWriter turns WHERE conditions, SET values and paths into expression text with
// generated placeholders (#p0, :v0, ...) and collects the names and values they stand for.
// EvaluateValue turns a PartiQL value expression (literal, ?, list, map, set) into an
// AttributeValue.
//
// Thread-safety: pure functions; an ExpressionWriter belongs to one statement.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "expr/resolver.h"
#include "model/attribute_value.h"
#include "partiql/ast.h"

namespace stator::ops {

using PartiqlParameters = std::vector<model::AttributeValue>;

// The value of a value expression: a literal, a ? (from `parameters`), a negated number, or a
// list [..], map {..} or set <<..>> of those. Anything else (a path, a comparison, MISSING)
// is refused with DynamoDB's message.
Result<model::AttributeValue> EvaluateValue(const partiql::Expr& e,
                                            const PartiqlParameters& parameters);

// Whether `e` is a value expression (EvaluateValue may succeed).
bool IsValueExpression(const partiql::Expr& e);

// The conjuncts of a WHERE: `e` split at its top-level ANDs, in text order.
std::vector<const partiql::Expr*> Conjuncts(const partiql::Expr* e);

class ExpressionWriter {
 public:
  explicit ExpressionWriter(const PartiqlParameters* parameters) : parameters_(parameters) {}

  // "#p0.#p1[2]" for a path.
  std::string Path(const partiql::Path& path);
  // ":v0" for a value.
  std::string Value(model::AttributeValue value);
  // A condition (WHERE, or one of its conjuncts) as ConditionExpression/FilterExpression text.
  Result<std::string> Condition(const partiql::Expr& e);
  // An operand of a comparison or function: a path, size(path) or a value.
  Result<std::string> Operand(const partiql::Expr& e);

  // The ExpressionAttributeNames / Values collected so far (nullopt when none).
  std::optional<expr::NameMap> names() const;
  std::optional<expr::ValueMap> values() const;

 private:
  const PartiqlParameters* parameters_;
  expr::NameMap names_;        // #pN -> name
  std::map<std::string, std::string> name_aliases_;  // name -> #pN
  expr::ValueMap values_;      // :vN -> value
};

// True when `e` is `path = value` or `value = path` on the top-level attribute `name`; the
// value expression goes to *value.
bool IsEqualityOn(const partiql::Expr& e, const std::string& name, const partiql::Expr** value);

// A SELECT's projection list as a ProjectionExpression of the paths' top-level attributes
// (their values are picked out by ProjectToLeafNames), with its names in `writer`.
std::string RootProjection(const std::vector<partiql::Path>& paths, ExpressionWriter& writer);

// A SELECT's projection of `item`: each path's value under its leaf name ("b" for a.b,
// "tags[1]" for tags[1]), as DynamoDB answers PartiQL projections.
model::Item ProjectToLeafNames(const std::vector<partiql::Path>& paths, const model::Item& item);

// A path with no steps naming `name`.
bool IsAttribute(const partiql::Expr& e, const std::string& name);

}  // namespace stator::ops

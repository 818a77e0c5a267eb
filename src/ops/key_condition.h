// A Query's key condition, analysed in DynamoDB's two phases:
//
//   1. AnalyzeKeyConditionShape, before the table lookup: the resolved KeyConditionExpression
//      (or the legacy KeyConditions, translated by expr::TranslateLegacyConditions) becomes a
//      list of terms, one per key attribute, in the order written. The expression's shape is
//      checked in a pre-order walk, the first error winning:
//        - OR, NOT, IN, <>, attribute_exists, attribute_not_exists, attribute_type, contains
//          -> "Invalid operator used in KeyConditionExpression: OR" (DynamoDB's spelling);
//        - BETWEEN / begins_with whose first operand is not an attribute
//          -> "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key
//             attribute as its first operand";
//        - then each operand in order: a second attribute -> "... Multiple attribute names used
//          in one condition"; a nested path -> "KeyConditionExpressions cannot have conditions
//          on nested attributes"; a function (size) -> "KeyConditionExpressions cannot contain
//          nested operations";
//        - no attribute -> "... No key attribute specified"; an attribute already used ->
//          "KeyConditionExpressions must only contain one condition per key";
//        - begins_with on a value that is not S or B -> "Invalid KeyConditionExpression:
//          Incorrect operand type ..." (the resolver reports it first; repeated so the analysis
//          does not depend on that);
//      then a count other than 1 to 8 -> "Conditions can be of length 1 or 2 only". ANDs may
//      nest at any depth. A comparison written value-first (":v < a") is flipped (a > :v).
//      The expression's own checks (syntax, placeholders, BETWEEN bounds) are the parser's and
//      the resolver's and come before these.
//      With legacy=true the input is a KeyConditions translation, whose entries DynamoDB checks
//      before the table lookup only for their arguments (done by the translation): the walk
//      just decomposes it, and NE, NULL, NOT_NULL, CONTAINS, NOT_CONTAINS and IN become
//      kNotIndexable terms, rejected by phase 2 at DynamoDB's point.
//
//   2. MatchKeySchema, after the table and index lookup: matches the terms to the queried key
//      schema (the table's or the index's). Per key attribute in schema order (hash, then
//      range), DynamoDB's order:
//        - `before_each` (the caller's ExclusiveStartKey checks of that attribute), if given;
//        - hash key of a hash-only schema with 2 terms -> "Query key condition not supported";
//        - no term on it, when it is the hash key or there are 2 terms -> "Query condition
//          missed key schema element: <attr>" (a range key without a term is fine otherwise);
//        - a kNotIndexable term -> "Attempted conditional constraint is not an indexable
//          operation";
//        - a value whose type is not the key's -> "One or more parameter values were invalid:
//          Condition parameter type does not match schema type";
//        - hash term other than = -> "Query key condition not supported".
//
// An index with a multi-attribute key (up to 4 partition-key and 4 sort-key attributes) is
// matched by its own rules, per key attribute in schema order: every partition-key attribute
// needs a term ("Query condition missed key schema element: <attr>") with = ("Query key
// condition not supported"); terms must be indexable and of the key's type, as above; a term
// on an attribute outside the key -> "Query key condition not supported"; the sort-key
// attributes with terms must be a left-to-right prefix, all with = but the last ("RANGE key
// attributes <x> must have equality conditions specified in the query because a condition is
// present on key attribute <y>"). A single-attribute key takes at most 2 terms ("Conditions
// can be of length 1 or 2 only"); phase 1 allows up to 8.
//
// SortKeySatisfies decides whether a sort-key value lies in the sort term's range (Query uses
// it to check an ExclusiveStartKey). All errors are Status::Validation with DynamoDB's text;
// an input the parser, resolver or translation cannot produce is Status::Internal.
//
// Thread-safety: pure functions and values.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "expr/resolver.h"
#include "model/attribute_value.h"
#include "model/table.h"

namespace stator::ops {

// One condition of a key condition, on one top-level attribute.
struct KeyConditionTerm {
  enum class Op {
    kEq,
    kLt,
    kLe,
    kGt,
    kGe,
    kBetween,
    kBeginsWith,
    kNotIndexable,  // legacy only: NE, NULL, NOT_NULL, CONTAINS, NOT_CONTAINS, IN
  };
  std::string attribute;
  Op op = Op::kEq;
  // kBetween: {low, high}; kNotIndexable: the entry's arguments (maybe none); others: one.
  std::vector<model::AttributeValue> values;
};

// Phase 1, before the table lookup. `legacy`: the condition is a KeyConditions translation.
Result<std::vector<KeyConditionTerm>> AnalyzeKeyConditionShape(
    const expr::ResolvedCondition& condition, bool legacy);

// The key condition matched to a key schema.
struct KeyCondition {
  // The partition-key attributes' values, in schema order (their terms are always =): one,
  // or up to four for an index with a multi-attribute key.
  std::vector<model::AttributeValue> partition;
  // Multi-attribute keys: the values of the leading sort-key attributes compared with =,
  // before the one `sort` is on.
  std::vector<model::AttributeValue> sort_prefix;
  std::optional<KeyConditionTerm> sort;             // the term on the last sort-key attribute named
  const model::KeyElement* sort_element = nullptr;  // the attribute of `sort` (in the schema)
};

// Called for each key attribute before that attribute's checks; an error stops the match.
using KeyElementCheck = std::function<Status(const model::KeyElement& key, bool is_hash)>;

// Phase 2, after the table and index lookup. `terms` come from AnalyzeKeyConditionShape.
Result<KeyCondition> MatchKeySchema(const std::vector<KeyConditionTerm>& terms,
                                    const model::KeySchema& schema,
                                    const KeyElementCheck& before_each = {});

// Whether `value` satisfies `term`: N compares numerically, S and B by unsigned bytes,
// begins_with is a prefix test on S and B. A value of another type than the term's values,
// and a kNotIndexable term, never satisfy.
bool SortKeySatisfies(const KeyConditionTerm& term, const model::AttributeValue& value);

}  // namespace stator::ops

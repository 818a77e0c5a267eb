// Evaluator: decides a resolved condition against an item, with DynamoDB's
// semantics:
//   - a comparison with a missing attribute is false, except "<>", which is
//     true; values of different types are unequal and not ordered (false);
//   - <, <=, >, >=, BETWEEN order N numerically and S and B by unsigned bytes;
//   - begins_with works on S and B; contains on S (substring), sets
//     (membership) and L (an equal element);
//   - size() is the byte length of S and B and the element count of sets, L
//     and M; of any other type it is DynamoDB's ValidationException.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "expr/resolver.h"
#include "model/attribute_value.h"

namespace stator::expr {

// The value at `path` in `item`, or nullptr when some step is missing or of the
// wrong kind (a name into a non-map, an index into a non-list or past its end).
const model::AttributeValue* Lookup(const model::Item& item, const Path& path);

// `item` is empty when the item does not exist. `kind` names the expression
// in error messages.
Result<bool> Evaluate(const ResolvedCondition& condition, const model::Item& item,
                      ExpressionKind kind);

}  // namespace stator::expr

// Updater: applies a resolved UpdateExpression (or the legacy AttributeUpdates translated to
// one) to an item, with DynamoDB's semantics:
//   - every right-hand side (paths, if_not_exists, list_append, + and -) is evaluated
//     against the item as it was before the update, so "SET a = b, b = a" swaps;
//   - SET creates or replaces; a nested SET needs its parent to exist with the right kind
//     (a map for ".name", a list for "[i]"); an index past the end of a list appends;
//   - REMOVE of a missing attribute or element does nothing; several list elements removed
//     by one update are all named by their indexes before the update;
//   - ADD adds to a number or unions into a set, and creates the attribute when missing; an
//     L value (only the legacy AttributeUpdates produce one) appends to a list;
//   - DELETE takes elements out of a set and removes the attribute when the set empties.
// Errors are Status::Validation with DynamoDB's texts:
//   "The provided expression refers to an attribute that does not exist in the item"
//   "An operand in the update expression has an incorrect data type"
//   "The document path provided in the update expression is invalid for update"
//   number overflow/underflow from + - and ADD (model::Number's messages).
// Checks that need the table (key attributes, index key types, item size) are the caller's.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "expr/resolver.h"
#include "model/attribute_value.h"

namespace stator::expr {

// Which request parameter the update came from: the legacy AttributeUpdates
// word an ADD/DELETE against a stored value of another type differently
// ("Type mismatch for attribute to update").
enum class UpdateDialect { kExpression, kAttributeUpdates };

// `item` is the current item (empty map for a missing item, typically holding just the key
// attributes then). Returns the updated item.
Result<model::Item> ApplyUpdate(const ResolvedUpdate& update, const model::Item& item,
                                UpdateDialect dialect = UpdateDialect::kExpression);

}  // namespace stator::expr

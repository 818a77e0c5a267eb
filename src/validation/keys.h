// Validation of primary keys against a table's key schema, with DynamoDB's
// exact messages.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "common/status.h"
#include "model/attribute_value.h"
#include "model/table.h"

namespace stator::validation {

// The key attributes a whole item (PutItem) must carry, and the types of the
// index key attributes it carries.
Status ValidateItemKey(const model::TableDef& table, const model::Item& item);

// An index key attribute an item carries with the wrong type, or empty.
struct IndexKeyProblem {
  enum class Kind { kTypeMismatch, kEmpty };
  Kind kind;
  const model::IndexDef* index;      // points into the TableDef
  const model::KeyElement* element;  // points into the TableDef
  model::Type actual;
};
std::optional<IndexKeyProblem> FindIndexKeyProblem(const model::TableDef& table,
                                                   const model::Item& item);
// PutItem's message for the problem.
Status IndexKeyProblemStatus(const IndexKeyProblem& problem);

// A Key parameter (GetItem, DeleteItem, UpdateItem): exactly the key
// attributes, of the schema's types.
Status ValidateKey(const model::TableDef& table, const model::Item& key);

// Only the empty-value rules of ValidateItemKey (`whole_item`: the table's
// and the indexes' key attributes) or of ValidateKey: the part of them
// DynamoDB's transactions report as a plain ValidationException, before
// executing, rather than as a cancellation reason. Attributes that are
// missing or of another type than the schema's are left to the full check.
Status CheckNoEmptyKeyValues(const model::TableDef& table, const model::Item& item,
                             bool whole_item);

// Copies the key attributes out of a (validated) item.
model::Item ExtractKey(const model::TableDef& table, const model::Item& item);

// The 400 KB item-size limit.
Status ValidateItemSize(const model::Item& item);

}  // namespace stator::validation

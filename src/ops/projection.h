// Which attributes a read returns: all, or those named by a
// ProjectionExpression (with ExpressionAttributeNames) or the legacy
// AttributesToGet.
//
// Paths may be nested ("a.b[2].c"); the result keeps the item's shape, with
// projected list elements kept in index order, as DynamoDB returns them.
//
// Thread-safety: pure functions and values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "expr/ast.h"
#include "model/attribute_value.h"
#include "model/table.h"

namespace stator::ops {

struct ProjectionSpec {
  bool all = true;
  std::vector<expr::Path> paths;  // when !all, resolved (no placeholders)
};

struct ExpressionParams {
  std::optional<std::string> projection_expression;
  std::optional<std::vector<std::string>> attributes_to_get;
  std::optional<std::map<std::string, std::string>> names;  // ExpressionAttributeNames
};

// The checks DynamoDB makes before it looks at attribute values: legacy and
// expression parameters mixed, placeholders without an expression.
Status CheckParameterConflicts(const ExpressionParams& params);

// "Can not use both expression and non-expression parameters in the same
// request: ..." when both lists are non-empty; each lists the members present,
// in DynamoDB's order.
Status CheckNoParameterMix(const std::vector<std::string_view>& legacy,
                           const std::vector<std::string_view>& expressions);

// AttributesToGet names each attribute once.
Status CheckDistinctAttributes(const std::vector<std::string>& names);

// Validates the combination with DynamoDB's messages and resolves names.
Result<ProjectionSpec> ResolveProjection(const ExpressionParams& params);

model::Item ApplyProjection(const ProjectionSpec& spec, const model::Item& item);

// Key attributes are scalars: a path that looks inside one ("a.b", "a[0]")
// is refused, naming a table key ("Key: a") or an index key ("IndexKey: d").
Status CheckKeyPathsScalar(const model::TableDef& table, const std::vector<expr::Path>& paths);

}  // namespace stator::ops

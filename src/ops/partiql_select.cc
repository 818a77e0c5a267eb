// ExecuteStatement's SELECT: planned as Queries (one per partition-key value fixed with = or
// IN) or one Scan, run one page at a time with a NextToken that says where to go on.
#include <algorithm>

#include "common/base64.h"
#include "common/sha256.h"
#include "model/item_codec.h"
#include "ops/partiql_plan.h"
#include "ops/query.h"

namespace stator::ops {
namespace {

using partiql::Expr;

// DO NOT CHANGE: the first byte of every NextToken (docs/design/partiql.md).
constexpr char kNextTokenVersion = 1;
// DynamoDB's limit on the partition-key values of an IN.
constexpr size_t kMaxPartitionValues = 50;

// The key schema a SELECT reads: the table's or its index's.
Result<const model::KeySchema*> TargetSchema(const model::TableDef& table,
                                             const std::optional<std::string>& index) {
  if (!index) return &table.key;
  if (const model::IndexDef* def = table.FindIndex(*index)) return &def->key;
  return Status::Validation("The table does not have the specified index");
}

bool IsGlobalIndex(const model::TableDef& table, const std::optional<std::string>& index) {
  if (!index) return false;
  return std::any_of(table.global_indexes.begin(), table.global_indexes.end(),
                     [&](const model::IndexDef& d) { return d.name == *index; });
}

// Whether `c` can be the sort-key part of a key condition on `sort`.
bool IsSortKeyCondition(const Expr& c, const std::string& sort) {
  if (c.kind == Expr::Kind::kBinary && c.op != "and" && c.op != "or" && c.op != "<>") {
    return (IsAttribute(*c.args[0], sort) && IsValueExpression(*c.args[1])) ||
           (IsAttribute(*c.args[1], sort) && IsValueExpression(*c.args[0]));
  }
  if (c.kind == Expr::Kind::kBetween && !c.negated) {
    return IsAttribute(*c.args[0], sort) && IsValueExpression(*c.args[1]) &&
           IsValueExpression(*c.args[2]);
  }
  if (c.kind == Expr::Kind::kCall && c.function == "begins_with" && c.args.size() == 2) {
    return IsAttribute(*c.args[0], sort) && IsValueExpression(*c.args[1]);
  }
  return false;
}

// For each partition-key attribute of `schema`, the value expressions a conjunct of the WHERE
// fixes it to (one for =, several for IN), and the conjuncts used. Empty `values` when some
// partition-key attribute is not fixed: the SELECT is then a Scan.
struct PartitionChoice {
  std::vector<const Expr*> conjuncts;
  std::vector<std::vector<const Expr*>> values;
};

PartitionChoice ChoosePartition(const model::KeySchema& schema,
                                const std::vector<const Expr*>& conjuncts) {
  PartitionChoice out;
  for (const model::KeyElement* e : schema.HashElements()) {
    bool found = false;
    for (const Expr* c : conjuncts) {
      const Expr* value = nullptr;
      if (IsEqualityOn(*c, e->name, &value)) {
        out.values.push_back({value});
      } else if (c->kind == Expr::Kind::kIn && !c->negated && IsAttribute(*c->args[0], e->name) &&
                 c->args[1]->kind == Expr::Kind::kList && !c->args[1]->args.empty() &&
                 std::all_of(c->args[1]->args.begin(), c->args[1]->args.end(),
                             [](const partiql::ExprPtr& v) { return IsValueExpression(*v); })) {
        std::vector<const Expr*> values;
        for (const auto& v : c->args[1]->args) values.push_back(v.get());
        out.values.push_back(std::move(values));
      } else {
        continue;
      }
      out.conjuncts.push_back(c);
      found = true;
      break;
    }
    if (!found) return {};
  }
  return out;
}

// Every combination of one value per partition-key attribute, in the order written.
std::vector<std::vector<const Expr*>> Combinations(
    const std::vector<std::vector<const Expr*>>& values) {
  std::vector<std::vector<const Expr*>> out = {{}};
  for (const auto& choices : values) {
    std::vector<std::vector<const Expr*>> next;
    for (const auto& combination : out) {
      for (const Expr* v : choices) {
        next.push_back(combination);
        next.back().push_back(v);
      }
    }
    out = std::move(next);
  }
  return out;
}

void FillRead(const partiql::SelectStatement& s, const ExecuteStatementRequest& req,
              ExpressionWriter& writer, ReadRequest* read) {
  read->table_name = s.table;
  read->index_name = s.index;
  if (!s.star) read->projection_expression = RootProjection(s.projection, writer);
  read->limit = req.limit;
  read->consistent_read = req.consistent_read;
  read->return_consumed_capacity = req.return_consumed_capacity;
}

Status CheckOrderBy(const partiql::SelectStatement& s, const model::TableDef& table,
                    const model::KeySchema& schema, const PartitionChoice& partition) {
  if (s.order_by.empty()) return Status::OK();
  if (!s.where) {
    return Status::Validation("Must have WHERE clause in the statement when using ORDER BY clause.");
  }
  for (const partiql::OrderBy& o : s.order_by) {
    if (!o.path.steps.empty() || !schema.Contains(o.path.root)) {
      return Status::Validation("Attribute " + o.path.root +
                                " in ORDER BY clause must be part of the primary key");
    }
  }
  if (partition.values.empty()) {
    return Status::Validation(
        "Must have at least one non-optional hash key condition in WHERE clause when using "
        "ORDER BY clause.");
  }
  return Status::OK();
}

// A SELECT planned as Queries (one per combination of partition-key values) or one Scan.
struct SelectPlan {
  std::vector<QueryRequest> queries;  // empty: a Scan
  ScanRequest scan;
};

Result<SelectPlan> PlanSelect(const RequestContext& ctx, const partiql::SelectStatement& s,
                              const ExecuteStatementRequest& req,
                              const PartiqlParameters& params) {
  storage::TablePtr table = ctx.engine().FindTable(s.table);
  if (!table) return PartiqlTableNotFound();
  STATOR_ASSIGN_OR_RETURN(const model::KeySchema* schema, TargetSchema(*table, s.index));
  if (req.consistent_read && IsGlobalIndex(*table, s.index)) {
    return Status::Validation("Strongly consistent read is not supported on Global Secondary Indexes");
  }
  const std::vector<const Expr*> conjuncts = Conjuncts(s.where.get());
  const PartitionChoice partition = ChoosePartition(*schema, conjuncts);
  STATOR_RETURN_IF_ERROR(CheckOrderBy(s, *table, *schema, partition));

  SelectPlan plan;
  if (partition.values.empty()) {
    ExpressionWriter writer(&params);
    FillRead(s, req, writer, &plan.scan);
    if (s.where) {
      STATOR_ASSIGN_OR_RETURN(std::string filter, writer.Condition(*s.where));
      plan.scan.filter_expression = std::move(filter);
    }
    plan.scan.names = writer.names();
    plan.scan.values = writer.values();
    return plan;
  }

  // The first conjunct that can be a sort-key condition joins the key condition; the rest
  // filter.
  const std::vector<const model::KeyElement*> range = schema->RangeElements();
  const Expr* sort_condition = nullptr;
  std::vector<const Expr*> filter;
  for (const Expr* c : conjuncts) {
    if (std::find(partition.conjuncts.begin(), partition.conjuncts.end(), c) !=
        partition.conjuncts.end()) {
      continue;
    }
    if (sort_condition == nullptr && !range.empty() && IsSortKeyCondition(*c, range[0]->name)) {
      sort_condition = c;
    } else {
      filter.push_back(c);
    }
  }
  const std::vector<std::vector<const Expr*>> combinations = Combinations(partition.values);
  if (combinations.size() > kMaxPartitionValues) {
    return Status::Validation("Too many decomposed read operations for a given query.");
  }
  const bool descending = std::any_of(s.order_by.begin(), s.order_by.end(), [&](const auto& o) {
    return !range.empty() && o.path.root == range[0]->name && o.descending;
  });
  const std::vector<const model::KeyElement*> hash = schema->HashElements();
  for (const auto& combination : combinations) {
    ExpressionWriter writer(&params);
    QueryRequest q;
    FillRead(s, req, writer, &q);
    std::string key_condition;
    for (size_t i = 0; i < hash.size(); ++i) {
      partiql::Path path;
      path.root = hash[i]->name;
      STATOR_ASSIGN_OR_RETURN(std::string value, writer.Operand(*combination[i]));
      key_condition += (i ? " AND " : "") + writer.Path(path) + " = " + value;
    }
    if (sort_condition != nullptr) {
      STATOR_ASSIGN_OR_RETURN(std::string sort, writer.Condition(*sort_condition));
      key_condition += " AND " + sort;
    }
    q.key_condition_expression = std::move(key_condition);
    std::string filter_text;
    for (const Expr* c : filter) {
      STATOR_ASSIGN_OR_RETURN(std::string part, writer.Condition(*c));
      filter_text += (filter_text.empty() ? "(" : " AND (") + part + ")";
    }
    if (!filter_text.empty()) q.filter_expression = std::move(filter_text);
    q.filter_may_use_keys = true;
    q.scan_index_forward = !descending;
    q.names = writer.names();
    q.values = writer.values();
    plan.queries.push_back(std::move(q));
  }
  // Several partitions in ORDER BY the partition key DESC: the last value's partition first.
  const bool partitions_descending = std::any_of(
      s.order_by.begin(), s.order_by.end(),
      [&](const auto& o) { return o.path.root == hash[0]->name && o.descending; });
  if (partitions_descending) std::reverse(plan.queries.begin(), plan.queries.end());
  return plan;
}

// NextToken: the version byte, a digest of the statement and its parameters, the Query of the
// plan the next page starts in, and the LastEvaluatedKey to start after (absent: from the start
// of that Query).
struct NextToken {
  uint32_t query = 0;
  std::optional<model::Item> start_key;
};

std::string RequestDigest(const ExecuteStatementRequest& req) {
  std::string text = req.statement;
  if (req.parameters) {
    for (const model::AttributeValue& p : *req.parameters) {
      text.push_back('\0');
      model::EncodeValue(p, &text);
    }
  }
  return Sha256Hex(text).substr(0, 16);
}

constexpr size_t kTokenHeader = 1 + 16 + 4;

std::string EncodeNextToken(const ExecuteStatementRequest& req, const NextToken& token) {
  std::string raw(1, kNextTokenVersion);
  raw += RequestDigest(req);
  for (int shift = 24; shift >= 0; shift -= 8) {
    raw.push_back(static_cast<char>(token.query >> shift));
  }
  if (token.start_key) model::EncodeItem(*token.start_key, &raw);
  return Base64Encode(raw);
}

Result<NextToken> DecodeNextToken(const ExecuteStatementRequest& req) {
  const Status invalid = Status::Validation("Invalid NextToken");
  std::string raw, error;
  if (!Base64Decode(*req.next_token, &raw, &error) || raw.size() < kTokenHeader ||
      raw[0] != kNextTokenVersion) {
    return invalid;
  }
  if (raw.substr(1, 16) != RequestDigest(req)) {
    return Status::Validation("NextToken does not match request");
  }
  NextToken token;
  for (size_t i = 0; i < 4; ++i) {
    token.query = (token.query << 8) | static_cast<uint8_t>(raw[17 + i]);
  }
  if (raw.size() > kTokenHeader) {
    auto key = model::DecodeItem(std::string_view(raw).substr(kTokenHeader));
    if (!key.ok()) return invalid;
    token.start_key = std::move(*key);
  }
  return token;
}

void AddCapacity(const std::optional<ConsumedCapacity>& c, std::optional<ConsumedCapacity>* total) {
  if (!c) return;
  if (!*total) {
    *total = *c;
  } else {
    AddConsumedUnits(*c, &**total);
  }
}

void TakeItems(const partiql::SelectStatement& s, ReadResponse& page,
               std::vector<model::Item>* out) {
  if (!page.items) return;
  for (model::Item& item : *page.items) {
    out->push_back(s.star ? std::move(item) : ProjectToLeafNames(s.projection, item));
  }
}

}  // namespace

Result<ExecuteStatementResponse> RunSelect(const RequestContext& ctx,
                                           const partiql::SelectStatement& s,
                                           const ExecuteStatementRequest& req,
                                           const PartiqlParameters& params) {
  STATOR_ASSIGN_OR_RETURN(SelectPlan plan, PlanSelect(ctx, s, req, params));
  NextToken position;
  if (req.next_token) {
    STATOR_ASSIGN_OR_RETURN(position, DecodeNextToken(req));
    if (position.query >= std::max<size_t>(plan.queries.size(), 1)) {
      return Status::Validation("Invalid NextToken");
    }
  }
  ExecuteStatementResponse out;
  if (plan.queries.empty()) {
    plan.scan.exclusive_start_key = position.start_key;
    STATOR_ASSIGN_OR_RETURN(ReadResponse page, Scan(ctx, plan.scan));
    TakeItems(s, page, &out.items);
    out.consumed_capacity = std::move(page.consumed_capacity);
    if (page.last_evaluated_key) {
      out.next_token = EncodeNextToken(req, {0, page.last_evaluated_key});
      out.last_evaluated_key = std::move(page.last_evaluated_key);
    }
    return out;
  }
  // The Queries run in turn from the token's; Limit counts the items evaluated by all of them.
  std::optional<int64_t> left = req.limit;
  for (size_t i = position.query; i < plan.queries.size(); ++i) {
    QueryRequest& q = plan.queries[i];
    if (i == position.query) q.exclusive_start_key = position.start_key;
    q.limit = left;
    STATOR_ASSIGN_OR_RETURN(ReadResponse page, Query(ctx, q));
    TakeItems(s, page, &out.items);
    AddCapacity(page.consumed_capacity, &out.consumed_capacity);
    if (left) *left -= page.scanned_count;
    if (page.last_evaluated_key) {
      out.next_token = EncodeNextToken(req, {static_cast<uint32_t>(i), page.last_evaluated_key});
      out.last_evaluated_key = std::move(page.last_evaluated_key);
      return out;
    }
    if (left && *left <= 0 && i + 1 < plan.queries.size()) {
      out.next_token = EncodeNextToken(req, {static_cast<uint32_t>(i + 1), std::nullopt});
      return out;
    }
  }
  return out;
}

}  // namespace stator::ops

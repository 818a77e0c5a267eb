// Planning of PartiQL's item statements: INSERT, UPDATE, DELETE, EXISTS and full-key SELECT,
// each into the request of the item operation that runs it (ops/partiql_plan.h).
#include <variant>

#include "ops/partiql_plan.h"
#include "partiql/parser.h"

namespace stator::ops {
namespace {

using partiql::Expr;

Result<storage::TablePtr> FindTable(const RequestContext& ctx, const std::string& name) {
  storage::TablePtr table = ctx.engine().FindTable(name);
  if (!table) return PartiqlTableNotFound();
  return table;
}

// A WHERE that names one item: its primary key, and the other conjuncts.
struct KeyedWhere {
  model::Item key;
  std::vector<const Expr*> rest;
};

Result<KeyedWhere> SplitKey(const model::TableDef& table, const Expr* where,
                            const PartiqlParameters& params) {
  KeyedWhere out;
  for (const Expr* c : Conjuncts(where)) {
    bool used = false;
    for (const model::KeyElement* e : table.key.Elements()) {
      const Expr* value = nullptr;
      if (out.key.count(e->name) || !IsEqualityOn(*c, e->name, &value)) continue;
      STATOR_ASSIGN_OR_RETURN(model::AttributeValue v, EvaluateValue(*value, params));
      out.key.emplace(e->name, std::move(v));
      used = true;
      break;
    }
    if (!used) out.rest.push_back(c);
  }
  if (out.key.size() != table.key.Elements().size()) {
    return Status::Validation(
        "Where clause does not contain a mandatory equality on all key attributes");
  }
  return out;
}

// The conjuncts `rest` ANDed, after `prefix` when there is one; "" when both are empty.
Result<std::string> JoinConditions(std::string prefix, const std::vector<const Expr*>& rest,
                                   ExpressionWriter& writer) {
  std::string text = std::move(prefix);
  for (const Expr* c : rest) {
    STATOR_ASSIGN_OR_RETURN(std::string part, writer.Condition(*c));
    text += (text.empty() ? "(" : " AND (") + part + ")";
  }
  return text;
}

std::string ExistsCondition(const model::TableDef& table, ExpressionWriter& writer) {
  partiql::Path pk;
  pk.root = table.key.hash.name;
  return "attribute_exists(" + writer.Path(pk) + ")";
}

WriteConditionParams ConditionParams(std::string text, const ExpressionWriter& writer,
                                     bool return_old_on_failure) {
  WriteConditionParams p;
  if (!text.empty()) p.condition_expression = std::move(text);
  p.names = writer.names();
  p.values = writer.values();
  p.return_old_on_failure = return_old_on_failure;
  return p;
}

// SET target = value: the clause of the UpdateExpression it belongs in (SET, or ADD/DELETE
// for set_add/set_delete) and its text there.
Status UpdateAction(const partiql::SetClause& clause, ExpressionWriter& writer,
                    std::vector<std::string>* sets, std::vector<std::string>* adds,
                    std::vector<std::string>* deletes) {
  const Expr& v = *clause.value;
  const std::string target = writer.Path(clause.target);
  if (v.kind == Expr::Kind::kCall && (v.function == "set_add" || v.function == "set_delete")) {
    std::string name = v.function;
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (v.args.size() != 2) {
      return partiql::NotWellFormed(name + " must have exactly two arguments" +
                                    partiql::SpanSuffix(v.span));
    }
    if (v.args[0]->kind != Expr::Kind::kPath || !(v.args[0]->path == clause.target)) {
      return Status::Validation("The first argument to " + name +
                                " must equal the assignment value" + partiql::SpanSuffix(v.span));
    }
    if (v.args[1]->kind != Expr::Kind::kBag && v.args[1]->kind != Expr::Kind::kParameter) {
      return Status::Validation("The second argument to " + name +
                                " must be a value with type SET" +
                                partiql::SpanSuffix(v.args[0]->span));
    }
    STATOR_ASSIGN_OR_RETURN(std::string operand, writer.Operand(*v.args[1]));
    (v.function == "set_add" ? adds : deletes)->push_back(target + " " + operand);
    return Status::OK();
  }
  std::string rhs;
  if (v.kind == Expr::Kind::kCall && v.function == "list_append") {
    if (v.args.size() != 2) {
      return Status::Validation(
          "Incorrect number of operands for operator or function; operator or function: "
          "list_append, number of operands: " + std::to_string(v.args.size()));
    }
    STATOR_ASSIGN_OR_RETURN(std::string a, writer.Operand(*v.args[0]));
    STATOR_ASSIGN_OR_RETURN(std::string b, writer.Operand(*v.args[1]));
    rhs = "list_append(" + a + ", " + b + ")";
  } else if (v.kind == Expr::Kind::kBinary && (v.op == "+" || v.op == "-")) {
    STATOR_ASSIGN_OR_RETURN(std::string a, writer.Operand(*v.args[0]));
    STATOR_ASSIGN_OR_RETURN(std::string b, writer.Operand(*v.args[1]));
    rhs = a + " " + v.op + " " + b;
  } else if (v.kind == Expr::Kind::kCall) {
    return Status::Validation("Unrecognized function: " + v.function + partiql::SpanSuffix(v.span));
  } else {
    STATOR_ASSIGN_OR_RETURN(rhs, writer.Operand(v));
  }
  sets->push_back(target + " = " + rhs);
  return Status::OK();
}

ReturnValues ToReturnValues(partiql::Returning r) {
  switch (r) {
    case partiql::Returning::kAllOld:
      return ReturnValues::kAllOld;
    case partiql::Returning::kModifiedOld:
      return ReturnValues::kUpdatedOld;
    case partiql::Returning::kAllNew:
      return ReturnValues::kAllNew;
    case partiql::Returning::kModifiedNew:
      return ReturnValues::kUpdatedNew;
    case partiql::Returning::kNone:
      break;
  }
  return ReturnValues::kNone;
}

std::string_view ReturningText(partiql::Returning r) {
  switch (r) {
    case partiql::Returning::kAllOld:
      return "ALL OLD";
    case partiql::Returning::kModifiedOld:
      return "MODIFIED OLD";
    case partiql::Returning::kAllNew:
      return "ALL NEW";
    case partiql::Returning::kModifiedNew:
      return "MODIFIED NEW";
    case partiql::Returning::kNone:
      break;
  }
  return "";
}

std::string JoinClause(std::string_view keyword, const std::vector<std::string>& parts) {
  if (parts.empty()) return "";
  std::string out = std::string(keyword) + " ";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out + " ";
}

}  // namespace

Result<partiql::Statement> ParseWithParameters(const std::string& text,
                                               const std::optional<PartiqlParameters>& params) {
  STATOR_ASSIGN_OR_RETURN(partiql::Statement statement, partiql::Parse(text));
  const size_t given = params ? params->size() : 0;
  if (given != statement.parameter_count) {
    return Status::Validation("Number of parameters in request and statement don't match.");
  }
  return statement;
}

const std::string& TableOf(const partiql::Statement& s) {
  struct Visitor {
    const std::string& operator()(const partiql::SelectStatement& x) const { return x.table; }
    const std::string& operator()(const partiql::InsertStatement& x) const { return x.table; }
    const std::string& operator()(const partiql::UpdateStatement& x) const { return x.table; }
    const std::string& operator()(const partiql::DeleteStatement& x) const { return x.table; }
    const std::string& operator()(const partiql::ExistsStatement& x) const {
      return x.select->table;
    }
  };
  return std::visit(Visitor{}, s.body);
}

bool IsRead(const partiql::Statement& s) {
  return std::holds_alternative<partiql::SelectStatement>(s.body);
}

Status PartiqlTableNotFound() { return Status::ResourceNotFound("Requested resource not found"); }

Status DuplicateItem() {
  return Status(Code::kDuplicateItem, "Duplicate primary key exists in table");
}

Result<PutItemRequest> PlanInsert(const RequestContext& ctx, const partiql::InsertStatement& s,
                                  const PartiqlParameters& params) {
  STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, FindTable(ctx, s.table));
  if (s.value->kind != Expr::Kind::kTuple && s.value->kind != Expr::Kind::kParameter) {
    return Status::Validation(
        "Unsupported format in item expression. Please use struct format {...} to express item "
        "values for insert statement." + partiql::SpanSuffix(s.value->span));
  }
  STATOR_ASSIGN_OR_RETURN(model::AttributeValue value, EvaluateValue(*s.value, params));
  if (value.type() != model::Type::kM) {
    return Status::Validation(
        "Unsupported format in item expression. Please use struct format {...} to express item "
        "values for insert statement." + partiql::SpanSuffix(s.value->span));
  }
  // PartiQL's own texts for the key, before PutItem's checks.
  for (const model::KeyElement* e : table->key.Elements()) {
    auto it = value.m().find(e->name);
    if (it == value.m().end()) {
      return Status::Validation("Key attribute should be present in the item: Key " + e->name);
    }
    if (it->second.type() != e->type) {
      return Status::Validation(
          "Key attribute's data type should match its data type in table's schema: Key " +
          e->name);
    }
  }
  PutItemRequest put;
  put.table_name = s.table;
  put.item = value.m();
  ExpressionWriter writer(&params);
  partiql::Path pk;
  pk.root = table->key.hash.name;
  put.condition = ConditionParams("attribute_not_exists(" + writer.Path(pk) + ")", writer, false);
  return put;
}

Result<UpdateItemRequest> PlanUpdate(const RequestContext& ctx, const partiql::UpdateStatement& s,
                                     const PartiqlParameters& params, bool return_old) {
  STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, FindTable(ctx, s.table));
  STATOR_ASSIGN_OR_RETURN(KeyedWhere where, SplitKey(*table, s.where.get(), params));
  ExpressionWriter writer(&params);
  std::vector<std::string> sets, adds, deletes, removes;
  for (const partiql::SetClause& clause : s.sets) {
    STATOR_RETURN_IF_ERROR(UpdateAction(clause, writer, &sets, &adds, &deletes));
  }
  for (const partiql::Path& path : s.removes) removes.push_back(writer.Path(path));
  std::string update = JoinClause("SET", sets) + JoinClause("REMOVE", removes) +
                       JoinClause("ADD", adds) + JoinClause("DELETE", deletes);
  update.pop_back();
  // An UPDATE never creates an item: it must exist, and meet the rest of the WHERE.
  STATOR_ASSIGN_OR_RETURN(std::string condition,
                          JoinConditions(ExistsCondition(*table, writer), where.rest, writer));
  UpdateItemRequest req;
  req.table_name = s.table;
  req.key = std::move(where.key);
  req.update_expression = std::move(update);
  req.condition = ConditionParams(std::move(condition), writer, return_old);
  req.return_values = ToReturnValues(s.returning);
  return req;
}

Result<DeleteItemRequest> PlanDelete(const RequestContext& ctx, const partiql::DeleteStatement& s,
                                     const PartiqlParameters& params, bool return_old) {
  if (s.returning != partiql::Returning::kNone && s.returning != partiql::Returning::kAllOld) {
    return Status::Validation("Invalid returning clause: RETURNING " +
                              std::string(ReturningText(s.returning)) +
                              " *. Only RETURNING ALL OLD * is allowed in DELETE statements.");
  }
  STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, FindTable(ctx, s.table));
  STATOR_ASSIGN_OR_RETURN(KeyedWhere where, SplitKey(*table, s.where.get(), params));
  // A DELETE of a missing item succeeds: the rest of the WHERE is a condition on an item that
  // exists.
  ExpressionWriter writer(&params);
  STATOR_ASSIGN_OR_RETURN(std::string condition, JoinConditions("", where.rest, writer));
  if (!condition.empty()) {
    partiql::Path pk;
    pk.root = table->key.hash.name;
    // AND binds tighter than OR: "absent OR (a) AND (b)" needs no more parentheses (and
    // DynamoDB's parser refuses redundant ones).
    condition = "attribute_not_exists(" + writer.Path(pk) + ") OR " + condition;
  }
  DeleteItemRequest req;
  req.table_name = s.table;
  req.key = std::move(where.key);
  req.condition = ConditionParams(std::move(condition), writer, return_old);
  req.return_values = ToReturnValues(s.returning);
  return req;
}

Result<TransactWriteAction> PlanConditionCheck(const RequestContext& ctx,
                                               const partiql::ExistsStatement& s,
                                               const PartiqlParameters& params, bool return_old) {
  STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, FindTable(ctx, s.select->table));
  auto where = SplitKey(*table, s.select->where.get(), params);
  if (!where.ok() || where->rest.empty() || s.select->index) {
    return Status::Validation("EXISTS() must contain a single item read with additional condition");
  }
  ExpressionWriter writer(&params);
  STATOR_ASSIGN_OR_RETURN(std::string condition,
                          JoinConditions(ExistsCondition(*table, writer), where->rest, writer));
  TransactWriteAction a;
  a.kind = TransactWriteAction::Kind::kConditionCheck;
  a.table_name = s.select->table;
  a.key = std::move(where->key);
  a.condition = ConditionParams(std::move(condition), writer, return_old);
  return a;
}

Result<GetItemRequest> PlanGet(const RequestContext& ctx, const partiql::SelectStatement& s,
                               const PartiqlParameters& params, const char* context) {
  const std::string must_key = std::string("Select statements within ") + context +
                               " must specify the primary key in the where clause.";
  if (s.index) return Status::Validation(must_key);
  STATOR_ASSIGN_OR_RETURN(storage::TablePtr table, FindTable(ctx, s.table));
  auto where = SplitKey(*table, s.where.get(), params);
  if (!where.ok() || !where->rest.empty()) return Status::Validation(must_key);
  GetItemRequest get;
  get.table_name = s.table;
  get.key = std::move(where->key);
  if (!s.star) {
    ExpressionWriter writer(&params);
    ExpressionParams e;
    e.projection_expression = RootProjection(s.projection, writer);
    e.names = writer.names();
    STATOR_ASSIGN_OR_RETURN(get.projection, ResolveProjection(e));
  }
  return get;
}

}  // namespace stator::ops

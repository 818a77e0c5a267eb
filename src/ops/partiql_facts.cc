// What a PartiQL statement touches, for access policies (ops/partiql.h).
#include <functional>

#include "ops/partiql_plan.h"

namespace stator::ops {
namespace {

using partiql::Expr;

void AddPaths(const Expr& e, std::set<std::string>* out) {
  if (e.kind == Expr::Kind::kPath) out->insert(e.path.root);
  for (const auto& arg : e.args) AddPaths(*arg, out);
  if (e.select && e.select->where) AddPaths(*e.select->where, out);
}

// The values `where` fixes the partition key `hash` to with = (or IN), when it does.
std::optional<std::vector<model::AttributeValue>> PartitionValues(
    const Expr* where, const std::string& hash, const PartiqlParameters& params) {
  for (const Expr* c : Conjuncts(where)) {
    std::vector<const Expr*> values;
    const Expr* value = nullptr;
    if (IsEqualityOn(*c, hash, &value)) {
      values.push_back(value);
    } else if (c->kind == Expr::Kind::kIn && !c->negated && IsAttribute(*c->args[0], hash)) {
      for (const auto& v : c->args[1]->args) values.push_back(v.get());
    } else {
      continue;
    }
    std::vector<model::AttributeValue> out;
    for (const Expr* v : values) {
      auto evaluated = EvaluateValue(*v, params);
      if (!evaluated.ok()) return std::nullopt;
      out.push_back(std::move(*evaluated));
    }
    return out;
  }
  return std::nullopt;
}

const model::KeySchema* SchemaOf(const model::TableDef& table,
                                 const std::optional<std::string>& index) {
  if (!index) return &table.key;
  const model::IndexDef* def = table.FindIndex(*index);
  return def ? &def->key : nullptr;
}

}  // namespace

Result<PartiqlStatementFacts> DescribePartiqlStatement(
    const RequestContext& ctx, const std::string& text,
    const std::optional<PartiqlParameters>& parameters) {
  STATOR_ASSIGN_OR_RETURN(partiql::Statement statement, ParseWithParameters(text, parameters));
  const PartiqlParameters params = parameters.value_or(PartiqlParameters{});
  PartiqlStatementFacts facts;
  facts.table = TableOf(statement);
  const Expr* where = nullptr;
  if (const auto* s = std::get_if<partiql::SelectStatement>(&statement.body)) {
    facts.action = "PartiQLSelect";
    facts.index = s->index;
    for (const partiql::Path& p : s->projection) facts.attributes.insert(p.root);
    where = s->where.get();
  } else if (const auto* s = std::get_if<partiql::InsertStatement>(&statement.body)) {
    facts.action = "PartiQLInsert";
    auto item = EvaluateValue(*s->value, params);
    if (item.ok() && item->type() == model::Type::kM) {
      for (const auto& [name, value] : item->m()) facts.attributes.insert(name);
      if (storage::TablePtr table = ctx.engine().FindTable(facts.table)) {
        facts.leading_keys.emplace();
        auto it = item->m().find(table->key.hash.name);
        if (it != item->m().end()) facts.leading_keys->push_back(it->second);
      }
    }
  } else if (const auto* s = std::get_if<partiql::UpdateStatement>(&statement.body)) {
    facts.action = "PartiQLUpdate";
    for (const partiql::SetClause& c : s->sets) {
      facts.attributes.insert(c.target.root);
      AddPaths(*c.value, &facts.attributes);
    }
    for (const partiql::Path& p : s->removes) facts.attributes.insert(p.root);
    where = s->where.get();
  } else if (const auto* s = std::get_if<partiql::DeleteStatement>(&statement.body)) {
    facts.action = "PartiQLDelete";
    where = s->where.get();
  } else {
    facts.action = "PartiQLSelect";
    where = std::get<partiql::ExistsStatement>(statement.body).select->where.get();
  }
  if (where != nullptr) {
    AddPaths(*where, &facts.attributes);
    storage::TablePtr table = ctx.engine().FindTable(facts.table);
    const model::KeySchema* schema = table ? SchemaOf(*table, facts.index) : nullptr;
    if (schema != nullptr) {
      facts.leading_keys = PartitionValues(where, schema->hash.name, params);
    }
  }
  facts.full_table_scan = std::holds_alternative<partiql::SelectStatement>(statement.body) &&
                          !facts.leading_keys;
  return facts;
}

}  // namespace stator::ops

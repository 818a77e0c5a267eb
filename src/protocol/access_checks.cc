#include "protocol/access_checks.h"

#include <functional>
#include <set>
#include <unordered_map>
#include <utility>

#include "common/base64.h"
#include "expr/parser.h"
#include "ops/tables.h"
#include "protocol/backups_json.h"
#include "protocol/batch_json.h"
#include "protocol/exports_json.h"
#include "protocol/item_json.h"
#include "protocol/partiql_json.h"
#include "protocol/query_json.h"
#include "protocol/streams_json.h"
#include "protocol/table_json.h"
#include "protocol/tags_json.h"
#include "protocol/transact_json.h"
#include "protocol/ttl_json.h"

namespace stator::protocol {
namespace {

constexpr std::string_view kAttributes = "dynamodb:Attributes";
constexpr std::string_view kLeadingKeys = "dynamodb:LeadingKeys";

// ---- the condition keys of item operations ----

// The top-level attribute names and partition-key values one request (or one
// table's part of a batch) touches.
struct ItemFacts {
  std::set<std::string> attributes;
  std::set<std::string> leading_keys;
  bool table_known = false;  // LeadingKeys is supplied only when the key schema is known

  void AddItem(const model::Item& item) {
    for (const auto& [name, value] : item) attributes.insert(name);
  }
  // The path's top-level attribute; a placeholder the request does not define
  // is skipped (the operation rejects the request anyway).
  void AddPath(const expr::Path& path, const expr::NameMap* names) {
    if (path.elements.empty()) return;  // e.g. the unused value operand of a REMOVE
    const expr::PathElement& first = path.elements.front();
    if (first.kind == expr::PathElement::Kind::kName) {
      attributes.insert(first.name);
    } else if (first.kind == expr::PathElement::Kind::kPlaceholder && names != nullptr) {
      if (auto it = names->find(first.name); it != names->end()) attributes.insert(it->second);
    }
  }
  void AddOperand(const expr::Operand& operand, const expr::NameMap* names) {
    if (operand.kind == expr::Operand::Kind::kPath) AddPath(operand.path, names);
    for (const expr::Operand& arg : operand.args) AddOperand(arg, names);
  }
  void AddCondition(const expr::Condition& condition, const expr::NameMap* names) {
    for (const expr::Operand& operand : condition.operands) AddOperand(operand, names);
    for (const expr::Condition& child : condition.children) AddCondition(child, names);
  }
  void AddUpdate(const std::vector<expr::UpdateAction>& actions, const expr::NameMap* names) {
    for (const expr::UpdateAction& action : actions) {
      AddPath(action.path, names);
      AddOperand(action.value, names);
    }
  }
  // Expression text that does not parse adds nothing: the operation refuses
  // it before touching any item.
  void AddConditionText(const std::optional<std::string>& text, expr::ExpressionKind kind,
                        const expr::NameMap* names) {
    if (!text) return;
    if (auto parsed = expr::ParseCondition(*text, kind); parsed.ok()) {
      AddCondition(parsed->root, names);
    }
  }
  void AddProjectionText(const std::optional<std::string>& text, const expr::NameMap* names) {
    if (!text) return;
    if (auto parsed = expr::ParseProjection(*text); parsed.ok()) {
      for (const expr::Path& path : parsed->paths) AddPath(path, names);
    }
  }
  void AddUpdateText(const std::optional<std::string>& text, const expr::NameMap* names) {
    if (!text) return;
    if (auto parsed = expr::ParseUpdate(*text); parsed.ok()) AddUpdate(parsed->actions, names);
  }
  void AddProjection(const ops::ProjectionSpec& spec) {
    for (const expr::Path& path : spec.paths) AddPath(path, nullptr);
  }
  void AddLegacy(const std::optional<expr::LegacyConditions>& conditions) {
    if (!conditions) return;
    for (const auto& [name, condition] : *conditions) attributes.insert(name);
  }
  void AddWriteCondition(const ops::WriteConditionParams& c) {
    const expr::NameMap* names = c.names ? &*c.names : nullptr;
    AddConditionText(c.condition_expression, expr::ExpressionKind::kCondition, names);
    if (c.legacy_condition) AddCondition(c.legacy_condition->root, nullptr);
  }
};

// A key value as policies see it: a string, a number's text, base64 bytes.
std::optional<std::string> KeyText(const model::AttributeValue& v) {
  switch (v.type()) {
    case model::Type::kS:
      return v.s();
    case model::Type::kN:
      return v.n().ToString();
    case model::Type::kB:
      return Base64Encode(v.b());
    default:
      return std::nullopt;
  }
}

const nlohmann::json* Member(const Json& body, std::string_view name) {
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? &*it : nullptr;
}

// The table's definition, or null when there is none (the operation answers).
storage::TablePtr FindTable(const ops::RequestContext& ctx, const std::string& name) {
  auto table = ops::FindTableForItemOp(ctx, name);
  return table.ok() ? *table : nullptr;
}

// The key schema a request reads: the table's, or its index's; null if none.
const model::KeySchema* QueriedSchema(const model::TableDef& table,
                                      const std::optional<std::string>& index) {
  if (!index) return &table.key;
  const model::IndexDef* def = table.FindIndex(*index);
  return def ? &def->key : nullptr;
}

// Adds the partition-key value of `item` (a key or a whole item).
void AddLeadingKey(ItemFacts& facts, const model::TableDef* table, const model::Item& item) {
  if (table == nullptr) return;
  facts.table_known = true;
  auto it = item.find(table->key.hash.name);
  if (it == item.end()) return;
  if (auto text = KeyText(it->second)) facts.leading_keys.insert(*text);
}

// Query's partition-key value: the equality on `hash` in the key condition.
void AddQueryLeadingKey(ItemFacts& facts, const ops::QueryRequest& req, const std::string& hash) {
  facts.table_known = true;
  const expr::NameMap* names = req.names ? &*req.names : nullptr;
  if (req.key_conditions) {
    for (const auto& [name, c] : *req.key_conditions) {
      if (name == hash && c.comparison_operator == "EQ" && c.attribute_value_list &&
          c.attribute_value_list->size() == 1) {
        if (auto text = KeyText(c.attribute_value_list->front())) facts.leading_keys.insert(*text);
      }
    }
  }
  if (!req.key_condition_expression) return;
  auto parsed =
      expr::ParseCondition(*req.key_condition_expression, expr::ExpressionKind::kKeyCondition);
  if (!parsed.ok()) return;
  std::function<void(const expr::Condition&)> walk = [&](const expr::Condition& c) {
    for (const expr::Condition& child : c.children) walk(child);
    if (c.kind != expr::Condition::Kind::kCompare || c.op != expr::CompareOp::kEq) return;
    for (int side = 0; side < 2; ++side) {
      const expr::Operand& path = c.operands[side];
      const expr::Operand& value = c.operands[1 - side];
      if (path.kind != expr::Operand::Kind::kPath || value.kind != expr::Operand::Kind::kValue ||
          path.path.elements.size() != 1 || !req.values) {
        continue;
      }
      ItemFacts probe;
      probe.AddPath(path.path, names);
      auto v = req.values->find(value.value.placeholder);
      if (probe.attributes.count(hash) && v != req.values->end()) {
        if (auto text = KeyText(v->second)) facts.leading_keys.insert(*text);
      }
    }
  };
  walk(parsed->root);
}

struct Keys {
  std::optional<std::string> select;
  std::optional<std::string> return_values;
  std::optional<std::string> enclosing_operation;
};

auth::ConditionContext ContextOf(const ItemFacts& facts, const Keys& keys, const Json& body) {
  auth::ConditionContext c;
  c[std::string(kAttributes)] = {facts.attributes.begin(), facts.attributes.end()};
  if (facts.table_known) {
    c[std::string(kLeadingKeys)] = {facts.leading_keys.begin(), facts.leading_keys.end()};
  }
  if (keys.select) c["dynamodb:Select"] = {*keys.select};
  if (keys.return_values) c["dynamodb:ReturnValues"] = {*keys.return_values};
  if (keys.enclosing_operation) c["dynamodb:EnclosingOperation"] = {*keys.enclosing_operation};
  if (const Json* rcc = Member(body, "ReturnConsumedCapacity")) {
    c["dynamodb:ReturnConsumedCapacity"] = {rcc->get<std::string>()};
  }
  return c;
}

// Select as DynamoDB defaults it.
std::string SelectOf(const Json& body, bool projected, bool index) {
  if (const Json* s = Member(body, "Select")) return s->get<std::string>();
  if (projected) return "SPECIFIC_ATTRIBUTES";
  return index ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES";
}

std::string ReturnValuesOf(const Json& body) {
  const Json* rv = Member(body, "ReturnValues");
  return rv ? rv->get<std::string>() : "NONE";
}

std::string Action(std::string_view operation) { return "dynamodb:" + std::string(operation); }

// ---- per operation ----

using Checks = std::vector<AccessCheck>;
using Builder = std::function<Result<Checks>(const Json&, const ops::RequestContext&)>;

// A table name or table ARN, as its ARN.
std::string TableResource(const ops::RequestContext& ctx, const std::string& name_or_arn) {
  return name_or_arn.rfind("arn:", 0) == 0 ? name_or_arn : ctx.TableArn(name_or_arn);
}

// One check of `operation` on `resource`, once `decoded` succeeded.
template <typename T>
Result<Checks> One(const Result<T>& decoded, std::string_view operation,
                   const std::function<std::string(const T&)>& resource) {
  if (!decoded.ok()) return decoded.status();
  return Checks{{Action(operation), resource(*decoded), {}}};
}

// What a restore needs on the table it creates, as DynamoDB documents.
void AddRestoreWrites(Checks& checks, const std::string& target_arn) {
  for (std::string_view op :
       {"PutItem", "UpdateItem", "DeleteItem", "GetItem", "Query", "Scan", "BatchWriteItem"}) {
    checks.push_back({Action(op), target_arn, {}});
  }
}

Result<Checks> GetItemChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeGetItem(body));
  ItemFacts facts;
  facts.AddItem(req.key);
  facts.AddProjection(req.projection);
  AddLeadingKey(facts, FindTable(ctx, req.table_name).get(), req.key);
  Keys keys{SelectOf(body, !req.projection.all, false), {}, {}};
  return Checks{{"dynamodb:GetItem", ctx.TableArn(req.table_name), ContextOf(facts, keys, body)}};
}

template <typename Req>
Result<Checks> WriteChecks(const Json& body, const ops::RequestContext& ctx,
                           std::string_view operation, const Req& req, ItemFacts facts,
                           const model::Item& key_or_item) {
  facts.AddItem(key_or_item);
  facts.AddWriteCondition(req.condition);
  AddLeadingKey(facts, FindTable(ctx, req.table_name).get(), key_or_item);
  Keys keys{{}, ReturnValuesOf(body), {}};
  return Checks{{Action(operation), ctx.TableArn(req.table_name), ContextOf(facts, keys, body)}};
}

Result<Checks> PutItemChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodePutItem(body));
  return WriteChecks(body, ctx, "PutItem", req, {}, req.item);
}

Result<Checks> DeleteItemChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeDeleteItem(body));
  return WriteChecks(body, ctx, "DeleteItem", req, {}, req.key);
}

Result<Checks> UpdateItemChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeUpdateItem(body));
  ItemFacts facts;
  facts.AddUpdateText(req.update_expression, req.condition.names ? &*req.condition.names : nullptr);
  if (req.legacy_update) facts.AddUpdate(req.legacy_update->actions, nullptr);
  return WriteChecks(body, ctx, "UpdateItem", req, std::move(facts), req.key);
}

// What Query and Scan share; `facts` holds what is particular to each.
Result<Checks> ReadChecks(const Json& body, const ops::RequestContext& ctx,
                          std::string_view operation, const ops::ReadRequest& req,
                          ItemFacts facts) {
  const expr::NameMap* names = req.names ? &*req.names : nullptr;
  facts.AddProjectionText(req.projection_expression, names);
  if (req.attributes_to_get) {
    facts.attributes.insert(req.attributes_to_get->begin(), req.attributes_to_get->end());
  }
  facts.AddConditionText(req.filter_expression, expr::ExpressionKind::kFilter, names);
  facts.AddLegacy(req.legacy_filter);
  if (req.exclusive_start_key) facts.AddItem(*req.exclusive_start_key);
  const bool projected = req.projection_expression || req.attributes_to_get;
  Keys keys{SelectOf(body, projected, req.index_name.has_value()), {}, {}};
  std::string resource = ctx.TableArn(req.table_name);
  if (req.index_name) resource += "/index/" + *req.index_name;
  return Checks{{Action(operation), std::move(resource), ContextOf(facts, keys, body)}};
}

Result<Checks> QueryChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeQuery(body));
  ItemFacts facts;
  facts.AddConditionText(req.key_condition_expression, expr::ExpressionKind::kKeyCondition,
                         req.names ? &*req.names : nullptr);
  facts.AddLegacy(req.key_conditions);
  if (storage::TablePtr table = FindTable(ctx, req.table_name)) {
    if (const model::KeySchema* schema = QueriedSchema(*table, req.index_name)) {
      AddQueryLeadingKey(facts, req, schema->hash.name);
    }
  }
  return ReadChecks(body, ctx, "Query", req, std::move(facts));
}

Result<Checks> ScanChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeScan(body));
  return ReadChecks(body, ctx, "Scan", req, {});  // a Scan names no partition: no LeadingKeys
}

Result<Checks> BatchGetItemChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeBatchGetItem(body));
  Checks checks;
  for (const ops::BatchGetTable& t : req.tables) {
    ItemFacts facts;
    storage::TablePtr table = FindTable(ctx, t.table_name);
    for (const model::Item& key : t.keys) {
      facts.AddItem(key);
      AddLeadingKey(facts, table.get(), key);
    }
    facts.AddProjection(t.projection);
    Keys keys{t.projection.all ? "ALL_ATTRIBUTES" : "SPECIFIC_ATTRIBUTES", {}, {}};
    checks.push_back(
        {"dynamodb:BatchGetItem", ctx.TableArn(t.table_name), ContextOf(facts, keys, body)});
  }
  return checks;
}

Result<Checks> BatchWriteItemChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeBatchWriteItem(body));
  Checks checks;
  for (const ops::BatchWriteTable& t : req.tables) {
    ItemFacts facts;
    storage::TablePtr table = FindTable(ctx, t.table_name);
    for (const ops::WriteRequest& w : t.requests) {
      facts.AddItem(w.item);
      AddLeadingKey(facts, table.get(), w.item);
    }
    checks.push_back(
        {"dynamodb:BatchWriteItem", ctx.TableArn(t.table_name), ContextOf(facts, Keys{}, body)});
  }
  return checks;
}

Result<Checks> TransactWriteItemsChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeTransactWriteItems(body));
  Checks checks;
  for (const ops::TransactWriteAction& a : req.actions) {
    using Kind = ops::TransactWriteAction::Kind;
    ItemFacts facts;
    const model::Item& item = a.kind == Kind::kPut ? a.item : a.key;
    facts.AddItem(item);
    facts.AddWriteCondition(a.condition);
    facts.AddUpdateText(a.update_expression, a.condition.names ? &*a.condition.names : nullptr);
    AddLeadingKey(facts, FindTable(ctx, a.table_name).get(), item);
    std::string_view op = a.kind == Kind::kPut      ? "PutItem"
                          : a.kind == Kind::kUpdate ? "UpdateItem"
                          : a.kind == Kind::kDelete ? "DeleteItem"
                                                    : "ConditionCheckItem";
    Keys keys{{}, {}, "TransactWriteItems"};
    checks.push_back({Action(op), ctx.TableArn(a.table_name), ContextOf(facts, keys, body)});
  }
  return checks;
}

Result<Checks> TransactGetItemsChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeTransactGetItems(body));
  Checks checks;
  for (const ops::TransactGetAction& a : req.actions) {
    ItemFacts facts;
    facts.AddItem(a.key);
    facts.AddProjection(a.projection);
    AddLeadingKey(facts, FindTable(ctx, a.table_name).get(), a.key);
    Keys keys{a.projection.all ? "ALL_ATTRIBUTES" : "SPECIFIC_ATTRIBUTES", {}, "TransactGetItems"};
    checks.push_back(
        {"dynamodb:GetItem", ctx.TableArn(a.table_name), ContextOf(facts, keys, body)});
  }
  return checks;
}

// PartiQL: each statement's PartiQL action on its table, or its index for a SELECT of one.
// A statement of a batch that fails to parse needs nothing: it answers its own error.
Status AddPartiqlCheck(const ops::RequestContext& ctx, const std::string& statement,
                       const std::optional<ops::PartiqlParameters>& params, const Json& body,
                       Checks* checks) {
  STATOR_ASSIGN_OR_RETURN(ops::PartiqlStatementFacts facts,
                          ops::DescribePartiqlStatement(ctx, statement, params));
  ItemFacts item;
  item.attributes = std::move(facts.attributes);
  if (facts.leading_keys) {
    item.table_known = true;
    for (const model::AttributeValue& v : *facts.leading_keys) {
      if (auto text = KeyText(v)) item.leading_keys.insert(*text);
    }
  }
  std::string resource = ctx.TableArn(facts.table);
  if (facts.index) resource += "/index/" + *facts.index;
  auth::ConditionContext context = ContextOf(item, {}, body);
  if (facts.action == "PartiQLSelect") {
    context["dynamodb:FullTableScan"] = {facts.full_table_scan ? "true" : "false"};
  }
  checks->push_back({Action(facts.action), std::move(resource), std::move(context)});
  return Status::OK();
}

Result<Checks> ExecuteStatementChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeExecuteStatement(body));
  Checks checks;
  STATOR_RETURN_IF_ERROR(AddPartiqlCheck(ctx, req.statement, req.parameters, body, &checks));
  return checks;
}

Result<Checks> BatchExecuteStatementChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeBatchExecuteStatement(body));
  Checks checks;
  for (const ops::BatchStatement& s : req.statements) {
    (void)AddPartiqlCheck(ctx, s.statement, s.parameters, body, &checks);  // see above
  }
  return checks;
}

Result<Checks> ExecuteTransactionChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeExecuteTransaction(body));
  Checks checks;
  for (const ops::TransactionStatement& s : req.statements) {
    STATOR_RETURN_IF_ERROR(AddPartiqlCheck(ctx, s.statement, s.parameters, body, &checks));
  }
  return checks;
}

Result<Checks> RestoreFromBackupChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeRestoreTableFromBackup(body));
  std::string target = ctx.TableArn(req.target_table_name);
  Checks checks{{"dynamodb:RestoreTableFromBackup", req.backup_arn, {}},
                {"dynamodb:RestoreTableFromBackup", target, {}}};
  AddRestoreWrites(checks, target);
  return checks;
}

Result<Checks> RestoreToPointInTimeChecks(const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeRestoreTableToPointInTime(body));
  std::string source = req.source_table_arn ? *req.source_table_arn
                                            : ctx.TableArn(req.source_table_name.value_or(""));
  std::string target = ctx.TableArn(req.target_table_name);
  Checks checks{{"dynamodb:RestoreTableToPointInTime", source, {}},
                {"dynamodb:RestoreTableToPointInTime", target, {}}};
  AddRestoreWrites(checks, target);
  return checks;
}

// The stream a shard iterator reads ("STREAM_ARN|version|position"); none
// for an iterator of another form, which GetRecords refuses anyway.
Result<Checks> GetRecordsChecks(const Json& body, const ops::RequestContext&) {
  STATOR_ASSIGN_OR_RETURN(auto req, DecodeGetRecords(body));
  size_t bar = req.shard_iterator.find('|');
  if (bar == std::string::npos) return Checks{};
  return Checks{{"dynamodb:GetRecords", req.shard_iterator.substr(0, bar), {}}};
}

// The operations that need only one check without condition keys.
template <typename T>
Builder Simple(Result<T> (*decode)(const Json&), std::string_view operation,
               std::function<std::string(const T&, const ops::RequestContext&)> resource) {
  return [=](const Json& body, const ops::RequestContext& ctx) -> Result<Checks> {
    return One<T>(decode(body), operation, [&](const T& r) { return resource(r, ctx); });
  };
}

Builder Account(std::string_view operation) {
  return [=](const Json&, const ops::RequestContext&) -> Result<Checks> {
    return Checks{{Action(operation), "*", {}}};
  };
}

template <typename T>
Builder AccountAfter(Result<T> (*decode)(const Json&), std::string_view operation) {
  return Simple<T>(decode, operation, [](const T&, const ops::RequestContext&) { return "*"; });
}

using Ctx = ops::RequestContext;

const std::unordered_map<std::string_view, Builder>& Builders() {
  static const auto* kBuilders = new std::unordered_map<std::string_view, Builder>{
      {"GetItem", GetItemChecks},
      {"PutItem", PutItemChecks},
      {"DeleteItem", DeleteItemChecks},
      {"UpdateItem", UpdateItemChecks},
      {"Query", QueryChecks},
      {"Scan", ScanChecks},
      {"BatchGetItem", BatchGetItemChecks},
      {"BatchWriteItem", BatchWriteItemChecks},
      {"TransactWriteItems", TransactWriteItemsChecks},
      {"TransactGetItems", TransactGetItemsChecks},
      {"ExecuteStatement", ExecuteStatementChecks},
      {"BatchExecuteStatement", BatchExecuteStatementChecks},
      {"ExecuteTransaction", ExecuteTransactionChecks},
      {"CreateTable", Simple<ops::CreateTableRequest>(
                          DecodeCreateTable, "CreateTable",
                          [](const auto& r, const Ctx& c) { return c.TableArn(r.table_name); })},
      {"UpdateTable", Simple<ops::UpdateTableRequest>(
                          DecodeUpdateTable, "UpdateTable",
                          [](const auto& r, const Ctx& c) { return c.TableArn(r.table_name); })},
      {"DescribeTable",
       Simple<std::string>(DecodeTableNameOnly, "DescribeTable",
                           [](const auto& n, const Ctx& c) { return c.TableArn(n); })},
      {"DeleteTable",
       Simple<std::string>(DecodeTableNameOnly, "DeleteTable",
                           [](const auto& n, const Ctx& c) { return c.TableArn(n); })},
      {"ListTables", AccountAfter(DecodeListTables, "ListTables")},
      {"DescribeLimits", Account("DescribeLimits")},
      {"DescribeEndpoints", Account("DescribeEndpoints")},
      {"UpdateTimeToLive",
       Simple<ops::UpdateTimeToLiveRequest>(
           DecodeUpdateTimeToLive, "UpdateTimeToLive",
           [](const auto& r, const Ctx& c) { return c.TableArn(r.table_name); })},
      {"DescribeTimeToLive",
       Simple<std::string>(DecodeDescribeTimeToLive, "DescribeTimeToLive",
                           [](const auto& n, const Ctx& c) { return c.TableArn(n); })},
      {"TagResource",
       Simple<ops::TagResourceRequest>(DecodeTagResource, "TagResource",
                                       [](const auto& r, const Ctx&) { return r.resource_arn; })},
      {"UntagResource",
       Simple<ops::UntagResourceRequest>(DecodeUntagResource, "UntagResource",
                                         [](const auto& r, const Ctx&) { return r.resource_arn; })},
      {"ListTagsOfResource", Simple<ops::ListTagsOfResourceRequest>(
                                 DecodeListTagsOfResource, "ListTagsOfResource",
                                 [](const auto& r, const Ctx&) { return r.resource_arn; })},
      {"CreateBackup", Simple<ops::CreateBackupRequest>(DecodeCreateBackup, "CreateBackup",
                                                        [](const auto& r, const Ctx& c) {
                                                          return TableResource(c, r.table_name);
                                                        })},
      {"DescribeBackup", Simple<std::string>(DecodeBackupArn, "DescribeBackup",
                                             [](const auto& arn, const Ctx&) { return arn; })},
      {"DeleteBackup", Simple<std::string>(DecodeBackupArn, "DeleteBackup",
                                           [](const auto& arn, const Ctx&) { return arn; })},
      {"ListBackups", AccountAfter(DecodeListBackups, "ListBackups")},
      {"RestoreTableFromBackup", RestoreFromBackupChecks},
      {"UpdateContinuousBackups",
       Simple<ops::UpdateContinuousBackupsRequest>(
           DecodeUpdateContinuousBackups, "UpdateContinuousBackups",
           [](const auto& r, const Ctx& c) { return TableResource(c, r.table_name); })},
      {"DescribeContinuousBackups",
       Simple<std::string>(DecodeDescribeContinuousBackups, "DescribeContinuousBackups",
                           [](const auto& n, const Ctx& c) { return TableResource(c, n); })},
      {"RestoreTableToPointInTime", RestoreToPointInTimeChecks},
      {"ExportTableToPointInTime", Simple<ops::ExportTableToPointInTimeRequest>(
                                       DecodeExportTableToPointInTime, "ExportTableToPointInTime",
                                       [](const auto& r, const Ctx&) { return r.table_arn; })},
      {"DescribeExport", Simple<std::string>(DecodeDescribeExport, "DescribeExport",
                                             [](const auto& arn, const Ctx&) { return arn; })},
      {"ListExports", AccountAfter(DecodeListExports, "ListExports")},
      {"ListStreams", AccountAfter(DecodeListStreams, "ListStreams")},
      {"DescribeStream",
       Simple<ops::DescribeStreamRequest>(DecodeDescribeStream, "DescribeStream",
                                          [](const auto& r, const Ctx&) { return r.stream_arn; })},
      {"GetShardIterator", Simple<ops::GetShardIteratorRequest>(
                               DecodeGetShardIterator, "GetShardIterator",
                               [](const auto& r, const Ctx&) { return r.stream_arn; })},
      {"GetRecords", GetRecordsChecks},
  };
  return *kBuilders;
}

}  // namespace

Result<std::vector<AccessCheck>> AccessChecks(std::string_view operation, const Json& body,
                                              const ops::RequestContext& ctx) {
  const auto& builders = Builders();
  auto it = builders.find(operation);
  // An operation without a mapping needs its own action on every resource:
  // denied unless a policy allows it outright.
  if (it == builders.end()) return Checks{{Action(operation), "*", {}}};
  return it->second(body, ctx);
}

Status Authorize(const auth::PolicySet& policies, std::string_view access_key_id,
                 const std::vector<AccessCheck>& checks, const ops::RequestContext& ctx) {
  const auth::User* user = policies.FindByAccessKey(access_key_id);
  const std::string name = user != nullptr ? user->name : std::string(access_key_id);
  const std::string arn = "arn:aws:iam::" + ctx.env->account_id + ":user/" + name;
  for (const AccessCheck& check : checks) {
    auth::ConditionContext context = check.context;
    context["aws:username"] = {name};
    context["aws:PrincipalArn"] = {arn};
    context["aws:PrincipalAccount"] = {ctx.env->account_id};
    context["aws:PrincipalType"] = {"User"};
    auth::Decision decision = auth::Evaluate(user, check.action, check.resource, context);
    if (decision == auth::Decision::kAllow) continue;
    std::string message = "User: " + arn + " is not authorized to perform: " + check.action +
                          " on resource: " + check.resource;
    message += decision == auth::Decision::kExplicitDeny
                   ? " with an explicit deny in an identity-based policy"
                   : " because no identity-based policy allows the " + check.action + " action";
    return Status(Code::kAccessDenied, std::move(message));
  }
  return Status::OK();
}

Status CheckAccess(const auth::PolicySet& policies, std::string_view access_key_id,
                   std::string_view operation, const Json& body, const ops::RequestContext& ctx) {
  STATOR_ASSIGN_OR_RETURN(std::vector<AccessCheck> checks, AccessChecks(operation, body, ctx));
  return Authorize(policies, access_key_id, checks, ctx);
}

}  // namespace stator::protocol

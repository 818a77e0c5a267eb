#include "ops/query.h"

#include <algorithm>
#include <set>

#include "expr/evaluator.h"
#include "expr/parser.h"
#include "model/index_projection.h"
#include "model/item_size.h"
#include "model/key_codec.h"
#include "ops/key_condition.h"
#include "ops/projection.h"
#include "ops/tables.h"
#include "storage/keys.h"

namespace stator::ops {
namespace {

constexpr size_t kPageBytes = 1024 * 1024;

enum class ReadKind { kQuery, kScan };

std::string_view SelectName(Select s) {
  switch (s) {
    case Select::kAllAttributes:
      return "ALL_ATTRIBUTES";
    case Select::kAllProjectedAttributes:
      return "ALL_PROJECTED_ATTRIBUTES";
    case Select::kCount:
      return "only the Count";
    case Select::kSpecificAttributes:
      return "SPECIFIC_ATTRIBUTES";
  }
  return "";
}

// Select combined with projections and IndexName. Query words these as a
// one-item constraint list, Scan bare, as DynamoDB does.
Status CheckSelect(const ReadRequest& req, ReadKind kind) {
  auto fail = [&](const std::string& msg) {
    return Status::Validation(kind == ReadKind::kQuery ? "1 validation error detected: " + msg
                                                       : msg);
  };
  if (!req.select) return Status::OK();
  const Select s = *req.select;
  if (s == Select::kSpecificAttributes) {
    if (!req.projection_expression && !req.attributes_to_get) {
      return fail(
          "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
          "SPECIFIC_ATTRIBUTES");
    }
    return Status::OK();
  }
  if (s == Select::kAllProjectedAttributes && !req.index_name) {
    return fail("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  if (req.projection_expression) {
    return fail("Cannot specify the ProjectionExpression when choosing to get " +
                std::string(SelectName(s)));
  }
  if (req.attributes_to_get) {
    return fail("Cannot specify the AttributesToGet when choosing to get " +
                std::string(SelectName(s)));
  }
  return Status::OK();
}

// Legacy and expression parameters mixed; placeholders without expressions.
Status CheckParameterMix(const ReadRequest& req, const QueryRequest* query) {
  std::vector<std::string_view> legacy;
  std::vector<std::string_view> expressions;
  const std::string_view filter_name = query ? "QueryFilter" : "ScanFilter";
  if (req.attributes_to_get) legacy.push_back("AttributesToGet");
  if (req.legacy_filter && !req.legacy_filter->empty()) legacy.push_back(filter_name);
  if (req.conditional_operator) legacy.push_back("ConditionalOperator");
  if (query && query->key_conditions) legacy.push_back("KeyConditions");
  if (req.projection_expression) expressions.push_back("ProjectionExpression");
  if (req.filter_expression) expressions.push_back("FilterExpression");
  if (query && query->key_condition_expression) expressions.push_back("KeyConditionExpression");
  STATOR_RETURN_IF_ERROR(CheckNoParameterMix(legacy, expressions));
  if (req.names && expressions.empty()) {
    return Status::Validation(
        "ExpressionAttributeNames can only be specified when using expressions");
  }
  const bool value_expressions =
      req.filter_expression || (query && query->key_condition_expression);
  if (req.values && !value_expressions) {
    return Status::Validation(
        std::string("ExpressionAttributeValues can only be specified when using expressions: ") +
        (query ? "FilterExpression and KeyConditionExpression are null"
               : "FilterExpression is null"));
  }
  if (req.names) STATOR_RETURN_IF_ERROR(expr::CheckNameKeys(*req.names));
  if (req.values) STATOR_RETURN_IF_ERROR(expr::CheckValueKeys(*req.values));
  if (req.attributes_to_get)
    STATOR_RETURN_IF_ERROR(CheckDistinctAttributes(*req.attributes_to_get));
  return Status::OK();
}

Status CheckSegments(const ScanRequest& req) {
  if (req.segment && !req.total_segments) {
    return Status::Validation(
        "The TotalSegments parameter is required but was not present in the request when "
        "Segment parameter is present");
  }
  if (req.total_segments && !req.segment) {
    return Status::Validation(
        "The Segment parameter is required but was not present in the request when parameter "
        "TotalSegments is present");
  }
  if (req.segment && *req.segment >= *req.total_segments) {
    return Status::Validation(
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: " +
        std::to_string(*req.segment) +
        " is not less than TotalSegments: " + std::to_string(*req.total_segments));
  }
  return Status::OK();
}

// Everything parsed and resolved from the request's expressions.
struct Expressions {
  std::optional<expr::ResolvedCondition> key_condition;
  bool legacy_key_condition = false;
  std::optional<expr::ResolvedCondition> filter;
  bool legacy_filter = false;
  ProjectionSpec projection;  // all = true: no projection asked for
};

Result<Expressions> ResolveExpressions(const ReadRequest& req, const QueryRequest* query) {
  Expressions out;
  if (req.legacy_filter) {
    STATOR_ASSIGN_OR_RETURN(
        out.filter, expr::TranslateLegacyConditions(
                        *req.legacy_filter, req.conditional_operator,
                        query ? expr::LegacyKind::kQueryFilter : expr::LegacyKind::kScanFilter));
    out.legacy_filter = true;
  } else if (req.conditional_operator) {
    // ConditionalOperator alone: the translator reports it.
    STATOR_RETURN_IF_ERROR(expr::TranslateLegacyConditions({}, req.conditional_operator,
                                                           query ? expr::LegacyKind::kQueryFilter
                                                                 : expr::LegacyKind::kScanFilter)
                               .status());
  }
  if (query && !query->key_condition_expression && !query->key_conditions) {
    return Status::Validation(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
        "request.");
  }
  if (query && query->key_conditions) {
    STATOR_ASSIGN_OR_RETURN(auto translated,
                            expr::TranslateLegacyConditions(*query->key_conditions, std::nullopt,
                                                            expr::LegacyKind::kKeyConditions));
    out.key_condition = std::move(translated);
    out.legacy_key_condition = true;
  }

  expr::Resolver resolver(req.names ? &*req.names : nullptr, req.values ? &*req.values : nullptr);
  if (query && query->key_condition_expression) {
    STATOR_ASSIGN_OR_RETURN(expr::ConditionExpr parsed,
                            expr::ParseCondition(*query->key_condition_expression,
                                                 expr::ExpressionKind::kKeyCondition));
    STATOR_ASSIGN_OR_RETURN(out.key_condition,
                            resolver.Resolve(parsed, expr::ExpressionKind::kKeyCondition));
  }
  if (req.filter_expression) {
    STATOR_ASSIGN_OR_RETURN(
        expr::ConditionExpr parsed,
        expr::ParseCondition(*req.filter_expression, expr::ExpressionKind::kFilter));
    STATOR_ASSIGN_OR_RETURN(out.filter, resolver.Resolve(parsed, expr::ExpressionKind::kFilter));
  }
  if (req.projection_expression) {
    STATOR_ASSIGN_OR_RETURN(expr::ProjectionExpr parsed,
                            expr::ParseProjection(*req.projection_expression));
    STATOR_ASSIGN_OR_RETURN(expr::ResolvedProjection resolved, resolver.Resolve(parsed));
    out.projection.all = false;
    out.projection.paths = std::move(resolved.paths);
  } else if (req.attributes_to_get) {
    out.projection.all = false;
    for (const auto& a : *req.attributes_to_get) {
      out.projection.paths.push_back(expr::Path{{expr::PathElement::Name(a)}});
    }
  }
  STATOR_RETURN_IF_ERROR(resolver.CheckAllUsed());
  return out;
}

// The table and, when asked for, the index being read.
struct Target {
  storage::TablePtr table;
  const model::IndexDef* index = nullptr;
  bool global = false;
  const model::KeySchema& schema() const { return index ? index->key : table->key; }
};

Result<Target> FindTarget(const RequestContext& ctx, const ReadRequest& req) {
  Target t;
  STATOR_ASSIGN_OR_RETURN(t.table, FindTableForItemOp(ctx, req.table_name));
  if (!req.index_name) return t;
  for (const auto& index : t.table->local_indexes) {
    if (index.name == *req.index_name) t.index = &index;
  }
  for (const auto& index : t.table->global_indexes) {
    if (index.name == *req.index_name) {
      t.index = &index;
      t.global = true;
    }
  }
  if (t.index == nullptr) {
    return Status::Validation("The table does not have the specified index: " + *req.index_name);
  }
  if (t.global && req.consistent_read) {
    return Status::Validation("Consistent reads are not supported on global secondary indexes");
  }
  if (t.index->status == model::IndexStatus::kCreating) {
    return Status::Validation("Cannot read from backfilling global secondary index: " +
                              t.index->name);
  }
  return t;
}

bool HasType(const model::Item& item, const model::KeyElement& e) {
  auto it = item.find(e.name);
  return it != item.end() && it->second.type() == e.type;
}

// The attributes an ExclusiveStartKey holds: the table's key and the index's.
std::set<std::string> StartKeyNames(const Target& t) {
  std::set<std::string> wanted;
  for (const model::KeyElement* e : t.table->key.Elements()) wanted.insert(e->name);
  if (t.index) {
    for (const model::KeyElement* e : t.index->key.Elements()) wanted.insert(e->name);
  }
  return wanted;
}

// The ExclusiveStartKey's attributes against the table's and index's keys,
// with DynamoDB's messages (which differ between tables and indexes).
Status CheckStartKey(const Target& t, const model::Item& esk, ReadKind kind) {
  static const std::string kInvalid = "The provided starting key is invalid";
  static const std::string kSchema = "The provided key element does not match the schema";
  const std::set<std::string> wanted = StartKeyNames(t);
  if (!t.index && kind == ReadKind::kScan) {
    bool ok = esk.size() == wanted.size() && HasType(esk, t.table->key.hash) &&
              (!t.table->key.range || HasType(esk, *t.table->key.range));
    return ok ? Status::OK() : Status::Validation(kInvalid + ": " + kSchema);
  }
  if (esk.size() != wanted.size()) return Status::Validation(kInvalid);
  const model::KeySchema& schema = t.schema();
  for (const model::KeyElement* e : schema.Elements()) {
    if (esk.find(e->name) == esk.end()) return Status::Validation(kInvalid);
    if (!HasType(esk, *e)) return Status::Validation(kSchema);
  }
  if (t.index) {
    for (const model::KeyElement* e :
         {&t.table->key.hash, t.table->key.range ? &*t.table->key.range : nullptr}) {
      if (e != nullptr && !HasType(esk, *e)) return Status::Validation(kInvalid + ": " + kSchema);
    }
  }
  for (const auto& [name, value] : esk) {
    if (!wanted.count(name)) return Status::Validation(kInvalid);
  }
  return Status::OK();
}

// Paths in a condition whose top-level name is one of `keys`.
std::optional<std::string> FirstKeyPath(const expr::Condition& c,
                                        const std::set<std::string>& keys) {
  std::optional<std::string> found;
  auto operand = [&](const expr::Operand& o, auto&& self) -> void {
    if (found) return;
    if (o.kind == expr::Operand::Kind::kPath && keys.count(o.path.elements[0].name)) {
      found = o.path.elements[0].name;
    }
    for (const auto& a : o.args) self(a, self);
  };
  auto walk = [&](const expr::Condition& node, auto&& self) -> void {
    for (const auto& o : node.operands) operand(o, operand);
    for (const auto& child : node.children) self(child, self);
  };
  walk(c, walk);
  return found;
}

// Every document path a condition reads.
void CollectPaths(const expr::Condition& c, std::vector<expr::Path>* out) {
  auto operand = [&](const expr::Operand& o, auto&& self) -> void {
    if (o.kind == expr::Operand::Kind::kPath) out->push_back(o.path);
    for (const auto& a : o.args) self(a, self);
  };
  for (const auto& o : c.operands) operand(o, operand);
  for (const auto& child : c.children) CollectPaths(child, out);
}

// Top-level attribute names a condition or projection reads.
void CollectNames(const expr::Condition& c, std::set<std::string>* out) {
  auto operand = [&](const expr::Operand& o, auto&& self) -> void {
    if (o.kind == expr::Operand::Kind::kPath) out->insert(o.path.elements[0].name);
    for (const auto& a : o.args) self(a, self);
  };
  for (const auto& o : c.operands) operand(o, operand);
  for (const auto& child : c.children) CollectNames(child, out);
}

// The [begin, end) of the records of the queried partition that can satisfy
// the sort-key term.
storage::ReadRange QueryRange(const Target& t, const KeyCondition& kc) {
  std::string p = storage::PartitionPrefix(*t.table, t.index, kc.partition);
  // A multi-attribute sort key's leading values compared with = narrow the
  // prefix: the entries with those values are contiguous.
  for (const auto& v : kc.sort_prefix) model::EncodeKeyValue(v, &p);
  storage::ReadRange r{p, storage::PrefixSuccessor(p)};
  if (!kc.sort) return r;
  const KeyConditionTerm& term = *kc.sort;
  auto at = [&](const model::AttributeValue& v) {
    std::string k = p;
    model::EncodeKeyValue(v, &k);
    return k;
  };
  using Op = KeyConditionTerm::Op;
  switch (term.op) {
    case Op::kEq:
      r.begin = at(term.values[0]);
      r.end = storage::PrefixSuccessor(r.begin);
      break;
    case Op::kLt:
      r.end = at(term.values[0]);
      break;
    case Op::kLe:
      r.end = storage::PrefixSuccessor(at(term.values[0]));
      break;
    case Op::kGt:
      r.begin = storage::PrefixSuccessor(at(term.values[0]));
      break;
    case Op::kGe:
      r.begin = at(term.values[0]);
      break;
    case Op::kBetween:
      r.begin = at(term.values[0]);
      r.end = storage::PrefixSuccessor(at(term.values[1]));
      break;
    case Op::kBeginsWith: {
      const auto& v = term.values[0];
      std::string k = p;
      model::EncodeKeyPrefix(v.type() == model::Type::kS ? v.s() : v.b(), &k);
      r.begin = k;
      r.end = storage::PrefixSuccessor(k);
      break;
    }
    case Op::kNotIndexable:
      break;  // MatchKeySchema refuses these before a range is built
  }
  return r;
}

// The record key of the start key in the table or index being read.
Result<std::string> StartRecordKey(const Target& t, const model::Item& esk) {
  if (!t.index) return storage::ItemKey(*t.table, esk);
  auto key = storage::IndexEntryKey(*t.table, *t.index, esk);
  if (!key) return Status::Validation("The provided starting key is invalid");
  return *key;
}

// Narrows `range` to the records strictly after the start key in the
// direction of reading.
void ApplyStartKey(storage::ReadRange* range, const std::string& start) {
  if (range->reverse) {
    if (start < range->end) range->end = start;
  } else {
    std::string after = start + '\0';
    if (after > range->begin) range->begin = after;
  }
}

model::Item KeyOf(const Target& t, const model::Item& item) {
  model::Item key;
  auto copy = [&](const model::KeySchema& k) {
    for (const model::KeyElement* e : k.Elements()) {
      auto it = item.find(e->name);
      if (it != item.end()) key.insert_or_assign(e->name, it->second);
    }
  };
  copy(t.table->key);
  if (t.index) copy(t.index->key);
  return key;
}

struct PagePlan {
  Target target;
  storage::ReadRange range;
  Expressions expressions;
  Select select = Select::kAllAttributes;
  bool fetch_from_table = false;  // an LSI read that needs non-projected attributes
};

Result<ReadResponse> ReadPage(const RequestContext& ctx, const ReadRequest& req,
                              const PagePlan& plan) {
  ReadResponse resp;
  const Target& t = plan.target;
  if (plan.select != Select::kCount) resp.items.emplace();
  size_t read_bytes = 0;     // of the table or index read
  size_t fetched_bytes = 0;  // of table items fetched for an LSI
  Status status =
      ctx.engine().Iterate(plan.range, [&](std::string_view, model::Item record) -> Result<bool> {
        ++resp.scanned_count;
        read_bytes += model::ItemSize(record);
        model::Item item = std::move(record);
        if (plan.fetch_from_table) {
          model::Item key;
          key.emplace(t.table->key.hash.name, item.at(t.table->key.hash.name));
          if (t.table->key.range) {
            key.emplace(t.table->key.range->name, item.at(t.table->key.range->name));
          }
          STATOR_ASSIGN_OR_RETURN(std::optional<model::Item> full,
                                  ctx.engine().GetItem(*t.table, key));
          if (full) {
            fetched_bytes += model::ItemSize(*full);
            item = std::move(*full);
          }
        }
        bool keep = true;
        if (plan.expressions.filter) {
          STATOR_ASSIGN_OR_RETURN(
              keep, expr::Evaluate(*plan.expressions.filter, item, expr::ExpressionKind::kFilter));
        }
        if (keep) {
          ++resp.count;
          if (resp.items && plan.fetch_from_table &&
              plan.select == Select::kAllProjectedAttributes) {
            // Fetched for the filter only: the answer holds what the index projects.
            resp.items->push_back(model::ProjectForIndex(*t.table, *t.index, item));
          } else if (resp.items) {
            resp.items->push_back(ApplyProjection(plan.expressions.projection, item));
          }
        }
        const bool full_page =
            (req.limit && resp.scanned_count >= *req.limit) || read_bytes >= kPageBytes;
        if (full_page) {
          resp.last_evaluated_key = KeyOf(t, item);
          return false;
        }
        return true;
      });
  STATOR_RETURN_IF_ERROR(status);

  if (req.return_consumed_capacity != ReturnConsumedCapacity::kNone) {
    ConsumedCapacity c;
    c.table_name = t.table->name;
    c.with_detail = req.return_consumed_capacity == ReturnConsumedCapacity::kIndexes;
    const double units = ReadUnits(read_bytes, req.consistent_read);
    if (!t.index) {
      c.table_units = units;
    } else {
      (t.global ? c.global_indexes : c.local_indexes)[t.index->name] = units;
      if (plan.fetch_from_table) c.table_units = ReadUnits(fetched_bytes, req.consistent_read);
    }
    resp.consumed_capacity = std::move(c);
  }
  return resp;
}

Status CheckFilterPathsScalar(const model::TableDef& table, const Expressions& e) {
  if (!e.filter) return Status::OK();
  std::vector<expr::Path> paths;
  CollectPaths(e.filter->root, &paths);
  return CheckKeyPathsScalar(table, paths);
}

// Checks shared by Query and Scan once the target is known, and the plan's
// Select and LSI fetch decision.
Status PlanSelect(const ReadRequest& req, PagePlan* plan) {
  const Target& t = plan->target;
  if (req.select) {
    plan->select = *req.select;
  } else if (!plan->expressions.projection.all) {
    plan->select = Select::kSpecificAttributes;
  } else {
    plan->select = t.index ? Select::kAllProjectedAttributes : Select::kAllAttributes;
  }
  if (!t.index || t.index->projection.type == model::ProjectionType::kAll) return Status::OK();
  if (plan->select == Select::kAllAttributes) {
    if (t.global) {
      return Status::Validation(
          "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
          "supported for global secondary index " +
          t.index->name + " because its projection type is not ALL");
    }
    plan->fetch_from_table = true;
    return Status::OK();
  }
  if (t.global) {
    // A global index holds only what it projects.
    std::vector<std::string> missing;
    for (const auto& p : plan->expressions.projection.paths) {
      const std::string& n = p.elements[0].name;
      if (!model::IndexProjects(*t.table, *t.index, n) &&
          std::find(missing.begin(), missing.end(), n) == missing.end()) {
        missing.push_back(n);
      }
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& n : missing) list += (list.empty() ? "" : ", ") + n;
      return Status::Validation(
          "One or more parameter values were invalid: Global secondary index " + t.index->name +
          " does not project [" + list + "]");
    }
    return Status::OK();
  }
  // A local index fetches what it does not project from the table.
  std::set<std::string> names;
  for (const auto& p : plan->expressions.projection.paths) names.insert(p.elements[0].name);
  if (plan->expressions.filter) CollectNames(plan->expressions.filter->root, &names);
  for (const auto& n : names) {
    if (!model::IndexProjects(*t.table, *t.index, n)) plan->fetch_from_table = true;
  }
  return Status::OK();
}

}  // namespace

Result<ReadResponse> Query(const RequestContext& ctx, const QueryRequest& req) {
  STATOR_RETURN_IF_ERROR(CheckSelect(req, ReadKind::kQuery));
  STATOR_RETURN_IF_ERROR(CheckParameterMix(req, &req));
  PagePlan plan;
  STATOR_ASSIGN_OR_RETURN(plan.expressions, ResolveExpressions(req, &req));
  STATOR_ASSIGN_OR_RETURN(std::vector<KeyConditionTerm> terms,
                          AnalyzeKeyConditionShape(*plan.expressions.key_condition,
                                                   plan.expressions.legacy_key_condition));
  STATOR_ASSIGN_OR_RETURN(plan.target, FindTarget(ctx, req));
  const Target& t = plan.target;
  // The start key is checked as DynamoDB does: its size first, then each
  // key attribute just before that attribute's conditions, then the table key.
  const model::Item* esk = req.exclusive_start_key ? &*req.exclusive_start_key : nullptr;
  if (esk && esk->size() != StartKeyNames(t).size()) {
    return Status::Validation("The provided starting key is invalid");
  }
  const model::KeySchema& schema = t.schema();
  STATOR_ASSIGN_OR_RETURN(
      KeyCondition kc,
      MatchKeySchema(terms, schema, [&](const model::KeyElement& e, bool) -> Status {
        if (esk == nullptr) return Status::OK();
        if (esk->find(e.name) == esk->end()) {
          return Status::Validation("The provided starting key is invalid");
        }
        if (!HasType(*esk, e)) {
          return Status::Validation("The provided key element does not match the schema");
        }
        return Status::OK();
      }));
  if (esk) STATOR_RETURN_IF_ERROR(CheckStartKey(t, *esk, ReadKind::kQuery));
  if (esk) {
    if (kc.sort && !SortKeySatisfies(*kc.sort, esk->at(kc.sort_element->name))) {
      return Status::Validation("The provided starting key does not match the range key predicate");
    }
    const std::vector<const model::KeyElement*> hash = schema.HashElements();
    const std::vector<const model::KeyElement*> range = schema.RangeElements();
    bool same_partition = true;
    for (size_t i = 0; i < hash.size(); ++i) {
      same_partition = same_partition && esk->at(hash[i]->name) == kc.partition[i];
    }
    if (!same_partition) {
      return Status::Validation(
          kc.sort ? "The query can return at most one row and cannot be restarted"
                  : "The provided starting key is outside query boundaries based on provided "
                    "conditions");
    }
    for (size_t i = 0; i < kc.sort_prefix.size(); ++i) {
      if (!(esk->at(range[i]->name) == kc.sort_prefix[i])) {
        return Status::Validation(
            "The provided starting key is outside query boundaries based on provided "
            "conditions");
      }
    }
  }
  STATOR_RETURN_IF_ERROR(CheckKeyPathsScalar(*t.table, plan.expressions.projection.paths));
  if (plan.expressions.filter && !req.filter_may_use_keys) {
    std::set<std::string> keys;
    for (const model::KeyElement* e : schema.Elements()) keys.insert(e->name);
    if (auto key = FirstKeyPath(plan.expressions.filter->root, keys)) {
      return Status::Validation(
          std::string(plan.expressions.legacy_filter ? "QueryFilter" : "Filter Expression") +
          " can only contain non-primary key attributes: Primary key attribute: " + *key);
    }
  }
  STATOR_RETURN_IF_ERROR(PlanSelect(req, &plan));
  STATOR_RETURN_IF_ERROR(CheckFilterPathsScalar(*t.table, plan.expressions));

  plan.range = QueryRange(t, kc);
  plan.range.reverse = !req.scan_index_forward;
  if (esk) {
    STATOR_ASSIGN_OR_RETURN(std::string start, StartRecordKey(t, *esk));
    ApplyStartKey(&plan.range, start);
  }
  return ReadPage(ctx, req, plan);
}

Result<ReadResponse> Scan(const RequestContext& ctx, const ScanRequest& req) {
  STATOR_RETURN_IF_ERROR(CheckSelect(req, ReadKind::kScan));
  STATOR_RETURN_IF_ERROR(CheckParameterMix(req, nullptr));
  STATOR_RETURN_IF_ERROR(CheckSegments(req));
  PagePlan plan;
  STATOR_ASSIGN_OR_RETURN(plan.expressions, ResolveExpressions(req, nullptr));
  STATOR_ASSIGN_OR_RETURN(plan.target, FindTarget(ctx, req));
  const Target& t = plan.target;
  const uint32_t total = req.total_segments ? static_cast<uint32_t>(*req.total_segments) : 1;
  const uint32_t segment = req.segment ? static_cast<uint32_t>(*req.segment) : 0;
  if (req.exclusive_start_key) {
    STATOR_RETURN_IF_ERROR(CheckStartKey(t, *req.exclusive_start_key, ReadKind::kScan));
    std::vector<model::AttributeValue> partition;
    for (const model::KeyElement* e : t.schema().HashElements()) {
      partition.push_back(req.exclusive_start_key->at(e->name));
    }
    if (storage::SegmentOf(partition, total) != segment) {
      return Status::Validation(
          "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
          "ExclusiveStartKey with correct Segment. TotalSegments: " +
          std::to_string(total) + " Segment: " + std::to_string(segment));
    }
  }
  STATOR_RETURN_IF_ERROR(CheckKeyPathsScalar(*t.table, plan.expressions.projection.paths));
  STATOR_RETURN_IF_ERROR(PlanSelect(req, &plan));
  STATOR_RETURN_IF_ERROR(CheckFilterPathsScalar(*t.table, plan.expressions));
  auto [begin, end] = storage::SegmentRange(*t.table, t.index, segment, total);
  plan.range = storage::ReadRange{std::move(begin), std::move(end)};
  if (req.exclusive_start_key) {
    STATOR_ASSIGN_OR_RETURN(std::string start, StartRecordKey(t, *req.exclusive_start_key));
    ApplyStartKey(&plan.range, start);
  }
  return ReadPage(ctx, req, plan);
}

}  // namespace stator::ops

#include "ops/key_condition.h"

#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "expr/legacy.h"

namespace stator::ops {
namespace {

using expr::CompareOp;
using expr::Condition;
using expr::Operand;
using model::AttributeValue;
using model::Type;
using Op = KeyConditionTerm::Op;

constexpr size_t kMaxSingleKeyTerms = 2;  // a single-attribute key: hash and range

Status InvalidOperator(std::string_view name) {
  return Status::Validation("Invalid operator used in KeyConditionExpression: " +
                            std::string(name));
}
Status InvalidCondition(std::string_view detail) {
  return Status::Validation("Invalid condition in KeyConditionExpression: " + std::string(detail));
}
Status NotSupported() { return Status::Validation("Query key condition not supported"); }
Status Unexpected(std::string_view what) {
  return Status::Internal("key condition: unexpected " + std::string(what));
}

Op OpOf(CompareOp op) {
  switch (op) {
    case CompareOp::kLt:
      return Op::kLt;
    case CompareOp::kLe:
      return Op::kLe;
    case CompareOp::kGt:
      return Op::kGt;
    case CompareOp::kGe:
      return Op::kGe;
    default:
      return Op::kEq;
  }
}

// The same comparison with its operands swapped: ":v < a" is "a > :v".
Op Flipped(Op op) {
  switch (op) {
    case Op::kLt:
      return Op::kGt;
    case Op::kLe:
      return Op::kGe;
    case Op::kGt:
      return Op::kLt;
    case Op::kGe:
      return Op::kLe;
    default:
      return op;
  }
}

// The operator names DynamoDB rejects in a KeyConditionExpression, or "" if `c` is allowed.
std::string_view ForbiddenOperator(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::kOr:
      return "OR";
    case Condition::Kind::kNot:
      return "NOT";
    case Condition::Kind::kIn:
      return "IN";
    case Condition::Kind::kCompare:
      return c.op == CompareOp::kNe ? "<>" : "";
    case Condition::Kind::kFunction:
      return c.function == "begins_with" ? std::string_view() : std::string_view(c.function);
    default:
      return "";
  }
}

// The resolved value of a value operand.
Result<AttributeValue> ValueOf(const Operand& o) {
  if (o.kind != Operand::Kind::kValue || !o.value.value) return Unexpected("unresolved operand");
  return *o.value.value;
}

// Phase 1 over a KeyConditionExpression: a pre-order walk, each node checked before its
// operands, children left to right.
class ExpressionWalker {
 public:
  Status Walk(const Condition& c) {
    if (std::string_view op = ForbiddenOperator(c); !op.empty()) return InvalidOperator(op);
    if (c.kind == Condition::Kind::kAnd) {
      for (const Condition& child : c.children) STATOR_RETURN_IF_ERROR(Walk(child));
      return Status::OK();
    }
    STATOR_ASSIGN_OR_RETURN(size_t key, FindKeyOperand(c));
    KeyConditionTerm term;
    term.attribute = c.operands[key].path.elements[0].name;
    if (!seen_.insert(term.attribute).second) {
      return Status::Validation("KeyConditionExpressions must only contain one condition per key");
    }
    STATOR_RETURN_IF_ERROR(FillTerm(c, key, &term));
    terms_.push_back(std::move(term));
    return Status::OK();
  }

  std::vector<KeyConditionTerm> Take() && { return std::move(terms_); }

 private:
  // The index of the one operand naming a top-level attribute; every other operand must be
  // a value.
  static Result<size_t> FindKeyOperand(const Condition& c) {
    if (c.operands.empty()) return Unexpected("condition without operands");
    const bool between = c.kind == Condition::Kind::kBetween;
    if ((between || c.kind == Condition::Kind::kFunction) &&
        c.operands[0].kind != Operand::Kind::kPath) {
      return InvalidCondition(std::string(between ? "BETWEEN" : c.function) +
                              " operator must have the key attribute as its first operand");
    }
    std::optional<size_t> key;
    for (size_t i = 0; i < c.operands.size(); ++i) {
      const Operand& o = c.operands[i];
      if (o.kind == Operand::Kind::kValue) continue;
      if (o.kind != Operand::Kind::kPath) {
        return Status::Validation("KeyConditionExpressions cannot contain nested operations");
      }
      if (key) return InvalidCondition("Multiple attribute names used in one condition");
      if (o.path.elements.size() != 1) {
        return Status::Validation(
            "KeyConditionExpressions cannot have conditions on nested attributes");
      }
      key = i;
    }
    if (!key) return InvalidCondition("No key attribute specified");
    return *key;
  }

  // The operator and values of `c`, whose operand `key` is the attribute.
  static Status FillTerm(const Condition& c, size_t key, KeyConditionTerm* term) {
    for (size_t i = 0; i < c.operands.size(); ++i) {
      if (i == key) continue;
      STATOR_ASSIGN_OR_RETURN(AttributeValue v, ValueOf(c.operands[i]));
      term->values.push_back(std::move(v));
    }
    if (term->values.size() != (c.kind == Condition::Kind::kBetween ? 2u : 1u)) {
      return Unexpected("operand count");
    }
    if (c.kind == Condition::Kind::kBetween) {
      term->op = Op::kBetween;
    } else if (c.kind == Condition::Kind::kFunction) {
      term->op = Op::kBeginsWith;
      const Type t = term->values[0].type();
      if (t != Type::kS && t != Type::kB) {
        return Status::Validation(
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: " +
            std::string(model::TypeName(t)));
      }
    } else {
      term->op = key == 0 ? OpOf(c.op) : Flipped(OpOf(c.op));
    }
    return Status::OK();
  }

  std::set<std::string> seen_;
  std::vector<KeyConditionTerm> terms_;
};

// Phase 1 over a KeyConditions translation (expr/legacy.h): every entry is "attribute op
// values"; NOT_CONTAINS is the one entry that is itself an AND, of attribute_exists(a) and
// NOT contains(a, v).
class LegacyWalker {
 public:
  Status Walk(const Condition& c) {
    if (c.kind == Condition::Kind::kAnd) {
      if (c.children.size() == 2 && c.children[1].kind == Condition::Kind::kNot &&
          c.children[1].children.size() == 1) {
        return Add(c.children[1].children[0], Op::kNotIndexable);  // NOT_CONTAINS
      }
      for (const Condition& child : c.children) STATOR_RETURN_IF_ERROR(Walk(child));
      return Status::OK();
    }
    switch (c.kind) {
      case Condition::Kind::kCompare:
        return Add(c, c.op == CompareOp::kNe ? Op::kNotIndexable : OpOf(c.op));
      case Condition::Kind::kBetween:
        return Add(c, Op::kBetween);
      case Condition::Kind::kIn:
        return Add(c, Op::kNotIndexable);
      case Condition::Kind::kFunction:
        return Add(c, c.function == "begins_with" ? Op::kBeginsWith : Op::kNotIndexable);
      default:
        return Unexpected("legacy key condition operator");
    }
  }

  std::vector<KeyConditionTerm> Take() && { return std::move(terms_); }

 private:
  // `c`: the attribute, then its values.
  Status Add(const Condition& c, Op op) {
    if (c.operands.empty() || c.operands[0].kind != Operand::Kind::kPath ||
        c.operands[0].path.elements.size() != 1) {
      return Unexpected("legacy key condition operand");
    }
    KeyConditionTerm term;
    term.attribute = c.operands[0].path.elements[0].name;
    term.op = op;
    for (size_t i = 1; i < c.operands.size(); ++i) {
      STATOR_ASSIGN_OR_RETURN(AttributeValue v, ValueOf(c.operands[i]));
      term.values.push_back(std::move(v));
    }
    terms_.push_back(std::move(term));
    return Status::OK();
  }

  std::vector<KeyConditionTerm> terms_;
};

const KeyConditionTerm* FindTerm(const std::vector<KeyConditionTerm>& terms,
                                 const std::string& attribute) {
  for (const KeyConditionTerm& t : terms) {
    if (t.attribute == attribute) return &t;
  }
  return nullptr;
}

// A key attribute's term: indexable, with values of the key's type.
Status CheckTermOf(const KeyConditionTerm& term, const model::KeyElement& key) {
  if (term.op == Op::kNotIndexable) {
    return Status::Validation("Attempted conditional constraint is not an indexable operation");
  }
  for (const AttributeValue& v : term.values) {
    if (v.type() != key.type) {
      return Status::Validation(
          "One or more parameter values were invalid: Condition parameter type does not match "
          "schema type");
    }
  }
  if (term.values.empty()) return Unexpected("key condition term without a value");
  return Status::OK();
}

// One key attribute's checks; *found is its term, or null when it has none (allowed only
// for a range key queried with a single term).
Status CheckKeyElement(const std::vector<KeyConditionTerm>& terms, const model::KeySchema& schema,
                       const model::KeyElement& key, bool is_hash, const KeyConditionTerm** found) {
  if (is_hash && !schema.range && terms.size() > 1) return NotSupported();
  *found = FindTerm(terms, key.name);
  if (*found == nullptr) {
    if (is_hash || terms.size() > 1) {
      return Status::Validation("Query condition missed key schema element: " + key.name);
    }
    return Status::OK();
  }
  STATOR_RETURN_IF_ERROR(CheckTermOf(**found, key));
  if (is_hash && (*found)->op != Op::kEq) return NotSupported();
  return Status::OK();
}

Status Count() { return Status::Validation("Conditions can be of length 1 or 2 only"); }

// A global index with a multi-attribute key: every partition-key attribute
// with =, then a left-to-right prefix of the sort-key attributes, all with =
// but the last, which may take any key operator.
Result<KeyCondition> MatchMultiAttributeKey(const std::vector<KeyConditionTerm>& terms,
                                            const model::KeySchema& schema,
                                            const KeyElementCheck& before_each) {
  KeyCondition out;
  for (const model::KeyElement* e : schema.HashElements()) {
    if (before_each) STATOR_RETURN_IF_ERROR(before_each(*e, true));
    const KeyConditionTerm* term = FindTerm(terms, e->name);
    if (term == nullptr) {
      return Status::Validation("Query condition missed key schema element: " + e->name);
    }
    STATOR_RETURN_IF_ERROR(CheckTermOf(*term, *e));
    if (term->op != Op::kEq) return NotSupported();
    out.partition.push_back(term->values[0]);
  }
  const std::vector<const model::KeyElement*> range = schema.RangeElements();
  std::vector<const KeyConditionTerm*> range_terms;
  for (const model::KeyElement* e : range) {
    if (before_each) STATOR_RETURN_IF_ERROR(before_each(*e, false));
    const KeyConditionTerm* term = FindTerm(terms, e->name);
    if (term != nullptr) STATOR_RETURN_IF_ERROR(CheckTermOf(*term, *e));
    range_terms.push_back(term);
  }
  size_t used = schema.HashElements().size();
  for (const KeyConditionTerm* t : range_terms) used += t != nullptr ? 1 : 0;
  if (used != terms.size()) return NotSupported();  // a term on an attribute outside the key
  // Each sort-key attribute with a condition needs = on every one before it.
  for (size_t y = 0; y < range.size(); ++y) {
    if (range_terms[y] == nullptr) continue;
    for (size_t x = 0; x < y; ++x) {
      if (range_terms[x] == nullptr || range_terms[x]->op != Op::kEq) {
        return Status::Validation("RANGE key attributes " + range[x]->name +
                                  " must have equality conditions specified in the query "
                                  "because a condition is present on key attribute " +
                                  range[y]->name);
      }
    }
  }
  for (size_t i = 0; i < range.size() && range_terms[i] != nullptr; ++i) {
    if (i + 1 < range.size() && range_terms[i + 1] != nullptr) {
      out.sort_prefix.push_back(range_terms[i]->values[0]);
    } else {
      out.sort = *range_terms[i];
      out.sort_element = range[i];
    }
  }
  return out;
}

// <0, 0, >0 for two values of one key type; nullopt when the types differ or are not keys.
std::optional<int> CompareKeys(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return std::nullopt;
  switch (a.type()) {
    case Type::kN:
      return a.n().Compare(b.n());
    case Type::kS:
      return a.s().compare(b.s());  // char_traits<char> compares as unsigned char
    case Type::kB:
      return a.b().compare(b.b());
    default:
      return std::nullopt;
  }
}

}  // namespace

Result<std::vector<KeyConditionTerm>> AnalyzeKeyConditionShape(
    const expr::ResolvedCondition& condition, bool legacy) {
  std::vector<KeyConditionTerm> terms;
  if (legacy) {
    LegacyWalker walker;
    STATOR_RETURN_IF_ERROR(walker.Walk(condition.root));
    terms = std::move(walker).Take();
  } else {
    ExpressionWalker walker;
    STATOR_RETURN_IF_ERROR(walker.Walk(condition.root));
    terms = std::move(walker).Take();
  }
  if (terms.empty() || terms.size() > expr::kMaxKeyConditions) return Count();
  return terms;
}

Result<KeyCondition> MatchKeySchema(const std::vector<KeyConditionTerm>& terms,
                                    const model::KeySchema& schema,
                                    const KeyElementCheck& before_each) {
  if (schema.multi_attribute()) return MatchMultiAttributeKey(terms, schema, before_each);
  if (terms.size() > kMaxSingleKeyTerms) return Count();
  KeyCondition out;
  const KeyConditionTerm* hash = nullptr;
  if (before_each) STATOR_RETURN_IF_ERROR(before_each(schema.hash, true));
  STATOR_RETURN_IF_ERROR(CheckKeyElement(terms, schema, schema.hash, true, &hash));
  out.partition.push_back(hash->values[0]);
  if (schema.range) {
    const KeyConditionTerm* range = nullptr;
    if (before_each) STATOR_RETURN_IF_ERROR(before_each(*schema.range, false));
    STATOR_RETURN_IF_ERROR(CheckKeyElement(terms, schema, *schema.range, false, &range));
    if (range != nullptr) {
      out.sort = *range;
      out.sort_element = &*schema.range;
    }
  }
  return out;
}

bool SortKeySatisfies(const KeyConditionTerm& term, const model::AttributeValue& value) {
  if (term.values.empty()) return false;
  const std::optional<int> c = CompareKeys(value, term.values[0]);
  if (!c) return false;
  switch (term.op) {
    case Op::kEq:
      return *c == 0;
    case Op::kLt:
      return *c < 0;
    case Op::kLe:
      return *c <= 0;
    case Op::kGt:
      return *c > 0;
    case Op::kGe:
      return *c >= 0;
    case Op::kBetween: {
      if (term.values.size() != 2) return false;
      const std::optional<int> high = CompareKeys(value, term.values[1]);
      return *c >= 0 && high && *high <= 0;
    }
    case Op::kBeginsWith:
      if (value.type() == Type::kS) return value.s().starts_with(term.values[0].s());
      if (value.type() == Type::kB) return value.b().starts_with(term.values[0].b());
      return false;
    case Op::kNotIndexable:
      return false;
  }
  return false;
}

}  // namespace stator::ops

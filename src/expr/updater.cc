#include "expr/updater.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "expr/evaluator.h"

namespace stator::expr {
namespace {

using model::AttributeValue;
using model::Type;

Status MissingAttribute() {
  return Status::Validation(
      "The provided expression refers to an attribute that does not exist in the item");
}
Status IncorrectType() {
  return Status::Validation("An operand in the update expression has an incorrect data type");
}
// ADD or DELETE against a stored value of another type: DynamoDB words it
// differently for the legacy AttributeUpdates.
Status StoredTypeMismatch(UpdateDialect dialect) {
  if (dialect == UpdateDialect::kAttributeUpdates) {
    return Status::Validation("Type mismatch for attribute to update");
  }
  return IncorrectType();
}
Status InvalidPath() {
  return Status::Validation(
      "The document path provided in the update expression is invalid for update");
}

// A SET right-hand side, evaluated against the item before the update.
Result<AttributeValue> EvalSetValue(const Operand& o, const model::Item& before) {
  switch (o.kind) {
    case Operand::Kind::kPath: {
      const AttributeValue* v = Lookup(before, o.path);
      if (v == nullptr) return MissingAttribute();
      return *v;
    }
    case Operand::Kind::kValue:
      return *o.value.value;
    case Operand::Kind::kPlus:
    case Operand::Kind::kMinus: {
      STATOR_ASSIGN_OR_RETURN(AttributeValue a, EvalSetValue(o.args[0], before));
      STATOR_ASSIGN_OR_RETURN(AttributeValue b, EvalSetValue(o.args[1], before));
      if (a.type() != Type::kN || b.type() != Type::kN) return IncorrectType();
      STATOR_ASSIGN_OR_RETURN(model::Number n, o.kind == Operand::Kind::kPlus
                                                   ? model::Number::Add(a.n(), b.n())
                                                   : model::Number::Subtract(a.n(), b.n()));
      return AttributeValue::N(std::move(n));
    }
    case Operand::Kind::kFunction:
      if (o.function == "if_not_exists") {
        if (const AttributeValue* v = Lookup(before, o.args[0].path)) return *v;
        return EvalSetValue(o.args[1], before);
      }
      if (o.function == "list_append") {
        STATOR_ASSIGN_OR_RETURN(AttributeValue a, EvalSetValue(o.args[0], before));
        STATOR_ASSIGN_OR_RETURN(AttributeValue b, EvalSetValue(o.args[1], before));
        if (a.type() != Type::kL || b.type() != Type::kL) return IncorrectType();
        model::List joined = a.l();
        joined.insert(joined.end(), b.l().begin(), b.l().end());
        return AttributeValue::L(std::move(joined));
      }
      break;
  }
  // The parser admits no other function in SET.
  return Status::Validation(
      "Invalid UpdateExpression: The function is not allowed in an update "
      "expression; function: " +
      o.function);
}

// Set union keeping the existing order; `add` must have a's set type.
AttributeValue SetUnion(const AttributeValue& a, const AttributeValue& add) {
  switch (a.type()) {
    case Type::kSS: {
      std::vector<std::string> out = a.ss();
      for (const auto& s : add.ss()) {
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
      }
      return AttributeValue::SS(std::move(out));
    }
    case Type::kBS: {
      std::vector<std::string> out = a.bs();
      for (const auto& s : add.bs()) {
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
      }
      return AttributeValue::BS(std::move(out));
    }
    default: {
      std::vector<model::Number> out = a.ns();
      for (const auto& n : add.ns()) {
        if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
      }
      return AttributeValue::NS(std::move(out));
    }
  }
}

// a minus the elements of `remove` (same set type); nullopt when nothing is left.
std::optional<AttributeValue> SetDifference(const AttributeValue& a, const AttributeValue& remove) {
  auto keep = [](const auto& from, const auto& drop) {
    std::remove_cvref_t<decltype(from)> out;
    for (const auto& e : from) {
      if (std::find(drop.begin(), drop.end(), e) == drop.end()) out.push_back(e);
    }
    return out;
  };
  switch (a.type()) {
    case Type::kSS: {
      auto out = keep(a.ss(), remove.ss());
      if (out.empty()) return std::nullopt;
      return AttributeValue::SS(std::move(out));
    }
    case Type::kBS: {
      auto out = keep(a.bs(), remove.bs());
      if (out.empty()) return std::nullopt;
      return AttributeValue::BS(std::move(out));
    }
    default: {
      auto out = keep(a.ns(), remove.ns());
      if (out.empty()) return std::nullopt;
      return AttributeValue::NS(std::move(out));
    }
  }
}

bool IsSet(Type t) { return t == Type::kSS || t == Type::kNS || t == Type::kBS; }

// ADD's result for the current value (nullptr: missing) and the operand.
Result<AttributeValue> AddValue(const AttributeValue* current, const AttributeValue& operand,
                                UpdateDialect dialect) {
  if (current == nullptr) {
    if (operand.type() == Type::kN || IsSet(operand.type()) || operand.type() == Type::kL) {
      return operand;
    }
    return IncorrectType();
  }
  if (current->type() != operand.type()) return StoredTypeMismatch(dialect);
  switch (current->type()) {
    case Type::kN: {
      STATOR_ASSIGN_OR_RETURN(model::Number n, model::Number::Add(current->n(), operand.n()));
      return AttributeValue::N(std::move(n));
    }
    case Type::kL: {
      model::List joined = current->l();
      joined.insert(joined.end(), operand.l().begin(), operand.l().end());
      return AttributeValue::L(std::move(joined));
    }
    default:
      if (IsSet(current->type())) return SetUnion(*current, operand);
      return StoredTypeMismatch(dialect);
  }
}

// The container that holds the last element of `path` (nullptr for a top-level path, which
// lives in the item itself). Fails when a step before the last is missing or of the wrong
// kind.
Result<AttributeValue*> Parent(model::Item& item, const Path& path) {
  if (path.elements.size() == 1) return static_cast<AttributeValue*>(nullptr);
  auto top = item.find(path.elements[0].name);
  if (top == item.end()) return InvalidPath();
  AttributeValue* current = &top->second;
  for (size_t i = 1; i + 1 < path.elements.size(); ++i) {
    const PathElement& e = path.elements[i];
    if (e.kind == PathElement::Kind::kIndex) {
      if (current->type() != Type::kL || e.index >= current->l().size()) return InvalidPath();
      current = &current->l()[e.index];
    } else {
      if (current->type() != Type::kM) return InvalidPath();
      auto it = current->m().find(e.name);
      if (it == current->m().end()) return InvalidPath();
      current = &it->second;
    }
  }
  const PathElement& last = path.elements.back();
  const Type wanted = last.kind == PathElement::Kind::kIndex ? Type::kL : Type::kM;
  if (current->type() != wanted) return InvalidPath();
  return current;
}

// Stores `value` at `path`; the parent must exist.
Status Store(model::Item& item, const Path& path, AttributeValue value) {
  STATOR_ASSIGN_OR_RETURN(AttributeValue * parent, Parent(item, path));
  const PathElement& last = path.elements.back();
  if (parent == nullptr) {
    item.insert_or_assign(last.name, std::move(value));
  } else if (last.kind == PathElement::Kind::kIndex) {
    model::List& list = parent->l();
    if (last.index < list.size()) {
      list[last.index] = std::move(value);
    } else {
      list.push_back(std::move(value));
    }
  } else {
    parent->m().insert_or_assign(last.name, std::move(value));
  }
  return Status::OK();
}

// Removes everything at `paths`, if present. Every list index names an element of the list
// as it was before any of these removals: map entries go first (erasing from a std::map
// moves nothing else), then list elements per list, highest index first, deepest lists
// first, so no pending erase's list or index moves before it is applied.
Status RemoveAll(model::Item& item, const std::vector<const Path*>& paths) {
  std::map<Path, std::vector<uint32_t>> list_erases;  // parent path -> indexes
  for (const Path* path : paths) {
    STATOR_ASSIGN_OR_RETURN(AttributeValue * parent, Parent(item, *path));
    const PathElement& last = path->elements.back();
    if (parent == nullptr) {
      item.erase(last.name);
    } else if (last.kind == PathElement::Kind::kIndex) {
      Path parent_path{{path->elements.begin(), path->elements.end() - 1}};
      list_erases[std::move(parent_path)].push_back(last.index);
    } else {
      parent->m().erase(last.name);
    }
  }
  std::vector<std::pair<Path, std::vector<uint32_t>>> erases(list_erases.begin(),
                                                             list_erases.end());
  std::stable_sort(erases.begin(), erases.end(), [](const auto& x, const auto& y) {
    return x.first.elements.size() > y.first.elements.size();
  });
  for (auto& [parent_path, indexes] : erases) {
    Path probe = parent_path;
    probe.elements.push_back(PathElement::Index(0));
    auto parent = Parent(item, probe);
    if (!parent.ok() || *parent == nullptr) continue;
    model::List& list = (*parent)->l();
    std::sort(indexes.begin(), indexes.end(), std::greater<>());
    for (uint32_t index : indexes) {
      if (index < list.size()) list.erase(list.begin() + index);
    }
  }
  return Status::OK();
}

}  // namespace

Result<model::Item> ApplyUpdate(const ResolvedUpdate& update, const model::Item& item,
                                UpdateDialect dialect) {
  // Right-hand sides first, all against the item before the update.
  std::vector<AttributeValue> values;
  values.reserve(update.actions.size());
  for (const UpdateAction& a : update.actions) {
    if (a.kind == UpdateAction::Kind::kSet) {
      STATOR_ASSIGN_OR_RETURN(AttributeValue v, EvalSetValue(a.value, item));
      values.push_back(std::move(v));
    } else if (a.kind == UpdateAction::Kind::kRemove) {
      values.emplace_back();
    } else {
      values.push_back(*a.value.value.value);
    }
  }

  model::Item out = item;
  std::vector<const Path*> removals;
  for (size_t i = 0; i < update.actions.size(); ++i) {
    const UpdateAction& a = update.actions[i];
    switch (a.kind) {
      case UpdateAction::Kind::kSet:
        STATOR_RETURN_IF_ERROR(Store(out, a.path, std::move(values[i])));
        break;
      case UpdateAction::Kind::kAdd: {
        STATOR_RETURN_IF_ERROR(Parent(out, a.path).status());
        STATOR_ASSIGN_OR_RETURN(AttributeValue sum, AddValue(Lookup(out, a.path), values[i], dialect));
        STATOR_RETURN_IF_ERROR(Store(out, a.path, std::move(sum)));
        break;
      }
      case UpdateAction::Kind::kDelete: {
        STATOR_RETURN_IF_ERROR(Parent(out, a.path).status());
        const AttributeValue* current = Lookup(out, a.path);
        if (current == nullptr) break;
        if (current->type() != values[i].type()) return StoredTypeMismatch(dialect);
        if (auto rest = SetDifference(*current, values[i])) {
          STATOR_RETURN_IF_ERROR(Store(out, a.path, std::move(*rest)));
        } else {
          removals.push_back(&a.path);  // an emptied set goes away
        }
        break;
      }
      case UpdateAction::Kind::kRemove:
        break;
    }
  }

  // REMOVE last, with the sets DELETE emptied.
  for (const UpdateAction& a : update.actions) {
    if (a.kind == UpdateAction::Kind::kRemove) removals.push_back(&a.path);
  }
  STATOR_RETURN_IF_ERROR(RemoveAll(out, removals));
  return out;
}

}  // namespace stator::expr

#include "validation/keys.h"

#include "model/item_size.h"
#include "validation/limits.h"

namespace stator::validation {
namespace {

using model::Type;

constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";

Status KeyValueNotEmpty(const model::KeyElement& element, const model::AttributeValue& v) {
  bool empty = (v.type() == Type::kS && v.s().empty()) || (v.type() == Type::kB && v.b().empty());
  if (!empty) return Status::OK();
  return Status::Validation(
      std::string("One or more parameter values are not valid. The AttributeValue for a key "
                  "attribute cannot contain an empty ") +
      (v.type() == Type::kS ? "string" : "binary") + " value. Key: " + element.name);
}

Status KeySizes(const model::TableDef& table, const model::Item& item) {
  // DynamoDB checks the sizes of string and binary keys only; a number is
  // never larger than the limits anyway.
  const auto& hash = item.find(table.key.hash.name)->second;
  if (hash.type() != model::Type::kN && model::ValueSize(hash) > kMaxPartitionKeyBytes) {
    return Status::Validation(std::string(kInvalid) +
                              "Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
  if (table.key.range) {
    const auto& range = item.find(table.key.range->name)->second;
    if (range.type() != model::Type::kN && model::ValueSize(range) > kMaxSortKeyBytes) {
      return Status::Validation(
          std::string(kInvalid) +
          "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
    }
  }
  return Status::OK();
}

Status CheckItemElement(const model::KeyElement& element, const model::Item& item) {
  auto it = item.find(element.name);
  if (it == item.end()) {
    return Status::Validation(std::string(kInvalid) + "Missing the key " + element.name +
                              " in the item");
  }
  if (it->second.type() != element.type) {
    return Status::Validation(std::string(kInvalid) + "Type mismatch for key " + element.name +
                              " expected: " + std::string(model::TypeName(element.type)) +
                              " actual: " + std::string(model::TypeName(it->second.type())));
  }
  return KeyValueNotEmpty(element, it->second);
}

Status CheckKeyElement(const model::KeyElement& element, const model::Item& key) {
  auto it = key.find(element.name);
  if (it == key.end() || it->second.type() != element.type) {
    return Status::Validation("The provided key element does not match the schema");
  }
  return KeyValueNotEmpty(element, it->second);
}

}  // namespace

std::optional<IndexKeyProblem> FindIndexKeyProblem(const model::TableDef& table,
                                                   const model::Item& item) {
  // An item need not carry an index's key attributes (it is then absent from
  // the index), but those it carries must have the index key's type.
  for (const auto* indexes : {&table.local_indexes, &table.global_indexes}) {
    for (const auto& index : *indexes) {
      for (const model::KeyElement* element : index.key.Elements()) {
        auto it = item.find(element->name);
        if (it == item.end()) continue;
        const auto& v = it->second;
        if (v.type() != element->type) {
          return IndexKeyProblem{IndexKeyProblem::Kind::kTypeMismatch, &index, element, v.type()};
        }
        bool empty =
            (v.type() == Type::kS && v.s().empty()) || (v.type() == Type::kB && v.b().empty());
        if (empty) return IndexKeyProblem{IndexKeyProblem::Kind::kEmpty, &index, element, v.type()};
      }
    }
  }
  return std::nullopt;
}

Status IndexKeyProblemStatus(const IndexKeyProblem& p) {
  if (p.kind == IndexKeyProblem::Kind::kTypeMismatch) {
    return Status::Validation(
        std::string(kInvalid) + "Type mismatch for Index Key " + p.element->name +
        " Expected: " + std::string(model::TypeName(p.element->type)) +
        " Actual: " + std::string(model::TypeName(p.actual)) + " IndexName: " + p.index->name);
  }
  return Status::Validation(
      std::string("One or more parameter values are not valid. A value specified for a "
                  "secondary index key is not supported. The AttributeValue for a key "
                  "attribute cannot contain an empty ") +
      (p.actual == Type::kS ? "string" : "binary") + " value. IndexName: " + p.index->name +
      ", IndexKey: " + p.element->name);
}

Status ValidateItemKey(const model::TableDef& table, const model::Item& item) {
  STATOR_RETURN_IF_ERROR(CheckItemElement(table.key.hash, item));
  if (table.key.range) STATOR_RETURN_IF_ERROR(CheckItemElement(*table.key.range, item));
  STATOR_RETURN_IF_ERROR(KeySizes(table, item));
  if (auto problem = FindIndexKeyProblem(table, item)) return IndexKeyProblemStatus(*problem);
  return Status::OK();
}

Status ValidateKey(const model::TableDef& table, const model::Item& key) {
  size_t expected = table.key.range ? 2 : 1;
  if (key.size() != expected) {
    return Status::Validation("The provided key element does not match the schema");
  }
  STATOR_RETURN_IF_ERROR(CheckKeyElement(table.key.hash, key));
  if (table.key.range) STATOR_RETURN_IF_ERROR(CheckKeyElement(*table.key.range, key));
  return KeySizes(table, key);
}

Status CheckNoEmptyKeyValues(const model::TableDef& table, const model::Item& item,
                             bool whole_item) {
  for (const model::KeyElement* element :
       {&table.key.hash, table.key.range ? &*table.key.range : nullptr}) {
    if (element == nullptr) continue;
    auto it = item.find(element->name);
    if (it != item.end() && it->second.type() == element->type) {
      STATOR_RETURN_IF_ERROR(KeyValueNotEmpty(*element, it->second));
    }
  }
  if (!whole_item) return Status::OK();
  auto problem = FindIndexKeyProblem(table, item);
  if (problem && problem->kind == IndexKeyProblem::Kind::kEmpty) {
    return IndexKeyProblemStatus(*problem);
  }
  return Status::OK();
}

model::Item ExtractKey(const model::TableDef& table, const model::Item& item) {
  model::Item key;
  key.emplace(table.key.hash.name, item.at(table.key.hash.name));
  if (table.key.range) key.emplace(table.key.range->name, item.at(table.key.range->name));
  return key;
}

Status ValidateItemSize(const model::Item& item) {
  if (model::ItemSize(item) > kMaxItemBytes) {
    return Status::Validation("Item size has exceeded the maximum allowed size");
  }
  return Status::OK();
}

}  // namespace stator::validation

#include "protocol/tags_json.h"

namespace stator::protocol {
namespace {

constexpr size_t kMaxResourceArnLength = 1283;

// The ResourceArn checks every tag operation makes before its own members':
// present (DynamoDB's terse "Invalid TableArn" otherwise), then well-formed.
Status PrecheckResourceArn(const std::optional<std::string>& arn) {
  if (!arn) return Status::Validation("Invalid TableArn");
  return ops::CheckResourceArnSyntax(*arn);
}

void CheckResourceArnLength(Constraints& c, const std::string& arn) {
  c.StringLength(arn, "resourceArn", 1, kMaxResourceArnLength);
}

}  // namespace

Result<ops::TagResourceRequest> DecodeTagResource(const Json& body) {
  ShapeReader r;
  auto arn = r.String(body, "ResourceArn");
  const Json* list = r.List(body, "Tags");
  std::vector<ops::TagInput> tags;
  if (list != nullptr) {
    for (const auto& e : *list) {
      if (!r.StructValue(e, "Tag")) break;
      tags.push_back({r.String(e, "Key"), r.String(e, "Value")});
    }
  }
  if (!r.ok()) return r.status();

  STATOR_RETURN_IF_ERROR(PrecheckResourceArn(arn));
  Constraints c;
  CheckResourceArnLength(c, *arn);
  if (list == nullptr) c.NotNull("tags");
  STATOR_RETURN_IF_ERROR(c.status());
  return ops::TagResourceRequest{*arn, std::move(tags)};
}

Result<ops::UntagResourceRequest> DecodeUntagResource(const Json& body) {
  ShapeReader r;
  auto arn = r.String(body, "ResourceArn");
  auto keys = r.StringList(body, "TagKeys");
  if (!r.ok()) return r.status();

  STATOR_RETURN_IF_ERROR(PrecheckResourceArn(arn));
  Constraints c;
  CheckResourceArnLength(c, *arn);
  if (!keys) c.NotNull("tagKeys");
  STATOR_RETURN_IF_ERROR(c.status());
  return ops::UntagResourceRequest{*arn, std::move(*keys)};
}

Result<ops::ListTagsOfResourceRequest> DecodeListTagsOfResource(const Json& body) {
  ShapeReader r;
  auto arn = r.String(body, "ResourceArn");
  auto next_token = r.String(body, "NextToken");
  if (!r.ok()) return r.status();

  STATOR_RETURN_IF_ERROR(PrecheckResourceArn(arn));
  Constraints c;
  CheckResourceArnLength(c, *arn);
  STATOR_RETURN_IF_ERROR(c.status());
  return ops::ListTagsOfResourceRequest{*arn, std::move(next_token)};
}

Json EncodeListTagsOfResource(const ops::ListTagsOfResourceResponse& resp) {
  Json tags = Json::array();
  for (const auto& [key, value] : resp.tags) tags.push_back({{"Key", key}, {"Value", value}});
  Json out = {{"Tags", std::move(tags)}};
  if (resp.next_token) out["NextToken"] = *resp.next_token;
  return out;
}

}  // namespace stator::protocol

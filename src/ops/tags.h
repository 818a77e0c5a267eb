// Tag operations: TagResource, UntagResource, ListTagsOfResource.
//
// A table's tags live in its definition (model::TableDef::tags, persisted in
// the catalog, in the order their keys were first added). TagResource and
// UntagResource compute the new tag list from the table's current definition
// and publish it with Engine::ReplaceTable only if that definition is still
// current, recomputing otherwise: concurrent tag changes, and tag changes
// racing UpdateTable, never lose each other's work. A change is visible to the
// next request at once (DynamoDB takes a second or two, see
// docs/compatibility.md).
//
// Only tables are taggable. A ResourceArn is checked in DynamoDB's order: its
// syntax (CheckResourceArnSyntax, which the protocol decoder runs before the
// member constraints, as DynamoDB does), then the account (another account's
// ARN is AccessDeniedException), the kind of resource, the region and the
// table name, then the tags, and only then is the table looked up.
//
// Thread-safety: every function may be called concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "ops/context.h"

namespace stator::ops {

// Tags are pages of at most this many; DynamoDB returns a table's 50 tags in
// one answer.
inline constexpr size_t kTagsPerPage = 50;

// One element of TagResource's Tags; a member is nullopt when the request
// left it out (DynamoDB reports that as an invalid key or value).
struct TagInput {
  std::optional<std::string> key;
  std::optional<std::string> value;
};

struct TagResourceRequest {
  std::string resource_arn;  // syntax already checked
  std::vector<TagInput> tags;
};

struct UntagResourceRequest {
  std::string resource_arn;  // syntax already checked
  std::vector<std::string> tag_keys;
};

struct ListTagsOfResourceRequest {
  std::string resource_arn;  // syntax already checked
  std::optional<std::string> next_token;
};

struct ListTagsOfResourceResponse {
  std::vector<std::pair<std::string, std::string>> tags;
  std::optional<std::string> next_token;
};

// The ARN's syntax, as DynamoDB checks it before anything else:
// "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE", else a ValidationException
// naming what is missing ("One or more parameter values were invalid: ARNs
// must start with 'arn:': X").
Status CheckResourceArnSyntax(std::string_view arn);

// DynamoDB's checks of a list of new tags, for TagResource and CreateTable:
// each key 1-128 and each value 0-256 Unicode characters of letters, digits,
// white space and + - = . _ : / @; no key starting with "aws:" (any case);
// no key twice; at most 50 tags.
Status CheckNewTags(const std::vector<TagInput>& tags);

Status TagResource(const RequestContext& ctx, const TagResourceRequest& req);
Status UntagResource(const RequestContext& ctx, const UntagResourceRequest& req);
Result<ListTagsOfResourceResponse> ListTagsOfResource(const RequestContext& ctx,
                                                      const ListTagsOfResourceRequest& req);

}  // namespace stator::ops

// IAM-style identity policies (--policy-file) and their evaluation.
//
// The model is IAM's: a user holds access keys and policies; a policy holds
// statements; a statement Allows or Denies actions (Action, or every action
// but some with NotAction) on resources (Resource / NotResource) when all of
// its conditions hold. Evaluate decides one request the way IAM decides an
// identity-based request within an account:
//   - an explicit Deny in any matching statement wins over every Allow;
//   - otherwise an Allow in a matching statement allows;
//   - otherwise the request is denied implicitly (no policy allows it), which
//     is also the answer for a key that belongs to no user.
//
// Matching:
//   - actions ("dynamodb:GetItem") match case-insensitively, with '*' (any
//     run of characters) and '?' (any one character);
//   - resources match case-sensitively with the same wildcards, part by part
//     ("arn:aws:dynamodb:*:*:table/T" has six colon-separated parts, the last
//     of which may hold more colons), so a wildcard never reaches across a
//     part's ':'; "*" matches every resource, and a pattern of fewer parts
//     matches none;
//   - condition keys ("dynamodb:LeadingKeys") are named case-insensitively.
//
// Conditions (all clauses of a statement must hold; within a clause, any of
// its values may match):
//   - StringEquals, StringNotEquals, StringEqualsIgnoreCase,
//     StringNotEqualsIgnoreCase, StringLike, StringNotLike, each also with the
//     IfExists suffix (a missing key then satisfies the clause), Bool ("true"
//     or "false", compared ignoring case; also with IfExists), and Null
//     ("true": the key is missing; "false": it is present);
//   - a key missing from the request fails a clause, except a negated one
//     (StringNotEquals, StringNotLike, ...), which a missing key satisfies;
//   - the set qualifiers compare every value of a multivalued key:
//     ForAllValues holds when every value of the key matches (a negated test:
//     matches none of the policy's values), and therefore also when the key is
//     missing or empty — IAM's footgun: an Allow with ForAllValues on a key
//     the request does not carry allows it; ForAnyValue holds when at least
//     one value matches, and never for a missing or empty key;
//   - without a qualifier, a key with several values is tested value by value
//     and the clause holds when any value passes (policies should use a set
//     qualifier for such keys, as IAM asks).
//
// Policy variables: in a 2012-10-17 policy, "${key}" in a Resource or a
// condition value stands for the request's single value of context key `key`
// (e.g. ${aws:username}); "${*}", "${?}" and "${$}" stand for the literal
// characters. A pattern naming a key the request lacks matches nothing.
//
// Thread-safety: the types are values; a PolicySet is immutable once built and
// may be read from any number of threads. Evaluate is a pure function.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace stator::auth {

// Orders strings ignoring ASCII case: condition keys are case-insensitive.
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

enum class Effect { kAllow, kDeny };

enum class ConditionTest {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kBool,  // "true" or "false", either case
  kNull,
};

enum class SetQualifier { kNone, kForAllValues, kForAnyValue };

// One key of one condition operator: "ForAllValues:StringEquals":
// {"dynamodb:LeadingKeys": ["alice"]} is {kForAllValues, kStringEquals,
// false, "dynamodb:LeadingKeys", {"alice"}}.
struct ConditionClause {
  SetQualifier qualifier = SetQualifier::kNone;
  ConditionTest test = ConditionTest::kStringEquals;
  bool if_exists = false;
  std::string key;
  std::vector<std::string> values;
};

struct Statement {
  std::string sid;
  Effect effect = Effect::kAllow;
  bool not_action = false;  // `actions` lists what the statement does NOT cover
  std::vector<std::string> actions;
  bool not_resource = false;  // `resources` lists what the statement does NOT cover
  std::vector<std::string> resources;
  std::vector<ConditionClause> conditions;
};

inline constexpr std::string_view kPolicyVersion2012 = "2012-10-17";
inline constexpr std::string_view kPolicyVersion2008 = "2008-10-17";

struct Policy {
  std::string version = std::string(kPolicyVersion2008);  // 2012-10-17 enables variables
  std::vector<Statement> statements;
};

struct User {
  std::string name;
  std::vector<std::string> access_key_ids;
  std::vector<Policy> policies;
};

// The users of a policy file, found by access key id.
class PolicySet {
 public:
  PolicySet() = default;
  // Access key ids must be unique across users (the decoder checks).
  explicit PolicySet(std::vector<User> users);

  // The user owning `access_key_id`, or nullptr. Lives as long as the set.
  const User* FindByAccessKey(std::string_view access_key_id) const;
  const std::vector<User>& users() const { return users_; }

 private:
  std::vector<User> users_;
  std::map<std::string, size_t, std::less<>> by_key_;  // access key id -> index in users_
};

// The request's condition context: key -> its values. A key with no entry is
// missing; an entry may hold several values (multivalued keys such as
// dynamodb:Attributes) or none (an empty set).
using ConditionContext = std::map<std::string, std::vector<std::string>, CaseInsensitiveLess>;

enum class Decision { kAllow, kImplicitDeny, kExplicitDeny };

// IAM's decision for `user` (nullptr: a key without a user, denied) to perform
// `action` on `resource`.
Decision Evaluate(const User* user, std::string_view action, std::string_view resource,
                  const ConditionContext& context);

// Wildcard matching as policies use it ('*' any run, '?' any one character).
bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace stator::auth

#include "auth/policy.h"

#include <algorithm>
#include <optional>

namespace stator::auth {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool CharsEqual(char a, char b, bool ignore_case) {
  return ignore_case ? Lower(a) == Lower(b) : a == b;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

// A pattern after policy variables were substituted: each character is a
// literal or one of the wildcards '*' and '?' (a substituted value, and
// "${*}" / "${?}", are always literal).
struct PatternChar {
  char c;
  bool wildcard;
};
using Pattern = std::vector<PatternChar>;

// Classic glob matching with one backtrack point: linear in practice,
// O(pattern * text) at worst, never recursive (policies are operator input,
// but requests are not, so no input can make it explode).
bool Match(const PatternChar* p, size_t np, std::string_view text, bool ignore_case) {
  size_t pi = 0, ti = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (ti < text.size()) {
    if (pi < np && p[pi].wildcard && p[pi].c == '*') {
      star_p = pi++;
      star_t = ti;
    } else if (pi < np && ((p[pi].wildcard && p[pi].c == '?') ||
                           (!p[pi].wildcard && CharsEqual(p[pi].c, text[ti], ignore_case)))) {
      ++pi;
      ++ti;
    } else if (star_p != std::string_view::npos) {
      pi = star_p + 1;
      ti = ++star_t;
    } else {
      return false;
    }
  }
  while (pi < np && p[pi].wildcard && p[pi].c == '*') ++pi;
  return pi == np;
}

bool Match(const Pattern& p, std::string_view text, bool ignore_case) {
  return Match(p.data(), p.size(), text, ignore_case);
}

// `text` with its policy variables substituted from `context`; nullopt when a
// variable names a key the request lacks (or one with several values), so the
// pattern matches nothing. `wildcards`: '*' and '?' written in `text` are
// wildcards (Like operators, actions, resources) rather than literals.
std::optional<Pattern> Expand(std::string_view text, const Policy& policy,
                              const ConditionContext& context, bool wildcards) {
  const bool variables = policy.version == kPolicyVersion2012;
  Pattern out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (variables && text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        std::string_view name = text.substr(i + 2, close - i - 2);
        if (name == "*" || name == "?" || name == "$") {
          out.push_back({name[0], false});
        } else {
          auto it = context.find(name);
          if (it == context.end() || it->second.size() != 1) return std::nullopt;
          for (char c : it->second.front()) out.push_back({c, false});
        }
        i = close;
        continue;
      }
    }
    out.push_back({text[i], wildcards && (text[i] == '*' || text[i] == '?')});
  }
  return out;
}

bool ActionMatches(const Statement& st, std::string_view action) {
  bool any = std::any_of(st.actions.begin(), st.actions.end(), [&](const std::string& pattern) {
    return WildcardMatch(pattern, action, /*ignore_case=*/true);
  });
  return st.not_action ? !any : any;
}

// Up to six parts split at the first five ':' (an ARN's resource part may hold
// more colons).
template <typename Seq, typename IsColon>
std::vector<std::pair<size_t, size_t>> ArnParts(const Seq& s, size_t n, IsColon is_colon) {
  std::vector<std::pair<size_t, size_t>> parts;  // [begin, end)
  size_t begin = 0;
  for (size_t i = 0; i < n && parts.size() < 5; ++i) {
    if (is_colon(s[i])) {
      parts.emplace_back(begin, i);
      begin = i + 1;
    }
  }
  parts.emplace_back(begin, n);
  return parts;
}

bool ResourcePatternMatches(const Pattern& p, std::string_view resource) {
  auto pattern_parts = ArnParts(p, p.size(), [](const PatternChar& c) { return c.c == ':'; });
  if (pattern_parts.size() != 6) return false;  // not an ARN pattern (the decoder refuses those)
  auto resource_parts = ArnParts(resource, resource.size(), [](char c) { return c == ':'; });
  if (resource_parts.size() != 6) return false;
  for (size_t i = 0; i < 6; ++i) {
    auto [pb, pe] = pattern_parts[i];
    auto [rb, re] = resource_parts[i];
    if (!Match(p.data() + pb, pe - pb, resource.substr(rb, re - rb), /*ignore_case=*/false)) {
      return false;
    }
  }
  return true;
}

bool ResourceMatches(const Statement& st, const Policy& policy, std::string_view resource,
                     const ConditionContext& context) {
  bool any = std::any_of(st.resources.begin(), st.resources.end(), [&](const std::string& text) {
    if (text == "*") return true;
    std::optional<Pattern> p = Expand(text, policy, context, /*wildcards=*/true);
    return p && ResourcePatternMatches(*p, resource);
  });
  return st.not_resource ? !any : any;
}

bool IsNegated(ConditionTest test) {
  return test == ConditionTest::kStringNotEquals ||
         test == ConditionTest::kStringNotEqualsIgnoreCase || test == ConditionTest::kStringNotLike;
}

// Whether the request's value `value` matches one of the clause's values,
// ignoring negation.
bool AnyPolicyValueMatches(const ConditionClause& clause, const Policy& policy,
                           const ConditionContext& context, std::string_view value) {
  const bool like =
      clause.test == ConditionTest::kStringLike || clause.test == ConditionTest::kStringNotLike;
  const bool ignore_case = clause.test == ConditionTest::kStringEqualsIgnoreCase ||
                           clause.test == ConditionTest::kStringNotEqualsIgnoreCase ||
                           clause.test == ConditionTest::kBool;
  for (const std::string& text : clause.values) {
    std::optional<Pattern> p = Expand(text, policy, context, /*wildcards=*/like);
    if (p && Match(*p, value, ignore_case)) return true;
  }
  return false;
}

// One value of the request against the clause's test, negation included.
bool ValuePasses(const ConditionClause& clause, const Policy& policy,
                 const ConditionContext& context, std::string_view value) {
  bool matched = AnyPolicyValueMatches(clause, policy, context, value);
  return IsNegated(clause.test) ? !matched : matched;
}

bool NullHolds(const ConditionClause& clause, bool absent) {
  return std::any_of(clause.values.begin(), clause.values.end(), [&](const std::string& v) {
    return EqualsIgnoreCase(v, "true") ? absent : EqualsIgnoreCase(v, "false") && !absent;
  });
}

bool ClauseHolds(const ConditionClause& clause, const Policy& policy,
                 const ConditionContext& context) {
  auto it = context.find(clause.key);
  const bool absent = it == context.end() || it->second.empty();
  if (clause.test == ConditionTest::kNull) return NullHolds(clause, absent);
  auto passes = [&](const std::string& v) { return ValuePasses(clause, policy, context, v); };
  switch (clause.qualifier) {
    case SetQualifier::kForAllValues:
      // True for a missing or empty key: every one of no values passes.
      return absent || std::all_of(it->second.begin(), it->second.end(), passes);
    case SetQualifier::kForAnyValue:
      if (absent) return clause.if_exists;
      return std::any_of(it->second.begin(), it->second.end(), passes);
    case SetQualifier::kNone:
      if (absent) return clause.if_exists || IsNegated(clause.test);
      return std::any_of(it->second.begin(), it->second.end(), passes);
  }
  return false;
}

bool ConditionsHold(const Statement& st, const Policy& policy, const ConditionContext& context) {
  return std::all_of(st.conditions.begin(), st.conditions.end(),
                     [&](const ConditionClause& c) { return ClauseHolds(c, policy, context); });
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return Lower(x) < Lower(y); });
}

PolicySet::PolicySet(std::vector<User> users) : users_(std::move(users)) {
  for (size_t i = 0; i < users_.size(); ++i) {
    for (const std::string& key : users_[i].access_key_ids) by_key_.emplace(key, i);
  }
}

const User* PolicySet::FindByAccessKey(std::string_view access_key_id) const {
  auto it = by_key_.find(access_key_id);
  return it == by_key_.end() ? nullptr : &users_[it->second];
}

bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  Pattern p;
  for (char c : pattern) p.push_back({c, c == '*' || c == '?'});
  return Match(p, text, ignore_case);
}

Decision Evaluate(const User* user, std::string_view action, std::string_view resource,
                  const ConditionContext& context) {
  if (user == nullptr) return Decision::kImplicitDeny;
  bool allowed = false;
  for (const Policy& policy : user->policies) {
    for (const Statement& st : policy.statements) {
      if (!ActionMatches(st, action) || !ResourceMatches(st, policy, resource, context) ||
          !ConditionsHold(st, policy, context)) {
        continue;
      }
      if (st.effect == Effect::kDeny) return Decision::kExplicitDeny;
      allowed = true;
    }
  }
  return allowed ? Decision::kAllow : Decision::kImplicitDeny;
}

}  // namespace stator::auth

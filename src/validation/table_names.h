// Table and index names: 3 to 255 characters from [a-zA-Z0-9_.-].
#pragma once

#include <string_view>

namespace stator::validation {

// True if every character is in [a-zA-Z0-9_.-] and there is at least one.
// (Lengths are checked with the other member constraints.)
bool MatchesNamePattern(std::string_view name);

}  // namespace stator::validation

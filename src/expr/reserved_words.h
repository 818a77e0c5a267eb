// DynamoDB's reserved words (docs: "Reserved words in DynamoDB"): names that may not appear
// bare as attribute names in an expression.
//
// Thread-safety: pure function over constant data.
#pragma once

#include <string_view>

namespace stator::expr {

// Whether `word` is one of DynamoDB's 573 reserved words, ignoring ASCII case.
bool IsReservedWord(std::string_view word);

}  // namespace stator::expr

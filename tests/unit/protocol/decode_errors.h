// Helpers of the protocol decoder tests: the message of a refused request.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "common/status.h"

namespace stator::protocol {

// The message of a decoding error of `code` (a test failure when `result`
// is not that error).
template <typename T>
std::string Error(const Result<T>& result, Code code) {
  EXPECT_FALSE(result.ok());
  if (result.ok()) return "";
  EXPECT_EQ(result.status().code(), code) << result.status().message();
  return result.status().message();
}

template <typename T>
std::string Validation(const Result<T>& result) {
  return Error(result, Code::kValidation);
}

// DynamoDB's message for one failed member constraint.
inline std::string OneError(const std::string& value, const std::string& path,
                            const std::string& constraint) {
  return "1 validation error detected: Value " + value + " at '" + path +
         "' failed to satisfy constraint: " + constraint;
}

}  // namespace stator::protocol

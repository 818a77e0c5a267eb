// Amazon Resource Names: "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE".
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "common/status.h"

namespace stator::ops {

struct ArnParts {
  std::string_view partition, service, region, account, resource;  // views into the ARN
};

// Splits an ARN (the resource may hold more colons). A ValidationException
// with the AWS ARN parser's words for what is missing ("One or more parameter
// values were invalid: ARNs must start with 'arn:': X", ...) otherwise.
Result<ArnParts> SplitArn(std::string_view arn);

}  // namespace stator::ops

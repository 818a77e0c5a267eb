#include "ops/arn.h"

#include <string>

namespace stator::ops {

Result<ArnParts> SplitArn(std::string_view arn) {
  auto invalid = [&](std::string_view what) {
    return Status::Validation("One or more parameter values were invalid: " + std::string(what) +
                              ": " + std::string(arn));
  };
  if (arn.substr(0, 4) != "arn:") return invalid("ARNs must start with 'arn:'");
  static constexpr std::string_view kMissing[] = {
      "Second colon partition not found",
      "Third colon vendor not found",
      "Fourth colon (region/namespace delimiter) not found",
      "Fifth colon (namespace/relative-id delimiter) not found",
  };
  std::string_view fields[4];
  size_t pos = 4;
  for (int i = 0; i < 4; ++i) {
    size_t colon = arn.find(':', pos);
    if (colon == std::string_view::npos) return invalid(kMissing[i]);
    fields[i] = arn.substr(pos, colon - pos);
    pos = colon + 1;
  }
  return ArnParts{fields[0], fields[1], fields[2], fields[3], arn.substr(pos)};
}

}  // namespace stator::ops

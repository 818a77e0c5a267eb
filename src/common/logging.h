// Process-wide logging set-up (spdlog behind a small facade so that modules
// which must not see spdlog in their headers can still log from .cc files).
#pragma once

#include <string_view>

namespace stator {

// Sets the global level: trace, debug, info, warn, error, off. False if unknown.
[[nodiscard]] bool SetLogLevel(std::string_view level);

}  // namespace stator

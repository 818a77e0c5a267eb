// Process-wide logging set-up (spdlog behind a small facade so that modules
// which must not see spdlog in their headers can still log from .cc files).
//
// Thread-safety: call these at start-up, before other threads log.
#pragma once

#include <string_view>

namespace stator {

// Sets the global level: trace, debug, info, warn, error, off. False if unknown.
[[nodiscard]] bool SetLogLevel(std::string_view level);

// "text": `2026-01-02T03:04:05.678 info message` in local time (the default).
// "json": one JSON object per line, in UTC, for log collectors:
//   {"time":"2026-01-02T03:04:05.678Z","level":"info","thread":123,"message":"..."}
// False if `format` is neither.
[[nodiscard]] bool SetLogFormat(std::string_view format);

}  // namespace stator

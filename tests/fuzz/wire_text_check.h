// A check shared by the fuzz targets: text that reaches the wire must serialise.
//
// protocol/errors.cc renders an error message with nlohmann's strict dump(), which throws
// on invalid UTF-8. So a message built from valid UTF-8 input must itself be valid UTF-8,
// whatever part of the input it quotes.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace stator::fuzz {

inline bool IsValidUtf8(std::string_view text) {
  try {
    (void)nlohmann::json(std::string(text)).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

// Aborts when `message` is not valid UTF-8. Call it for messages built from valid input.
inline void CheckWireText(std::string_view message) {
  if (IsValidUtf8(message)) return;
  std::fprintf(stderr, "message is not valid UTF-8 (strict dump() would throw): <%.*s>\n",
               static_cast<int>(message.size()), message.data());
  std::abort();
}

}  // namespace stator::fuzz

// Stator's version, shared by the binary (--version) and the docs.
#pragma once

namespace stator {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace stator

// The wall clock in the unit the protocol and the session core use. The core never
// reads a clock; the gateway reads this one and passes the time in.
#pragma once

#include <chrono>

#include "session/types.hpp"

namespace companion::gateway {

inline session::millis wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace companion::gateway

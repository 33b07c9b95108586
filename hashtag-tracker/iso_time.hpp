// Parses the ISO 8601 / RFC 3339 timestamps social networks send into milliseconds.
#pragma once

#include <optional>
#include <string_view>

#include "session/types.hpp"

namespace companion::tracker {

// "2024-04-22T14:00:02.220Z", "2024-04-22T16:00:02+02:00", "2024-04-22 14:00:02Z";
// any number of fraction digits (beyond milliseconds they are dropped). No zone means UTC.
std::optional<session::millis> parse_iso8601_ms(std::string_view text);

}  // namespace companion::tracker

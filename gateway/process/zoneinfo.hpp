// Whether an IANA time zone exists in the system's zone database (tzdata), so an
// event file naming a zone that no browser or server knows is refused at start.
#pragma once

#include <string>
#include <string_view>

namespace companion::gateway {

// True when the zone database has `name` (TZDIR, else /usr/share/zoneinfo). "UTC" is always known.
bool time_zone_exists(std::string_view name);

}  // namespace companion::gateway

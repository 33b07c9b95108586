#include "gateway/process/zoneinfo.hpp"

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "session/event_definition.hpp"

namespace companion::gateway {

bool time_zone_exists(std::string_view name) {
  if (name == "UTC") return true;
  // The shape check also keeps the name from leaving the zone folder ("..", leading "/").
  if (!session::looks_like_time_zone(name)) return false;
  const char* dir = std::getenv("TZDIR");
  std::filesystem::path path =
      std::filesystem::path(dir && *dir ? dir : "/usr/share/zoneinfo") / std::string(name);
  std::ifstream in(path, std::ios::binary);
  std::array<char, 4> magic{};
  // Every compiled zone file starts with "TZif"; folders and stray files do not.
  return in.read(magic.data(), magic.size()) && std::string_view(magic.data(), magic.size()) == "TZif";
}

}  // namespace companion::gateway

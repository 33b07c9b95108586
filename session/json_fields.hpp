// Reading fields of the session's own JSON (state, snapshots, changes) where a missing
// or mistyped field means "none": 0 for numbers, "" for strings.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace companion::session {

// The integer at `key`, or 0 when it is missing or not an integer.
inline std::int64_t number_at(const boost::json::object& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->value().is_int64()) return it->value().get_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().get_uint64());
  return 0;
}

// The string at `key`, or "" when it is missing or not a string.
inline std::string string_at(const boost::json::object& object, std::string_view key) {
  auto it = object.find(key);
  return it != object.end() && it->value().is_string() ? std::string(it->value().get_string())
                                                       : std::string();
}

}  // namespace companion::session

// Reading an engine state snapshot: every field is required and typed, and a field
// that is missing or of another type names itself in `why`, so a damaged or foreign
// snapshot is refused with a reason instead of restoring a different state.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "types.hpp"

namespace companion::session {

// The version of the snapshot layout this build writes and reads (see event_engine::snapshot).
constexpr int snapshot_version = 1;

// Each sets `out` and returns true, or sets `why` ("questions[3].asked_at: not an integer").
bool read_field(const boost::json::object& in, std::string_view key, std::string& out, std::string& why);
bool read_field(const boost::json::object& in, std::string_view key, std::int64_t& out, std::string& why);
bool read_field(const boost::json::object& in, std::string_view key, std::uint64_t& out, std::string& why);
bool read_field(const boost::json::object& in, std::string_view key, bool& out, std::string& why);
bool read_field(const boost::json::object& in, std::string_view key, const boost::json::object*& out,
                std::string& why);
bool read_field(const boost::json::object& in, std::string_view key, const boost::json::array*& out,
                std::string& why);
// Any JSON value, present.
bool read_field(const boost::json::object& in, std::string_view key, const boost::json::value*& out,
                std::string& why);
// null or an integer.
bool read_field(const boost::json::object& in, std::string_view key, std::optional<millis>& out,
                std::string& why);
// An array of strings.
bool read_strings(const boost::json::object& in, std::string_view key, std::vector<std::string>& out,
                  std::string& why);

// Prefixes `why` with where it happened: "wall.posts[12]: " + why. Returns false.
bool fail_at(std::string_view where, std::string& why);

}  // namespace companion::session

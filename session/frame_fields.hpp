// Reading the fields of one client frame with simdjson On-Demand: strings (with the
// error a client reads when a field has the wrong type), command ids, and values a
// reader does not use but must still check, so a malformed frame is refused whole.
// Shared by the session's command decoder and the gateway's connection messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <boost/json/value.hpp>

namespace companion::session::frame_fields {

// Reads a value the reader does not use, so that malformed JSON inside it is still
// refused (On-Demand would otherwise skip it unchecked). Returns why the value is
// refused, or an empty view.
std::string_view check_unused(simdjson::ondemand::value& value, int depth);

// Reads a string (or, when `nullable`, null) field; records the first type error in `error`.
bool read_string(simdjson::ondemand::value& value, std::string_view key, std::optional<std::string>& out,
                 bool nullable, std::string& error);
bool read_string(simdjson::ondemand::value& value, std::string_view key, std::string& out,
                 std::string& error);

// Reads the command id: a string or an integer. `as_item` gets it as text (on_screen.set
// of protocol v1 names its item in `id`).
bool read_id(simdjson::ondemand::value& value, boost::json::value& id, std::optional<std::string>& as_item,
             std::string& error);

// Reads a bulk selection: an array of 1..max_bulk_posts distinct, non-empty ids.
bool read_posts(simdjson::ondemand::value& value, std::vector<std::string>& out, std::string& error);

}  // namespace companion::session::frame_fields

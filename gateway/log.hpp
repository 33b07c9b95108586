// One structured line per event on stderr: key=value by default, JSON with
// --log-format json. Callers never pass tokens or secrets.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace companion::gateway {

enum class log_format { text, json };
void set_log_format(log_format format);
void set_log_quiet(bool quiet);

using log_field = std::pair<std::string_view, std::string>;
void log_event(std::string_view event, std::initializer_list<log_field> fields);

}  // namespace companion::gateway

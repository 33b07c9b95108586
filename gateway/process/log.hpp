// One structured line per event on stderr: key=value by default, JSON with
// --log-format json. Callers never pass tokens or secrets. Lines go through a
// bounded queue written by a thread of its own (log_writer.hpp): logging never
// waits for stderr, and lines that do not fit are dropped and counted.
#pragma once

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "gateway/process/log_writer.hpp"

namespace companion::gateway {

enum class log_format { text, json };
// debug: every per-connection line; info: those sampled (one per kind per second).
enum class log_level { debug, info };

std::optional<log_level> parse_log_level(std::string_view text);
void set_log_format(log_format format);
void set_log_level(log_level level);
void set_log_quiet(bool quiet);

// Starts the writer thread. Until then lines are written by the caller (tools, tests).
void start_log_writer(std::size_t capacity_bytes);
// Writes what is queued, waiting at most `deadline` for stderr; later lines are dropped.
bool stop_log_writer(std::chrono::milliseconds deadline);
const log_counters& log_stats();

using log_field = std::pair<std::string_view, std::string>;
// Server-wide events (start, stop, sources, storage): always logged.
void log_event(std::string_view event, std::initializer_list<log_field> fields);
// One connection's events (hello, refusals, slow consumers): all of them at debug;
// at info the first of each kind in a second, carrying how many were left out before it.
void log_connection_event(std::string_view event, std::initializer_list<log_field> fields);
// The same, for fields put together at run time.
void log_connection_event(std::string_view event, std::span<const log_field> fields);
// Detail only --log-level debug asks for (the step a connection failed at): nothing at info.
void log_debug_event(std::string_view event, std::span<const log_field> fields);

}  // namespace companion::gateway

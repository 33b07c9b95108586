// ISO 8601 times, parsed and written in one place. Calendar arithmetic only: the
// machine's time zone never changes a value.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace companion::common {

// Which spellings a caller takes.
enum class iso8601_form {
  // Event files: "YYYY-MM-DDTHH:MM:SS[.fraction]Z" exactly, a date that exists,
  // seconds up to 59.
  utc,
  // What social networks send (RFC 3339 and its loose cousins): also 't' or ' ' before
  // the time, ',' before the fraction, "+hh:mm" / "+hhmm" offsets, a leap second, and
  // no zone meaning UTC. Days are only checked to be 1 to 31.
  feed,
};

// Milliseconds since the epoch. Fraction digits beyond milliseconds are read and dropped.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text, iso8601_form form);

// "YYYY-MM-DD", a date that exists.
std::optional<std::chrono::sys_days> parse_iso8601_date(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ" for milliseconds since the epoch (whole seconds, rounded down).
std::string format_iso8601(std::int64_t ms);

}  // namespace companion::common

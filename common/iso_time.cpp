// One reader for both spellings: the event file's strict UTC form and the looser one
// social networks use. They differ only where iso8601_form says.
#include "common/iso_time.hpp"

#include <cstdio>

namespace companion::common {
namespace {

using namespace std::chrono;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Exactly `count` digits at `pos`; nothing else is accepted.
std::optional<int> digits_at(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// "+hh:mm" or "+hhmm" to the end of the text, as minutes east of UTC.
std::optional<int> offset_minutes(std::string_view zone) {
  if (zone.size() != 5 && zone.size() != 6) return std::nullopt;
  const std::size_t minute_pos = zone.size() == 6 ? 4 : 3;
  if (zone.size() == 6 && zone[3] != ':') return std::nullopt;
  const auto hours = digits_at(zone, 1, 2);
  const auto mins = digits_at(zone, minute_pos, 2);
  if (!hours || !mins) return std::nullopt;
  return (*hours * 60 + *mins) * (zone[0] == '-' ? -1 : 1);
}

}  // namespace

std::optional<sys_days> parse_iso8601_date(std::string_view text) {
  const auto year = digits_at(text, 0, 4);
  const auto month = digits_at(text, 5, 2);
  const auto day = digits_at(text, 8, 2);
  if (!year || !month || !day || text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  return sys_days{date};
}

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text, iso8601_form form) {
  const bool feed = form == iso8601_form::feed;
  if (text.size() < 19) return std::nullopt;
  std::optional<sys_days> date;
  if (feed) {
    // Only the ranges: a feed's "February 30" rolls over as it always has.
    const auto year = digits_at(text, 0, 4);
    const auto month = digits_at(text, 5, 2);
    const auto day = digits_at(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-' || *month < 1 || *month > 12 ||
        *day < 1 || *day > 31)
      return std::nullopt;
    date = sys_days{std::chrono::year{*year} / std::chrono::month{static_cast<unsigned>(*month)} / 1} +
           days{*day - 1};
  } else {
    date = parse_iso8601_date(text);
  }
  if (!date) return std::nullopt;
  const char separator = text[10];
  if (separator != 'T' && !(feed && (separator == 't' || separator == ' '))) return std::nullopt;
  const auto hour = digits_at(text, 11, 2);
  const auto minute = digits_at(text, 14, 2);
  const auto second = digits_at(text, 17, 2);
  if (text[13] != ':' || text[16] != ':' || !hour || !minute || !second || *hour > 23 || *minute > 59 ||
      *second > (feed ? 60 : 59))
    return std::nullopt;

  std::size_t pos = 19;
  int fraction_ms = 0;
  if (pos < text.size() && (text[pos] == '.' || (feed && text[pos] == ','))) {
    const std::size_t first = ++pos;
    while (pos < text.size() && is_digit(text[pos])) {
      if (pos - first < 3) fraction_ms = fraction_ms * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == first) return std::nullopt;
    for (std::size_t n = std::min<std::size_t>(pos - first, 3); n < 3; ++n) fraction_ms *= 10;
  }

  int east_minutes = 0;
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || (feed && zone == "z")) {
    // UTC
  } else if (feed && zone.empty()) {
    // No zone: feeds mean UTC.
  } else if (feed && (zone[0] == '+' || zone[0] == '-')) {
    const auto offset = offset_minutes(zone);
    if (!offset) return std::nullopt;
    east_minutes = *offset;
  } else {
    return std::nullopt;
  }
  const auto at = date->time_since_epoch() + hours{*hour} + minutes{*minute} + seconds{*second} +
                  milliseconds{fraction_ms} - minutes{east_minutes};
  return duration_cast<milliseconds>(at).count();
}

std::string format_iso8601(std::int64_t ms) {
  const sys_time<milliseconds> at{milliseconds{ms}};
  const sys_days day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss<seconds> time{floor<seconds>(at) - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

}  // namespace companion::common

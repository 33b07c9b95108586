#include "types.hpp"

namespace companion::session {

std::string_view to_string(error_code code) {
  switch (code) {
    case error_code::none:
      return "none";
    case error_code::bad_request:
      return "bad_request";
    case error_code::unauthorized:
      return "unauthorized";
    case error_code::forbidden:
      return "forbidden";
    case error_code::not_found:
      return "not_found";
    case error_code::conflict:
      return "conflict";
    case error_code::rate_limited:
      return "rate_limited";
    case error_code::too_large:
      return "too_large";
    case error_code::internal:
      return "internal";
  }
  return "internal";
}

std::string_view to_string(role r) {
  switch (r) {
    case role::viewer:
      return "viewer";
    case role::moderator:
      return "moderator";
    case role::producer:
      return "producer";
    case role::ingest:
      return "ingest";
  }
  return "viewer";
}

std::optional<role> parse_role(std::string_view text) {
  if (text == "viewer") return role::viewer;
  if (text == "moderator") return role::moderator;
  if (text == "producer") return role::producer;
  if (text == "ingest") return role::ingest;
  return std::nullopt;
}

bool role_allows(role actor, role required) {
  if (required == role::ingest || actor == role::ingest) return actor == required;
  return static_cast<int>(actor) >= static_cast<int>(required);
}

}  // namespace companion::session

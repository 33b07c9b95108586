// Vocabulary shared by every part of the session core: time, roles and the
// protocol's error codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace companion::session {

// Milliseconds since the Unix epoch. The core never reads a clock: callers pass time in.
using millis = std::int64_t;

// Maps 1:1 onto the protocol's error codes.
enum class error_code {
  none,
  bad_request,
  unauthorized,
  forbidden,
  not_found,
  conflict,
  rate_limited,
  too_large,
  internal
};

std::string_view to_string(error_code code);

// Who is acting. Ordered: every role may do what the roles before it may.
enum class role { viewer, moderator, producer, ingest };

std::string_view to_string(role r);
std::optional<role> parse_role(std::string_view text);

// True when `actor` may do what `required` may (ingest is separate from the staff ladder).
bool role_allows(role actor, role required);

// The outcome of a domain operation: success, or a protocol error with a human message.
struct outcome {
  error_code code = error_code::none;
  std::string message;

  bool ok() const { return code == error_code::none; }
  static outcome success() { return {}; }
  static outcome failure(error_code c, std::string m) { return {c, std::move(m)}; }
};

}  // namespace companion::session

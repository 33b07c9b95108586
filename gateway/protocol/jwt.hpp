// Staff and ingest credentials: HS256 JSON Web Tokens (RFC 7519) signed with the
// server secret. Verification returns a verdict value and never echoes the token.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "session/types.hpp"

namespace companion::gateway {

struct token_claims {
  std::string sub;
  session::role role = session::role::viewer;
  std::string event;               // an event id, or "*" for every event
  session::millis expires_at = 0;  // ms since the epoch; the JWT `exp` claim is in seconds
  session::millis issued_at = 0;   // `iat`; 0 when the token has none (then any revocation refuses it)
  // `orig_iat`: when the first token of its refresh chain was issued (iat when absent);
  // token.refresh carries it over, so a chain of refreshes ends at a fixed time.
  session::millis chain_started_at = 0;
};

struct token_verdict {
  bool ok = false;
  token_claims claims;  // meaningful only when ok
  std::string why;      // short reason when not ok: "malformed", "bad signature", "expired", ...
};

// Tokens longer than this are refused before any decoding or hashing.
inline constexpr std::size_t max_token_bytes = 4096;

// Empty only if OpenSSL fails.
std::string sign_token(const token_claims& claims, std::string_view secret);

// Accepts only alg HS256 with a valid signature, a role of moderator, producer or
// ingest, a `sub`, an `exp` not older than now - leeway, and an `event` equal to
// event_id or "*"; `iat` and `orig_iat`, when present, must be dates with
// orig_iat <= iat. An empty secret verifies nothing.
token_verdict verify_token(std::string_view token, std::string_view secret, std::string_view event_id,
                           session::millis now, session::millis leeway = 30000);

// The claims of a fresh token for the holder of `current`: issued now, valid for `ttl`
// but never past chain_started_at + chain_limit; none once that end is reached.
std::optional<token_claims> refreshed_claims(const token_claims& current, session::millis now,
                                             session::millis ttl, session::millis chain_limit);

// Whether a token was issued before a revocation's "not before" time (0: none). Tokens
// without `iat` count as issued before any revocation.
inline bool issued_before(const token_claims& claims, session::millis not_before) {
  return not_before > 0 && claims.issued_at < not_before;
}

// The text of a revocation's not-before file (whole seconds since the epoch, one line)
// in ms; 0 when it is not a plain non-negative number.
session::millis parse_tokens_not_before(std::string_view text);

// 32 random bytes, hex-encoded; empty if the system RNG fails.
std::string generate_secret();

// Building blocks shared with signed viewer ids.
using hmac_sha256_digest = std::array<std::uint8_t, 32>;
// Empty only if OpenSSL fails.
std::optional<hmac_sha256_digest> hmac_sha256(std::string_view key, std::string_view data);

}  // namespace companion::gateway

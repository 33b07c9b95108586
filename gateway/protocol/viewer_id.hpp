// Signed anonymous viewer ids: a random nonce plus a truncated HMAC, so a viewer can
// present its id again after a reconnect and the server can tell it issued it,
// without storing anything.
#pragma once

#include <string>
#include <string_view>

namespace companion::gateway {

// "v1.<22 base64url chars: 16 random bytes>.<22 base64url chars: 16 bytes of HMAC-SHA256>".
// Empty if the system RNG or OpenSSL fails.
std::string issue_viewer_id(std::string_view secret);

// True only for an id issued with `secret`. An empty secret verifies nothing.
bool verify_viewer_id(std::string_view id, std::string_view secret);

}  // namespace companion::gateway

// The pure parts of the WebSocket opening handshake (RFC 6455 section 4.2).
#pragma once

#include <string>
#include <string_view>

namespace companion::gateway {

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key: base64(SHA-1(key + GUID)).
std::string websocket_accept_key(std::string_view sec_websocket_key);

// True when the key is the canonical base64 encoding of exactly 16 bytes.
bool is_valid_websocket_key(std::string_view sec_websocket_key);

}  // namespace companion::gateway

// Builds server-to-client WebSocket frames (unmasked, RFC 6455 section 5.2). A broadcast
// is framed once and the same bytes are shared by every connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/protocol/ws_frame_parser.hpp"

namespace companion::gateway {

// Appends one frame carrying `payload` to `out`.
void append_frame(std::string& out, ws_opcode op, std::string_view payload, bool fin = true);

// One complete, final frame.
std::string make_frame(ws_opcode op, std::string_view payload);

// A close frame with a status code and a reason cut, on a UTF-8 character boundary,
// to fit the 125-byte control frame limit.
std::string make_close_frame(std::uint16_t code, std::string_view reason);

}  // namespace companion::gateway

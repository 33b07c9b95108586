// The minimal client side of RFC 6455 the load generator needs: the upgrade request and
// its answer, masked client frames, and a zero-copy reader for unmasked server frames.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace loadgen {

enum class ws_op : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// The GET /ws upgrade request, with a fixed key whose accept value is checked below.
std::string upgrade_request(std::string_view host_port, std::string_view path = "/ws");

enum class upgrade_status { incomplete, accepted, refused };

// Looks for the end of the HTTP answer in `data`; on `accepted`, `header_bytes` is the
// length of the answer so the bytes after it are already WebSocket frames.
upgrade_status parse_upgrade_response(std::string_view data, std::size_t& header_bytes);

// Appends one masked client frame (FIN set) carrying `payload` to `out`.
void append_client_frame(std::string& out, ws_op op, std::string_view payload, std::uint32_t mask_key);

// Appends a close frame with a status code.
void append_close_frame(std::string& out, std::uint16_t code, std::uint32_t mask_key);

// One server frame found in a buffer: views point into that buffer.
struct server_frame {
  ws_op op = ws_op::text;
  bool fin = true;
  std::string_view payload;
  std::size_t frame_bytes = 0;  // header plus payload
};

enum class frame_status { incomplete, ok, bad };

// Reads one frame at the front of `data` without copying. `bad` means a masked server
// frame, reserved bits, or a length past `max_payload`.
frame_status read_server_frame(std::string_view data, server_frame& out, std::size_t max_payload);

// Builds one unmasked server frame (used by the trivial sender and by tests).
std::string server_text_frame(std::string_view payload);

}  // namespace loadgen

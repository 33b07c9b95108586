// Minimal client-side WebSocket framing and upgrade handling.
#include "tests/bench/loadgen/ws_codec.hpp"

#include <cstring>

namespace loadgen {
namespace {

// RFC 6455 section 1.3 sample key and its accept value.
constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view sample_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i];
    char b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

void append_header(std::string& out, ws_op op, std::uint64_t length, bool masked) {
  out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(op)));
  const std::uint8_t mask_bit = masked ? 0x80 : 0x00;
  if (length < 126) {
    out.push_back(static_cast<char>(mask_bit | length));
  } else if (length <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(length >> 8));
    out.push_back(static_cast<char>(length & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((length >> shift) & 0xFF));
  }
}

}  // namespace

std::string upgrade_request(std::string_view host_port, std::string_view path) {
  std::string request;
  request.reserve(256);
  request.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host_port);
  request.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
  request.append(sample_key).append("\r\nSec-WebSocket-Version: 13\r\n\r\n");
  return request;
}

upgrade_status parse_upgrade_response(std::string_view data, std::size_t& header_bytes) {
  const std::size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) return upgrade_status::incomplete;
  header_bytes = end + 4;
  const std::string_view head = data.substr(0, end);
  if (!head.starts_with("HTTP/1.1 101")) return upgrade_status::refused;
  std::size_t line_start = head.find("\r\n");
  while (line_start != std::string_view::npos) {
    line_start += 2;
    const std::size_t line_end = head.find("\r\n", line_start);
    std::string_view line = head.substr(line_start, line_end - line_start);
    if (starts_with_ci(line, "sec-websocket-accept:")) {
      line.remove_prefix(std::strlen("sec-websocket-accept:"));
      while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
      while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
      return line == sample_accept ? upgrade_status::accepted : upgrade_status::refused;
    }
    line_start = line_end;
  }
  return upgrade_status::refused;
}

void append_client_frame(std::string& out, ws_op op, std::string_view payload, std::uint32_t mask_key) {
  append_header(out, op, payload.size(), true);
  unsigned char mask[4];
  std::memcpy(mask, &mask_key, 4);
  out.append(reinterpret_cast<const char*>(mask), 4);
  const std::size_t start = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out[start + i] = static_cast<char>(out[start + i] ^ mask[i % 4]);
}

void append_close_frame(std::string& out, std::uint16_t code, std::uint32_t mask_key) {
  const char body[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  append_client_frame(out, ws_op::close, std::string_view(body, 2), mask_key);
}

frame_status read_server_frame(std::string_view data, server_frame& out, std::size_t max_payload) {
  if (data.size() < 2) return frame_status::incomplete;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
  if ((bytes[0] & 0x70) != 0 || (bytes[1] & 0x80) != 0) return frame_status::bad;
  std::uint64_t length = bytes[1] & 0x7F;
  std::size_t header = 2;
  if (length == 126) {
    if (data.size() < 4) return frame_status::incomplete;
    length = (std::uint64_t{bytes[2]} << 8) | bytes[3];
    header = 4;
  } else if (length == 127) {
    if (data.size() < 10) return frame_status::incomplete;
    length = 0;
    for (int i = 2; i < 10; ++i) length = (length << 8) | bytes[i];
    header = 10;
  }
  if (length > max_payload) return frame_status::bad;
  if (data.size() - header < length) return frame_status::incomplete;
  out.op = static_cast<ws_op>(bytes[0] & 0x0F);
  out.fin = (bytes[0] & 0x80) != 0;
  out.payload = data.substr(header, static_cast<std::size_t>(length));
  out.frame_bytes = header + static_cast<std::size_t>(length);
  return frame_status::ok;
}

std::string server_text_frame(std::string_view payload) {
  std::string frame;
  frame.reserve(payload.size() + 10);
  append_header(frame, ws_op::text, payload.size(), false);
  frame.append(payload);
  return frame;
}

}  // namespace loadgen

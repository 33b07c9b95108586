// Server frames: FIN/opcode byte, the shortest length encoding, no mask, the payload.
#include "gateway/protocol/ws_frame_writer.hpp"

#include <algorithm>
#include <cstddef>

namespace companion::gateway {

namespace {

constexpr std::size_t max_control_payload = 125;

std::size_t header_size(std::size_t payload_size) {
  if (payload_size < 126) return 2;
  if (payload_size <= 0xFFFF) return 4;
  return 10;
}

}  // namespace

void append_frame(std::string& out, ws_opcode op, std::string_view payload, bool fin) {
  out.reserve(out.size() + header_size(payload.size()) + payload.size());
  out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | static_cast<std::uint8_t>(op)));
  const std::uint64_t size = payload.size();
  if (size < 126) {
    out.push_back(static_cast<char>(size));
  } else if (size <= 0xFFFF) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xFF));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xFF));
  }
  out.append(payload);
}

std::string make_frame(ws_opcode op, std::string_view payload) {
  std::string out;
  append_frame(out, op, payload);
  return out;
}

std::string make_close_frame(std::uint16_t code, std::string_view reason) {
  std::size_t keep = std::min(reason.size(), max_control_payload - 2);
  // Never split a character: back up while the first dropped byte is a continuation byte.
  if (keep < reason.size())
    while (keep > 0 && (static_cast<std::uint8_t>(reason[keep]) & 0xC0) == 0x80) --keep;
  std::string payload;
  payload.reserve(2 + keep);
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, keep));
  return make_frame(ws_opcode::close, payload);
}

}  // namespace companion::gateway

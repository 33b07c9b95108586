// Client frame parser fuzzer. Input: [split seed][limit byte][stream bytes...]. The
// stream is parsed once whole and once in pseudo-random splits; both runs must agree,
// and every delivered message must respect the size limit and UTF-8 rules.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/protocol/ws_frame_parser.hpp"

namespace {

using companion::gateway::ws_frame_parser;
using companion::gateway::ws_message;
using companion::gateway::ws_opcode;

struct run_outcome {
  std::vector<ws_message> messages;
  ws_frame_parser::result last = ws_frame_parser::result::need_more;
  std::uint16_t error_code = 0;
};

// Splits come from a small xorshift generator so every input replays identically.
struct splitter {
  std::uint32_t state;
  std::size_t next() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    // Mostly tiny pieces (header bytes split apart), sometimes large ones.
    return (state & 3) == 0 ? 1 + (state >> 8) % 4096 : 1 + (state >> 8) % 9;
  }
};

run_outcome run(std::string_view stream, std::size_t limit, splitter* split) {
  ws_frame_parser parser(limit);
  run_outcome out;
  while (!stream.empty()) {
    const std::size_t chunk = split != nullptr ? split->next() : stream.size();
    // Copy each piece so a read past its end is caught by AddressSanitizer.
    const std::string piece_bytes(stream.substr(0, chunk));
    stream.remove_prefix(piece_bytes.size());
    std::string_view piece = piece_bytes;
    for (;;) {
      ws_message message;
      const std::size_t before = piece.size();
      out.last = parser.parse(piece, message);
      if (piece.size() > before) std::abort();
      if (out.last == ws_frame_parser::result::message) {
        out.messages.push_back(std::move(message));
        continue;
      }
      if (out.last == ws_frame_parser::result::error) {
        out.error_code = parser.error_close_code();
        if (out.error_code == 0 || parser.error_reason().empty()) std::abort();
        return out;
      }
      if (!piece.empty()) std::abort();  // need_more must mean the input was used up
      break;
    }
  }
  return out;
}

// An independent reference: decode each code point and check its range and length.
bool reference_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) return false;
    std::uint32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<std::uint8_t>(text[i + k]);
      if ((byte & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (byte & 0x3F);
    }
    const std::uint32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

void check_message(const ws_message& m, std::size_t limit) {
  switch (m.opcode) {
    case ws_opcode::text:
      if (!reference_utf8(m.payload)) std::abort();
      [[fallthrough]];
    case ws_opcode::binary:
      if (m.payload.size() > limit || m.close_code != 0) std::abort();
      break;
    case ws_opcode::close:
      if (m.payload.size() > 123 || !reference_utf8(m.payload) || m.close_code < 1000 || m.close_code > 4999)
        std::abort();
      break;
    case ws_opcode::ping:
    case ws_opcode::pong:
      if (m.payload.size() > 125) std::abort();
      break;
    case ws_opcode::continuation:
      std::abort();  // never surfaces: fragments are assembled
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  splitter split{0x9E3779B9u ^ (std::uint32_t{data[0]} * 0x01000193u)};
  // Small limits reach the 1009 paths with small inputs; odd bytes use the real default.
  const std::size_t limit = (data[1] & 1) != 0 ? 16384 : data[1];
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);

  const run_outcome whole = run(stream, limit, nullptr);
  const run_outcome pieces = run(stream, limit, &split);

  if (whole.last != pieces.last || whole.error_code != pieces.error_code ||
      whole.messages.size() != pieces.messages.size())
    std::abort();
  for (std::size_t i = 0; i < whole.messages.size(); ++i) {
    const ws_message& a = whole.messages[i];
    const ws_message& b = pieces.messages[i];
    if (a.opcode != b.opcode || a.payload != b.payload || a.close_code != b.close_code) std::abort();
    check_message(a, limit);
  }
  return 0;
}

// Incremental parser for client-to-server WebSocket frames (RFC 6455). Bytes are fed
// as they arrive, split anywhere; whole messages come out. No sockets, no exceptions:
// a protocol violation is a value carrying the close code to send.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace companion::gateway {

enum class ws_opcode : std::uint8_t {
  continuation = 0,
  text = 1,
  binary = 2,
  close = 8,
  ping = 9,
  pong = 10
};

// One whole message: an assembled text/binary message or a single control frame.
struct ws_message {
  ws_opcode opcode = ws_opcode::text;
  // For close frames: the reason text only (the status code is in close_code).
  std::string payload;
  // For close frames: the peer's status code, or 1005 ("no status received") when the
  // frame carried none. 0 for every other opcode.
  std::uint16_t close_code = 0;
};

// Streaming UTF-8 validator: rejects overlongs, surrogates and code points past U+10FFFF,
// and carries a partial sequence across calls so fragments may split a character.
class utf8_validator {
 public:
  // False as soon as the bytes seen so far cannot start a valid string.
  bool feed(std::string_view bytes);
  // True when no character is left half-finished.
  bool complete() const { return needed_ == 0; }
  void reset() { *this = utf8_validator{}; }

 private:
  std::uint8_t needed_ = 0;    // continuation bytes still expected
  std::uint8_t lower_ = 0x80;  // allowed range of the next continuation byte
  std::uint8_t upper_ = 0xBF;
};

bool is_valid_utf8(std::string_view text);

class ws_frame_parser {
 public:
  // Larger assembled messages are refused with 1009 before their payload is buffered.
  explicit ws_frame_parser(std::size_t max_message_bytes = 16384);

  enum class result { need_more, message, error };

  // Consumes bytes from the front of `input` (advancing it) until one whole message is
  // ready (returned in `out`) or the input runs out. After `error` every call returns
  // `error` again: the connection must be closed with error_close_code().
  result parse(std::string_view& input, ws_message& out);

  std::uint16_t error_close_code() const { return error_code_; }
  std::string_view error_reason() const { return error_reason_; }

 private:
  enum class stage : std::uint8_t { header, payload };

  // Both record a protocol violation; every later parse() call then returns error.
  bool reject(std::uint16_t code, std::string_view reason);  // returns false
  result fail(std::uint16_t code, std::string_view reason);  // returns result::error
  // Validates the first two header bytes; false (after reject) on a violation.
  bool check_first_bytes();
  // Validates the complete header, including the extended length.
  bool check_header();
  result finish_frame(ws_message& out);
  result finish_close(ws_message& out);

  std::size_t max_message_bytes_;
  stage stage_ = stage::header;

  // The frame being read.
  std::array<std::uint8_t, 14> header_{};
  std::uint8_t header_have_ = 0;
  std::uint8_t header_need_ = 2;
  std::array<std::uint8_t, 4> mask_{};
  std::uint64_t frame_length_ = 0;
  std::uint64_t frame_read_ = 0;
  ws_opcode frame_opcode_ = ws_opcode::continuation;
  bool frame_fin_ = false;

  // The data message being assembled (possibly over several fragments).
  bool message_open_ = false;
  ws_opcode message_opcode_ = ws_opcode::text;
  std::string message_;
  utf8_validator utf8_;

  // A control frame may arrive between fragments, so it has its own small buffer.
  std::array<char, 125> control_{};

  std::uint16_t error_code_ = 0;
  std::string_view error_reason_;
};

}  // namespace companion::gateway

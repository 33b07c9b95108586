// Client frame parsing per RFC 6455 section 5, with the close rules of section 7.4.
#include "gateway/protocol/ws_frame_parser.hpp"

#include <algorithm>

namespace companion::gateway {

namespace {

constexpr std::uint16_t close_protocol_error = 1002;
constexpr std::uint16_t close_invalid_payload = 1007;
constexpr std::uint16_t close_message_too_big = 1009;
constexpr std::uint16_t close_no_status = 1005;

bool is_control(ws_opcode op) {
  return static_cast<std::uint8_t>(op) >= 8;
}

bool is_known_opcode(std::uint8_t op) {
  return op <= 2 || (op >= 8 && op <= 10);
}

// Codes a peer may put on the wire: 1004-1006 and 1015 are reserved for local use
// and 1012-2999 are not assigned to endpoints by RFC 6455.
bool is_valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

}  // namespace

bool utf8_validator::feed(std::string_view bytes) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p != end) {
    std::uint8_t byte = *p++;
    if (needed_ != 0) {
      if (byte < lower_ || byte > upper_) return false;
      lower_ = 0x80;
      upper_ = 0xBF;
      --needed_;
      continue;
    }
    if (byte < 0x80) continue;
    // The first continuation byte's range is what excludes overlongs (E0, F0),
    // surrogates (ED) and code points past U+10FFFF (F4).
    if (byte >= 0xC2 && byte <= 0xDF) {
      needed_ = 1;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      needed_ = 2;
      if (byte == 0xE0) lower_ = 0xA0;
      if (byte == 0xED) upper_ = 0x9F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      needed_ = 3;
      if (byte == 0xF0) lower_ = 0x90;
      if (byte == 0xF4) upper_ = 0x8F;
    } else {
      return false;
    }
  }
  return true;
}

bool is_valid_utf8(std::string_view text) {
  utf8_validator validator;
  return validator.feed(text) && validator.complete();
}

ws_frame_parser::ws_frame_parser(std::size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

bool ws_frame_parser::reject(std::uint16_t code, std::string_view reason) {
  error_code_ = code;
  error_reason_ = reason;
  message_ = std::string();
  return false;
}

ws_frame_parser::result ws_frame_parser::fail(std::uint16_t code, std::string_view reason) {
  reject(code, reason);
  return result::error;
}

bool ws_frame_parser::check_first_bytes() {
  const std::uint8_t b0 = header_[0];
  const std::uint8_t b1 = header_[1];
  // No extension is ever negotiated, so every RSV bit must be clear.
  if ((b0 & 0x70) != 0) return reject(close_protocol_error, "reserved bits set");
  if (!is_known_opcode(b0 & 0x0F)) return reject(close_protocol_error, "unknown opcode");
  if ((b1 & 0x80) == 0) return reject(close_protocol_error, "client frame not masked");

  frame_fin_ = (b0 & 0x80) != 0;
  frame_opcode_ = static_cast<ws_opcode>(b0 & 0x0F);
  const std::uint8_t length7 = b1 & 0x7F;
  if (is_control(frame_opcode_)) {
    if (!frame_fin_) return reject(close_protocol_error, "fragmented control frame");
    if (length7 > 125) return reject(close_protocol_error, "control frame too long");
  } else if (frame_opcode_ == ws_opcode::continuation) {
    if (!message_open_) return reject(close_protocol_error, "continuation without a message");
  } else if (message_open_) {
    return reject(close_protocol_error, "new message inside a fragmented one");
  }

  const std::uint8_t extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
  header_need_ = static_cast<std::uint8_t>(2 + extended + 4);
  return true;
}

bool ws_frame_parser::check_header() {
  const std::uint8_t length7 = header_[1] & 0x7F;
  std::uint64_t length = length7;
  std::size_t at = 2;
  if (length7 == 126) {
    length = (std::uint64_t{header_[2]} << 8) | header_[3];
    at = 4;
  } else if (length7 == 127) {
    length = 0;
    for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | header_[i];
    at = 10;
    if ((length >> 63) != 0) return reject(close_protocol_error, "length has top bit set");
  }
  std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(at), 4, mask_.begin());

  if (!is_control(frame_opcode_)) {
    if (frame_opcode_ != ws_opcode::continuation) {
      message_open_ = true;
      message_opcode_ = frame_opcode_;
      message_.clear();
      utf8_.reset();
    }
    // Refuse from the header alone, before buffering a byte of an oversized payload.
    if (length > max_message_bytes_ - message_.size())
      return reject(close_message_too_big, "message too big");
    message_.reserve(message_.size() + static_cast<std::size_t>(length));
  }
  frame_length_ = length;
  frame_read_ = 0;
  return true;
}

ws_frame_parser::result ws_frame_parser::parse(std::string_view& input, ws_message& out) {
  if (error_code_ != 0) return result::error;
  for (;;) {
    if (stage_ == stage::header) {
      while (header_have_ < header_need_) {
        if (input.empty()) return result::need_more;
        header_[header_have_++] = static_cast<std::uint8_t>(input.front());
        input.remove_prefix(1);
        if (header_have_ == 2 && !check_first_bytes()) return result::error;
      }
      if (!check_header()) return result::error;
      stage_ = stage::payload;
    }

    const std::uint64_t remaining = frame_length_ - frame_read_;
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, input.size()));
    if (take != 0) {
      const bool control = is_control(frame_opcode_);
      char* dest = nullptr;
      if (control) {
        dest = control_.data() + frame_read_;
      } else {
        const std::size_t old_size = message_.size();
        message_.resize(old_size + take);
        dest = message_.data() + old_size;
      }
      for (std::size_t i = 0; i < take; ++i)
        dest[i] = static_cast<char>(static_cast<std::uint8_t>(input[i]) ^ mask_[(frame_read_ + i) & 3]);
      // Text is checked as it arrives so bad UTF-8 fails fast (RFC 6455 section 8.1).
      if (!control && message_opcode_ == ws_opcode::text && !utf8_.feed({dest, take}))
        return fail(close_invalid_payload, "text is not valid UTF-8");
      frame_read_ += take;
      input.remove_prefix(take);
    }
    if (frame_read_ < frame_length_) return result::need_more;

    stage_ = stage::header;
    header_have_ = 0;
    header_need_ = 2;
    const result finished = finish_frame(out);
    if (finished != result::need_more) return finished;
  }
}

ws_frame_parser::result ws_frame_parser::finish_frame(ws_message& out) {
  if (frame_opcode_ == ws_opcode::close) return finish_close(out);
  if (is_control(frame_opcode_)) {
    out.opcode = frame_opcode_;
    out.payload.assign(control_.data(), static_cast<std::size_t>(frame_length_));
    out.close_code = 0;
    return result::message;
  }
  if (!frame_fin_) return result::need_more;
  if (message_opcode_ == ws_opcode::text && !utf8_.complete())
    return fail(close_invalid_payload, "text is not valid UTF-8");
  out.opcode = message_opcode_;
  // Hand the buffer over so an idle connection holds no message memory.
  out.payload = std::move(message_);
  message_ = std::string();
  out.close_code = 0;
  message_open_ = false;
  return result::message;
}

ws_frame_parser::result ws_frame_parser::finish_close(ws_message& out) {
  const auto length = static_cast<std::size_t>(frame_length_);
  if (length == 1) return fail(close_protocol_error, "close payload of one byte");
  std::uint16_t code = close_no_status;
  std::string_view reason;
  if (length >= 2) {
    code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(control_[0]) << 8) |
                                      static_cast<std::uint8_t>(control_[1]));
    if (!is_valid_close_code(code)) return fail(close_protocol_error, "invalid close code");
    reason = std::string_view(control_.data() + 2, length - 2);
    if (!is_valid_utf8(reason)) return fail(close_invalid_payload, "close reason is not valid UTF-8");
  }
  out.opcode = ws_opcode::close;
  out.payload.assign(reason);
  out.close_code = code;
  return result::message;
}

}  // namespace companion::gateway

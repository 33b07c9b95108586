// Server frames: exact header bytes, and a round trip through the client-frame parser.
#include "gateway/protocol/ws_frame_writer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/protocol/ws_frame_parser.hpp"

namespace companion::gateway {
namespace {

// Turns a server frame into the client frame a browser would send with the same
// content: mask bit set, a mask key after the length, payload XORed with it.
std::string mask_server_frame(std::string_view frame) {
  const std::uint8_t length7 = static_cast<std::uint8_t>(frame[1]) & 0x7F;
  const std::size_t header = length7 == 126 ? 4 : length7 == 127 ? 10 : 2;
  const std::string key = "\x12\x34\x56\x78";
  std::string out(frame.substr(0, header));
  out[1] = static_cast<char>(static_cast<std::uint8_t>(out[1]) | 0x80);
  out += key;
  const std::string_view payload = frame.substr(header);
  for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(static_cast<char>(payload[i] ^ key[i & 3]));
  return out;
}

ws_message parse_one(std::string_view client_bytes, std::size_t max_message_bytes = 1 << 20) {
  ws_frame_parser parser(max_message_bytes);
  ws_message message;
  EXPECT_EQ(parser.parse(client_bytes, message), ws_frame_parser::result::message) << parser.error_reason();
  EXPECT_TRUE(client_bytes.empty());
  return message;
}

TEST(WsFrameWriterTest, SmallFrameHasATwoByteHeader) {
  EXPECT_EQ(make_frame(ws_opcode::text, "hi"), std::string("\x81\x02hi"));
  EXPECT_EQ(make_frame(ws_opcode::pong, ""), std::string("\x8A\x00", 2));
}

TEST(WsFrameWriterTest, UsesSixteenBitLengthFrom126Bytes) {
  const std::string frame = make_frame(ws_opcode::binary, std::string(126, 'a'));
  EXPECT_EQ(frame.substr(0, 4), std::string("\x82\x7E\x00\x7E", 4));
  EXPECT_EQ(frame.size(), 4u + 126u);
  EXPECT_EQ(make_frame(ws_opcode::text, std::string(65535, 'a')).substr(0, 4),
            std::string("\x81\x7E\xFF\xFF", 4));
}

TEST(WsFrameWriterTest, UsesSixtyFourBitLengthFrom65536Bytes) {
  const std::string frame = make_frame(ws_opcode::text, std::string(65536, 'a'));
  EXPECT_EQ(frame.substr(0, 10), std::string("\x81\x7F\x00\x00\x00\x00\x00\x01\x00\x00", 10));
  EXPECT_EQ(frame.size(), 10u + 65536u);
}

TEST(WsFrameWriterTest, AppendsWithoutFinForFragments) {
  std::string out = "prefix";
  append_frame(out, ws_opcode::text, "ab", false);
  EXPECT_EQ(out, std::string("prefix\x01\x02"
                             "ab"));
}

TEST(WsFrameWriterTest, FramesRoundTripThroughTheParserAtEveryLengthBoundary) {
  for (std::size_t size : {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
    std::string payload(size, 'x');
    if (size > 0) payload.back() = 'y';
    for (ws_opcode op : {ws_opcode::text, ws_opcode::binary}) {
      const ws_message message = parse_one(mask_server_frame(make_frame(op, payload)));
      EXPECT_EQ(message.opcode, op) << size;
      EXPECT_EQ(message.payload, payload) << size;
    }
  }
}

TEST(WsFrameWriterTest, FragmentedFramesRoundTripAsOneMessage) {
  std::string first;
  std::string second;
  append_frame(first, ws_opcode::text, "{\"type\":", false);
  append_frame(second, ws_opcode::continuation, "\"ping\"}");
  const ws_message message = parse_one(mask_server_frame(first) + mask_server_frame(second));
  EXPECT_EQ(message.payload, "{\"type\":\"ping\"}");
}

TEST(WsFrameWriterTest, CloseFrameCarriesCodeAndReason) {
  EXPECT_EQ(make_close_frame(4008, "slow"), std::string("\x88\x06\x0F\xA8slow", 8));
  const ws_message message = parse_one(mask_server_frame(make_close_frame(1001, "server going away")));
  EXPECT_EQ(message.opcode, ws_opcode::close);
  EXPECT_EQ(message.close_code, 1001);
  EXPECT_EQ(message.payload, "server going away");
}

TEST(WsFrameWriterTest, LongCloseReasonIsCutTo125BytePayload) {
  const std::string frame = make_close_frame(1000, std::string(300, 'r'));
  EXPECT_EQ(frame.size(), 2u + 125u);
  EXPECT_EQ(static_cast<std::uint8_t>(frame[1]), 125);
}

TEST(WsFrameWriterTest, CloseReasonIsCutOnACharacterBoundary) {
  // 122 ASCII bytes, then a 3-byte character that would straddle the 123-byte reason limit.
  const std::string reason = std::string(122, 'r') + "€€";
  const std::string frame = make_close_frame(1000, reason);
  EXPECT_EQ(frame.size(), 2u + 2u + 122u);
  const ws_message message = parse_one(mask_server_frame(frame));
  EXPECT_EQ(message.payload, std::string(122, 'r'));
  EXPECT_TRUE(is_valid_utf8(message.payload));
}

TEST(WsFrameWriterTest, ReasonThatFitsExactlyIsKeptWhole) {
  const std::string reason = std::string(120, 'r') + "€";  // 123 bytes
  const ws_message message = parse_one(mask_server_frame(make_close_frame(1000, reason)));
  EXPECT_EQ(message.payload, reason);
}

}  // namespace
}  // namespace companion::gateway

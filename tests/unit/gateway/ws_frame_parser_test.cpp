// Client frame parsing: every RFC 6455 rule the server enforces, under any byte split.
#include "gateway/protocol/ws_frame_parser.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace companion::gateway {
namespace {

using result = ws_frame_parser::result;

constexpr std::array<std::uint8_t, 4> test_mask = {0x37, 0xFA, 0x21, 0x3D};

// Encodes a frame the way a browser would: masked, shortest length form unless told.
std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin = true, std::uint8_t rsv = 0,
                         bool masked = true) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | (rsv << 4) | opcode));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  const std::uint64_t size = payload.size();
  if (size < 126) {
    out.push_back(static_cast<char>(mask_bit | size));
  } else if (size <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xFF));
  }
  if (masked) out.append(reinterpret_cast<const char*>(test_mask.data()), test_mask.size());
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(masked ? static_cast<char>(payload[i] ^ test_mask[i & 3]) : payload[i]);
  return out;
}

std::string client_frame(ws_opcode op, std::string_view payload, bool fin = true) {
  return client_frame(static_cast<std::uint8_t>(op), payload, fin);
}

std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason);
  return payload;
}

struct fed {
  std::vector<ws_message> messages;
  result last = result::need_more;
};

// Feeds `bytes` in chunks of `chunk` bytes, collecting every message until an error.
fed feed(ws_frame_parser& parser, std::string_view bytes, std::size_t chunk = std::string_view::npos) {
  fed out;
  while (!bytes.empty()) {
    std::string_view piece = bytes.substr(0, chunk);
    bytes.remove_prefix(piece.size());
    for (;;) {
      ws_message message;
      out.last = parser.parse(piece, message);
      if (out.last == result::message) {
        out.messages.push_back(std::move(message));
        continue;
      }
      if (out.last == result::error) return out;
      EXPECT_TRUE(piece.empty()) << "need_more returned with bytes left";
      break;
    }
  }
  return out;
}

fed feed(std::string_view bytes, std::size_t chunk = std::string_view::npos) {
  ws_frame_parser parser;
  return feed(parser, bytes, chunk);
}

std::uint16_t close_code_for(std::string_view bytes, std::size_t max_message_bytes = 16384) {
  ws_frame_parser parser(max_message_bytes);
  const fed out = feed(parser, bytes);
  EXPECT_EQ(out.last, result::error);
  return parser.error_close_code();
}

TEST(WsFrameParserTest, UnmasksTheRfcExampleFrame) {
  // RFC 6455 section 5.7: a single-frame masked text message containing "Hello".
  const std::string bytes = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  const fed out = feed(bytes);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].opcode, ws_opcode::text);
  EXPECT_EQ(out.messages[0].payload, "Hello");
}

TEST(WsFrameParserTest, NeedsMoreUntilTheLastByteWhenFedOneByteAtATime) {
  const std::string bytes = client_frame(ws_opcode::text, "one byte at a time");
  ws_frame_parser parser;
  ws_message message;
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    std::string_view piece(&bytes[i], 1);
    ASSERT_EQ(parser.parse(piece, message), result::need_more) << "at byte " << i;
    EXPECT_TRUE(piece.empty());
  }
  std::string_view last(&bytes.back(), 1);
  ASSERT_EQ(parser.parse(last, message), result::message);
  EXPECT_EQ(message.payload, "one byte at a time");
}

TEST(WsFrameParserTest, StopsAfterOneMessageAndLeavesTheRestOfTheInput) {
  const std::string bytes =
      client_frame(ws_opcode::text, "first") + client_frame(ws_opcode::binary, "second");
  ws_frame_parser parser;
  std::string_view input = bytes;
  ws_message message;
  ASSERT_EQ(parser.parse(input, message), result::message);
  EXPECT_EQ(message.payload, "first");
  EXPECT_EQ(input.size(), client_frame(ws_opcode::binary, "second").size());
  ASSERT_EQ(parser.parse(input, message), result::message);
  EXPECT_EQ(message.opcode, ws_opcode::binary);
  EXPECT_EQ(message.payload, "second");
  EXPECT_TRUE(input.empty());
  EXPECT_EQ(parser.parse(input, message), result::need_more);
}

TEST(WsFrameParserTest, EveryChunkSizeYieldsTheSameMessages) {
  const std::string stream = client_frame(ws_opcode::text, "héllo", false) +
                             client_frame(ws_opcode::ping, "p") +
                             client_frame(ws_opcode::continuation, " wörld") +
                             client_frame(ws_opcode::binary, std::string(300, '\x01')) +
                             client_frame(ws_opcode::close, close_payload(1000, "bye"));
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    const fed out = feed(stream, chunk);
    ASSERT_EQ(out.messages.size(), 4u) << "chunk " << chunk;
    EXPECT_EQ(out.messages[0].opcode, ws_opcode::ping);
    EXPECT_EQ(out.messages[1].payload, "héllo wörld");
    EXPECT_EQ(out.messages[2].payload, std::string(300, '\x01'));
    EXPECT_EQ(out.messages[3].close_code, 1000);
    EXPECT_EQ(out.messages[3].payload, "bye");
  }
}

TEST(WsFrameParserTest, EmptyTextMessageIsDelivered) {
  const fed out = feed(client_frame(ws_opcode::text, ""));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].payload, "");
}

TEST(WsFrameParserTest, UnmaskedClientFrameIsProtocolError) {
  ws_frame_parser parser;
  const fed out = feed(parser, client_frame(1, "hi", true, 0, false));
  EXPECT_EQ(out.last, result::error);
  EXPECT_EQ(parser.error_close_code(), 1002);
  EXPECT_EQ(parser.error_reason(), "client frame not masked");
}

TEST(WsFrameParserTest, AnyReservedBitIsProtocolError) {
  for (std::uint8_t rsv : {1, 2, 4, 7}) EXPECT_EQ(close_code_for(client_frame(1, "hi", true, rsv)), 1002);
}

TEST(WsFrameParserTest, UnknownOpcodesAreProtocolErrors) {
  for (std::uint8_t op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
    EXPECT_EQ(close_code_for(client_frame(op, "")), 1002) << "opcode " << int(op);
}

TEST(WsFrameParserTest, FragmentedControlFrameIsProtocolError) {
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::ping, "x", false)), 1002);
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::close, "", false)), 1002);
}

TEST(WsFrameParserTest, ControlFrameOver125BytesIsProtocolError) {
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::ping, std::string(126, 'p'))), 1002);
  const fed out = feed(client_frame(ws_opcode::ping, std::string(125, 'p')));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].payload.size(), 125u);
}

TEST(WsFrameParserTest, ContinuationWithoutAMessageIsProtocolError) {
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::continuation, "orphan")), 1002);
}

TEST(WsFrameParserTest, NewDataFrameInsideAFragmentedMessageIsProtocolError) {
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::text, "a", false) + client_frame(ws_opcode::text, "b")),
            1002);
  EXPECT_EQ(
      close_code_for(client_frame(ws_opcode::binary, "a", false) + client_frame(ws_opcode::binary, "b")),
      1002);
}

TEST(WsFrameParserTest, AssemblesAFragmentedMessage) {
  const fed out = feed(client_frame(ws_opcode::text, "one ", false) +
                       client_frame(ws_opcode::continuation, "two ", false) +
                       client_frame(ws_opcode::continuation, "three"));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].opcode, ws_opcode::text);
  EXPECT_EQ(out.messages[0].payload, "one two three");
}

TEST(WsFrameParserTest, EmptyFragmentsAreAllowed) {
  const fed out =
      feed(client_frame(ws_opcode::binary, "", false) + client_frame(ws_opcode::continuation, "x", false) +
           client_frame(ws_opcode::continuation, ""));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].opcode, ws_opcode::binary);
  EXPECT_EQ(out.messages[0].payload, "x");
}

TEST(WsFrameParserTest, PingBetweenFragmentsIsDeliveredBeforeTheMessage) {
  const fed out =
      feed(client_frame(ws_opcode::text, "frag", false) + client_frame(ws_opcode::ping, "are you there") +
           client_frame(ws_opcode::pong, "") + client_frame(ws_opcode::continuation, "ment"));
  ASSERT_EQ(out.messages.size(), 3u);
  EXPECT_EQ(out.messages[0].opcode, ws_opcode::ping);
  EXPECT_EQ(out.messages[0].payload, "are you there");
  EXPECT_EQ(out.messages[1].opcode, ws_opcode::pong);
  EXPECT_EQ(out.messages[2].opcode, ws_opcode::text);
  EXPECT_EQ(out.messages[2].payload, "fragment");
}

TEST(WsFrameParserTest, ReadsSixteenBitLengths) {
  const std::string payload(300, 'a');
  const std::string bytes = client_frame(ws_opcode::text, payload);
  ASSERT_EQ(static_cast<std::uint8_t>(bytes[1]), 0x80 | 126);
  const fed out = feed(bytes, 7);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].payload, payload);
}

TEST(WsFrameParserTest, ReadsSixtyFourBitLengths) {
  std::string payload(70000, 'b');
  payload[69999] = 'z';
  const std::string bytes = client_frame(ws_opcode::binary, payload);
  ASSERT_EQ(static_cast<std::uint8_t>(bytes[1]), 0x80 | 127);
  ws_frame_parser parser(1 << 20);
  const fed out = feed(parser, bytes, 4096);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].payload, payload);
}

TEST(WsFrameParserTest, SixtyFourBitLengthWithTopBitSetIsProtocolError) {
  std::string bytes = "\x82\xFF";
  bytes += std::string("\x80\x00\x00\x00\x00\x00\x00\x01", 8);
  bytes += "mask";
  ws_frame_parser parser(std::size_t(-1));
  const fed out = feed(parser, bytes);
  EXPECT_EQ(out.last, result::error);
  EXPECT_EQ(parser.error_close_code(), 1002);
}

TEST(WsFrameParserTest, MessageOfExactlyTheLimitIsAccepted) {
  const fed out = feed(client_frame(ws_opcode::text, std::string(16384, 'x')));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].payload.size(), 16384u);
}

TEST(WsFrameParserTest, MessageOneByteOverTheLimitIsTooBig) {
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::text, std::string(16385, 'x'))), 1009);
}

TEST(WsFrameParserTest, OversizedMessageIsRefusedFromItsHeaderAlone) {
  const std::string frame = client_frame(ws_opcode::binary, std::string(16385, 'x'));
  ws_frame_parser parser;
  // Header only: 2 bytes, 2 length bytes, 4 mask bytes.
  std::string_view header = std::string_view(frame).substr(0, 8);
  ws_message message;
  EXPECT_EQ(parser.parse(header, message), result::error);
  EXPECT_EQ(parser.error_close_code(), 1009);
}

TEST(WsFrameParserTest, FragmentsAddingUpOverTheLimitAreTooBig) {
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::text, std::string(10000, 'a'), false) +
                           client_frame(ws_opcode::continuation, std::string(6385, 'b'))),
            1009);
  const fed out = feed(client_frame(ws_opcode::text, std::string(10000, 'a'), false) +
                       client_frame(ws_opcode::continuation, std::string(6384, 'b')));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].payload.size(), 16384u);
}

TEST(WsFrameParserTest, LimitIsAConstructorArgument) {
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::text, "12345"), 4), 1009);
}

TEST(WsFrameParserTest, InvalidUtf8InTextIsInvalidPayload) {
  const std::vector<std::string> invalid = {
      "\x80",              // lone continuation byte
      "\xC0\xAF",          // overlong '/'
      "\xC1\xBF",          // overlong
      "\xE0\x80\xAF",      // overlong 3-byte
      "\xF0\x80\x80\xAF",  // overlong 4-byte
      "\xED\xA0\x80",      // surrogate U+D800
      "\xED\xBF\xBF",      // surrogate U+DFFF
      "\xF4\x90\x80\x80",  // U+110000
      "\xF5\x80\x80\x80",  // lead byte past U+10FFFF
      "\xFF",              // never valid
      "\xE2\x82",          // truncated at the end
      "a\xE2\x82z",        // truncated in the middle
  };
  for (const std::string& text : invalid) {
    ws_frame_parser parser;
    const fed out = feed(parser, client_frame(ws_opcode::text, text));
    EXPECT_EQ(out.last, result::error);
    EXPECT_EQ(parser.error_close_code(), 1007) << testing::PrintToString(text);
  }
}

TEST(WsFrameParserTest, ValidUtf8EdgesAreAccepted) {
  const std::vector<std::string> valid = {
      "\x7F",         "\xC2\x80",     "\xDF\xBF",         "\xE0\xA0\x80",     "\xED\x9F\xBF",
      "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "日本語と한국어",
  };
  for (const std::string& text : valid) {
    const fed out = feed(client_frame(ws_opcode::text, text));
    ASSERT_EQ(out.messages.size(), 1u) << testing::PrintToString(text);
    EXPECT_EQ(out.messages[0].payload, text);
  }
}

TEST(WsFrameParserTest, BinaryMessagesAreNotUtf8Checked) {
  const fed out = feed(client_frame(ws_opcode::binary, "\xFF\xC0\xAF"));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].payload, "\xFF\xC0\xAF");
}

TEST(WsFrameParserTest, FourByteCharacterSplitAcrossFragmentsIsAccepted) {
  const std::string clef = "\xF0\x9D\x84\x9E";  // U+1D11E
  for (std::size_t cut = 1; cut < clef.size(); ++cut) {
    const fed out = feed(client_frame(ws_opcode::text, "a" + clef.substr(0, cut), false) +
                         client_frame(ws_opcode::continuation, clef.substr(cut) + "b"));
    ASSERT_EQ(out.messages.size(), 1u) << "cut " << cut;
    EXPECT_EQ(out.messages[0].payload, "a" + clef + "b");
  }
}

TEST(WsFrameParserTest, InvalidUtf8SplitAcrossFragmentsIsInvalidPayload) {
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::text, "\xF0\x9D", false) +
                           client_frame(ws_opcode::continuation, " \x84\x9E")),
            1007);
  // Every fragment ends mid-character, and the message ends there too.
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::text, "ok", false) +
                           client_frame(ws_opcode::continuation, "\xF0\x9D\x84")),
            1007);
}

TEST(WsFrameParserTest, InvalidUtf8FailsBeforeTheMessageIsComplete) {
  ws_frame_parser parser;
  const fed out = feed(parser, client_frame(ws_opcode::text, "\xC0\xAF", false));
  EXPECT_EQ(out.last, result::error);
  EXPECT_EQ(parser.error_close_code(), 1007);
}

TEST(WsFrameParserTest, EmptyCloseFrameReportsNoStatus) {
  const fed out = feed(client_frame(ws_opcode::close, ""));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].opcode, ws_opcode::close);
  EXPECT_EQ(out.messages[0].close_code, 1005);
  EXPECT_EQ(out.messages[0].payload, "");
}

TEST(WsFrameParserTest, CloseFrameCarriesCodeAndReason) {
  const fed out = feed(client_frame(ws_opcode::close, close_payload(1001, "going away ✓")));
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].close_code, 1001);
  EXPECT_EQ(out.messages[0].payload, "going away ✓");
}

TEST(WsFrameParserTest, OneByteClosePayloadIsProtocolError) {
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::close, "\x03")), 1002);
}

TEST(WsFrameParserTest, ValidCloseCodesAreAccepted) {
  for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
    const fed out = feed(client_frame(ws_opcode::close, close_payload(code)));
    ASSERT_EQ(out.messages.size(), 1u) << code;
    EXPECT_EQ(out.messages[0].close_code, code);
  }
}

TEST(WsFrameParserTest, ReservedOrUnassignedCloseCodesAreProtocolErrors) {
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1012, 1015, 1016, 2000, 2999, 5000, 65535})
    EXPECT_EQ(close_code_for(client_frame(ws_opcode::close, close_payload(code))), 1002) << code;
}

TEST(WsFrameParserTest, CloseReasonWithInvalidUtf8IsInvalidPayload) {
  EXPECT_EQ(close_code_for(client_frame(ws_opcode::close, close_payload(1000, "bad \xC0\xAF"))), 1007);
}

TEST(WsFrameParserTest, ErrorIsStickyAndReportsItsReason) {
  ws_frame_parser parser;
  EXPECT_EQ(feed(parser, client_frame(ws_opcode::continuation, "x")).last, result::error);
  const std::string good = client_frame(ws_opcode::text, "fine");
  std::string_view input = good;
  ws_message message;
  EXPECT_EQ(parser.parse(input, message), result::error);
  EXPECT_EQ(parser.error_close_code(), 1002);
  EXPECT_EQ(parser.error_reason(), "continuation without a message");
}

TEST(Utf8ValidatorTest, CarriesAPartialCharacterAcrossCalls) {
  utf8_validator validator;
  EXPECT_TRUE(validator.feed("\xE2"));
  EXPECT_FALSE(validator.complete());
  EXPECT_TRUE(validator.feed("\x82"));
  EXPECT_TRUE(validator.feed("\xAC"));
  EXPECT_TRUE(validator.complete());
  EXPECT_TRUE(is_valid_utf8("€"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));
}

}  // namespace
}  // namespace companion::gateway

// Unit tests of the load generator's pure parts: histogram, framing, payload stamps,
// message decoding and the safety caps on its flags.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/bench/loadgen/announce_text.hpp"
#include "tests/bench/loadgen/latency_histogram.hpp"
#include "tests/bench/loadgen/options.hpp"
#include "tests/bench/loadgen/server_message.hpp"
#include "tests/bench/loadgen/ws_codec.hpp"

namespace loadgen {
namespace {

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  latency_histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.percentile(0.50), 50u);
  EXPECT_EQ(h.percentile(0.99), 99u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_EQ(h.min(), 1u);
}

TEST(LatencyHistogramTest, LargeValuesStayWithinTwoPercent) {
  for (std::uint64_t v : {130ull, 1'000ull, 12'345ull, 999'999ull, 123'456'789ull}) {
    const std::uint64_t upper = latency_histogram::bucket_upper(latency_histogram::bucket_of(v));
    EXPECT_GE(upper, v);
    EXPECT_LE(static_cast<double>(upper - v), static_cast<double>(v) * 0.02) << v;
  }
}

TEST(LatencyHistogramTest, BucketsAreContiguousAndOrdered) {
  for (int b = 1; b < latency_histogram::bucket_count; ++b) {
    EXPECT_EQ(latency_histogram::bucket_of(latency_histogram::bucket_upper(b - 1) + 1), b);
  }
}

TEST(LatencyHistogramTest, MergeAddsCountsAndKeepsExtremes) {
  latency_histogram a;
  latency_histogram b;
  for (int i = 0; i < 990; ++i) a.record(100);
  for (int i = 0; i < 10; ++i) b.record(50'000);
  a.merge(b);
  EXPECT_EQ(a.count(), 1000u);
  EXPECT_EQ(a.percentile(0.99), 100u);
  EXPECT_GE(a.percentile(0.999), 50'000u);
  EXPECT_EQ(a.max(), 50'000u);
}

TEST(WsCodecTest, ClientFrameIsMaskedAndUnmasksToPayload) {
  std::string frame;
  const std::string payload(200, 'a');
  append_client_frame(frame, ws_op::text, payload, 0x11223344);
  ASSERT_EQ(frame.size(), 2u + 2u + 4u + payload.size());
  EXPECT_EQ(static_cast<unsigned char>(frame[0]), 0x81);
  EXPECT_EQ(static_cast<unsigned char>(frame[1]), 0x80 | 126);
  const unsigned char* mask = reinterpret_cast<const unsigned char*>(frame.data() + 4);
  std::string unmasked;
  for (std::size_t i = 0; i < payload.size(); ++i)
    unmasked.push_back(static_cast<char>(frame[8 + i] ^ mask[i % 4]));
  EXPECT_EQ(unmasked, payload);
}

TEST(WsCodecTest, ServerFramesAreReadBackToBackAndIncompleteOnesWait) {
  const std::string big(70'000, 'b');
  const std::string stream =
      server_text_frame("hi") + server_text_frame(std::string(300, 'x')) + server_text_frame(big);
  std::string_view data = stream;
  server_frame frame;
  ASSERT_EQ(read_server_frame(data, frame, 1 << 20), frame_status::ok);
  EXPECT_EQ(frame.payload, "hi");
  data.remove_prefix(frame.frame_bytes);
  ASSERT_EQ(read_server_frame(data, frame, 1 << 20), frame_status::ok);
  EXPECT_EQ(frame.payload.size(), 300u);
  data.remove_prefix(frame.frame_bytes);
  EXPECT_EQ(read_server_frame(data.substr(0, 5000), frame, 1 << 20), frame_status::incomplete);
  ASSERT_EQ(read_server_frame(data, frame, 1 << 20), frame_status::ok);
  EXPECT_EQ(frame.payload, big);
  EXPECT_EQ(read_server_frame(data, frame, 1000), frame_status::bad);
}

TEST(WsCodecTest, MaskedServerFrameIsRejected) {
  std::string frame;
  append_client_frame(frame, ws_op::text, "x", 1);
  server_frame out;
  EXPECT_EQ(read_server_frame(frame, out, 1000), frame_status::bad);
}

TEST(WsCodecTest, UpgradeAnswerNeedsTheRightAcceptValue) {
  std::size_t header = 0;
  const std::string good =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nsec-websocket-accept: "
      "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi";
  EXPECT_EQ(parse_upgrade_response(good, header), upgrade_status::accepted);
  EXPECT_EQ(good.substr(header), "\x81\x02hi");
  EXPECT_EQ(parse_upgrade_response(good.substr(0, 40), header), upgrade_status::incomplete);
  EXPECT_EQ(parse_upgrade_response("HTTP/1.1 101 OK\r\nSec-WebSocket-Accept: nope\r\n\r\n", header),
            upgrade_status::refused);
  EXPECT_EQ(parse_upgrade_response("HTTP/1.1 404 Not Found\r\n\r\n", header), upgrade_status::refused);
}

TEST(AnnounceTextTest, StampRoundTripsAndIsPadded) {
  const std::string text = encode_announce_text({42, 1'713'790'800'123'456}, 180);
  EXPECT_EQ(text.size(), 180u);
  const auto stamp = decode_announce_text(text);
  ASSERT_TRUE(stamp);
  EXPECT_EQ(stamp->number, 42u);
  EXPECT_EQ(stamp->sent_us, 1'713'790'800'123'456u);
  EXPECT_FALSE(decode_announce_text("Doors close in 5 minutes"));
  EXPECT_FALSE(decode_announce_text("lg:12"));
}

TEST(ServerMessageTest, DecodesAnnouncementChange) {
  server_message_decoder decoder;
  const std::string text = encode_announce_text({7, 99}, 50);
  const std::string json =
      R"({"type":"change","seq":58,"epoch":"e1","kind":"announcement","data":{"text":")" + text +
      R"(","at":1713790800123}})";
  const server_message m = decoder.decode(json);
  EXPECT_EQ(m.type, message_type::change);
  EXPECT_EQ(m.seq, 58u);
  EXPECT_EQ(m.kind, "announcement");
  EXPECT_EQ(m.announce_text, text);
}

TEST(ServerMessageTest, DecodesReactionsWithTheWindowsCountsSummed) {
  server_message_decoder decoder;
  const server_message m = decoder.decode(
      R"({"type":"reactions","counts":{"\u00e9":41,"x":7},"window_ms":500,"at":1713790800500})");
  EXPECT_EQ(m.type, message_type::reactions);
  EXPECT_EQ(m.reaction_count, 48u);
  EXPECT_EQ(decoder.decode(R"({"type":"reactions","counts":[1]})").type, message_type::malformed);
}

TEST(ServerMessageTest, DecodesWelcomeAckAndError) {
  server_message_decoder decoder;
  const server_message welcome =
      decoder.decode(R"({"type":"welcome","id":1,"role":"viewer","epoch":"e","seq":57,"recovered":false})");
  EXPECT_EQ(welcome.type, message_type::welcome);
  EXPECT_EQ(welcome.seq, 57u);
  EXPECT_EQ(welcome.id, 1);
  const server_message ack = decoder.decode(R"({"type":"ack","id":7,"seq":60})");
  EXPECT_EQ(ack.type, message_type::ack);
  EXPECT_EQ(ack.id, 7);
  const server_message error =
      decoder.decode(R"({"type":"error","id":null,"code":"conflict","message":"x"})");
  EXPECT_EQ(error.type, message_type::error);
  EXPECT_EQ(error.error_code, "conflict");
  EXPECT_EQ(decoder.decode("{not json").type, message_type::malformed);
}

TEST(ServerMessageTest, ClearedAnnouncementHasNoText) {
  server_message_decoder decoder;
  const server_message m =
      decoder.decode(R"({"type":"change","seq":3,"epoch":"e","kind":"announcement","data":null})");
  EXPECT_EQ(m.type, message_type::change);
  EXPECT_TRUE(m.announce_text.empty());
}

bool parse(std::vector<std::string> args, options& out, std::string& error) {
  std::vector<char*> argv{const_cast<char*>("loadgen")};
  for (auto& arg : args) argv.push_back(arg.data());
  return parse_options(static_cast<int>(argv.size()), argv.data(), out, error);
}

TEST(OptionsTest, RefusesHostsOutsideLoopback) {
  options opts;
  std::string error;
  EXPECT_FALSE(parse({"--host", "10.0.0.1", "--port", "80"}, opts, error));
  EXPECT_FALSE(parse({"--host", "example.com", "--port", "80"}, opts, error));
  EXPECT_FALSE(parse({"--port", "80", "--source-ips", "10.0.0.2-10.0.0.3"}, opts, error));
}

TEST(OptionsTest, EnforcesDurationAndConnectionCaps) {
  options opts;
  std::string error;
  EXPECT_FALSE(parse({"--port", "80", "--duration", "601"}, opts, error));
  EXPECT_FALSE(parse({"--port", "80", "--connections", "60001"}, opts, error));
  EXPECT_FALSE(parse({"--port", "80", "--connections", "40000", "--workers", "2"}, opts, error));
}

TEST(OptionsTest, SplitsConnectionsOverWorkersAndExpandsSourceRange) {
  options opts;
  std::string error;
  ASSERT_TRUE(
      parse({"--port", "8080", "--connections", "20000", "--source-ips", "127.0.0.2-127.0.0.9"}, opts, error))
      << error;
  EXPECT_EQ(opts.workers, 3);
  EXPECT_EQ(opts.source_ips.size(), 8u);
}

TEST(OptionsTest, ReactRateIsBounded) {
  options opts;
  std::string error;
  ASSERT_TRUE(parse({"--port", "80", "--react-rate", "5"}, opts, error)) << error;
  EXPECT_EQ(opts.react_rate, 5);
  EXPECT_FALSE(parse({"--port", "80", "--react-rate", "101"}, opts, error));
  EXPECT_FALSE(parse({"--port", "80", "--react-rate", "-1"}, opts, error));
}

}  // namespace
}  // namespace loadgen

// The 101 reply as Beast serializes it: the bytes a WebSocket client reads first.
#include <gtest/gtest.h>

#include "gateway/net/http_session.hpp"

namespace companion::gateway {
namespace {

TEST(UpgradeReplyTest, CarriesTheAcceptValueOfTheRfcExample) {
  EXPECT_EQ(switching_protocols_reply("dGhlIHNhbXBsZSBub25jZQ==", false),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST(UpgradeReplyTest, TlsReplyAddsHsts) {
  EXPECT_EQ(switching_protocols_reply("dGhlIHNhbXBsZSBub25jZQ==", true),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "Strict-Transport-Security: max-age=31536000\r\n\r\n");
}

}  // namespace
}  // namespace companion::gateway

// The opening handshake's key check and accept value.
#include "gateway/protocol/ws_handshake.hpp"

#include <gtest/gtest.h>

namespace companion::gateway {
namespace {

TEST(WsHandshakeTest, AcceptKeyMatchesTheRfcExample) {
  EXPECT_EQ(websocket_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsHandshakeTest, AcceptsBase64OfSixteenBytes) {
  EXPECT_TRUE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_TRUE(is_valid_websocket_key("AAAAAAAAAAAAAAAAAAAAAA=="));
  EXPECT_TRUE(is_valid_websocket_key("/+/+/+/+/+/+/+/+/+/+/w=="));
}

TEST(WsHandshakeTest, RejectsKeysOfTheWrongLength) {
  EXPECT_FALSE(is_valid_websocket_key(""));
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ="));
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ==="));
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZXg="));  // 17 bytes
}

TEST(WsHandshakeTest, RejectsCharactersOutsideTheBase64Alphabet) {
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZ-=="));
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBu b25jZQ=="));
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ=A"));
}

TEST(WsHandshakeTest, RejectsNonCanonicalLastCharacter) {
  EXPECT_FALSE(is_valid_websocket_key("dGhlIHNhbXBsZSBub25jZR=="));
}

}  // namespace
}  // namespace companion::gateway

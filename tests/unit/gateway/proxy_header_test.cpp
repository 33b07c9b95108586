#include "gateway/protocol/proxy_header.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>

namespace companion::gateway {
namespace {

constexpr std::size_t max_bytes = 1024;

// A v2 header: signature, version/command, family/transport, length, then `block`.
std::string header(std::uint8_t version_command, std::uint8_t family_transport, const std::string& block) {
  std::string out(proxy_v2_signature);
  out += static_cast<char>(version_command);
  out += static_cast<char>(family_transport);
  out += static_cast<char>(block.size() >> 8);
  out += static_cast<char>(block.size() & 0xff);
  return out + block;
}

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int value : values) out += static_cast<char>(value);
  return out;
}

std::string inet_block() {
  // 203.0.113.7:51000 -> 192.0.2.1:443
  return bytes({203, 0, 113, 7, 192, 0, 2, 1, 0xc7, 0x38, 0x01, 0xbb});
}

TEST(ProxyHeaderTest, Ipv4SourceIsTheClient) {
  auto result = parse_proxy_v2(header(0x21, 0x11, inet_block()), max_bytes);
  ASSERT_EQ(result.status, proxy_parse::done);
  EXPECT_EQ(result.header.length, 28u);
  EXPECT_EQ(result.header.source, "203.0.113.7");
}

TEST(ProxyHeaderTest, Ipv6SourceIsTheClient) {
  std::string block = bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42});
  block += std::string(16, '\0') + bytes({0, 80, 0, 80});
  auto result = parse_proxy_v2(header(0x21, 0x21, block), max_bytes);
  ASSERT_EQ(result.status, proxy_parse::done);
  EXPECT_EQ(result.header.length, 16u + 36u);
  EXPECT_EQ(result.header.source, "2001:db8::42");
}

TEST(ProxyHeaderTest, MappedIpv6SourceIsItsIpv4Self) {
  std::string block = std::string(10, '\0') + bytes({0xff, 0xff, 198, 51, 100, 9});
  block += std::string(16, '\0') + bytes({0, 80, 0, 80});
  auto result = parse_proxy_v2(header(0x21, 0x21, block), max_bytes);
  ASSERT_EQ(result.status, proxy_parse::done);
  EXPECT_EQ(result.header.source, "198.51.100.9");
}

TEST(ProxyHeaderTest, TlvsAfterTheAddressesAreSkipped) {
  // PP2_TYPE_AUTHORITY "example" then a NOOP.
  std::string block = inet_block() + bytes({0x02, 0, 7}) + "example" + bytes({0x04, 0, 0});
  std::string input = header(0x21, 0x11, block);
  auto result = parse_proxy_v2(input + "GET / HTTP/1.1\r\n", max_bytes);
  ASSERT_EQ(result.status, proxy_parse::done);
  EXPECT_EQ(result.header.length, input.size());
  EXPECT_EQ(result.header.source, "203.0.113.7");
}

TEST(ProxyHeaderTest, LocalCommandKeepsThePeer) {
  auto result = parse_proxy_v2(header(0x20, 0x00, ""), max_bytes);
  ASSERT_EQ(result.status, proxy_parse::done);
  EXPECT_EQ(result.header.length, 16u);
  EXPECT_FALSE(result.header.source);
}

TEST(ProxyHeaderTest, UnspecifiedFamilyKeepsThePeer) {
  auto result = parse_proxy_v2(header(0x21, 0x00, ""), max_bytes);
  ASSERT_EQ(result.status, proxy_parse::done);
  EXPECT_FALSE(result.header.source);
}

TEST(ProxyHeaderTest, PrefixAsksForTheFixedPartThenTheWhole) {
  std::string input = header(0x21, 0x11, inet_block());
  auto partial = parse_proxy_v2(input.substr(0, 5), max_bytes);
  EXPECT_EQ(partial.status, proxy_parse::need_more);
  EXPECT_EQ(partial.needed, 16u);
  auto fixed = parse_proxy_v2(input.substr(0, 16), max_bytes);
  EXPECT_EQ(fixed.status, proxy_parse::need_more);
  EXPECT_EQ(fixed.needed, input.size());
  EXPECT_EQ(parse_proxy_v2(input.substr(0, 27), max_bytes).status, proxy_parse::need_more);
}

TEST(ProxyHeaderTest, HttpAndTlsAreNotProxyHeaders) {
  EXPECT_EQ(parse_proxy_v2("GET / HTTP/1.1\r\n", max_bytes).status, proxy_parse::not_proxy);
  EXPECT_EQ(parse_proxy_v2(bytes({0x16, 0x03, 0x01, 0x02, 0x00}), max_bytes).status, proxy_parse::not_proxy);
  // Version 1 is text; this server reads version 2 only.
  EXPECT_EQ(parse_proxy_v2("PROXY TCP4 203.0.113.7 192.0.2.1 1 2\r\n", max_bytes).status,
            proxy_parse::not_proxy);
  // A signature that breaks off after matching a while.
  EXPECT_EQ(parse_proxy_v2("\r\n\r\nGET", max_bytes).status, proxy_parse::not_proxy);
}

TEST(ProxyHeaderTest, WrongVersionOrCommandIsInvalid) {
  EXPECT_EQ(parse_proxy_v2(header(0x11, 0x11, inet_block()), max_bytes).status, proxy_parse::invalid);
  EXPECT_EQ(parse_proxy_v2(header(0x22, 0x11, inet_block()), max_bytes).status, proxy_parse::invalid);
}

TEST(ProxyHeaderTest, UnknownFamilyOrDatagramIsInvalid) {
  EXPECT_EQ(parse_proxy_v2(header(0x21, 0x41, inet_block()), max_bytes).status, proxy_parse::invalid);
  EXPECT_EQ(parse_proxy_v2(header(0x21, 0x13, inet_block()), max_bytes).status, proxy_parse::invalid);
  EXPECT_EQ(parse_proxy_v2(header(0x21, 0x12, inet_block()), max_bytes).status, proxy_parse::invalid);
}

TEST(ProxyHeaderTest, ShortAddressBlockIsInvalid) {
  EXPECT_EQ(parse_proxy_v2(header(0x21, 0x11, inet_block().substr(0, 11)), max_bytes).status,
            proxy_parse::invalid);
  EXPECT_EQ(parse_proxy_v2(header(0x21, 0x21, inet_block()), max_bytes).status, proxy_parse::invalid);
}

TEST(ProxyHeaderTest, OverLongHeaderIsInvalidBeforeItIsRead) {
  std::string input = header(0x21, 0x11, inet_block() + std::string(2000, '\0'));
  auto result = parse_proxy_v2(input.substr(0, 16), max_bytes);
  EXPECT_EQ(result.status, proxy_parse::invalid);
  EXPECT_FALSE(result.why.empty());
}

}  // namespace
}  // namespace companion::gateway

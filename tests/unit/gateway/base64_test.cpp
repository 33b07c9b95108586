// base64 and base64url: RFC 4648 vectors, round trips of every tail length, and the
// strictness that gives each byte string exactly one accepted text.
#include "gateway/protocol/base64.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace companion::gateway {
namespace {

TEST(Base64Test, MatchesTheRfcVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Test, UrlAlphabetReplacesPlusAndSlash) {
  EXPECT_EQ(base64_encode("\xFB\xFF"), "+/8=");
  EXPECT_EQ(base64url_encode("\xFB\xFF"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xFB\xFF"));
  EXPECT_EQ(base64_decode("+/8="), std::string("\xFB\xFF"));
}

TEST(Base64Test, RoundTripsEveryTailLengthAndEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (std::size_t n = 0; n <= all.size(); n += (n < 8 ? 1 : 37)) {
    const std::string_view bytes(all.data(), n);
    EXPECT_EQ(base64_decode(base64_encode(bytes)), std::string(bytes)) << n;
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), std::string(bytes)) << n;
  }
}

TEST(Base64Test, UrlDecodeRejectsPaddingForeignCharactersAndSpareBits) {
  EXPECT_FALSE(base64url_decode("Zg==").has_value());
  EXPECT_FALSE(base64url_decode("a+b/").has_value());
  EXPECT_FALSE(base64url_decode("Zm9vY").has_value());  // one dangling character
  EXPECT_FALSE(base64url_decode("Zm 9v").has_value());  // OpenSSL alone would skip blanks
  EXPECT_FALSE(base64url_decode(std::string_view("Zm\0v", 4)).has_value());
  EXPECT_TRUE(base64url_decode("QQ").has_value());
  EXPECT_FALSE(base64url_decode("QR").has_value());  // same byte, non-zero spare bits
  EXPECT_EQ(base64url_decode("QUE"), std::string("AA"));
  EXPECT_FALSE(base64url_decode("QUF").has_value());
  EXPECT_EQ(base64url_decode(""), std::string());
}

TEST(Base64Test, StandardDecodeWantsPaddingAndCanonicalText) {
  EXPECT_EQ(base64_decode("Zg=="), std::string("f"));
  EXPECT_FALSE(base64_decode("Zg").has_value());  // padding is required
  EXPECT_FALSE(base64_decode("Zg=").has_value());
  EXPECT_FALSE(base64_decode("Zh==").has_value());  // spare bits set
  EXPECT_FALSE(base64_decode("Z===").has_value());
  EXPECT_FALSE(base64_decode("====").has_value());
  EXPECT_FALSE(base64_decode("Zg=A").has_value());  // data after padding
  EXPECT_FALSE(base64_decode("Zm-v").has_value());  // url alphabet
  EXPECT_FALSE(base64_decode(" Zm9v").has_value());
  EXPECT_FALSE(base64_decode("Zm9v\n").has_value());
}

}  // namespace
}  // namespace companion::gateway

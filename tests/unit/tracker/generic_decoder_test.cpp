// The project's own post format (README.md).
#include <gtest/gtest.h>

#include "hashtag-tracker/generic_decoder.hpp"

namespace companion::tracker {
namespace {

class GenericDecoderTest : public ::testing::Test {
 protected:
  decoded_post post_of(const decode_result& result) {
    EXPECT_TRUE(std::holds_alternative<decoded_post>(result));
    return std::get<decoded_post>(result);
  }

  skip_reason reason_of(const decode_result& result) {
    EXPECT_TRUE(std::holds_alternative<skipped>(result));
    return std::get<skipped>(result).reason;
  }

  generic_decoder decoder_;
};

TEST_F(GenericDecoderTest, FullPostDecodes) {
  const auto& d = post_of(decoder_.decode(
      R"({"id":"42","source":"replay","url":"https://example.org/42","author":{"id":"u1","handle":"desk","display_name":"The Desk"},"text":"Panel now https://usip.org #Road2NATO","tags":["NATOSummit"],"lang":"fr","created_at":"2024-04-22T14:05:00Z","reply":true,"repost":false})"));
  EXPECT_EQ(d.post.id, "replay:42");
  EXPECT_EQ(d.post.source, "replay");
  EXPECT_EQ(d.post.url, "https://example.org/42");
  EXPECT_EQ(d.post.author_id, "u1");
  EXPECT_EQ(d.post.author_handle, "desk");
  EXPECT_EQ(d.post.author_display_name, "The Desk");
  EXPECT_EQ(d.post.lang, "fr");
  EXPECT_EQ(d.post.created_at, 1713794700000);
  EXPECT_TRUE(d.post.is_reply);
  EXPECT_FALSE(d.post.is_repost);
  EXPECT_EQ(d.post.link_count, 1);
  EXPECT_EQ(d.hashtags, (std::vector<std::string>{"NATOSummit", "Road2NATO"}));
}

TEST_F(GenericDecoderTest, MinimalPostDefaultsToWebhook) {
  const auto& d = post_of(
      decoder_.decode(R"({"id":"7","author":{"handle":"a"},"text":"hi","created_at":1713794700123})"));
  EXPECT_EQ(d.post.id, "webhook:7");
  EXPECT_EQ(d.post.source, "webhook");
  EXPECT_EQ(d.post.author_id, "a");
  EXPECT_EQ(d.post.created_at, 1713794700123);
}

TEST_F(GenericDecoderTest, IdAlreadyCarryingSourceIsKept) {
  EXPECT_EQ(
      post_of(
          decoder_.decode(
              R"({"id":"bluesky:at://x/y","source":"bluesky","author":{"handle":"a"},"text":"t","created_at":0})"))
          .post.id,
      "bluesky:at://x/y");
}

TEST_F(GenericDecoderTest, DeleteLineIsADeletion) {
  auto result = decoder_.decode(R"({"delete":"webhook:7"})");
  ASSERT_TRUE(std::holds_alternative<post_deletion>(result));
  EXPECT_EQ(std::get<post_deletion>(result).post_id, "webhook:7");
}

TEST_F(GenericDecoderTest, BadPostsAreSkippedWithReason) {
  EXPECT_EQ(reason_of(decoder_.decode(R"({"id":"7","author":{"handle":"a"},"created_at":0})")),
            skip_reason::missing_field);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"id":"7","author":{},"text":"t","created_at":0})")),
            skip_reason::missing_field);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"id":"7","author":{"handle":"a"},"text":"t"})")),
            skip_reason::missing_field);
  EXPECT_EQ(
      reason_of(decoder_.decode(R"({"id":"7","author":{"handle":"a"},"text":"t","created_at":"later"})")),
      skip_reason::wrong_type);
  EXPECT_EQ(reason_of(decoder_.decode(
                R"({"id":"7","author":{"handle":"a"},"text":"t","created_at":0,"source":"myspace"})")),
            skip_reason::wrong_type);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"id":"7","author":"a","text":"t","created_at":0})")),
            skip_reason::wrong_type);
  EXPECT_EQ(reason_of(decoder_.decode(
                R"({"id":"7","author":{"handle":"a"},"text":"t","created_at":0,"reply":"yes"})")),
            skip_reason::wrong_type);
  EXPECT_EQ(reason_of(decoder_.decode("")), skip_reason::malformed_json);
}

}  // namespace
}  // namespace companion::tracker

// X filtered-stream objects from the fixture, plus replies, retweets and bad input.
#include <gtest/gtest.h>

#include "fixture_lines.hpp"
#include "hashtag-tracker/x_decoder.hpp"

namespace companion::tracker {
namespace {

class XDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override { lines_ = test::fixture_lines("x-filtered-stream.ndjson"); }

  decoded_post post_of(const decode_result& result) {
    EXPECT_TRUE(std::holds_alternative<decoded_post>(result));
    return std::get<decoded_post>(result);
  }

  skip_reason reason_of(const decode_result& result) {
    EXPECT_TRUE(std::holds_alternative<skipped>(result));
    return std::get<skipped>(result).reason;
  }

  std::vector<std::string> lines_;
  x_decoder decoder_;
};

TEST_F(XDecoderTest, FixtureHasThreeObjects) {
  EXPECT_EQ(lines_.size(), 3u);
}

TEST_F(XDecoderTest, PostTakesAuthorFromIncludes) {
  const auto& d = post_of(decoder_.decode(lines_.at(0)));
  EXPECT_EQ(d.post.id, "x:1782350000000000001");
  EXPECT_EQ(d.post.source, "webhook");
  EXPECT_EQ(d.post.url, "https://x.com/thinktank_dc/status/1782350000000000001");
  EXPECT_EQ(d.post.author_id, "401");
  EXPECT_EQ(d.post.author_handle, "thinktank_dc");
  EXPECT_EQ(d.post.author_display_name, "Think Tank DC");
  EXPECT_EQ(d.post.text, "Live now: NATO and Indo-Pacific partners #NATOSummit #Road2NATO");
  EXPECT_EQ(d.post.lang, "en");
  EXPECT_EQ(d.post.created_at, 1713795120000);
  EXPECT_EQ(d.hashtags, (std::vector<std::string>{"NATOSummit", "Road2NATO"}));
}

TEST_F(XDecoderTest, EveryFixtureLineIsAPost) {
  for (const auto& line : lines_)
    EXPECT_TRUE(std::holds_alternative<decoded_post>(decoder_.decode(line))) << line;
  const auto& d = post_of(decoder_.decode(lines_.at(2)));
  EXPECT_EQ(d.post.lang, "ko");
  EXPECT_EQ(d.post.author_handle, "seoul_policy");
}

TEST_F(XDecoderTest, ReferencedTweetsMarkReplyAndRetweet) {
  auto reply = post_of(decoder_.decode(
      R"({"data":{"id":"5","text":"@a yes #Road2NATO","author_id":"9","referenced_tweets":[{"type":"replied_to","id":"4"}]}})"));
  EXPECT_TRUE(reply.post.is_reply);
  EXPECT_EQ(reply.post.url, "https://x.com/i/web/status/5");  // no includes: no username
  EXPECT_EQ(reply.post.author_handle, "9");
  auto retweet = post_of(decoder_.decode(
      R"({"data":{"id":"6","text":"RT @a: hello #Road2NATO","author_id":"9","referenced_tweets":[{"type":"retweeted","id":"3"}],"entities":{"urls":[{"url":"https://t.co/x"}]}}})"));
  EXPECT_TRUE(retweet.post.is_repost);
  EXPECT_EQ(retweet.repost_of, "x:3");
  EXPECT_EQ(retweet.post.link_count, 1);
}

TEST_F(XDecoderTest, BadInputIsSkippedWithReason) {
  EXPECT_EQ(reason_of(decoder_.decode(R"({"errors":[{"title":"ConnectionException"}]})")),
            skip_reason::missing_field);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"data":{"id":"1","author_id":"2"}})")), skip_reason::missing_field);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"data":{"id":1,"text":"x","author_id":"2"}})")),
            skip_reason::wrong_type);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"data":)")), skip_reason::malformed_json);
}

}  // namespace
}  // namespace companion::tracker

// Mastodon streaming frames from the fixture, plus boosts, replies and bad payloads.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "fixture_lines.hpp"
#include "hashtag-tracker/mastodon_decoder.hpp"

namespace companion::tracker {
namespace {

class MastodonDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override { lines_ = test::fixture_lines("mastodon-stream.ndjson"); }

  decoded_post post_of(const decode_result& result) {
    EXPECT_TRUE(std::holds_alternative<decoded_post>(result));
    return std::get<decoded_post>(result);
  }

  skip_reason reason_of(const decode_result& result) {
    EXPECT_TRUE(std::holds_alternative<skipped>(result));
    return std::get<skipped>(result).reason;
  }

  // A streaming frame around `status`, with the payload as a JSON string like the real server sends.
  static std::string frame(std::string_view event, const boost::json::value& status) {
    boost::json::value outer = {
        {"stream", {"hashtag", "road2nato"}}, {"event", event}, {"payload", boost::json::serialize(status)}};
    return boost::json::serialize(outer);
  }

  static boost::json::object status(std::string_view id, std::string_view content) {
    return {
        {"id", id},
        {"created_at", "2024-04-22T14:30:00.000Z"},
        {"in_reply_to_id", nullptr},
        {"language", "de"},
        {"uri", "https://social.example/users/erin/statuses/" + std::string(id)},
        {"url", "https://social.example/@erin/" + std::string(id)},
        {"content", content},
        {"reblog", nullptr},
        {"account",
         {{"id", "1"}, {"acct", "erin"}, {"display_name", "Erin"}, {"url", "https://social.example/@erin"}}},
        {"tags", boost::json::array{}}};
  }

  std::vector<std::string> lines_;
  mastodon_decoder decoder_;
};

TEST_F(MastodonDecoderTest, FixtureHasSixFrames) {
  EXPECT_EQ(lines_.size(), 6u);
}

TEST_F(MastodonDecoderTest, UpdateBecomesPlainTextPost) {
  const auto& d = post_of(decoder_.decode(lines_.at(0)));
  EXPECT_EQ(d.post.id, "mastodon:https://social.example/users/alice/statuses/112100000000000000");
  EXPECT_EQ(d.post.source, "mastodon");
  EXPECT_EQ(d.post.url, "https://social.example/@alice/112100000000000000");
  EXPECT_EQ(d.post.author_handle, "alice@social.example");
  EXPECT_EQ(d.post.author_display_name, "Alice");
  EXPECT_EQ(d.post.author_id, "https://social.example/@alice");
  EXPECT_EQ(d.post.text, "Hadley opening the panel now #Road2NATO");
  EXPECT_EQ(d.post.lang, "en");
  EXPECT_EQ(d.post.created_at, 1713795000000);
  EXPECT_EQ(d.post.link_count, 0);
  EXPECT_FALSE(d.post.is_reply);
  EXPECT_FALSE(d.post.is_repost);
  EXPECT_EQ(d.hashtags, (std::vector<std::string>{"road2nato", "Road2NATO"}));
}

TEST_F(MastodonDecoderTest, LinkTextIsKeptAndCounted) {
  const auto& d = post_of(decoder_.decode(lines_.at(2)));
  EXPECT_EQ(d.post.text,
            "Galic presenting the study group findings https://www.usip.org #Road2NATO #NATOSummit");
  EXPECT_EQ(d.post.link_count, 1);
  EXPECT_EQ(d.post.author_handle, "chen@fediscience.org");
}

TEST_F(MastodonDecoderTest, EntitiesAreDecoded) {
  EXPECT_EQ(post_of(decoder_.decode(lines_.at(3))).post.text, "Lise Grande's framing was sharp #ROAD2NATO");
}

TEST_F(MastodonDecoderTest, StatusUpdateIsAnEdit) {
  const auto& d = post_of(decoder_.decode(lines_.at(4)));
  EXPECT_TRUE(d.is_edit);
  EXPECT_EQ(d.post.id, "mastodon:https://mastodon.social/users/bob/statuses/112100000000000001");
  EXPECT_EQ(d.post.text, "Manza on operations: partners already train and exercise together #NATOSummit");
}

TEST_F(MastodonDecoderTest, DeleteResolvesToPostIdOfSeenStatus) {
  for (std::size_t i = 0; i < 5; ++i) decoder_.decode(lines_.at(i));
  auto result = decoder_.decode(lines_.at(5));
  ASSERT_TRUE(std::holds_alternative<post_deletion>(result));
  EXPECT_EQ(std::get<post_deletion>(result).post_id,
            "mastodon:https://sigmoid.social/users/dara/statuses/112100000000000003");
}

TEST_F(MastodonDecoderTest, DeleteOfUnseenStatusIsSkipped) {
  EXPECT_EQ(reason_of(decoder_.decode(lines_.at(5))), skip_reason::unknown_post);
}

TEST_F(MastodonDecoderTest, BoostShowsOriginalAndNamesIt) {
  auto original = status("200",
                         "<p>Original <a href=\"https://m/tags/natosummit\" class=\"mention "
                         "hashtag\">#<span>NATOSummit</span></a></p>");
  auto boost = status("201", "");
  boost["account"].as_object()["acct"] = "frank@other.example";
  boost["reblog"] = original;
  const auto& d = post_of(decoder_.decode(frame("update", boost)));
  EXPECT_TRUE(d.post.is_repost);
  EXPECT_EQ(d.post.id, "mastodon:https://social.example/users/erin/statuses/201");
  EXPECT_EQ(d.repost_of, "mastodon:https://social.example/users/erin/statuses/200");
  EXPECT_EQ(d.post.text, "Original #NATOSummit");
  EXPECT_EQ(d.post.author_handle, "erin@social.example");  // the original's author, qualified with its host
}

TEST_F(MastodonDecoderTest, ReplyIsFlagged) {
  auto reply = status("300", "<p>Yes <br>and no #Road2NATO</p>");
  reply["in_reply_to_id"] = "299";
  const auto& d = post_of(decoder_.decode(frame("update", reply)));
  EXPECT_TRUE(d.post.is_reply);
  EXPECT_EQ(d.post.text, "Yes\nand no #Road2NATO");
  EXPECT_EQ(d.post.lang, "de");
}

TEST_F(MastodonDecoderTest, BadFramesAreSkippedWithReason) {
  EXPECT_EQ(reason_of(decoder_.decode("{")), skip_reason::malformed_json);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"event":"update"})")), skip_reason::missing_field);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"event":"notification","payload":"{}"})")),
            skip_reason::unknown_event);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"event":"update","payload":"not json"})")),
            skip_reason::malformed_json);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"event":"update","payload":"{\"id\":\"1\"}"})")),
            skip_reason::missing_field);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"event":"update","payload":7})")), skip_reason::wrong_type);
}

}  // namespace
}  // namespace companion::tracker

// Jetstream frames from the fixture, line by line, plus malformed and edge cases.
#include <gtest/gtest.h>

#include "fixture_lines.hpp"
#include "hashtag-tracker/jetstream_decoder.hpp"

namespace companion::tracker {
namespace {

class JetstreamDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override { lines_ = test::fixture_lines("jetstream-sample.ndjson"); }

  // Decodes the fixture up to and including line `n` (1-based) and returns the last result.
  decode_result decode_through(std::size_t n) {
    decode_result result = skipped{skip_reason::malformed_json};
    for (std::size_t i = 0; i < n; ++i) result = decoder_.decode(lines_.at(i));
    return result;
  }

  decoded_post post_of(const decode_result& result) {
    EXPECT_TRUE(std::holds_alternative<decoded_post>(result));
    return std::get<decoded_post>(result);
  }

  skip_reason reason_of(const decode_result& result) {
    EXPECT_TRUE(std::holds_alternative<skipped>(result));
    return std::get<skipped>(result).reason;
  }

  std::vector<std::string> lines_;
  jetstream_decoder decoder_;
};

TEST_F(JetstreamDecoderTest, FixtureHasEighteenFrames) {
  EXPECT_EQ(lines_.size(), 18u);
}

TEST_F(JetstreamDecoderTest, IdentityFrameUpdatesHandle) {
  auto result = decode_through(1);
  ASSERT_TRUE(std::holds_alternative<identity_update>(result));
  EXPECT_EQ(std::get<identity_update>(result).did, "did:plc:ujzdegxdncf32epf3dhodzdo");
  EXPECT_EQ(std::get<identity_update>(result).handle, "policywatcher.bsky.social");
  EXPECT_EQ(decoder_.handles().find("did:plc:ujzdegxdncf32epf3dhodzdo"), "policywatcher.bsky.social");
}

TEST_F(JetstreamDecoderTest, PostWithFacetUsesKnownHandle) {
  auto result = decode_through(4);
  const auto& d = post_of(result);
  EXPECT_EQ(d.post.id, "bluesky:at://did:plc:ujzdegxdncf32epf3dhodzdo/app.bsky.feed.post/3kq0000000000");
  EXPECT_EQ(d.post.source, "bluesky");
  EXPECT_EQ(d.post.author_id, "did:plc:ujzdegxdncf32epf3dhodzdo");
  EXPECT_EQ(d.post.author_handle, "policywatcher.bsky.social");
  EXPECT_EQ(d.post.url, "https://bsky.app/profile/policywatcher.bsky.social/post/3kq0000000000");
  EXPECT_EQ(d.post.lang, "en");
  EXPECT_EQ(d.post.created_at, 1713794402220);
  EXPECT_FALSE(d.post.is_reply);
  EXPECT_EQ(d.post.link_count, 0);
  EXPECT_EQ(d.hashtags, std::vector<std::string>{"Road2NATO"});
  EXPECT_FALSE(d.is_edit);
  EXPECT_EQ(decoder_.cursor(), 1713794402220702);
}

TEST_F(JetstreamDecoderTest, TwoFacetTagsAreBothFound) {
  const auto& d = post_of(decode_through(5));
  EXPECT_EQ(d.hashtags, (std::vector<std::string>{"NATOSummit", "Road2NATO"}));
  EXPECT_EQ(d.post.author_handle, "indopacific-notes.bsky.social");
}

TEST_F(JetstreamDecoderTest, UnknownDidShowsDidAsHandle) {
  const auto& d = post_of(decode_through(7));
  EXPECT_EQ(d.post.author_handle, "did:plc:r6edt4sywb5wkh7dnsipzz7f");
  EXPECT_EQ(d.post.url, "https://bsky.app/profile/did:plc:r6edt4sywb5wkh7dnsipzz7f/post/3kq0000000003");
  EXPECT_EQ(d.post.lang, "ja");
  EXPECT_EQ(d.post.text, "NATOとインド太平洋パートナーの議論を視聴中 #NATOSummit");
}

TEST_F(JetstreamDecoderTest, KoreanPostKeepsText) {
  const auto& d = post_of(decode_through(8));
  EXPECT_EQ(d.post.lang, "ko");
  EXPECT_EQ(d.hashtags, std::vector<std::string>{"Road2NATO"});
}

TEST_F(JetstreamDecoderTest, LowerCaseFacetTagIsKeptAsSpelled) {
  EXPECT_EQ(post_of(decode_through(9)).hashtags, std::vector<std::string>{"road2nato"});
}

TEST_F(JetstreamDecoderTest, UrlInTextCountsAsLink) {
  EXPECT_EQ(post_of(decode_through(11)).post.link_count, 1);
}

TEST_F(JetstreamDecoderTest, LongerTagIsReportedRaw) {
  EXPECT_EQ(post_of(decode_through(12)).hashtags, std::vector<std::string>{"NATOSummit2024"});
}

TEST_F(JetstreamDecoderTest, PostWithoutTagsHasNone) {
  EXPECT_TRUE(post_of(decode_through(13)).hashtags.empty());
}

TEST_F(JetstreamDecoderTest, RecordTagsAreFound) {
  EXPECT_EQ(post_of(decode_through(14)).hashtags, std::vector<std::string>{"Road2NATO"});
}

TEST_F(JetstreamDecoderTest, TagTypedWithoutFacetIsFound) {
  EXPECT_EQ(post_of(decode_through(15)).hashtags, std::vector<std::string>{"NATOSummit"});
}

TEST_F(JetstreamDecoderTest, ReplyIsFlagged) {
  EXPECT_TRUE(post_of(decode_through(16)).post.is_reply);
}

TEST_F(JetstreamDecoderTest, LikeIsUnknownCollection) {
  EXPECT_EQ(reason_of(decode_through(17)), skip_reason::unknown_collection);
  EXPECT_EQ(decoder_.cursor(), 1713794406634914);
}

TEST_F(JetstreamDecoderTest, DeleteNamesThePost) {
  auto result = decode_through(18);
  ASSERT_TRUE(std::holds_alternative<post_deletion>(result));
  EXPECT_EQ(std::get<post_deletion>(result).post_id,
            "bluesky:at://did:plc:cis2jhtlgmxgedn73u55xtpl/app.bsky.feed.post/3kq0000000001");
}

TEST_F(JetstreamDecoderTest, EveryFixtureLineDecodesWithoutError) {
  for (const auto& line : lines_) {
    auto result = decoder_.decode(line);
    if (auto* s = std::get_if<skipped>(&result)) {
      EXPECT_EQ(s->reason, skip_reason::unknown_collection) << line;
    }
  }
}

TEST_F(JetstreamDecoderTest, PrefilterSkipsNonMatchingPosts) {
  hashtag_matcher matcher({"Road2NATO"});
  decoder_.set_prefilter(&matcher);
  EXPECT_EQ(reason_of(decoder_.decode(lines_.at(5))), skip_reason::not_matching);  // NATOSummit only
  EXPECT_TRUE(std::holds_alternative<decoded_post>(decoder_.decode(lines_.at(3))));
}

TEST_F(JetstreamDecoderTest, UpdateIsAnEdit) {
  std::string line = lines_.at(3);
  line.replace(line.find("\"create\""), 8, "\"update\"");
  EXPECT_TRUE(post_of(decoder_.decode(line)).is_edit);
}

TEST_F(JetstreamDecoderTest, LinkFacetAndItsTypedUrlCountOnce) {
  std::string line =
      R"({"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"r","record":{"text":"read https://usip.org now","facets":[{"index":{"byteStart":5,"byteEnd":22},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://usip.org"}]},{"index":{"byteStart":0,"byteEnd":4},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://example.org"}]}]}}})";
  EXPECT_EQ(post_of(decoder_.decode(line)).post.link_count, 2);
}

TEST_F(JetstreamDecoderTest, MissingCreatedAtFallsBackToTimeUs) {
  std::string line =
      R"({"did":"did:plc:a","time_us":1713794400000000,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"r","record":{"text":"hi #x"}}})";
  EXPECT_EQ(post_of(decoder_.decode(line)).post.created_at, 1713794400000);
}

TEST_F(JetstreamDecoderTest, AccountFrameIsSkipped) {
  EXPECT_EQ(
      reason_of(decoder_.decode(
          R"({"did":"did:plc:a","time_us":5,"kind":"account","account":{"active":false,"did":"did:plc:a"}})")),
      skip_reason::account_event);
  EXPECT_EQ(decoder_.cursor(), 5);
}

TEST_F(JetstreamDecoderTest, IdentityWithoutHandleIsSkipped) {
  EXPECT_EQ(reason_of(decoder_.decode(
                R"({"did":"did:plc:a","time_us":5,"kind":"identity","identity":{"did":"did:plc:a"}})")),
            skip_reason::identity_event);
}

TEST_F(JetstreamDecoderTest, BadInputIsSkippedWithReason) {
  EXPECT_EQ(reason_of(decoder_.decode("{\"did\":")), skip_reason::malformed_json);
  EXPECT_EQ(reason_of(decoder_.decode("not json")), skip_reason::malformed_json);
  EXPECT_EQ(reason_of(decoder_.decode("[1,2]")), skip_reason::wrong_type);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"did":"d","time_us":"soon","kind":"commit"})")),
            skip_reason::wrong_type);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"did":"d","time_us":1})")), skip_reason::missing_field);
  EXPECT_EQ(
      reason_of(decoder_.decode(
          R"({"did":"d","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"r"}})")),
      skip_reason::missing_field);
  EXPECT_EQ(reason_of(decoder_.decode(R"({"did":"d","time_us":1,"kind":"labels"})")),
            skip_reason::unknown_event);
  EXPECT_EQ(reason_of(decoder_.decode("\"\xFF\xFE\"")), skip_reason::malformed_json);
}

TEST_F(JetstreamDecoderTest, OversizedFrameIsSkipped) {
  std::string huge = R"({"did":"d","kind":"commit","pad":")" + std::string(70 * 1024, 'x') + "\"}";
  EXPECT_EQ(reason_of(decoder_.decode(huge)), skip_reason::too_large);
}

TEST(DidHandleCacheTest, EvictsLeastRecentlyUsed) {
  did_handle_cache cache(2);
  cache.put("did:a", "a.example");
  cache.put("did:b", "b.example");
  EXPECT_EQ(cache.find("did:a"), "a.example");  // a is now the most recent
  cache.put("did:c", "c.example");
  EXPECT_EQ(cache.find("did:b"), "");
  EXPECT_EQ(cache.find("did:a"), "a.example");
  EXPECT_EQ(cache.find("did:c"), "c.example");
  EXPECT_EQ(cache.size(), 2u);
}

TEST(DidHandleCacheTest, PutUpdatesExistingHandle) {
  did_handle_cache cache(2);
  cache.put("did:a", "old.example");
  cache.put("did:a", "new.example");
  EXPECT_EQ(cache.find("did:a"), "new.example");
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace companion::tracker

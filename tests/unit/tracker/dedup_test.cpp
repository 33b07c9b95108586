// Dedup: same id, same post via two sources, reposts of seen posts, spam flagging, bounds.
#include <gtest/gtest.h>

#include "hashtag-tracker/dedup.hpp"

namespace companion::tracker {
namespace {

constexpr session::millis t0 = 1713794400000;

session::social_post make_post(std::string id, std::string handle, std::string text,
                               session::millis created = t0) {
  session::social_post post;
  post.id = std::move(id);
  post.source = post.id.substr(0, post.id.find(':'));
  post.author_handle = std::move(handle);
  post.text = std::move(text);
  post.created_at = created;
  return post;
}

TEST(DedupTest, FirstSightingIsFresh) {
  deduplicator dedup;
  auto d = dedup.check(make_post("bluesky:1", "a", "hello #Road2NATO"), "", t0);
  EXPECT_EQ(d.verdict, dedup_verdict::fresh);
  EXPECT_FALSE(d.likely_spam);
  EXPECT_TRUE(dedup.seen("bluesky:1"));
}

TEST(DedupTest, SameIdTwiceIsDuplicate) {
  deduplicator dedup;
  dedup.check(make_post("bluesky:1", "a", "hello"), "", t0);
  EXPECT_EQ(dedup.check(make_post("bluesky:1", "a", "edited text"), "", t0).verdict,
            dedup_verdict::duplicate_id);
}

TEST(DedupTest, SamePostFromTwoSourcesIsDuplicate) {
  deduplicator dedup;
  dedup.check(make_post("bluesky:1", "Desk", "Panel  starting #Road2NATO", t0 + 1000), "", t0);
  auto d = dedup.check(make_post("webhook:9", "@desk", "panel starting\n#road2nato", t0 + 20'000), "", t0);
  EXPECT_EQ(d.verdict, dedup_verdict::duplicate_cross_source);
}

TEST(DedupTest, SameTextInAnotherMinuteOrByAnotherAuthorIsFresh) {
  deduplicator dedup;
  dedup.check(make_post("bluesky:1", "desk", "Panel starting", t0), "", t0);
  EXPECT_EQ(dedup.check(make_post("webhook:2", "desk", "Panel starting", t0 + 61'000), "", t0).verdict,
            dedup_verdict::fresh);
  EXPECT_EQ(dedup.check(make_post("webhook:3", "other", "Panel starting", t0), "", t0).verdict,
            dedup_verdict::fresh);
}

TEST(DedupTest, RepostOfSeenPostIsDuplicate) {
  deduplicator dedup;
  dedup.check(make_post("mastodon:orig", "a", "original"), "", t0);
  EXPECT_EQ(dedup.check(make_post("mastodon:boost", "a", "original"), "mastodon:orig", t0).verdict,
            dedup_verdict::duplicate_repost);
}

TEST(DedupTest, SecondRepostOfUnseenOriginalIsDuplicate) {
  deduplicator dedup;
  auto first = make_post("mastodon:boost1", "a", "original");
  EXPECT_EQ(dedup.check(first, "mastodon:orig", t0).verdict, dedup_verdict::fresh);
  auto second = make_post("mastodon:boost2", "a", "original", t0 + 120'000);
  EXPECT_EQ(dedup.check(second, "mastodon:orig", t0).verdict, dedup_verdict::duplicate_repost);
}

TEST(DedupTest, SameTextFromThreeAuthorsIsLikelySpam) {
  deduplicator dedup;
  EXPECT_FALSE(dedup.check(make_post("b:1", "a", "BUY NOW #Road2NATO"), "", t0).likely_spam);
  EXPECT_FALSE(dedup.check(make_post("b:2", "b", "buy now #road2nato"), "", t0 + 60'000).likely_spam);
  auto third = dedup.check(make_post("b:3", "c", "Buy now  #Road2NATO"), "", t0 + 120'000);
  EXPECT_EQ(third.verdict, dedup_verdict::fresh);
  EXPECT_TRUE(third.likely_spam);
  EXPECT_EQ(third.distinct_authors, 3);
}

TEST(DedupTest, SameAuthorRepeatingIsNotSpam) {
  deduplicator dedup;
  for (int i = 0; i < 5; ++i) {
    auto d = dedup.check(make_post("b:" + std::to_string(i), "a", "same words", t0 + i * 120'000), "",
                         t0 + i * 120'000);
    EXPECT_FALSE(d.likely_spam);
  }
}

TEST(DedupTest, SpamWindowForgetsOldSightings) {
  deduplicator dedup;
  dedup.check(make_post("b:1", "a", "copy paste"), "", t0);
  dedup.check(make_post("b:2", "b", "copy paste"), "", t0 + 60'000);
  auto late = dedup.check(make_post("b:3", "c", "copy paste"), "", t0 + 11 * 60'000);
  EXPECT_FALSE(late.likely_spam);
  EXPECT_EQ(late.distinct_authors, 2);
}

TEST(DedupTest, MemoryIsBoundedFifo) {
  dedup_limits limits;
  limits.remembered_posts = 3;
  deduplicator dedup(limits);
  for (int i = 0; i < 4; ++i)
    dedup.check(make_post("b:" + std::to_string(i), "a", "t" + std::to_string(i)), "", t0);
  EXPECT_FALSE(dedup.seen("b:0"));
  EXPECT_TRUE(dedup.seen("b:1"));
  EXPECT_TRUE(dedup.seen("b:3"));
  EXPECT_EQ(dedup.check(make_post("b:0", "a", "t0-again"), "", t0).verdict, dedup_verdict::fresh);
}

TEST(DedupTest, RememberMarksIdSeen) {
  deduplicator dedup;
  dedup.remember("bluesky:held");
  EXPECT_EQ(dedup.check(make_post("bluesky:held", "a", "x"), "", t0).verdict, dedup_verdict::duplicate_id);
}

}  // namespace
}  // namespace companion::tracker

// The social wall through the engine: ingested posts by verdict, moderators'
// decisions (two moderators racing on one post), deletions at the source,
// author lists, and the coalesced per-hashtag stats.
#include "session/engine.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "session/post_wall.hpp"

namespace companion::session {
namespace {

using namespace testing;

boost::json::object on_post(std::string_view type, const std::string& id) {
  return {{"type", type}, {"post", id}};
}
boost::json::object on_author(std::string_view type, const std::string& handle) {
  return {{"type", type}, {"source", "bluesky"}, {"handle", handle}};
}

class EnginePostTest : public ::testing::Test {
 protected:
  std::vector<std::string> wall_ids() {
    std::vector<std::string> out;
    boost::json::object state = driver_.engine().public_state();
    for (const auto& h : state.at("highlights").as_array()) out.emplace_back(h.at("id").as_string());
    return out;
  }
  std::vector<std::string> queue_ids() {
    std::vector<std::string> out;
    boost::json::object state = driver_.engine().queue_snapshot();
    for (const auto& p : state.at("posts").as_array()) out.emplace_back(p.at("id").as_string());
    return out;
  }

  engine_driver driver_{nato_event};
};

// ---- Ingest ----

TEST_F(EnginePostTest, HeldPostGoesToStaffOnly) {
  engine_reply reply = driver_.ingest(make_post("bluesky:1"), held);
  ASSERT_TRUE(reply.result.ok());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.post"}));
  EXPECT_TRUE(reply.messages.front()->staff_only);
  EXPECT_EQ(reply.messages.front()->data.at("post").at("held_by"), "default");
  EXPECT_EQ(driver_.engine().seq(), 0u);
  EXPECT_EQ(queue_ids(), (std::vector<std::string>{"bluesky:1"}));
  EXPECT_TRUE(reply.journal.has_value());
}

TEST_F(EnginePostTest, ApprovedPostIsPublishedAsAHighlight) {
  engine_reply reply = driver_.ingest(make_post("bluesky:1"), approved);
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"highlight.added"}));
  EXPECT_EQ(reply.messages.front()->seq, 1u);
  EXPECT_EQ(reply.messages.front()->data.at("id"), "bluesky:1");
  EXPECT_EQ(wall_ids(), (std::vector<std::string>{"bluesky:1"}));
}

TEST_F(EnginePostTest, RejectedPostIsAuditedButNeverPublished) {
  engine_reply reply = driver_.ingest(make_post("bluesky:1"), rejected);
  ASSERT_TRUE(reply.result.ok());
  EXPECT_TRUE(reply.messages.empty());
  EXPECT_TRUE(reply.journal.has_value());
  EXPECT_TRUE(wall_ids().empty());
  EXPECT_TRUE(queue_ids().empty());
  ASSERT_FALSE(driver_.engine().wall().audit().empty());
  EXPECT_EQ(driver_.engine().wall().audit().back().action, "auto_rejected");
  EXPECT_EQ(driver_.engine().wall().audit().back().post_id, "bluesky:1");
}

TEST_F(EnginePostTest, DuplicatePostIsConflictAndNotJournaled) {
  driver_.ingest(make_post("bluesky:1"), held);
  engine_reply again = driver_.ingest(make_post("bluesky:1"), held);
  EXPECT_EQ(again.result.code, error_code::conflict);
  EXPECT_FALSE(again.journal.has_value());
}

// ---- Moderators ----

TEST_F(EnginePostTest, SecondModeratorApprovingTheSamePostGetsConflict) {
  driver_.ingest(make_post("bluesky:1"), held);
  engine_reply first = driver_.run(on_post("post.approve", "bluesky:1"), moderator("mod-ana"));
  engine_reply second = driver_.run(on_post("post.approve", "bluesky:1"), moderator("mod-ben"));
  ASSERT_EQ(kinds_of(first), (std::vector<std::string>{"queue.removed", "highlight.added"}));
  EXPECT_EQ(second.result.code, error_code::conflict);
  EXPECT_TRUE(second.messages.empty());
  EXPECT_FALSE(second.journal.has_value());
  EXPECT_EQ(driver_.engine().wall().audit().back().who, "mod-ana");
}

TEST_F(EnginePostTest, RejectingAQueuedPostOnlyTellsStaff) {
  driver_.ingest(make_post("bluesky:1"), held);
  engine_reply reply = driver_.run(on_post("post.reject", "bluesky:1"), moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.removed"}));
  EXPECT_EQ(driver_.engine().seq(), 0u);
  EXPECT_EQ(driver_.engine().wall().audit().back().action, "rejected");
}

TEST_F(EnginePostTest, FeaturingAHighlightMarksItFeatured) {
  driver_.ingest(make_post("bluesky:1"), approved);
  engine_reply reply = driver_.run(on_post("post.feature", "bluesky:1"), moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"highlight.added"}));
  EXPECT_EQ(reply.messages.front()->data.at("featured"), true);
  EXPECT_EQ(driver_.engine().public_state().at("highlights").at(0).at("featured"), true);
}

TEST_F(EnginePostTest, RemovingAHighlightTakesItOffTheWall) {
  driver_.ingest(make_post("bluesky:1"), approved);
  engine_reply reply = driver_.run({{"type", "highlight.remove"}, {"highlight", "bluesky:1"}}, moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"highlight.removed"}));
  EXPECT_TRUE(wall_ids().empty());
}

TEST_F(EnginePostTest, RemovingAnUnknownHighlightIsNotFound) {
  EXPECT_EQ(driver_.run({{"type", "highlight.remove"}, {"highlight", "bluesky:9"}}, moderator()).result.code,
            error_code::not_found);
}

TEST_F(EnginePostTest, ViewerCannotApprovePosts) {
  driver_.ingest(make_post("bluesky:1"), held);
  EXPECT_EQ(driver_.run(on_post("post.approve", "bluesky:1"), viewer("v1")).result.code,
            error_code::forbidden);
}

// ---- Deleted at the source ----

TEST_F(EnginePostTest, RetractingAPendingPostLeavesTheQueue) {
  driver_.ingest(make_post("bluesky:1"), held);
  engine_reply reply = driver_.retract("bluesky:1", t0 + 10);
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.removed"}));
  EXPECT_TRUE(reply.journal.has_value());
  EXPECT_TRUE(queue_ids().empty());
}

TEST_F(EnginePostTest, RetractingAnApprovedPostRemovesTheHighlight) {
  driver_.ingest(make_post("bluesky:1"), approved);
  engine_reply reply = driver_.retract("bluesky:1", t0 + 10);
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"highlight.removed"}));
  EXPECT_TRUE(wall_ids().empty());
}

TEST_F(EnginePostTest, RetractingAnUnknownPostIsNotFoundAndNotJournaled) {
  engine_reply reply = driver_.retract("bluesky:404");
  EXPECT_EQ(reply.result.code, error_code::not_found);
  EXPECT_FALSE(reply.journal.has_value());
}

// ---- Author lists ----

TEST_F(EnginePostTest, BlockingAnAuthorRejectsTheirQueuedPosts) {
  driver_.ingest(make_post("bluesky:1", "spam.example"), held);
  driver_.ingest(make_post("bluesky:2", "ana.example"), held);
  driver_.ingest(make_post("bluesky:3", "spam.example"), held);
  engine_reply reply = driver_.run(on_author("author.block", "spam.example"), moderator());
  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.removed", "queue.removed", "queue.authors"}));
  EXPECT_EQ(queue_ids(), (std::vector<std::string>{"bluesky:2"}));
}

TEST_F(EnginePostTest, BlockedAuthorsNextPostIsRejected) {
  driver_.run(on_author("author.block", "spam.example"), moderator());
  engine_reply reply = driver_.ingest(make_post("bluesky:1", "spam.example"), approved);
  EXPECT_TRUE(reply.messages.empty());
  EXPECT_TRUE(wall_ids().empty());
}

TEST_F(EnginePostTest, BlockWithNothingQueuedIsStillJournaled) {
  engine_reply reply = driver_.run(on_author("author.block", "spam.example"), moderator());
  ASSERT_TRUE(reply.result.ok());
  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.authors"}));
  EXPECT_TRUE(reply.journal.has_value());
}

TEST_F(EnginePostTest, TrustingAnAuthorApprovesTheirQueuedPosts) {
  driver_.ingest(make_post("bluesky:1", "ana.example"), held);
  driver_.ingest(make_post("bluesky:2", "ben.example"), held);
  engine_reply reply = driver_.run(on_author("author.trust", "ana.example"), moderator());
  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.removed", "highlight.added", "queue.authors"}));
  EXPECT_EQ(wall_ids(), (std::vector<std::string>{"bluesky:1"}));
  EXPECT_EQ(queue_ids(), (std::vector<std::string>{"bluesky:2"}));
}

// ---- Stats ----

class EngineStatsTest : public EnginePostTest {
 protected:
  // The stats change of a tick, or null when the tick published none.
  boost::json::value stats_of(const engine_reply& reply) {
    for (const auto& m : reply.messages)
      if (m->kind == "stats") return m->data;
    return nullptr;
  }
};

TEST_F(EngineStatsTest, StatsCarryViewersAndEveryEventHashtag) {
  boost::json::value stats = stats_of(driver_.tick(t0, 12));
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats.at("viewers"), 12);
  EXPECT_EQ(stats.at("tags").at("Road2NATO"),
            boost::json::value(boost::json::object{{"total", 0}, {"per_minute", 0}}));
  EXPECT_EQ(stats.at("tags").at("NATOSummit"),
            boost::json::value(boost::json::object{{"total", 0}, {"per_minute", 0}}));
}

TEST_F(EngineStatsTest, PostsCountPerHashtagWhateverTheVerdict) {
  driver_.ingest(make_post("bluesky:1", "a", {"Road2NATO"}), approved, t0);
  driver_.ingest(make_post("bluesky:2", "b", {"Road2NATO", "NATOSummit"}), held, t0);
  driver_.ingest(make_post("bluesky:3", "c", {"NATOSummit", "Unrelated"}), rejected, t0);
  boost::json::value stats = stats_of(driver_.tick(t0 + 1000));
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats.at("tags").at("Road2NATO"),
            boost::json::value(boost::json::object{{"total", 2}, {"per_minute", 2}}));
  EXPECT_EQ(stats.at("tags").at("NATOSummit"),
            boost::json::value(boost::json::object{{"total", 2}, {"per_minute", 2}}));
  EXPECT_FALSE(stats.at("tags").as_object().contains("Unrelated"));
}

TEST_F(EngineStatsTest, PerMinuteCountsOnlyTheLastMinute) {
  driver_.ingest(make_post("bluesky:1"), approved, t0);
  driver_.ingest(make_post("bluesky:2"), approved, t0 + 30'000);
  boost::json::value stats = stats_of(driver_.tick(t0 + 61'000));
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats.at("tags").at("Road2NATO"),
            boost::json::value(boost::json::object{{"total", 2}, {"per_minute", 1}}));
  stats = stats_of(driver_.tick(t0 + 91'000));
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats.at("tags").at("Road2NATO"),
            boost::json::value(boost::json::object{{"total", 2}, {"per_minute", 0}}));
}

TEST_F(EngineStatsTest, StatsChangeAtMostOnceASecond) {
  EXPECT_TRUE(stats_of(driver_.tick(t0, 1)).is_object());
  EXPECT_TRUE(stats_of(driver_.tick(t0 + 250, 2)).is_null());
  EXPECT_TRUE(stats_of(driver_.tick(t0 + 999, 3)).is_null());
  boost::json::value stats = stats_of(driver_.tick(t0 + 1000, 4));
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats.at("viewers"), 4);
}

TEST_F(EngineStatsTest, UnchangedStatsAreNotRepublished) {
  driver_.tick(t0, 5);
  engine_reply quiet = driver_.tick(t0 + 5000, 5);
  EXPECT_TRUE(quiet.messages.empty());
  EXPECT_FALSE(quiet.journal.has_value());
}

TEST_F(EngineStatsTest, PublicStateShowsTheLastPublishedStats) {
  driver_.tick(t0, 5);
  driver_.tick(t0 + 100, 9);
  EXPECT_EQ(driver_.engine().public_state().at("stats").at("viewers"), 5);
}

}  // namespace
}  // namespace companion::session

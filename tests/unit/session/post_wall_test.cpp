// The social wall on its own: auto-moderation verdicts, moderators' decisions,
// retractions at the source, author lists, the audit trail and the bounds.
#include "session/post_wall.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recording_publisher.hpp"

namespace companion::session {
namespace {

using testing::recording_publisher;

constexpr millis t0 = 1713794400000;

social_post make_post(const std::string& id, const std::string& handle = "ana.example") {
  social_post post;
  post.id = id;
  post.source = "bluesky";
  post.url = "https://bsky.app/profile/" + handle + "/post/" + id;
  post.author_id = "did:plc:" + handle;
  post.author_handle = handle;
  post.author_display_name = "Ana";
  post.text = "Live from the summit #Road2NATO";
  post.tags = {"Road2NATO"};
  post.lang = "en";
  post.created_at = t0 - 1000;
  return post;
}

const moderation_decision held{post_verdict::pending, "default", "new author"};
const moderation_decision trusted{post_verdict::approved, "trusted_author", "on the event's list"};
const moderation_decision blocked{post_verdict::rejected, "blocked_term", "term on the list"};

std::vector<std::string> ids_of(const boost::json::array& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.emplace_back(item.at("id").as_string());
  return out;
}

class PostWallTest : public ::testing::Test {
 protected:
  explicit PostWallTest(wall_limits limits = {}) : wall_(limits) {}

  void ingest(const std::string& id, const moderation_decision& decision,
              const std::string& handle = "ana.example") {
    ASSERT_TRUE(wall_.ingest(make_post(id, handle), decision, t0, out_).ok());
  }

  std::string last_audit_action() const { return wall_.audit().back().action; }

  post_wall wall_;
  recording_publisher out_;
};

// ---- Ingest ----

TEST_F(PostWallTest, HeldPostGoesToTheStaffQueue) {
  ingest("p1", held);
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"queue.post"}));
  const auto& post = out_.last().data.at("post");
  EXPECT_EQ(post.at("held_by"), "default");
  EXPECT_EQ(post.at("reason"), "new author");
  EXPECT_EQ(post.at("received_at"), t0);
  EXPECT_EQ(wall_.queue_depth(), 1u);
  EXPECT_EQ(last_audit_action(), "held");
}

TEST_F(PostWallTest, ApprovedPostBecomesAHighlight) {
  ingest("p1", trusted);
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"highlight.added"}));
  const auto& highlight = out_.last().data;
  EXPECT_EQ(highlight.at("author").at("handle"), "ana.example");
  EXPECT_EQ(highlight.at("featured"), false);
  EXPECT_TRUE(wall_.is_highlight("p1"));
  EXPECT_EQ(last_audit_action(), "auto_approved");
}

TEST_F(PostWallTest, RejectedPostIsAuditedButNeverPublished) {
  ingest("p1", blocked);
  EXPECT_TRUE(out_.entries.empty());
  EXPECT_FALSE(wall_.is_highlight("p1"));
  ASSERT_EQ(wall_.audit().size(), 1u);
  EXPECT_EQ(wall_.audit().back().action, "auto_rejected");
  EXPECT_EQ(wall_.audit().back().rule, "blocked_term");
}

TEST_F(PostWallTest, DuplicatePostIsConflict) {
  ingest("p1", held);
  EXPECT_EQ(wall_.ingest(make_post("p1"), held, t0, out_).code, error_code::conflict);
  EXPECT_EQ(wall_.queue_depth(), 1u);
}

// ---- Moderators' decisions ----

TEST_F(PostWallTest, ApprovalLeavesTheQueueAndJoinsTheWall) {
  ingest("p1", held);
  out_.clear();
  ASSERT_TRUE(wall_.approve("p1", "mod-ana", t0 + 1, out_).ok());
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"queue.removed", "highlight.added"}));
  EXPECT_EQ(wall_.audit().back().who, "mod-ana");
  EXPECT_EQ(wall_.queue_depth(), 0u);
}

TEST_F(PostWallTest, SecondApprovalIsConflict) {
  ingest("p1", held);
  ASSERT_TRUE(wall_.approve("p1", "mod-ana", t0 + 1, out_).ok());
  out_.clear();
  EXPECT_EQ(wall_.approve("p1", "mod-ben", t0 + 2, out_).code, error_code::conflict);
  EXPECT_TRUE(out_.entries.empty());
}

TEST_F(PostWallTest, AutoRejectedPostCanStillBeApproved) {
  ingest("p1", blocked);
  ASSERT_TRUE(wall_.approve("p1", "mod-ana", t0 + 1, out_).ok());
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"highlight.added"}));
}

TEST_F(PostWallTest, RejectionOnlyTellsStaff) {
  ingest("p1", held);
  out_.clear();
  ASSERT_TRUE(wall_.reject("p1", "mod-ana", t0 + 1, out_).ok());
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"queue.removed"}));
  EXPECT_EQ(last_audit_action(), "rejected");
}

TEST_F(PostWallTest, RejectingAnApprovedPostIsConflict) {
  ingest("p1", trusted);
  EXPECT_EQ(wall_.reject("p1", "mod-ana", t0 + 1, out_).code, error_code::conflict);
}

TEST_F(PostWallTest, FeaturingAQueuedPostApprovesIt) {
  ingest("p1", held);
  out_.clear();
  ASSERT_TRUE(wall_.feature("p1", "mod-ana", t0 + 1, out_).ok());
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"queue.removed", "highlight.added"}));
  EXPECT_EQ(out_.last().data.at("featured"), true);
}

TEST_F(PostWallTest, FeaturingAHighlightRepublishesIt) {
  ingest("p1", trusted);
  out_.clear();
  ASSERT_TRUE(wall_.feature("p1", "mod-ana", t0 + 1, out_).ok());
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"highlight.added"}));
  EXPECT_EQ(out_.last().data.at("featured"), true);
  EXPECT_EQ(wall_.feature("p1", "mod-ana", t0 + 2, out_).code, error_code::conflict);
}

TEST_F(PostWallTest, RemovingAHighlightIsPublic) {
  ingest("p1", trusted);
  out_.clear();
  ASSERT_TRUE(wall_.remove("p1", "mod-ana", t0 + 1, out_).ok());
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"highlight.removed"}));
  EXPECT_EQ(out_.last().data, boost::json::value(boost::json::object{{"id", "p1"}}));
  EXPECT_FALSE(wall_.is_highlight("p1"));
  EXPECT_EQ(wall_.approve("p1", "mod-ana", t0 + 2, out_).code, error_code::conflict);
}

TEST_F(PostWallTest, RemovingAQueuedPostIsNotFound) {
  ingest("p1", held);
  EXPECT_EQ(wall_.remove("p1", "mod-ana", t0 + 1, out_).code, error_code::not_found);
}

// ---- Deleted at the source ----

TEST_F(PostWallTest, RetractingAQueuedPostLeavesTheQueue) {
  ingest("p1", held);
  out_.clear();
  ASSERT_TRUE(wall_.retract("p1", t0 + 1, out_).ok());
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"queue.removed"}));
  EXPECT_EQ(wall_.find("p1")->state, post_state::deleted);
  EXPECT_EQ(last_audit_action(), "deleted");
}

TEST_F(PostWallTest, RetractingAHighlightRemovesItPublicly) {
  ingest("p1", trusted);
  out_.clear();
  ASSERT_TRUE(wall_.retract("p1", t0 + 1, out_).ok());
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"highlight.removed"}));
  EXPECT_TRUE(wall_.highlights().empty());
}

TEST_F(PostWallTest, RetractingTwiceIsConflict) {
  ingest("p1", trusted);
  ASSERT_TRUE(wall_.retract("p1", t0 + 1, out_).ok());
  EXPECT_EQ(wall_.retract("p1", t0 + 2, out_).code, error_code::conflict);
}

TEST_F(PostWallTest, RetractingAnUnknownPostIsNotFound) {
  EXPECT_EQ(wall_.retract("p404", t0, out_).code, error_code::not_found);
}

// ---- Author lists ----

TEST_F(PostWallTest, BlockingAnAuthorRejectsTheirQueuedPosts) {
  ingest("p1", held, "spam.example");
  ingest("p2", held, "ana.example");
  ingest("p3", held, "spam.example");
  out_.clear();
  ASSERT_TRUE(wall_.block_author("bluesky", "spam.example", "mod-ana", t0 + 1, out_).ok());
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"queue.removed", "queue.removed", "queue.authors"}));
  EXPECT_EQ(ids_of(wall_.queued_posts()), (std::vector<std::string>{"p2"}));
  EXPECT_EQ(wall_.find("p1")->decision.rule, "blocked_author");
}

TEST_F(PostWallTest, BlockedAuthorsLaterPostsAreRejected) {
  ASSERT_TRUE(wall_.block_author("bluesky", "spam.example", "mod-ana", t0, out_).ok());
  out_.clear();
  ingest("p1", trusted, "spam.example");
  EXPECT_TRUE(out_.entries.empty());
  EXPECT_EQ(wall_.find("p1")->state, post_state::rejected);
}

TEST_F(PostWallTest, BlockingIsPerSource) {
  ingest("p1", held, "spam.example");
  ASSERT_TRUE(wall_.block_author("mastodon", "spam.example", "mod-ana", t0 + 1, out_).ok());
  EXPECT_EQ(wall_.queue_depth(), 1u);
}

TEST_F(PostWallTest, BlockingTwiceIsConflict) {
  ASSERT_TRUE(wall_.block_author("bluesky", "spam.example", "mod-ana", t0, out_).ok());
  EXPECT_EQ(wall_.block_author("bluesky", "spam.example", "mod-ana", t0, out_).code, error_code::conflict);
}

TEST_F(PostWallTest, TrustingAnAuthorApprovesTheirQueuedPosts) {
  ingest("p1", held, "ana.example");
  ingest("p2", held, "ben.example");
  out_.clear();
  ASSERT_TRUE(wall_.trust_author("bluesky", "ana.example", "mod-ana", t0 + 1, out_).ok());
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"queue.removed", "highlight.added", "queue.authors"}));
  EXPECT_TRUE(wall_.is_highlight("p1"));
  EXPECT_EQ(ids_of(wall_.queued_posts()), (std::vector<std::string>{"p2"}));
}

TEST_F(PostWallTest, TrustedAuthorsHeldPostsAreApproved) {
  ASSERT_TRUE(wall_.trust_author("bluesky", "ana.example", "mod-ana", t0, out_).ok());
  out_.clear();
  ingest("p1", held);
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"highlight.added"}));
}

TEST_F(PostWallTest, TrustDoesNotOverruleAnAutomaticRejection) {
  ASSERT_TRUE(wall_.trust_author("bluesky", "ana.example", "mod-ana", t0, out_).ok());
  ingest("p1", blocked);
  EXPECT_FALSE(wall_.is_highlight("p1"));
}

TEST_F(PostWallTest, TrustingLiftsABlock) {
  ASSERT_TRUE(wall_.block_author("bluesky", "ana.example", "mod-ana", t0, out_).ok());
  ASSERT_TRUE(wall_.trust_author("bluesky", "ana.example", "mod-ana", t0, out_).ok());
  EXPECT_TRUE(wall_.blocked_authors().empty());
  EXPECT_EQ(wall_.trusted_authors().size(), 1u);
}

// ---- Order and bounds ----

TEST_F(PostWallTest, WallShowsTheNewestApprovalFirst) {
  ingest("p1", held);
  ingest("p2", trusted);
  ingest("p3", trusted);
  ASSERT_TRUE(wall_.approve("p1", "mod-ana", t0 + 1, out_).ok());
  EXPECT_EQ(ids_of(wall_.highlights()), (std::vector<std::string>{"p1", "p3", "p2"}));
}

TEST_F(PostWallTest, QueueIsOldestFirst) {
  ingest("p2", held);
  ingest("p1", held);
  ingest("p3", held);
  EXPECT_EQ(ids_of(wall_.queued_posts()), (std::vector<std::string>{"p2", "p1", "p3"}));
}

class SmallPostWallTest : public PostWallTest {
 protected:
  SmallPostWallTest() : PostWallTest(wall_limits{3, 5, 100}) {}
};

TEST_F(SmallPostWallTest, WallKeepsOnlyTheNewestHighlights) {
  for (auto id : {"p1", "p2", "p3", "p4"}) ingest(id, trusted);
  EXPECT_EQ(ids_of(wall_.highlights()), (std::vector<std::string>{"p4", "p3", "p2"}));
}

TEST_F(SmallPostWallTest, RemovalDoesNotBringBackAHighlightThatLeftTheWall) {
  // Viewers hold the wall as published: a removal leaves a gap, it does not pull up older items.
  for (auto id : {"p1", "p2", "p3", "p4"}) ingest(id, trusted);
  ASSERT_TRUE(wall_.remove("p3", "mod-ana", t0 + 1, out_).ok());
  EXPECT_EQ(ids_of(wall_.highlights()), (std::vector<std::string>{"p4", "p2"}));
}

TEST_F(SmallPostWallTest, FeaturingAHighlightThatLeftTheWallBringsItBackOnTop) {
  for (auto id : {"p1", "p2", "p3", "p4"}) ingest(id, trusted);
  ASSERT_TRUE(wall_.feature("p1", "mod-ana", t0 + 1, out_).ok());
  EXPECT_EQ(ids_of(wall_.highlights()), (std::vector<std::string>{"p1", "p4", "p3"}));
}

TEST_F(SmallPostWallTest, FeaturingAHighlightOnTheWallKeepsItsPlace) {
  for (auto id : {"p1", "p2", "p3"}) ingest(id, trusted);
  ASSERT_TRUE(wall_.feature("p2", "mod-ana", t0 + 1, out_).ok());
  EXPECT_EQ(ids_of(wall_.highlights()), (std::vector<std::string>{"p3", "p2", "p1"}));
}

TEST_F(SmallPostWallTest, SettledPostsAreForgottenFirst) {
  ingest("p1", blocked);
  ingest("p2", held);
  ingest("p3", blocked);
  ingest("p4", held);
  ingest("p5", trusted);
  ingest("p6", held);
  EXPECT_EQ(wall_.find("p1"), nullptr);
  EXPECT_NE(wall_.find("p3"), nullptr);
  EXPECT_NE(wall_.find("p2"), nullptr);
}

TEST_F(SmallPostWallTest, ForgettingSettledPostsKeepsTheQueueOldestFirst) {
  ingest("p1", held);
  ingest("p2", blocked);
  ingest("p3", held);
  ingest("p4", blocked);
  ingest("p5", held);
  ingest("p6", held);
  ingest("p7", held);
  EXPECT_EQ(ids_of(wall_.queued_posts()), (std::vector<std::string>{"p1", "p3", "p5", "p6", "p7"}));
}

TEST_F(SmallPostWallTest, ApprovedPostsNoViewerHoldsGoBeforeHeldOnes) {
  for (auto id : {"p1", "p2", "p3", "p4"}) ingest(id, trusted);  // p1 left the wall of 3
  ingest("p5", held);
  ingest("p6", held);
  EXPECT_EQ(wall_.find("p1"), nullptr);
  EXPECT_EQ(wall_.size(), 5u);
  EXPECT_EQ(ids_of(wall_.highlights()), (std::vector<std::string>{"p4", "p3", "p2"}));
  EXPECT_EQ(ids_of(wall_.queued_posts()), (std::vector<std::string>{"p5", "p6"}));
  EXPECT_EQ(wall_.evicted().approved, 1u);
  EXPECT_EQ(wall_.evicted().held, 0u);
}

TEST_F(SmallPostWallTest, HeldPostsGoLastOldestFirstAndStaffAreTold) {
  for (auto id : {"p1", "p2", "p3", "p4", "p5"}) ingest(id, held);
  out_.clear();
  ingest("p6", held);
  EXPECT_EQ(ids_of(wall_.queued_posts()), (std::vector<std::string>{"p2", "p3", "p4", "p5", "p6"}));
  ASSERT_EQ(out_.kinds(), (std::vector<std::string>{"queue.post", "queue.removed"}));
  EXPECT_EQ(out_.last().data.at("id"), "p1");
  EXPECT_EQ(last_audit_action(), "evicted");
  EXPECT_EQ(wall_.audit().back().post_id, "p1");
  EXPECT_EQ(wall_.evicted().held, 1u);
  EXPECT_EQ(wall_.approve("p1", "mod-ana", t0, out_).code, error_code::not_found);
}

TEST_F(SmallPostWallTest, TheWallFeaturedPostsAndTheOneOnScreenAreKept) {
  ingest("p1", trusted);
  ASSERT_TRUE(wall_.feature("p1", "mod-ana", t0, out_).ok());
  ingest("p2", trusted);
  wall_.set_on_screen("p2");
  for (auto id : {"p3", "p4", "p5", "p6", "p7", "p8", "p9"}) ingest(id, trusted);
  // Five kept: the wall of three, the featured p1 and p2 on screen, both off the wall.
  EXPECT_EQ(wall_.size(), 5u);
  EXPECT_TRUE(wall_.is_highlight("p1"));
  EXPECT_TRUE(wall_.is_highlight("p2"));
  EXPECT_EQ(ids_of(wall_.highlights()), (std::vector<std::string>{"p9", "p8", "p7"}));
  // Off the screen, p2 is the oldest approved post no one holds: the next arrival pushes it out.
  wall_.set_on_screen("");
  ingest("p10", trusted);
  EXPECT_FALSE(wall_.is_highlight("p2"));
  EXPECT_TRUE(wall_.is_highlight("p1"));
}

TEST_F(SmallPostWallTest, WhatViewersHoldIsNeverForgottenEvenPastTheCap) {
  for (auto id : {"p1", "p2", "p3", "p4", "p5", "p6"}) {
    ingest(id, trusted);
    ASSERT_TRUE(wall_.feature(id, "mod-ana", t0, out_).ok());
  }
  EXPECT_EQ(wall_.size(), 6u);
  // Only the newcomer can go: staff see it arrive and leave.
  out_.clear();
  ingest("p7", held);
  EXPECT_EQ(wall_.size(), 6u);
  EXPECT_EQ(wall_.find("p7"), nullptr);
  EXPECT_EQ(out_.kinds(), (std::vector<std::string>{"queue.post", "queue.removed"}));
  EXPECT_EQ(wall_.evicted().held, 1u);
  EXPECT_EQ(ids_of(wall_.highlights()), (std::vector<std::string>{"p6", "p5", "p4"}));
}

TEST_F(SmallPostWallTest, ARestoredPostIsHeldAgainAndCanBeForgottenAsHeld) {
  ingest("p1", blocked);
  ASSERT_TRUE(wall_.restore("p1", "mod-ana", t0, out_).ok());
  for (auto id : {"p2", "p3", "p4", "p5"}) ingest(id, held);
  ingest("p6", blocked);  // settled goes first, even when newer
  EXPECT_EQ(wall_.find("p6"), nullptr);
  EXPECT_NE(wall_.find("p1"), nullptr);
  ingest("p7", held);
  EXPECT_EQ(wall_.find("p1"), nullptr);
  EXPECT_EQ(wall_.evicted().settled, 1u);
  EXPECT_EQ(wall_.evicted().held, 1u);
}

TEST_F(PostWallTest, AuditIsBounded) {
  post_wall small(wall_limits{50, 100, 3});
  for (auto id : {"p1", "p2", "p3", "p4", "p5"})
    ASSERT_TRUE(small.ingest(make_post(id), blocked, t0, out_).ok());
  ASSERT_EQ(small.audit().size(), 3u);
  EXPECT_EQ(small.audit().front().post_id, "p3");
}

}  // namespace
}  // namespace companion::session

// Posts edited at their source. A queued post is replaced in place. An approved post
// keeps its approved version on the wall until a moderator decides on the edit, which
// waits in the queue under the same id with the rules' verdict and the version shown:
// approving replaces the highlight in place (featured flag and position kept),
// rejecting keeps the approved text. A delete at the source still takes the post down
// at once. The engine journals every step, and a replay rebuilds the same state.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "recording_publisher.hpp"
#include "session/engine.hpp"
#include "session/post_wall.hpp"

namespace companion::session {
namespace {

using namespace testing;

social_post edited(social_post post, std::string text) {
  post.text = std::move(text);
  return post;
}

std::vector<std::string> highlight_ids(const post_wall& wall) {
  std::vector<std::string> out;
  for (const auto& h : wall.highlights()) out.emplace_back(h.at("id").as_string());
  return out;
}

const moderation_decision phishing{post_verdict::rejected, "blocked_term", "contains \"free-tokens\""};

// ---- A queued post ----

TEST(PostEditTest, PendingEditRepublishesQueuePostWithTheNewText) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), held, t0, out).ok());
  out.clear();

  ASSERT_TRUE(
      wall.edit(edited(make_post("bluesky:1"), "Now with a typo fixed #Road2NATO"), held, t0 + 10, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.post"}));
  EXPECT_TRUE(out.last().staff);
  const auto& post = out.last().data.at("post");
  EXPECT_EQ(post.at("id"), "bluesky:1");
  EXPECT_EQ(post.at("text"), "Now with a typo fixed #Road2NATO");
  EXPECT_EQ(post.at("held_by"), "default");  // the decision is kept
  EXPECT_EQ(post.at("received_at"), t0);     // and so is the arrival time
  EXPECT_FALSE(post.as_object().contains("edit_of"));
  EXPECT_EQ(wall.find("bluesky:1")->state, post_state::pending);
  ASSERT_EQ(wall.queued_posts().size(), 1u);
  EXPECT_EQ(wall.queued_posts()[0].at("text"), "Now with a typo fixed #Road2NATO");
  EXPECT_EQ(wall.audit().back().action, "edited");
  EXPECT_EQ(wall.audit().back().who, "source");
}

// ---- An approved post ----

TEST(PostEditTest, EditOfAHighlightWaitsInTheQueueWhileTheApprovedTextStaysShown) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  out.clear();

  ASSERT_TRUE(
      wall.edit(edited(make_post("bluesky:1"), "Claim free-tokens now #Road2NATO"), phishing, t0 + 10, out)
          .ok());

  // Staff only: viewers hear nothing.
  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.post"}));
  EXPECT_TRUE(out.last().staff);
  const auto& post = out.last().data.at("post");
  EXPECT_EQ(post.at("id"), "bluesky:1");
  EXPECT_EQ(post.at("text"), "Claim free-tokens now #Road2NATO");
  EXPECT_EQ(post.at("held_by"), "blocked_term");  // the rules' verdict on the new text
  EXPECT_EQ(post.at("reason"), "contains \"free-tokens\"");
  EXPECT_EQ(post.at("received_at"), t0 + 10);
  EXPECT_EQ(post.at("edit_of").at("text"), "Watching the summit #Road2NATO");
  EXPECT_EQ(wall.highlights()[0].at("text"), "Watching the summit #Road2NATO");
  EXPECT_EQ(wall.find("bluesky:1")->state, post_state::approved);
  EXPECT_TRUE(wall.is_highlight("bluesky:1"));
  EXPECT_EQ(wall.queue_depth(), 1u);
  ASSERT_EQ(wall.queued_posts().size(), 1u);
  EXPECT_EQ(wall.queued_posts()[0], post);
  EXPECT_EQ(wall.audit().back().action, "edit_held");
  EXPECT_EQ(wall.audit().back().rule, "blocked_term");
}

TEST(PostEditTest, AnEditTheRulesWouldApproveStillWaitsForAPerson) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  out.clear();

  ASSERT_TRUE(wall.edit(edited(make_post("bluesky:1"), "Edited #Road2NATO"), approved, t0 + 10, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.post"}));
  EXPECT_EQ(out.last().data.at("post").at("held_by"), "edited_at_source");
  EXPECT_EQ(wall.highlights()[0].at("text"), "Watching the summit #Road2NATO");
}

TEST(PostEditTest, ApprovingTheEditReplacesTheHighlightInPlaceKeepingFeaturedAndPosition) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  ASSERT_TRUE(wall.ingest(make_post("bluesky:2"), approved, t0 + 1, out).ok());
  ASSERT_TRUE(wall.feature("bluesky:1", "mod-ana", t0 + 2, out).ok());
  ASSERT_TRUE(
      wall.edit(edited(make_post("bluesky:1"), "Edited highlight #Road2NATO"), held, t0 + 10, out).ok());
  out.clear();

  ASSERT_TRUE(wall.approve("bluesky:1", "mod-ana", t0 + 20, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.removed", "highlight.added"}));
  EXPECT_EQ(out.entries[0].data.at("id"), "bluesky:1");
  EXPECT_FALSE(out.last().staff);
  EXPECT_EQ(out.last().data.at("id"), "bluesky:1");
  EXPECT_EQ(out.last().data.at("text"), "Edited highlight #Road2NATO");
  EXPECT_EQ(out.last().data.at("featured"), true);
  // The newer highlight stays on top: the edit does not move the post.
  EXPECT_EQ(highlight_ids(wall), (std::vector<std::string>{"bluesky:2", "bluesky:1"}));
  EXPECT_EQ(wall.highlights()[1].at("text"), "Edited highlight #Road2NATO");
  EXPECT_EQ(wall.queue_depth(), 0u);
  EXPECT_EQ(wall.audit().back().action, "edit_approved");
  EXPECT_EQ(wall.audit().back().who, "mod-ana");
  // Decided: approving again is a conflict, as for any approved post.
  EXPECT_EQ(wall.approve("bluesky:1", "mod-ana", t0 + 21, out).code, error_code::conflict);
}

TEST(PostEditTest, RejectingTheEditKeepsTheApprovedTextOnTheWall) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  ASSERT_TRUE(
      wall.edit(edited(make_post("bluesky:1"), "Claim free-tokens #Road2NATO"), phishing, t0 + 10, out).ok());
  out.clear();

  ASSERT_TRUE(wall.reject("bluesky:1", "mod-ana", t0 + 20, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.removed"}));
  EXPECT_TRUE(out.last().staff);
  EXPECT_EQ(wall.highlights()[0].at("text"), "Watching the summit #Road2NATO");
  EXPECT_EQ(wall.find("bluesky:1")->state, post_state::approved);
  EXPECT_FALSE(wall.find("bluesky:1")->edit.has_value());
  EXPECT_EQ(wall.queue_depth(), 0u);
  EXPECT_EQ(wall.audit().back().action, "edit_rejected");
  // The post itself is still live: a second reject has nothing to decide.
  EXPECT_EQ(wall.reject("bluesky:1", "mod-ana", t0 + 21, out).code, error_code::conflict);
}

TEST(PostEditTest, ASecondEditReplacesTheWaitingOneInItsPlace) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  ASSERT_TRUE(wall.ingest(make_post("bluesky:2"), held, t0 + 5, out).ok());
  ASSERT_TRUE(wall.edit(edited(make_post("bluesky:1"), "First edit #Road2NATO"), held, t0 + 10, out).ok());
  out.clear();

  ASSERT_TRUE(
      wall.edit(edited(make_post("bluesky:1"), "Second edit #Road2NATO"), phishing, t0 + 30, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.post"}));
  const auto& post = out.last().data.at("post");
  EXPECT_EQ(post.at("text"), "Second edit #Road2NATO");
  EXPECT_EQ(post.at("held_by"), "blocked_term");
  EXPECT_EQ(post.at("received_at"), t0 + 10);  // waiting since the first edit
  ASSERT_EQ(wall.queued_posts().size(), 2u);
  EXPECT_EQ(wall.queued_posts()[0].at("id"), "bluesky:2");
  EXPECT_EQ(wall.queued_posts()[1].at("text"), "Second edit #Road2NATO");
}

TEST(PostEditTest, AnEditBackToTheShownVersionWithdrawsTheWaitingEdit) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  ASSERT_TRUE(wall.edit(edited(make_post("bluesky:1"), "Oops #Road2NATO"), held, t0 + 10, out).ok());
  out.clear();

  ASSERT_TRUE(wall.edit(make_post("bluesky:1"), approved, t0 + 20, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.removed"}));
  EXPECT_EQ(wall.queue_depth(), 0u);
  EXPECT_EQ(wall.audit().back().action, "edit_withdrawn");
  // An update that changes nothing shown (a poll, a media alt text) queues nothing.
  out.clear();
  ASSERT_TRUE(wall.edit(make_post("bluesky:1"), approved, t0 + 30, out).ok());
  EXPECT_TRUE(out.entries.empty());
}

TEST(PostEditTest, ADeleteAtTheSourceTakesThePostAndItsWaitingEditDownAtOnce) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  ASSERT_TRUE(wall.edit(edited(make_post("bluesky:1"), "Edited #Road2NATO"), held, t0 + 10, out).ok());
  out.clear();

  ASSERT_TRUE(wall.retract("bluesky:1", t0 + 20, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.removed", "highlight.removed"}));
  EXPECT_TRUE(wall.highlights().empty());
  EXPECT_EQ(wall.queue_depth(), 0u);
  EXPECT_EQ(wall.find("bluesky:1")->state, post_state::deleted);
}

TEST(PostEditTest, RemovingTheHighlightDropsItsWaitingEdit) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  ASSERT_TRUE(wall.edit(edited(make_post("bluesky:1"), "Edited #Road2NATO"), held, t0 + 10, out).ok());
  out.clear();

  ASSERT_TRUE(wall.remove("bluesky:1", "mod-ana", t0 + 20, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.removed", "highlight.removed"}));
  EXPECT_EQ(wall.queue_depth(), 0u);
}

TEST(PostEditTest, FeaturingAWaitingEditApprovesAndFeaturesIt) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  ASSERT_TRUE(wall.edit(edited(make_post("bluesky:1"), "Edited #Road2NATO"), held, t0 + 10, out).ok());
  out.clear();

  ASSERT_TRUE(wall.feature("bluesky:1", "mod-ana", t0 + 20, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.removed", "highlight.added"}));
  EXPECT_EQ(out.last().data.at("text"), "Edited #Road2NATO");
  EXPECT_EQ(out.last().data.at("featured"), true);
  EXPECT_EQ(highlight_ids(wall), (std::vector<std::string>{"bluesky:1"}));
}

TEST(PostEditTest, BlockingTheAuthorRejectsTheirWaitingEditsAndTrustingApprovesThem) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1", "ana.example"), approved, t0, out).ok());
  ASSERT_TRUE(wall.ingest(make_post("bluesky:2", "ben.example"), approved, t0, out).ok());
  ASSERT_TRUE(
      wall.edit(edited(make_post("bluesky:1", "ana.example"), "Ana edited #Road2NATO"), held, t0 + 1, out)
          .ok());
  ASSERT_TRUE(
      wall.edit(edited(make_post("bluesky:2", "ben.example"), "Ben edited #Road2NATO"), held, t0 + 1, out)
          .ok());
  out.clear();

  ASSERT_TRUE(wall.block_author("bluesky", "ana.example", "mod-ana", t0 + 2, out).ok());
  ASSERT_TRUE(wall.trust_author("bluesky", "ben.example", "mod-ana", t0 + 3, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.removed", "queue.authors", "queue.removed",
                                                   "highlight.added", "queue.authors"}));
  EXPECT_EQ(wall.find("bluesky:1")->post.text, "Watching the summit #Road2NATO");
  EXPECT_EQ(wall.find("bluesky:2")->post.text, "Ben edited #Road2NATO");
  EXPECT_EQ(wall.queue_depth(), 0u);
  // A blocked author's later edit waits too, named as such.
  ASSERT_TRUE(
      wall.edit(edited(make_post("bluesky:1", "ana.example"), "Again #Road2NATO"), approved, t0 + 4, out)
          .ok());
  EXPECT_EQ(out.last().data.at("post").at("held_by"), "blocked_author");
}

TEST(PostEditTest, EditOfUnknownPostIsNotFound) {
  post_wall wall;
  recording_publisher out;
  outcome result = wall.edit(make_post("bluesky:404"), held, t0, out);
  EXPECT_EQ(result.code, error_code::not_found);
  EXPECT_TRUE(out.entries.empty());
  EXPECT_TRUE(wall.audit().empty());
}

TEST(PostEditTest, EditOfRejectedOrDeletedPostIsRecordedButNotPublished) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), rejected, t0, out).ok());
  ASSERT_TRUE(wall.ingest(make_post("bluesky:2"), approved, t0, out).ok());
  ASSERT_TRUE(wall.retract("bluesky:2", t0 + 1, out).ok());
  out.clear();

  EXPECT_TRUE(wall.edit(edited(make_post("bluesky:1"), "still spam"), held, t0 + 10, out).ok());
  EXPECT_TRUE(wall.edit(edited(make_post("bluesky:2"), "gone anyway"), held, t0 + 10, out).ok());

  EXPECT_TRUE(out.entries.empty());
  EXPECT_TRUE(wall.highlights().empty());
  EXPECT_EQ(wall.queue_depth(), 0u);
  EXPECT_EQ(wall.find("bluesky:1")->state, post_state::rejected);
  EXPECT_EQ(wall.find("bluesky:2")->state, post_state::deleted);
  EXPECT_EQ(wall.audit().back().action, "edited");
}

TEST(PostEditTest, ApprovingTheEditOfAHighlightThatLeftTheWallDoesNotBringItBack) {
  post_wall wall(wall_limits{.wall_size = 1});
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  ASSERT_TRUE(wall.ingest(make_post("bluesky:2"), approved, t0 + 1, out).ok());
  ASSERT_TRUE(wall.edit(edited(make_post("bluesky:1"), "old news, edited"), held, t0 + 10, out).ok());
  out.clear();

  ASSERT_TRUE(wall.approve("bluesky:1", "mod-ana", t0 + 20, out).ok());

  EXPECT_EQ(out.kinds(), (std::vector<std::string>{"queue.removed"}));
  EXPECT_EQ(highlight_ids(wall), (std::vector<std::string>{"bluesky:2"}));
  EXPECT_EQ(wall.find("bluesky:1")->post.text, "old news, edited");
}

// ---- The engine and its journal ----

TEST(PostEditTest, EngineJournalsTheEditWithItsVerdictAndPublishesNothingPublic) {
  event_engine engine(load_event(nato_event), "epoch-1");
  ASSERT_TRUE(engine.ingest(make_post("bluesky:1"), approved, t0).result.ok());

  engine_reply reply = engine.edit(edited(make_post("bluesky:1"), "Edited #Road2NATO"), phishing, t0 + 10);

  ASSERT_TRUE(reply.result.ok());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.post"}));
  EXPECT_TRUE(reply.messages.front()->staff_only);
  EXPECT_EQ(engine.seq(), 1u);
  ASSERT_TRUE(reply.journal.has_value());
  EXPECT_EQ(reply.journal->at("kind"), "edit");
  EXPECT_EQ(reply.journal->at("at"), t0 + 10);
  EXPECT_EQ(reply.journal->at("post").at("text"), "Edited #Road2NATO");
  EXPECT_EQ(reply.journal->at("verdict"), "rejected");
  EXPECT_EQ(reply.journal->at("rule"), "blocked_term");
  EXPECT_EQ(engine.public_state().at("highlights").as_array()[0].at("text"),
            "Watching the summit #Road2NATO");
  EXPECT_EQ(engine.queue_depth(), 1u);
  EXPECT_EQ(engine.queue_snapshot().at("posts").as_array()[0].at("edit_of").at("text"),
            "Watching the summit #Road2NATO");
}

TEST(PostEditTest, ApprovingAnEditIsAModeratorDecisionWithItsWait) {
  event_engine engine(load_event(nato_event), "epoch-1");
  ASSERT_TRUE(engine.ingest(make_post("bluesky:1"), approved, t0).result.ok());
  ASSERT_TRUE(engine.edit(edited(make_post("bluesky:1"), "Edited #Road2NATO"), held, t0 + 10).result.ok());

  engine_reply reply =
      engine.apply(frame(R"({"type":"post.approve","post":"bluesky:1"})"), moderator(), t0 + 70);

  ASSERT_TRUE(reply.result.ok());
  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.removed", "highlight.added"}));
  ASSERT_EQ(reply.effects.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<decision_made>(reply.effects.front()));
  EXPECT_EQ(std::get<decision_made>(reply.effects.front()).waited, 60);
  EXPECT_EQ(engine.public_state().at("highlights").as_array()[0].at("text"), "Edited #Road2NATO");
}

TEST(PostEditTest, AnEditKeepsTheOverlayOnThePostAndApprovingItUpdatesTheOverlaysText) {
  event_engine engine(load_event(nato_event), "epoch-1");
  ASSERT_TRUE(engine.ingest(make_post("bluesky:1"), approved, t0).result.ok());
  ASSERT_TRUE(engine
                  .apply(frame(R"({"type":"on_screen.set","kind":"highlight","item":"bluesky:1"})"),
                         moderator(), t0 + 1)
                  .result.ok());
  ASSERT_TRUE(engine.edit(edited(make_post("bluesky:1"), "Edited #Road2NATO"), held, t0 + 10).result.ok());
  EXPECT_EQ(engine.public_state().at("on_screen").at("id"), "bluesky:1");

  engine_reply rejected_edit =
      engine.apply(frame(R"({"type":"post.reject","post":"bluesky:1"})"), moderator(), t0 + 20);
  ASSERT_TRUE(rejected_edit.result.ok());
  EXPECT_EQ(kinds_of(rejected_edit), (std::vector<std::string>{"queue.removed"}));
  EXPECT_EQ(engine.public_state().at("on_screen").at("id"), "bluesky:1");
  EXPECT_EQ(engine.public_state().at("highlights").as_array()[0].at("text"),
            "Watching the summit #Road2NATO");
}

TEST(PostEditTest, EngineEditOfUnknownPostLeavesNoRecord) {
  event_engine engine(load_event(nato_event), "epoch-1");
  engine_reply reply = engine.edit(make_post("bluesky:404"), held, t0);
  EXPECT_EQ(reply.result.code, error_code::not_found);
  EXPECT_FALSE(reply.journal.has_value());
  EXPECT_TRUE(reply.messages.empty());
  EXPECT_EQ(engine.seq(), 0u);
}

TEST(PostEditTest, ReplayReproducesEditsAndTheirDecisions) {
  event_engine original(load_event(nato_event), "epoch-1");
  std::vector<boost::json::object> journal;
  std::vector<std::string> payloads;
  auto keep = [&](engine_reply reply) {
    ASSERT_TRUE(reply.result.ok());
    ASSERT_TRUE(reply.journal.has_value());
    journal.push_back(*reply.journal);
    for (const auto& m : reply.messages) payloads.push_back(m->payload);
  };
  keep(original.ingest(make_post("bluesky:1"), approved, t0));
  keep(original.ingest(make_post("bluesky:2", "ben.example"), held, t0 + 1));
  keep(original.ingest(make_post("bluesky:3", "cy.example"), approved, t0 + 1));
  keep(original.apply(frame(R"({"type":"post.feature","post":"bluesky:1"})"), moderator(), t0 + 2));
  keep(original.edit(edited(make_post("bluesky:1"), "Highlight, edited #Road2NATO"), held, t0 + 3));
  keep(original.edit(edited(make_post("bluesky:2", "ben.example"), "Queued, edited #Road2NATO"), held,
                     t0 + 4));
  keep(original.edit(edited(make_post("bluesky:3", "cy.example"), "Spam #Road2NATO"), phishing, t0 + 5));
  keep(original.apply(frame(R"({"type":"post.approve","post":"bluesky:1"})"), moderator(), t0 + 6));
  keep(original.edit(edited(make_post("bluesky:3", "cy.example"), "More spam #Road2NATO"), phishing, t0 + 7));

  event_engine rebuilt(load_event(nato_event), "epoch-1");
  std::vector<std::string> replayed;
  for (const auto& record : journal) {
    // Through text, as the store keeps it.
    boost::json::object stored = boost::json::parse(boost::json::serialize(record)).as_object();
    engine_reply reply;
    ASSERT_TRUE(rebuilt.replay(stored, reply)) << stored;
    for (const auto& m : reply.messages) replayed.push_back(m->payload);
  }

  EXPECT_EQ(replayed, payloads);
  EXPECT_EQ(rebuilt.seq(), original.seq());
  EXPECT_EQ(rebuilt.public_state(), original.public_state());
  EXPECT_EQ(rebuilt.queue_snapshot(), original.queue_snapshot());
  EXPECT_EQ(rebuilt.queue_depth(), 2u);
  boost::json::array highlights = rebuilt.public_state().at("highlights").as_array();
  EXPECT_EQ(highlights[1].at("text"), "Highlight, edited #Road2NATO");
  EXPECT_EQ(highlights[1].at("featured"), true);
  EXPECT_EQ(highlights[0].at("text"), "Watching the summit #Road2NATO");  // bluesky:3, edit waiting
  boost::json::array queued = rebuilt.queue_snapshot().at("posts").as_array();
  EXPECT_EQ(queued[0].at("text"), "Queued, edited #Road2NATO");
  EXPECT_EQ(queued[1].at("text"), "More spam #Road2NATO");
  EXPECT_EQ(queued[1].at("held_by"), "blocked_term");
}

TEST(PostEditTest, AnEditRecordWrittenBeforeEditsWereModeratedReplaysAsItWasApplied) {
  event_engine original(load_event(nato_event), "epoch-1");
  engine_reply added = original.ingest(make_post("bluesky:1"), approved, t0);
  // Version 2, the last format before edits were moderated: no verdict, applied at once.
  boost::json::object legacy{{"v", 2},
                             {"kind", "edit"},
                             {"at", t0 + 10},
                             {"post", boost::json::object{{"id", "bluesky:1"},
                                                          {"source", "bluesky"},
                                                          {"author_handle", "ana.example"},
                                                          {"text", "Edited long ago #Road2NATO"},
                                                          {"tags", boost::json::array{"Road2NATO"}}}}};

  event_engine rebuilt(load_event(nato_event), "epoch-1");
  engine_reply reply;
  ASSERT_TRUE(rebuilt.replay(*added.journal, reply));
  ASSERT_TRUE(rebuilt.replay(legacy, reply));

  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"highlight.added"}));
  EXPECT_EQ(rebuilt.seq(), 2u);
  EXPECT_EQ(rebuilt.public_state().at("highlights").as_array()[0].at("text"), "Edited long ago #Road2NATO");
  EXPECT_EQ(rebuilt.queue_depth(), 0u);
}

TEST(PostEditTest, EditRecordWithoutPostIsNotReplayed) {
  event_engine engine(load_event(nato_event), "epoch-1");
  engine_reply reply;
  EXPECT_FALSE(engine.replay(boost::json::object{{"kind", "edit"}, {"at", t0}}, reply));
}

}  // namespace
}  // namespace companion::session

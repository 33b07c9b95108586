// Posts edited at their source: the wall replaces the content in place (same id,
// same decision, same featured flag and position), tells staff or viewers again,
// audits the edit, and a journal replay rebuilds the edited state.
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

// ---- The wall ----

TEST(PostEditTest, PendingEditRepublishesQueuePostWithTheNewText) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), held, t0, out).ok());
  out.clear();

  ASSERT_TRUE(
      wall.edit(edited(make_post("bluesky:1"), "Now with a typo fixed #Road2NATO"), t0 + 10, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"queue.post"}));
  EXPECT_TRUE(out.last().staff);
  const auto& post = out.last().data.at("post");
  EXPECT_EQ(post.at("id"), "bluesky:1");
  EXPECT_EQ(post.at("text"), "Now with a typo fixed #Road2NATO");
  EXPECT_EQ(post.at("held_by"), "default");  // the decision is kept
  EXPECT_EQ(post.at("received_at"), t0);     // and so is the arrival time
  EXPECT_EQ(wall.find("bluesky:1")->state, post_state::pending);
  ASSERT_EQ(wall.queued_posts().size(), 1u);
  EXPECT_EQ(wall.queued_posts()[0].at("text"), "Now with a typo fixed #Road2NATO");
  EXPECT_EQ(wall.audit().back().action, "edited");
  EXPECT_EQ(wall.audit().back().who, "source");
}

TEST(PostEditTest, ApprovedEditRepublishesTheHighlightKeepingFeaturedAndPosition) {
  post_wall wall;
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  ASSERT_TRUE(wall.ingest(make_post("bluesky:2"), approved, t0 + 1, out).ok());
  ASSERT_TRUE(wall.feature("bluesky:1", "mod-ana", t0 + 2, out).ok());
  out.clear();

  ASSERT_TRUE(wall.edit(edited(make_post("bluesky:1"), "Edited highlight #Road2NATO"), t0 + 10, out).ok());

  ASSERT_EQ(out.kinds(), (std::vector<std::string>{"highlight.added"}));
  EXPECT_FALSE(out.last().staff);
  EXPECT_EQ(out.last().data.at("id"), "bluesky:1");
  EXPECT_EQ(out.last().data.at("text"), "Edited highlight #Road2NATO");
  EXPECT_EQ(out.last().data.at("featured"), true);
  // The newer highlight stays on top: the edit does not move the post.
  EXPECT_EQ(highlight_ids(wall), (std::vector<std::string>{"bluesky:2", "bluesky:1"}));
  EXPECT_EQ(wall.highlights()[1].at("text"), "Edited highlight #Road2NATO");
}

TEST(PostEditTest, EditOfUnknownPostIsNotFound) {
  post_wall wall;
  recording_publisher out;
  outcome result = wall.edit(make_post("bluesky:404"), t0, out);
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

  EXPECT_TRUE(wall.edit(edited(make_post("bluesky:1"), "still spam"), t0 + 10, out).ok());
  EXPECT_TRUE(wall.edit(edited(make_post("bluesky:2"), "gone anyway"), t0 + 10, out).ok());

  EXPECT_TRUE(out.entries.empty());
  EXPECT_TRUE(wall.highlights().empty());
  EXPECT_EQ(wall.find("bluesky:1")->state, post_state::rejected);
  EXPECT_EQ(wall.find("bluesky:2")->state, post_state::deleted);
  EXPECT_EQ(wall.audit().back().action, "edited");
}

TEST(PostEditTest, EditOfAHighlightThatLeftTheWallDoesNotBringItBack) {
  post_wall wall(wall_limits{.wall_size = 1});
  recording_publisher out;
  ASSERT_TRUE(wall.ingest(make_post("bluesky:1"), approved, t0, out).ok());
  ASSERT_TRUE(wall.ingest(make_post("bluesky:2"), approved, t0 + 1, out).ok());
  out.clear();

  ASSERT_TRUE(wall.edit(edited(make_post("bluesky:1"), "old news, edited"), t0 + 10, out).ok());

  EXPECT_TRUE(out.entries.empty());
  EXPECT_EQ(highlight_ids(wall), (std::vector<std::string>{"bluesky:2"}));
}

// ---- The engine and its journal ----

TEST(PostEditTest, EngineEditIsJournaledAndNumbered) {
  event_engine engine(load_event(nato_event), "epoch-1");
  ASSERT_TRUE(engine.ingest(make_post("bluesky:1"), approved, t0).result.ok());

  engine_reply reply = engine.edit(edited(make_post("bluesky:1"), "Edited #Road2NATO"), t0 + 10);

  ASSERT_TRUE(reply.result.ok());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"highlight.added"}));
  EXPECT_EQ(reply.messages.front()->seq, 2u);
  ASSERT_TRUE(reply.journal.has_value());
  EXPECT_EQ(reply.journal->at("kind"), "edit");
  EXPECT_EQ(reply.journal->at("at"), t0 + 10);
  EXPECT_EQ(reply.journal->at("post").at("text"), "Edited #Road2NATO");
  EXPECT_EQ(engine.public_state().at("highlights").as_array()[0].at("text"), "Edited #Road2NATO");
}

TEST(PostEditTest, EngineEditOfUnknownPostLeavesNoRecord) {
  event_engine engine(load_event(nato_event), "epoch-1");
  engine_reply reply = engine.edit(make_post("bluesky:404"), t0);
  EXPECT_EQ(reply.result.code, error_code::not_found);
  EXPECT_FALSE(reply.journal.has_value());
  EXPECT_TRUE(reply.messages.empty());
  EXPECT_EQ(engine.seq(), 0u);
}

TEST(PostEditTest, ReplayReproducesTheEditedState) {
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
  keep(original.apply(frame(R"({"type":"post.feature","post":"bluesky:1"})"), moderator(), t0 + 2));
  keep(original.edit(edited(make_post("bluesky:1"), "Highlight, edited #Road2NATO"), t0 + 3));
  keep(original.edit(edited(make_post("bluesky:2", "ben.example"), "Queued, edited #Road2NATO"), t0 + 4));

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
  EXPECT_EQ(rebuilt.public_state().at("highlights").as_array()[0].at("text"), "Highlight, edited #Road2NATO");
  EXPECT_EQ(rebuilt.public_state().at("highlights").as_array()[0].at("featured"), true);
  EXPECT_EQ(rebuilt.queue_snapshot().at("posts").as_array()[0].at("text"), "Queued, edited #Road2NATO");
}

TEST(PostEditTest, EditRecordWithoutPostIsNotReplayed) {
  event_engine engine(load_event(nato_event), "epoch-1");
  engine_reply reply;
  EXPECT_FALSE(engine.replay(boost::json::object{{"kind", "edit"}, {"at", t0}}, reply));
}

}  // namespace
}  // namespace companion::session

// Moderators take decisions back: post.restore, question.restore, author.unblock
// and author.untrust; the author lists staff see; bulk decisions on a selection
// and their limits; and every one of them replayed from the journal.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "session/post_wall.hpp"
#include "session/question_board.hpp"

namespace companion::session {
namespace {

using namespace testing;

boost::json::object on_post(std::string_view type, const std::string& id) {
  return {{"type", type}, {"post", id}};
}
boost::json::object on_posts(std::string_view type, const std::vector<std::string>& ids) {
  boost::json::array posts;
  for (const auto& id : ids) posts.emplace_back(id);
  return {{"type", type}, {"posts", std::move(posts)}};
}
boost::json::object on_author(std::string_view type, const std::string& handle) {
  return {{"type", type}, {"source", "bluesky"}, {"handle", handle}};
}
boost::json::object on_question(std::string_view type, const std::string& id) {
  return {{"type", type}, {"question", id}};
}

class EngineUndoTest : public ::testing::Test {
 protected:
  std::vector<std::string> wall_ids() {
    std::vector<std::string> out;
    boost::json::object state = driver_.engine().public_state();
    for (const auto& h : state.at("highlights").as_array()) out.emplace_back(h.at("id").as_string());
    return out;
  }
  std::vector<std::string> queue_ids() {
    std::vector<std::string> out;
    boost::json::object queue = driver_.engine().queue_snapshot();
    for (const auto& p : queue.at("posts").as_array()) out.emplace_back(p.at("id").as_string());
    return out;
  }
  boost::json::array listed(std::string_view which) {
    boost::json::object queue = driver_.engine().queue_snapshot();
    return queue.at("authors").at(which).as_array();
  }
  void hold(const std::string& id, const std::string& handle = "ana.example") {
    ASSERT_TRUE(driver_.ingest(make_post(id, handle), held).result.ok());
  }

  engine_driver driver_{nato_event};
};

// ---- post.restore ----

TEST_F(EngineUndoTest, RestoringARejectedPostPutsItBackInItsQueuePlace) {
  hold("bluesky:1");
  hold("bluesky:2");
  ASSERT_TRUE(driver_.run(on_post("post.reject", "bluesky:1"), moderator()).result.ok());
  engine_reply reply = driver_.run(on_post("post.restore", "bluesky:1"), moderator());
  ASSERT_TRUE(reply.result.ok()) << reply.result.message;
  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.post"}));
  EXPECT_EQ(queue_ids(), (std::vector<std::string>{"bluesky:1", "bluesky:2"}));
  EXPECT_EQ(driver_.engine().wall().audit().back().action, "restored");
  EXPECT_TRUE(reply.journal.has_value());
}

TEST_F(EngineUndoTest, RestoringARemovedHighlightQueuesItAgain) {
  driver_.ingest(make_post("bluesky:1"), approved);
  driver_.run({{"type", "highlight.remove"}, {"highlight", "bluesky:1"}}, moderator());
  ASSERT_TRUE(driver_.run(on_post("post.restore", "bluesky:1"), moderator()).result.ok());
  EXPECT_EQ(queue_ids(), (std::vector<std::string>{"bluesky:1"}));
  EXPECT_TRUE(wall_ids().empty());
}

TEST_F(EngineUndoTest, RestoringAQueuedOrApprovedPostIsConflict) {
  hold("bluesky:1");
  driver_.ingest(make_post("bluesky:2"), approved);
  EXPECT_EQ(driver_.run(on_post("post.restore", "bluesky:1"), moderator()).result.code, error_code::conflict);
  EXPECT_EQ(driver_.run(on_post("post.restore", "bluesky:2"), moderator()).result.code, error_code::conflict);
  EXPECT_EQ(driver_.run(on_post("post.restore", "bluesky:9"), moderator()).result.code,
            error_code::not_found);
}

TEST_F(EngineUndoTest, ViewersCannotRestore) {
  hold("bluesky:1");
  driver_.run(on_post("post.reject", "bluesky:1"), moderator());
  EXPECT_EQ(driver_.run(on_post("post.restore", "bluesky:1"), viewer("v1")).result.code,
            error_code::forbidden);
}

// ---- question.restore ----

TEST_F(EngineUndoTest, RestoringARejectedLiveQuestionBringsItBackWithItsVotes) {
  engine_reply asked =
      driver_.run({{"type", "question.ask"}, {"text", "Will the office open?"}}, viewer("v1"));
  std::string id(asked.ack.at("question").as_string());
  driver_.run(on_question("question.approve", id), moderator());
  driver_.run(on_question("question.vote", id), viewer("v2"));
  driver_.run(on_question("question.reject", id), moderator());
  engine_reply reply = driver_.run(on_question("question.restore", id), moderator());
  ASSERT_TRUE(reply.result.ok()) << reply.result.message;
  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"question.added"}));
  EXPECT_EQ(reply.messages.front()->data.at("votes"), 1);
  EXPECT_EQ(reply.messages.front()->data.at("status"), "open");
}

TEST_F(EngineUndoTest, RestoringARejectedPendingQuestionQueuesItAgain) {
  engine_reply asked = driver_.run({{"type", "question.ask"}, {"text", "Why Tokyo?"}}, viewer("v1"));
  std::string id(asked.ack.at("question").as_string());
  driver_.run(on_question("question.reject", id), moderator());
  engine_reply reply = driver_.run(on_question("question.restore", id), moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.question"}));
  EXPECT_EQ(reply.messages.front()->data.at("question").at("status"), "pending");
  EXPECT_EQ(driver_.run(on_question("question.restore", id), moderator()).result.code, error_code::conflict);
}

// ---- author lists ----

TEST_F(EngineUndoTest, UnblockingBringsBackWhatTheBlockRejectedButNotWhatAModeratorRejected) {
  hold("bluesky:1", "spam.example");
  hold("bluesky:2", "spam.example");
  driver_.run(on_post("post.reject", "bluesky:2"), moderator());
  driver_.run(on_author("author.block", "spam.example"), moderator());
  driver_.ingest(make_post("bluesky:3", "spam.example"), held);  // arrives while blocked
  EXPECT_TRUE(queue_ids().empty());
  engine_reply reply = driver_.run(on_author("author.unblock", "spam.example"), moderator("mod-ben"));
  ASSERT_TRUE(reply.result.ok()) << reply.result.message;
  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.post", "queue.post", "queue.authors"}));
  EXPECT_EQ(queue_ids(), (std::vector<std::string>{"bluesky:1", "bluesky:3"}));
  EXPECT_TRUE(listed("blocked").empty());
  EXPECT_EQ(driver_.engine().wall().audit().back().who, "mod-ben");
}

TEST_F(EngineUndoTest, UnblockingAnAuthorNotBlockedIsNotFound) {
  EXPECT_EQ(driver_.run(on_author("author.unblock", "ana.example"), moderator()).result.code,
            error_code::not_found);
}

TEST_F(EngineUndoTest, UntrustingTakesTheTrustedPostsOffTheWallAndBackToTheQueue) {
  hold("bluesky:1", "ana.example");
  driver_.ingest(make_post("bluesky:2", "ana.example"), approved);  // approved by the file's rules
  driver_.run(on_author("author.trust", "ana.example"), moderator());
  EXPECT_EQ(wall_ids(), (std::vector<std::string>{"bluesky:1", "bluesky:2"}));
  engine_reply reply = driver_.run(on_author("author.untrust", "ana.example"), moderator());
  ASSERT_TRUE(reply.result.ok()) << reply.result.message;
  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"highlight.removed", "queue.post", "queue.authors"}));
  EXPECT_EQ(wall_ids(), (std::vector<std::string>{"bluesky:2"}));
  EXPECT_EQ(queue_ids(), (std::vector<std::string>{"bluesky:1"}));
}

TEST_F(EngineUndoTest, AuthorListsNameWhoAndWhenForStaff) {
  engine_reply reply = driver_.run(on_author("author.block", "spam.example"), moderator("Ana Ruiz"), t0 + 7);
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.authors"}));
  EXPECT_TRUE(reply.messages.front()->staff_only);
  boost::json::array blocked = listed("blocked");
  ASSERT_EQ(blocked.size(), 1u);
  EXPECT_EQ(blocked[0].at("handle"), "spam.example");
  EXPECT_EQ(blocked[0].at("source"), "bluesky");
  EXPECT_EQ(blocked[0].at("by"), "Ana Ruiz");
  EXPECT_EQ(blocked[0].at("at"), t0 + 7);
  driver_.run(on_author("author.trust", "spam.example"), moderator());
  EXPECT_TRUE(listed("blocked").empty());
  EXPECT_EQ(listed("trusted").size(), 1u);
}

// ---- bulk decisions ----

TEST_F(EngineUndoTest, BulkApprovePublishesEachPostAndAcksWhatItDid) {
  for (const char* id : {"bluesky:1", "bluesky:2", "bluesky:3"}) hold(id);
  driver_.run(on_post("post.reject", "bluesky:2"),
              moderator("mod-ben"));  // settled meanwhile... and rejected
  driver_.run(on_post("post.restore", "bluesky:2"), moderator("mod-ben"));
  driver_.run(on_post("post.approve", "bluesky:3"), moderator("mod-ben"));
  engine_reply reply =
      driver_.run(on_posts("post.approve", {"bluesky:1", "bluesky:2", "bluesky:3"}), moderator());
  ASSERT_TRUE(reply.result.ok()) << reply.result.message;
  EXPECT_EQ(count_kind(reply.messages, "highlight.added"), 2u);
  EXPECT_EQ(reply.ack.at("done").as_array().size(), 2u);
  ASSERT_EQ(reply.ack.at("skipped").as_array().size(), 1u);
  EXPECT_EQ(reply.ack.at("skipped").at(0).at("post"), "bluesky:3");
  EXPECT_EQ(reply.ack.at("skipped").at(0).at("code"), "conflict");
  EXPECT_TRUE(queue_ids().empty());
}

TEST_F(EngineUndoTest, BulkRejectOfNothingDecidableIsConflictAndChangesNothing) {
  driver_.ingest(make_post("bluesky:1"), approved);
  engine_reply reply = driver_.run(on_posts("post.reject", {"bluesky:1", "bluesky:404"}), moderator());
  EXPECT_EQ(reply.result.code, error_code::conflict);
  EXPECT_TRUE(reply.messages.empty());
  EXPECT_FALSE(reply.journal.has_value());
}

TEST_F(EngineUndoTest, BulkOfAHundredPostsIsOneJournalRecord) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < max_bulk_posts; ++i) {
    ids.push_back("bluesky:" + std::to_string(i));
    hold(ids.back());
  }
  std::size_t before = driver_.journal().size();
  engine_reply reply = driver_.run(on_posts("post.reject", ids), moderator());
  ASSERT_TRUE(reply.result.ok());
  EXPECT_EQ(driver_.journal().size(), before + 1);
  EXPECT_EQ(count_kind(reply.messages, "queue.removed"), max_bulk_posts);
  EXPECT_TRUE(queue_ids().empty());
}

// ---- the decoder's limits on a selection ----

bool refused(std::string_view json, std::string& why) {
  command_decoder decoder;
  command out;
  decode_failure failure;
  bool ok = decoder.decode(json, out, failure);
  why = failure.message;
  return !ok;
}

TEST(BulkDecodeTest, MoreThanAHundredPostsIsRefused) {
  std::string json = R"({"type":"post.approve","id":1,"posts":[)";
  for (std::size_t i = 0; i <= max_bulk_posts; ++i) json += (i ? ",\"p" : "\"p") + std::to_string(i) + "\"";
  json += "]}";
  std::string why;
  ASSERT_TRUE(refused(json, why));
  EXPECT_NE(why.find("at most 100"), std::string::npos) << why;
}

TEST(BulkDecodeTest, EmptyRepeatedOrNonStringSelectionsAreRefused) {
  std::string why;
  EXPECT_TRUE(refused(R"({"type":"post.reject","posts":[]})", why));
  EXPECT_TRUE(refused(R"({"type":"post.reject","posts":["a","a"]})", why));
  EXPECT_NE(why.find("twice"), std::string::npos) << why;
  EXPECT_TRUE(refused(R"({"type":"post.reject","posts":["a",{"b":1}]})", why));
  EXPECT_TRUE(refused(R"({"type":"post.reject","posts":"a"})", why));
  EXPECT_TRUE(refused(R"({"type":"post.reject","posts":["a"],"post":"b"})", why));
  EXPECT_TRUE(refused(R"({"type":"post.feature","posts":["a"]})", why));
}

TEST(BulkDecodeTest, ASelectionSurvivesTheJournalRoundTrip) {
  command cmd = frame(R"({"type":"post.approve","id":"x","posts":["b:1","b:2"]})");
  command_body back;
  ASSERT_TRUE(command_from_json(command_to_json(cmd.body), back));
  EXPECT_EQ(std::get<post_approve>(back).posts, (std::vector<std::string>{"b:1", "b:2"}));
}

// ---- replay ----

TEST_F(EngineUndoTest, EveryUndoIsRebuiltFromTheJournal) {
  hold("bluesky:1", "spam.example");
  hold("bluesky:2", "ana.example");
  hold("bluesky:3", "ben.example");
  driver_.run(on_author("author.block", "spam.example"), moderator());
  driver_.run(on_author("author.trust", "ana.example"), moderator());
  driver_.run(on_author("author.unblock", "spam.example"), moderator());
  driver_.run(on_author("author.untrust", "ana.example"), moderator());
  driver_.run(on_posts("post.reject", {"bluesky:1", "bluesky:3"}), moderator());
  driver_.run(on_post("post.restore", "bluesky:3"), moderator());
  event_engine fresh(load_event(nato_event), "epoch-1");
  for (const auto& record : driver_.journal()) {
    engine_reply reply;
    ASSERT_TRUE(fresh.replay(record, reply));
  }
  EXPECT_EQ(boost::json::serialize(fresh.queue_snapshot()),
            boost::json::serialize(driver_.engine().queue_snapshot()));
  EXPECT_EQ(boost::json::serialize(fresh.public_state()),
            boost::json::serialize(driver_.engine().public_state()));
}

// ---- on air ----

TEST_F(EngineUndoTest, OnScreenSaysWhoPutItOnAir) {
  driver_.ingest(make_post("bluesky:1"), approved);
  engine_reply reply = driver_.run({{"type", "on_screen.set"}, {"kind", "highlight"}, {"item", "bluesky:1"}},
                                   moderator("Ana Ruiz"));
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"on_screen"}));
  EXPECT_EQ(reply.messages.front()->data.at("by"), "Ana Ruiz");
  EXPECT_EQ(driver_.engine().public_state().at("on_screen").at("by"), "Ana Ruiz");
}

TEST(EngineOnAirTest, AnEventCanReserveTheOverlayToProducers) {
  event_definition def = load_event(nato_event);
  def.on_air_producers_only = true;
  event_engine engine(std::move(def), "epoch-1");
  engine.ingest(make_post("bluesky:1"), approved, t0);
  command put = frame(R"({"type":"on_screen.set","kind":"highlight","item":"bluesky:1"})");
  EXPECT_EQ(engine.apply(put, moderator(), t0).result.code, error_code::forbidden);
  EXPECT_TRUE(engine.apply(put, producer(), t0).result.ok());
}

}  // namespace
}  // namespace companion::session

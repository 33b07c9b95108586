// Audience Q&A through the engine: pending questions reach staff only, approval
// publishes them, votes are coalesced by the clock tick (at most four `votes`
// changes a second), merges, and events without pre-moderation.
#include "session/engine.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "session/question_board.hpp"

namespace companion::session {
namespace {

using namespace testing;

boost::json::object ask(const std::string& text) {
  return {{"type", "question.ask"}, {"text", text}};
}
boost::json::object on_question(std::string_view type, const std::string& id) {
  return {{"type", type}, {"question", id}};
}

class EngineQuestionTest : public ::testing::Test {
 protected:
  std::string approved_question(const std::string& text, const std::string& asker = "v-asker",
                                millis at = t0) {
    engine_reply asked = driver_.run(ask(text), viewer(asker), at);
    EXPECT_TRUE(asked.result.ok()) << asked.result.message;
    std::string id(asked.ack.at("question").as_string());
    EXPECT_TRUE(driver_.run(on_question("question.approve", id), moderator(), at).result.ok());
    return id;
  }

  void vote(const std::string& id, const std::string& who, millis at = t0) {
    engine_reply reply = driver_.run(on_question("question.vote", id), viewer(who), at);
    ASSERT_TRUE(reply.result.ok()) << reply.result.message;
  }

  std::vector<std::string> public_ids() {
    std::vector<std::string> out;
    boost::json::object state = driver_.engine().public_state();
    for (const auto& q : state.at("questions").as_array()) out.emplace_back(q.at("id").as_string());
    return out;
  }

  engine_driver driver_{nato_event};
};

class UnmoderatedQuestionTest : public EngineQuestionTest {
 protected:
  UnmoderatedQuestionTest() { driver_ = engine_driver(demo_event); }
};

// ---- Asking and approving ----

TEST_F(EngineQuestionTest, AskedQuestionWaitsForStaffOutsideTheSeq) {
  engine_reply reply = driver_.run(ask("Will NATO open an office in Tokyo?"), viewer("v1"));
  ASSERT_TRUE(reply.result.ok());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.question"}));
  const published_message& frame = *reply.messages.front();
  EXPECT_TRUE(frame.staff_only);
  EXPECT_EQ(frame.seq, 0u);
  EXPECT_EQ(frame.data.at("question").at("status"), "pending");
  EXPECT_EQ(reply.ack, boost::json::value(boost::json::object{{"question", "q1"}, {"status", "pending"}}));
  EXPECT_EQ(driver_.engine().seq(), 0u);
  EXPECT_TRUE(driver_.engine().public_state().at("questions").as_array().empty());
}

TEST_F(EngineQuestionTest, PendingQuestionIsInTheQueueSnapshot) {
  driver_.run(ask("Why?"), viewer("v1"));
  boost::json::array questions = driver_.engine().queue_snapshot().at("questions").as_array();
  ASSERT_EQ(questions.size(), 1u);
  EXPECT_EQ(questions[0].at("id"), "q1");
}

TEST_F(EngineQuestionTest, QuestionRecordsTheLiveSegment) {
  driver_.run(R"({"type":"agenda.start"})", producer());
  driver_.run(R"({"type":"agenda.next"})", producer());
  engine_reply reply = driver_.run(ask("Why?"), viewer("v1"));
  EXPECT_EQ(reply.messages.front()->data.at("question").at("segment"), "keynote");
}

TEST_F(EngineQuestionTest, ApprovalRemovesFromQueueAndPublishes) {
  driver_.run(ask("Why?"), viewer("v1"));
  engine_reply reply = driver_.run(on_question("question.approve", "q1"), moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"queue.removed", "question.added"}));
  EXPECT_TRUE(reply.messages[0]->staff_only);
  EXPECT_EQ(reply.messages[1]->seq, 1u);
  EXPECT_EQ(reply.messages[1]->data.at("status"), "open");
  EXPECT_EQ(reply.ack.at("seq"), 1u);
  EXPECT_TRUE(driver_.engine().queue_snapshot().at("questions").as_array().empty());
}

TEST_F(EngineQuestionTest, InvalidQuestionIsBadRequestAndNotJournaled) {
  engine_reply reply = driver_.run(ask(std::string(281, 'x')), viewer("v1"));
  EXPECT_EQ(reply.result.code, error_code::bad_request);
  EXPECT_TRUE(reply.messages.empty());
  EXPECT_FALSE(reply.journal.has_value());
}

TEST_F(UnmoderatedQuestionTest, QuestionIsPublishedAtOnce) {
  engine_reply reply = driver_.run(ask("How do I join?"), viewer("v1"));
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"question.added"}));
  EXPECT_EQ(reply.messages.front()->seq, 1u);
  EXPECT_EQ(reply.ack.at("status"), "open");
  EXPECT_EQ(reply.ack.at("seq"), 1u);
  EXPECT_EQ(driver_.engine().public_state().at("qa").at("premoderated"), false);
}

// ---- Votes ----

TEST_F(EngineQuestionTest, VoteIsAcceptedWithoutAChange) {
  std::string id = approved_question("Why?");
  engine_reply reply = driver_.run(on_question("question.vote", id), viewer("v2"));
  ASSERT_TRUE(reply.result.ok());
  EXPECT_TRUE(reply.messages.empty());
  EXPECT_TRUE(reply.journal.has_value());
}

TEST_F(EngineQuestionTest, SecondVoteOfAViewerIsConflict) {
  std::string id = approved_question("Why?");
  vote(id, "v2");
  engine_reply again = driver_.run(on_question("question.vote", id), viewer("v2"));
  EXPECT_EQ(again.result.code, error_code::conflict);
  EXPECT_FALSE(again.journal.has_value());
}

TEST_F(EngineQuestionTest, UnvoteTakesTheVoteBack) {
  std::string id = approved_question("Why?");
  vote(id, "v2");
  ASSERT_TRUE(driver_.run(on_question("question.unvote", id), viewer("v2")).result.ok());
  engine_reply tick = driver_.tick(t0 + 1000);
  ASSERT_EQ(count_kind(tick.messages, "votes"), 1u);
  EXPECT_EQ(tick.messages.front()->data, boost::json::value(boost::json::object{{id, 0}}));
}

TEST_F(EngineQuestionTest, TickCoalescesManyVotesIntoOneChange) {
  std::string a = approved_question("Why?");
  std::string b = approved_question("How?");
  for (int i = 0; i < 40; ++i) vote(a, "v" + std::to_string(i));
  for (int i = 0; i < 7; ++i) vote(b, "v" + std::to_string(i));
  engine_reply reply = driver_.tick(t0 + 1000);
  ASSERT_EQ(count_kind(reply.messages, "votes"), 1u);
  const auto& votes = reply.messages.front();
  EXPECT_EQ(votes->data, boost::json::value(boost::json::object{{a, 40}, {b, 7}}));
  EXPECT_EQ(votes->seq, driver_.engine().seq() - (reply.messages.size() - 1));
  EXPECT_TRUE(reply.journal.has_value());
}

TEST_F(EngineQuestionTest, TickWithoutNewVotesPublishesNoVotes) {
  std::string id = approved_question("Why?");
  vote(id, "v2");
  driver_.tick(t0 + 1000);
  EXPECT_EQ(count_kind(driver_.tick(t0 + 2000).messages, "votes"), 0u);
}

TEST_F(EngineQuestionTest, VotesChangesComeAtMostFourTimesASecond) {
  std::string id = approved_question("Why?");
  // A new vote before every tick; ticks every 50 ms for three seconds.
  std::vector<millis> published_at;
  for (int i = 0; i < 60; ++i) {
    millis now = t0 + 1000 + i * 50;
    vote(id, "v" + std::to_string(i), now);
    engine_reply reply = driver_.tick(now);
    for (const auto& m : reply.messages)
      if (m->kind == "votes") published_at.push_back(now);
  }
  ASSERT_GE(published_at.size(), 10u);
  for (std::size_t i = 0; i + 4 < published_at.size(); ++i)
    EXPECT_GE(published_at[i + 4] - published_at[i], 1000) << "five votes changes within one second";
}

TEST_F(EngineQuestionTest, VotesWaitForTheQuarterSecond) {
  std::string id = approved_question("Why?");
  millis now = t0 + 10'000;
  vote(id, "v1", now);
  EXPECT_EQ(count_kind(driver_.tick(now).messages, "votes"), 1u);
  vote(id, "v2", now + 100);
  EXPECT_EQ(count_kind(driver_.tick(now + 100).messages, "votes"), 0u);
  EXPECT_EQ(count_kind(driver_.tick(now + 249).messages, "votes"), 0u);
  engine_reply later = driver_.tick(now + 250);
  ASSERT_EQ(count_kind(later.messages, "votes"), 1u);
  EXPECT_EQ(later.messages.front()->data, boost::json::value(boost::json::object{{id, 2}}));
}

TEST_F(EngineQuestionTest, VoteOnAnAnsweredQuestionIsConflict) {
  std::string id = approved_question("Why?");
  ASSERT_TRUE(driver_.run(on_question("question.answered", id), moderator()).result.ok());
  EXPECT_EQ(driver_.run(on_question("question.vote", id), viewer("v2")).result.code, error_code::conflict);
}

TEST_F(EngineQuestionTest, StaffWithoutViewerIdCannotVote) {
  std::string id = approved_question("Why?");
  EXPECT_EQ(driver_.run(on_question("question.vote", id), moderator()).result.code, error_code::forbidden);
}

// ---- Ranking ----

TEST_F(EngineQuestionTest, AnsweredQuestionsRankBelowOpenOnes) {
  std::string first = approved_question("First?", "v-a", t0);
  std::string second = approved_question("Second?", "v-b", t0 + 1);
  std::string third = approved_question("Third?", "v-c", t0 + 2);
  vote(third, "v1");
  vote(third, "v2");
  vote(first, "v1");
  vote(first, "v2");
  vote(first, "v3");
  ASSERT_TRUE(driver_.run(on_question("question.answered", first), moderator()).result.ok());
  driver_.tick(t0 + 1000);
  EXPECT_EQ(public_ids(), (std::vector<std::string>{third, second, first}));
}

// ---- Merges ----

TEST_F(UnmoderatedQuestionTest, NearIdenticalQuestionMergesAndCountsAsAVote) {
  driver_.run(ask("When does the Q&A start?"), viewer("v1"));
  engine_reply merged = driver_.run(ask("when does the q&a start"), viewer("v2"));
  ASSERT_TRUE(merged.result.ok());
  EXPECT_EQ(merged.ack.at("merged_into"), "q1");
  EXPECT_EQ(merged.ack.at("question"), "q1");
  EXPECT_EQ(merged.ack.at("asked"), "q2");
  ASSERT_EQ(kinds_of(merged), (std::vector<std::string>{"queue.question"}));
  EXPECT_EQ(merged.messages.front()->data.at("question").at("status"), "merged");
  engine_reply tick = driver_.tick(t0 + 1000);
  ASSERT_EQ(count_kind(tick.messages, "votes"), 1u);
  EXPECT_EQ(tick.messages.front()->data, boost::json::value(boost::json::object{{"q1", 1}}));
  EXPECT_EQ(public_ids(), (std::vector<std::string>{"q1"}));
}

TEST_F(UnmoderatedQuestionTest, UnmergeRestoresTheQuestionAndTakesTheVoteBack) {
  driver_.run(ask("When does the Q&A start?"), viewer("v1"));
  driver_.run(ask("when does the q&a start"), viewer("v2"));
  driver_.tick(t0 + 1000);
  engine_reply unmerged = driver_.run(on_question("question.unmerge", "q2"), moderator(), t0 + 2000);
  ASSERT_TRUE(unmerged.result.ok()) << unmerged.result.message;
  EXPECT_EQ(kinds_of(unmerged), (std::vector<std::string>{"queue.removed", "question.added"}));
  engine_reply tick = driver_.tick(t0 + 2000);
  ASSERT_EQ(count_kind(tick.messages, "votes"), 1u);
  EXPECT_EQ(tick.messages.front()->data, boost::json::value(boost::json::object{{"q1", 0}}));
  EXPECT_EQ(public_ids(), (std::vector<std::string>{"q1", "q2"}));
}

TEST_F(EngineQuestionTest, MergeIntoAPendingQuestionUpdatesItForStaff) {
  driver_.run(ask("What about Taiwan?"), viewer("v1"));
  engine_reply merged = driver_.run(ask("What about Taiwan"), viewer("v2"));
  ASSERT_EQ(kinds_of(merged), (std::vector<std::string>{"queue.question", "queue.question"}));
  const auto& target = merged.messages[1]->data.at("question");
  EXPECT_EQ(target.at("id"), "q1");
  EXPECT_EQ(target.at("votes"), 1);
  EXPECT_EQ(target.at("merged_from"), boost::json::value(boost::json::array{"q2"}));
}

// ---- Rejecting, answering, editing ----

TEST_F(EngineQuestionTest, RejectingAPublicQuestionRemovesIt) {
  std::string id = approved_question("Why?");
  engine_reply reply = driver_.run(on_question("question.reject", id), moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"question.removed"}));
  EXPECT_TRUE(driver_.engine().public_state().at("questions").as_array().empty());
}

TEST_F(EngineQuestionTest, EditPublishesTheNewText) {
  std::string id = approved_question("Wy?");
  engine_reply reply = driver_.run(
      boost::json::object{{"type", "question.edit"}, {"question", id}, {"text", "Why?"}}, moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"question.updated"}));
  EXPECT_EQ(reply.messages.front()->data.at("text"), "Why?");
}

TEST_F(EngineQuestionTest, ReopenAfterAnswered) {
  std::string id = approved_question("Why?");
  driver_.run(on_question("question.answered", id), moderator(), t0 + 5);
  engine_reply reply = driver_.run(on_question("question.reopen", id), moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"question.updated"}));
  EXPECT_EQ(reply.messages.front()->data.at("status"), "open");
}

TEST_F(EngineQuestionTest, QaClosedRefusesQuestionsAndReopens) {
  driver_.run(R"({"type":"qa.set","open":false})", producer());
  EXPECT_EQ(driver_.run(ask("Why?"), viewer("v1")).result.code, error_code::conflict);
  ASSERT_TRUE(driver_.run(R"({"type":"qa.set","open":true})", producer()).result.ok());
  EXPECT_TRUE(driver_.run(ask("Why?"), viewer("v1")).result.ok());
}

}  // namespace
}  // namespace companion::session

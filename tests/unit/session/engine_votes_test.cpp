// Votes in the journal: each is a compact record of its own (less than half a command record),
// one viewer changes a vote on one question at most max_vote_changes times, so a flood
// from one id stops growing the journal, and vote commands of older formats still replay.
#include "session/engine.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <iostream>
#include <string>

#include "engine_fixture.hpp"
#include "session/question_board.hpp"

namespace companion::session {
namespace {

using namespace testing;

boost::json::object on_question(std::string_view type, const std::string& id) {
  return {{"type", type}, {"question", id}};
}

// Signed viewer ids are this long on the wire (id, expiry and MAC).
std::string viewer_id(std::size_t n) {
  std::string id = "v1." + std::to_string(n) + ".";
  id.resize(44, 'x');
  return id;
}

class EngineVotesTest : public ::testing::Test {
 protected:
  EngineVotesTest() : driver_(demo_event) {}  // questions open at once

  std::string open_question(const std::string& text) {
    engine_reply asked =
        driver_.run(boost::json::object{{"type", "question.ask"}, {"text", text}}, viewer("asker"));
    EXPECT_TRUE(asked.result.ok()) << asked.result.message;
    return std::string(asked.ack.at("question").as_string());
  }

  std::unique_ptr<event_engine> replay(const std::vector<boost::json::object>& records,
                                       std::size_t* bytes = nullptr) {
    auto rebuilt = std::make_unique<event_engine>(load_event(demo_event), "epoch-1");
    for (const auto& record : records) {
      std::string text = boost::json::serialize(record);
      if (bytes) *bytes += text.size();
      engine_reply reply;
      EXPECT_TRUE(rebuilt->replay(boost::json::parse(text).as_object(), reply)) << text;
      EXPECT_TRUE(reply.result.ok()) << text << ": " << reply.result.message;
    }
    return rebuilt;
  }

  engine_driver driver_;
};

TEST_F(EngineVotesTest, AVoteIsACompactRecord) {
  std::string q = open_question("Will the summit name a new partner?");
  engine_reply voted = driver_.run(on_question("question.vote", q), viewer("v-ana"));
  ASSERT_TRUE(voted.journal);
  EXPECT_EQ(boost::json::serialize(*voted.journal),
            R"({"v":4,"kind":"vote","w":"v-ana","q":")" + q + R"("})");
  engine_reply unvoted = driver_.run(on_question("question.unvote", q), viewer("v-ana"));
  ASSERT_TRUE(unvoted.journal);
  EXPECT_EQ(unvoted.journal->at("kind"), "unvote");
}

TEST_F(EngineVotesTest, CompactVotesReplayToTheSameTallies) {
  std::string q1 = open_question("First question?"), q2 = open_question("Second question?");
  for (auto who : {"a", "b", "c"}) driver_.run(on_question("question.vote", q1), viewer(who));
  driver_.run(on_question("question.vote", q2), viewer("a"));
  driver_.run(on_question("question.unvote", q1), viewer("b"));
  driver_.tick(t0 + 1000);
  auto rebuilt = replay(driver_.journal());
  EXPECT_EQ(rebuilt->seq(), driver_.engine().seq());
  EXPECT_EQ(boost::json::serialize(rebuilt->public_state()),
            boost::json::serialize(driver_.engine().public_state()));
  EXPECT_EQ(rebuilt->questions().find(q1)->voters.size(), 2u);
  // The rebuilt engine knows who voted: a second vote is still a conflict.
  EXPECT_EQ(rebuilt->apply(frame(boost::json::serialize(on_question("question.vote", q1))), viewer("a"), t0)
                .result.code,
            error_code::conflict);
}

TEST_F(EngineVotesTest, VoteCommandsOfTheLastFormatStillReplay) {
  // Records exactly as the format 3 server wrote them.
  std::string q = open_question("An older question?");
  std::vector<boost::json::object> records = driver_.journal();
  for (auto who : {"a", "b"})
    records.push_back(
        boost::json::parse(R"({"v":3,"kind":"command","at":1713794400000,"role":"viewer","viewer":")" +
                           std::string(who) + R"(","subject":"","cmd":{"type":"question.vote","question":")" +
                           q + R"("}})")
            .as_object());
  records.push_back(
      boost::json::parse(R"({"v":3,"kind":"command","at":1713794400001,"role":"viewer","viewer":"a",)"
                         R"("subject":"","cmd":{"type":"question.unvote","question":")" +
                         q + R"("}})")
          .as_object());
  records.push_back(
      boost::json::parse(R"({"v":3,"kind":"tick","at":1713794401000,"viewers":2})").as_object());
  auto rebuilt = replay(records);
  EXPECT_EQ(rebuilt->questions().find(q)->voters, (std::set<std::string>{"b"}));
  EXPECT_EQ(rebuilt->public_state().at("questions").as_array().front().at("votes"), 1);
}

TEST_F(EngineVotesTest, AViewerChangesAVoteAtMostFourTimes) {
  std::string q = open_question("Flip-flop?");
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(driver_.run(on_question(i % 2 ? "question.unvote" : "question.vote", q), viewer("v-flip"))
                    .result.ok());
  const std::size_t journaled = driver_.journal().size();
  engine_reply refused = driver_.run(on_question("question.vote", q), viewer("v-flip"));
  EXPECT_EQ(refused.result.code, error_code::conflict);
  EXPECT_NE(refused.result.message.find("at most 4"), std::string::npos) << refused.result.message;
  EXPECT_FALSE(refused.journal);
  EXPECT_EQ(driver_.journal().size(), journaled);
  EXPECT_EQ(driver_.engine().votes_refused_changes(), 1u);
  // Others, and the same viewer on another question, vote as before.
  EXPECT_TRUE(driver_.run(on_question("question.vote", q), viewer("v-other")).result.ok());
  EXPECT_TRUE(
      driver_.run(on_question("question.vote", open_question("Another one?")), viewer("v-flip")).result.ok());
}

TEST_F(EngineVotesTest, AVoteFloodFromOneViewerStopsGrowingTheJournal) {
  std::string q = open_question("Flooded?");
  const std::size_t before = driver_.journal().size();
  for (int i = 0; i < 100'000; ++i)
    driver_.run(on_question(i % 2 ? "question.unvote" : "question.vote", q), viewer("v-flood"));
  EXPECT_EQ(driver_.journal().size() - before, 4u);
  EXPECT_EQ(driver_.engine().votes_refused_changes(), 100'000u - 4u);
}

// A full hall: 20,000 viewers each vote on 10 of 50 questions, 200,000 votes.
TEST_F(EngineVotesTest, TwoHundredThousandVotesReplayFromLessThanHalfTheBytes) {
  std::vector<std::string> questions;
  for (int i = 0; i < 50; ++i)
    questions.push_back(open_question("Question " + std::to_string(i) + " of the day?"));
  const std::size_t first = driver_.journal().size();
  std::size_t old_format_bytes = 0;
  for (std::size_t v = 0; v < 20'000; ++v) {
    std::string who = viewer_id(v);
    for (std::size_t k = 0; k < 10; ++k) {
      const std::string& q = questions[(v + k * 5) % questions.size()];
      ASSERT_TRUE(
          driver_.run(on_question("question.vote", q), viewer(who), t0 + static_cast<millis>(v)).result.ok());
      // What the same vote cost as a format 3 command record.
      old_format_bytes +=
          boost::json::serialize(boost::json::object{{"v", 3},
                                                     {"kind", "command"},
                                                     {"at", t0 + static_cast<millis>(v)},
                                                     {"role", "viewer"},
                                                     {"viewer", who},
                                                     {"subject", ""},
                                                     {"cmd", on_question("question.vote", q)}})
              .size();
    }
    if (v % 100 == 0) driver_.tick(t0 + static_cast<millis>(v) * 300);
  }
  std::size_t vote_bytes = 0;
  for (std::size_t i = first; i < driver_.journal().size(); ++i)
    if (driver_.journal()[i].at("kind") == "vote")
      vote_bytes += boost::json::serialize(driver_.journal()[i]).size();
  auto started = std::chrono::steady_clock::now();
  std::size_t replayed_bytes = 0;
  auto rebuilt = replay(driver_.journal(), &replayed_bytes);
  double replay_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "[ figures  ] 200,000 votes: " << vote_bytes << " B as vote records, " << old_format_bytes
            << " B as format 3 commands ("
            << static_cast<double>(old_format_bytes) / static_cast<double>(vote_bytes) << "x); journal "
            << replayed_bytes << " B replayed in " << replay_s << " s\n";
  EXPECT_LT(vote_bytes * 2, old_format_bytes);
  EXPECT_EQ(rebuilt->seq(), driver_.engine().seq());
  EXPECT_EQ(boost::json::serialize(rebuilt->public_state()),
            boost::json::serialize(driver_.engine().public_state()));
  std::size_t votes = 0;
  for (const auto& [id, q] : rebuilt->questions().all()) votes += q.voters.size();
  EXPECT_EQ(votes, 200'000u);
}

}  // namespace
}  // namespace companion::session

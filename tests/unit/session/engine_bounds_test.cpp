// The bounds on what anonymous input grows: an event takes at most max_questions
// questions (every status counts), the next ask is `conflict` and counted, and a
// journal written under a larger cap replays whole.
#include "session/engine.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "engine_fixture.hpp"
#include "session/question_board.hpp"

namespace companion::session {
namespace {

using namespace testing;

boost::json::object ask(const std::string& text) {
  return {{"type", "question.ask"}, {"text", text}};
}

// Distinct texts, so that none merges into another.
std::string nth_question(std::size_t n) {
  return "Question number " + std::to_string(n) + " about topic " + std::to_string(n * 7919);
}

TEST(EngineQuestionCapTest, DefaultCapIsTwentyThousand) {
  EXPECT_EQ(engine_limits{}.max_questions, 20'000u);
}

TEST(EngineQuestionCapTest, TheAskPastTheDefaultCapIsConflictAndCounted) {
  engine_driver driver(demo_event);
  const std::size_t cap = engine_limits{}.max_questions;
  for (std::size_t n = 0; n < cap; ++n) {
    engine_reply reply = driver.run(ask(nth_question(n)), viewer("v" + std::to_string(n % 500)), t0 + n);
    ASSERT_TRUE(reply.result.ok()) << n << ": " << reply.result.message;
  }
  ASSERT_EQ(driver.engine().questions().all().size(), cap);
  EXPECT_EQ(driver.engine().questions_refused_full(), 0u);
  const std::size_t journaled = driver.journal().size();

  engine_reply refused = driver.run(ask("One more, after the event is full?"), viewer("v-late"), t0 + cap);
  EXPECT_EQ(refused.result.code, error_code::conflict);
  EXPECT_NE(refused.result.message.find("at most 20000"), std::string::npos) << refused.result.message;
  EXPECT_TRUE(refused.messages.empty());
  EXPECT_FALSE(refused.journal);
  EXPECT_EQ(driver.journal().size(), journaled);
  EXPECT_EQ(driver.engine().questions().all().size(), cap);
  EXPECT_EQ(driver.engine().questions_refused_full(), 1u);

  // Each refusal is counted; voting on what is there still works.
  EXPECT_EQ(driver.run(ask("And another?"), viewer("v-late")).result.code, error_code::conflict);
  EXPECT_EQ(driver.engine().questions_refused_full(), 2u);
  EXPECT_TRUE(driver.run(R"({"type":"question.vote","question":"q1"})", viewer("v-late")).result.ok());
}

TEST(EngineQuestionCapTest, MergedAndRejectedQuestionsCountTowardTheCap) {
  engine_limits limits;
  limits.max_questions = 3;
  engine_driver driver(nato_event, limits);  // pre-moderated
  engine_reply first = driver.run(ask("Will the summit discuss Taiwan?"), viewer("v1"));
  ASSERT_TRUE(first.result.ok());
  ASSERT_TRUE(driver.run(ask("Will the summit discuss Taiwan??"), viewer("v2")).result.ok());  // merged
  engine_reply other = driver.run(ask("What about Japan?"), viewer("v3"));
  ASSERT_TRUE(other.result.ok());
  std::string rejected_id(other.ack.at("question").as_string());
  ASSERT_TRUE(
      driver.run(boost::json::object{{"type", "question.reject"}, {"question", rejected_id}}, moderator())
          .result.ok());
  EXPECT_EQ(driver.run(ask("A fourth one?"), viewer("v4")).result.code, error_code::conflict);
  EXPECT_EQ(driver.engine().questions_refused_full(), 1u);
}

TEST(EngineQuestionCapTest, AJournalFromALargerCapReplaysWhole) {
  engine_driver driver(demo_event);
  for (std::size_t n = 0; n < 5; ++n) ASSERT_TRUE(driver.run(ask(nth_question(n)), viewer("v1")).result.ok());
  engine_limits smaller;
  smaller.max_questions = 3;
  event_engine rebuilt(load_event(demo_event), "epoch-1", smaller);
  for (const auto& record : driver.journal()) {
    engine_reply reply;
    boost::json::value stored = boost::json::parse(boost::json::serialize(record));
    ASSERT_TRUE(rebuilt.replay(stored.as_object(), reply));
    EXPECT_TRUE(reply.result.ok()) << reply.result.message;
  }
  EXPECT_EQ(rebuilt.questions().all().size(), 5u);
  EXPECT_EQ(rebuilt.seq(), driver.engine().seq());
  EXPECT_EQ(rebuilt.questions_refused_full(), 0u);
  // Live input meets the cap that is in force now.
  EXPECT_EQ(rebuilt.apply(frame(R"({"type":"question.ask","text":"Sixth?"})"), viewer("v2"), t0).result.code,
            error_code::conflict);
}

}  // namespace
}  // namespace companion::session

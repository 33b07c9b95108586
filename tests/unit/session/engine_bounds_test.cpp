// The bounds on what anonymous input grows: an event takes at most max_questions
// questions (every status counts), the next ask is `conflict` and counted, and a
// journal written under a larger cap replays whole. The wall keeps max_posts posts,
// forgetting each in O(log n), never one a viewer or the overlay holds.
#include "session/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <iostream>
#include <string>

#include "engine_fixture.hpp"
#include "session/post_wall.hpp"
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

TEST(EnginePostCapTest, DefaultCapIsAHundredThousand) {
  EXPECT_EQ(engine_limits{}.max_posts, 100'000u);
}

// A day of a busy hashtag at the default cap: 150,000 posts, most rejected by the rules,
// some approved and a steady share held for moderators.
TEST(EnginePostCapTest, AHundredAndFiftyThousandPostsKeepTheNewestHundredThousandInConstantTime) {
  engine_driver driver(nato_event);
  const std::size_t cap = engine_limits{}.max_posts, total = 150'000, half = 50'000;
  auto decision_of = [](std::size_t n) {
    if (n % 10 == 0) return approved;
    if (n % 10 < 4) return held;
    return rejected;
  };
  auto post_id = [](std::size_t n) { return "p" + std::to_string(n); };
  using clock = std::chrono::steady_clock;
  std::vector<double> seconds;
  auto started = clock::now();
  for (std::size_t n = 0; n < total; ++n) {
    ASSERT_TRUE(
        driver.ingest(make_post(post_id(n)), decision_of(n), t0 + static_cast<millis>(n)).result.ok());
    if (n == 0) {
      // The first post goes on screen and stays there; the second one approved is featured.
      ASSERT_TRUE(
          driver.run(R"({"type":"on_screen.set","kind":"highlight","item":"p0"})", producer()).result.ok());
    }
    if (n == 10) {
      ASSERT_TRUE(driver.run(R"({"type":"post.feature","post":"p10"})", moderator()).result.ok());
    }
    if ((n + 1) % half == 0) {
      auto now = clock::now();
      seconds.push_back(std::chrono::duration<double>(now - started).count());
      started = now;
    }
  }
  const post_wall& wall = driver.engine().wall();
  EXPECT_EQ(wall.size(), cap);
  const eviction_counts& evicted = wall.evicted();
  EXPECT_EQ(evicted.settled + evicted.approved + evicted.held, total - cap);
  // Rejected posts go first: 90,000 arrived, the oldest 50,000 went.
  EXPECT_EQ(evicted.settled, total - cap);
  EXPECT_TRUE(wall.is_highlight("p0"));
  EXPECT_TRUE(wall.is_highlight("p10"));
  EXPECT_EQ(driver.engine().public_state().at("on_screen").at("id"), "p0");
  // Past the cap each post costs what it cost before it: no scan of what is kept.
  std::cout << "[ figures  ] 50,000 posts each: " << seconds[0] << " s, " << seconds[1] << " s, "
            << seconds[2] << " s (past the cap)\n";
  EXPECT_LT(seconds[2], 5 * std::max(seconds[0], seconds[1]));

  // Held posts go once nothing settled or hidden is left, oldest first, and staff hear of it.
  // 40,000 rejected and ~15,000 approved posts are left to go first.
  for (std::size_t n = total; n < total + 60'000; ++n)
    ASSERT_TRUE(driver.ingest(make_post(post_id(n)), held, t0 + static_cast<millis>(n)).result.ok());
  EXPECT_EQ(wall.size(), cap);
  EXPECT_GT(wall.evicted().held, 0u);
  EXPECT_GT(wall.evicted().approved, 0u);
  EXPECT_TRUE(wall.is_highlight("p0"));
  EXPECT_TRUE(wall.is_highlight("p10"));
  EXPECT_GT(count_kind(driver.messages(), "queue.removed"), 0u);
  const boost::json::array queued = driver.engine().queue_snapshot().at("posts").as_array();
  ASSERT_FALSE(queued.empty());
  // The oldest held post left is newer than every evicted one.
  EXPECT_EQ(wall.find(post_id(1)), nullptr);
}

TEST(EnginePostCapTest, AJournalPastTheCapReplaysToTheSameState) {
  engine_limits limits;
  limits.max_posts = 1'000;
  engine_driver driver(nato_event, limits);
  for (std::size_t n = 0; n < 3'000; ++n) {
    const moderation_decision& decision = n % 3 == 0 ? approved : n % 3 == 1 ? held : rejected;
    ASSERT_TRUE(
        driver.ingest(make_post("p" + std::to_string(n)), decision, t0 + static_cast<millis>(n)).result.ok());
    if (n == 3) {
      ASSERT_TRUE(
          driver.run(R"({"type":"on_screen.set","kind":"highlight","item":"p3"})", producer()).result.ok());
    }
    if (n == 1'500) {
      ASSERT_TRUE(driver.run(R"({"type":"post.approve","post":"p1498"})", moderator()).result.ok());
    }
  }
  event_engine rebuilt(load_event(nato_event), "epoch-1", limits);
  for (const auto& record : driver.journal()) {
    engine_reply reply;
    boost::json::value stored = boost::json::parse(boost::json::serialize(record));
    ASSERT_TRUE(rebuilt.replay(stored.as_object(), reply));
  }
  EXPECT_EQ(rebuilt.seq(), driver.engine().seq());
  EXPECT_EQ(rebuilt.wall().size(), driver.engine().wall().size());
  EXPECT_EQ(boost::json::serialize(rebuilt.public_state()),
            boost::json::serialize(driver.engine().public_state()));
  EXPECT_EQ(boost::json::serialize(rebuilt.queue_snapshot()),
            boost::json::serialize(driver.engine().queue_snapshot()));
  EXPECT_EQ(rebuilt.wall().evicted().held, driver.engine().wall().evicted().held);
}

// The cap came with journal format 4: posts of an older journal all replay, as that
// server kept them all and its clients saw them; live input meets the cap again.
TEST(EnginePostCapTest, AJournalOlderThanTheCapReplaysWithoutEviction) {
  engine_limits limits;
  limits.max_posts = 1'000;
  engine_driver driver(nato_event, limits);
  for (std::size_t n = 0; n < 3'000; ++n)
    ASSERT_TRUE(
        driver
            .ingest(make_post("p" + std::to_string(n)), n % 2 ? held : rejected, t0 + static_cast<millis>(n))
            .result.ok());
  ASSERT_EQ(driver.engine().wall().size(), 1'000u);
  event_engine old_journal(load_event(nato_event), "epoch-1", limits);
  for (const auto& record : driver.journal()) {
    boost::json::object written = record;
    written["v"] = 3;  // as a server before the cap wrote it
    engine_reply reply;
    ASSERT_TRUE(old_journal.replay(written, reply));
  }
  EXPECT_EQ(old_journal.wall().size(), 3'000u);
  const eviction_counts& none = old_journal.wall().evicted();
  EXPECT_EQ(none.settled + none.approved + none.held, 0u);
  EXPECT_NE(old_journal.wall().find("p0"), nullptr);
  // The first post this build takes brings the wall down to the cap, oldest settled first.
  ASSERT_TRUE(old_journal.ingest(make_post("p-new"), held, t0 + 5'000).result.ok());
  EXPECT_EQ(old_journal.wall().size(), 1'000u);
  EXPECT_EQ(old_journal.wall().find("p0"), nullptr);
  EXPECT_NE(old_journal.wall().find("p-new"), nullptr);
}

}  // namespace
}  // namespace companion::session

// The durability guarantee: every accepted input is described by one journal
// record, and replaying the records of one engine into a fresh one rebuilds the
// same seq, public state, moderation queue and author lists, publishing the same
// frames on the way. Refused inputs leave no record.
#include "session/engine.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "mixed_scenario.hpp"
#include "session/post_wall.hpp"
#include "session/question_board.hpp"

namespace companion::session {
namespace {

using namespace testing;

class EngineJournalTest : public ::testing::Test {
 protected:
  // Replays every record, as stored text, into a fresh engine of the same event.
  std::unique_ptr<event_engine> replay_into_fresh(const engine_driver& source, std::string_view event_file,
                                                  engine_limits limits = {}) {
    auto fresh = std::make_unique<event_engine>(load_event(event_file), "epoch-1", limits);
    replayed_.clear();
    for (const auto& record : source.journal()) {
      boost::json::value stored = boost::json::parse(boost::json::serialize(record));
      engine_reply reply;
      EXPECT_TRUE(fresh->replay(stored.as_object(), reply)) << stored;
      EXPECT_TRUE(reply.result.ok()) << stored << ": " << reply.result.message;
      for (const auto& m : reply.messages) replayed_.push_back(m);
    }
    return fresh;
  }

  void expect_same_state(event_engine& original, event_engine& rebuilt) {
    EXPECT_EQ(rebuilt.seq(), original.seq());
    EXPECT_EQ(boost::json::serialize(rebuilt.public_state()),
              boost::json::serialize(original.public_state()));
    EXPECT_EQ(boost::json::serialize(rebuilt.queue_snapshot()),
              boost::json::serialize(original.queue_snapshot()));
    EXPECT_EQ(rebuilt.wall().blocked_authors(), original.wall().blocked_authors());
    EXPECT_EQ(rebuilt.wall().trusted_authors(), original.wall().trusted_authors());
    EXPECT_EQ(rebuilt.wall().audit().size(), original.wall().audit().size());
    EXPECT_EQ(rebuilt.questions().all().size(), original.questions().all().size());
  }

  std::vector<message_ptr> replayed_;
};

TEST_F(EngineJournalTest, ReplayOfAMixedScenarioRebuildsTheSameState) {
  engine_driver driver(nato_event);
  run_mixed_scenario(driver);
  ASSERT_GT(driver.engine().seq(), 100u);
  auto rebuilt = replay_into_fresh(driver, nato_event);
  expect_same_state(driver.engine(), *rebuilt);
}

TEST_F(EngineJournalTest, ReplayPublishesTheSameFramesInTheSameOrder) {
  engine_driver driver(nato_event);
  run_mixed_scenario(driver);
  replay_into_fresh(driver, nato_event);
  ASSERT_EQ(replayed_.size(), driver.messages().size());
  for (std::size_t i = 0; i < replayed_.size(); ++i) {
    EXPECT_EQ(replayed_[i]->payload, driver.messages()[i]->payload) << "message " << i;
    EXPECT_EQ(replayed_[i]->seq, driver.messages()[i]->seq) << "message " << i;
  }
}

TEST_F(EngineJournalTest, EveryChangeCarriesTheTimeItWasAppliedAlsoOnReplay) {
  engine_driver driver(nato_event);
  const millis started = t0 + 5'000, announced = t0 + 9'250;
  driver.run(R"({"type":"agenda.start"})", producer(), started);
  const std::size_t after_start = driver.messages().size();
  driver.run(R"({"type":"announce","text":"Doors close in five minutes"})", producer(), announced);
  ASSERT_GT(after_start, 0u);
  ASSERT_GT(driver.messages().size(), after_start);
  for (std::size_t i = 0; i < driver.messages().size(); ++i) {
    const millis expected = i < after_start ? started : announced;
    EXPECT_EQ(driver.messages()[i]->at, expected) << "message " << i;
    EXPECT_EQ(boost::json::parse(driver.messages()[i]->payload).at("at").as_int64(), expected);
  }
  replay_into_fresh(driver, nato_event);
  ASSERT_EQ(replayed_.size(), driver.messages().size());
  for (std::size_t i = 0; i < replayed_.size(); ++i) EXPECT_EQ(replayed_[i]->at, driver.messages()[i]->at);
}

TEST_F(EngineJournalTest, ReplayRebuildsAnUnmoderatedEventWithASmallWall) {
  engine_limits limits;
  limits.wall_size = 4;
  engine_driver driver(demo_event, limits);
  run_mixed_scenario(driver, 900);
  auto rebuilt = replay_into_fresh(driver, demo_event, limits);
  expect_same_state(driver.engine(), *rebuilt);
}

TEST_F(EngineJournalTest, ReplayStopsHalfwayAtTheSameSeq) {
  engine_driver driver(nato_event);
  run_mixed_scenario(driver, 200);
  std::size_t half = driver.journal().size() / 2;
  event_engine partial(load_event(nato_event), "epoch-1");
  std::uint64_t expected_seq = 0;
  for (std::size_t i = 0; i < half; ++i) {
    engine_reply reply;
    ASSERT_TRUE(partial.replay(driver.journal()[i], reply));
    for (const auto& m : reply.messages)
      if (!m->staff_only) expected_seq = m->seq;
  }
  EXPECT_EQ(partial.seq(), expected_seq);
}

TEST_F(EngineJournalTest, RefusedInputsLeaveNoRecord) {
  engine_driver driver(nato_event);
  driver.run(R"({"type":"agenda.next"})", producer());                      // not started
  driver.run(R"({"type":"agenda.start"})", viewer("v1"));                   // forbidden
  driver.run(R"({"type":"question.vote","question":"q9"})", viewer("v1"));  // not found
  driver.run(R"({"type":"announce","text":"bad\u0007"})", producer());      // control character
  driver.retract("bluesky:none");                                           // not found
  driver.ingest(make_post("bluesky:1"), held);
  driver.ingest(make_post("bluesky:1"), held);  // duplicate
  EXPECT_EQ(driver.journal().size(), 1u);
}

TEST_F(EngineJournalTest, AuthorBlockWithNothingQueuedSurvivesReplay) {
  engine_driver driver(nato_event);
  driver.run(R"({"type":"author.block","source":"bluesky","handle":"spam.example"})", moderator());
  auto rebuilt = replay_into_fresh(driver, nato_event);
  engine_reply later = rebuilt->ingest(make_post("bluesky:1", "spam.example"), approved, t0 + 10);
  EXPECT_TRUE(later.messages.empty());
  EXPECT_FALSE(rebuilt->wall().is_highlight("bluesky:1"));
}

TEST_F(EngineJournalTest, VotesSurviveReplayBeforeTheyArePublished) {
  engine_driver driver(nato_event);
  driver.run(R"({"type":"question.ask","text":"Why?"})", viewer("v1"));
  driver.run(R"({"type":"question.approve","question":"q1"})", moderator());
  driver.run(R"({"type":"question.vote","question":"q1"})", viewer("v2"));
  auto rebuilt = replay_into_fresh(driver, nato_event);
  EXPECT_EQ(
      rebuilt->apply(frame(R"({"type":"question.vote","question":"q1"})"), viewer("v2"), t0).result.code,
      error_code::conflict);
  engine_reply tick = rebuilt->tick(t0 + 1000, 0);
  ASSERT_FALSE(tick.messages.empty());
  EXPECT_EQ(tick.messages.front()->kind, "votes");
  EXPECT_EQ(tick.messages.front()->data, boost::json::value(boost::json::object{{"q1", 1}}));
}

TEST_F(EngineJournalTest, CommandRecordNamesTheActor) {
  engine_driver driver(nato_event);
  engine_reply reply = driver.run(R"({"type":"agenda.start"})", producer("prod-joe"), t0 + 5);
  ASSERT_TRUE(reply.journal.has_value());
  const auto& record = *reply.journal;
  EXPECT_EQ(record.at("kind"), "command");
  EXPECT_EQ(record.at("at"), t0 + 5);
  EXPECT_EQ(record.at("role"), "producer");
  EXPECT_EQ(record.at("subject"), "prod-joe");
  EXPECT_EQ(record.at("cmd").at("type"), "agenda.start");
}

// A journal exactly as a version 1 server wrote it: no "v" in any record.
std::vector<boost::json::object> version_1_journal() {
  std::ifstream in(std::filesystem::path(COMPANION_SOURCE_DIR) / "tests/unit/session/data/journal_v1.ndjson");
  std::vector<boost::json::object> records;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) records.push_back(boost::json::parse(line).as_object());
  return records;
}

TEST_F(EngineJournalTest, AVersion1JournalReplaysAsItRan) {
  auto records = version_1_journal();
  ASSERT_EQ(records.size(), 7u);
  event_engine engine(load_event(nato_event), "epoch-1");
  std::vector<std::string> kinds;
  for (const auto& record : records) {
    EXPECT_EQ(journal_record_version(record), 1);
    engine_reply reply;
    ASSERT_TRUE(engine.replay(record, reply)) << record;
    EXPECT_TRUE(reply.result.ok()) << record << ": " << reply.result.message;
    for (const auto& m : reply.messages)
      if (!m->staff_only) kinds.push_back(m->kind);
  }
  // Version 1 ended the show and nothing else: Q&A stayed open (the late question
  // was taken), the question stayed on screen, and seq counts exactly those changes.
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"agenda", "question.added", "on_screen", "announcement", "agenda"}));
  EXPECT_EQ(engine.seq(), 5u);
  EXPECT_EQ(engine.questions().all().size(), 2u);
  auto state = engine.public_state();
  EXPECT_EQ(state.at("agenda").at("status"), "ended");
  EXPECT_EQ(state.at("qa").at("open"), true);
  EXPECT_EQ(state.at("on_screen").at("kind"), "question");
  EXPECT_EQ(state.at("on_screen").at("id"), "q1");
}

TEST_F(EngineJournalTest, TheSameCommandsUnderTheCurrentFormatEndSafely) {
  auto records = version_1_journal();
  event_engine engine(load_event(nato_event), "epoch-1");
  std::vector<std::string> kinds;
  error_code late_question = error_code::none;
  for (auto record : records) {
    record["v"] = journal_version;
    engine_reply reply;
    ASSERT_TRUE(engine.replay(record, reply)) << record;
    const auto* text = record.at("cmd").as_object().if_contains("text");
    if (text && *text == "Asked after the event ended?") late_question = reply.result.code;
    for (const auto& m : reply.messages)
      if (!m->staff_only) kinds.push_back(m->kind);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"agenda", "question.added", "on_screen", "announcement",
                                             "agenda", "qa", "on_screen"}));
  EXPECT_EQ(late_question, error_code::conflict);
  auto state = engine.public_state();
  EXPECT_EQ(state.at("qa").at("open"), false);
  EXPECT_TRUE(state.at("on_screen").is_null());
}

TEST_F(EngineJournalTest, RecordsCarryTheCurrentFormat) {
  engine_driver driver(nato_event);
  driver.run(R"({"type":"agenda.start"})", producer());
  driver.ingest(make_post("bluesky:1"), held);
  for (const auto& record : driver.journal()) EXPECT_EQ(record.at("v"), journal_version);
}

TEST_F(EngineJournalTest, ARecordFromANewerFormatIsNotReplayed) {
  event_engine engine(load_event(nato_event), "epoch-1");
  engine_reply reply;
  boost::json::object record{{"v", journal_version + 1},
                             {"kind", "command"},
                             {"at", t0},
                             {"role", "producer"},
                             {"cmd", {{"type", "agenda.start"}}}};
  EXPECT_FALSE(engine.replay(record, reply));
  EXPECT_EQ(engine.seq(), 0u);
}

TEST_F(EngineJournalTest, UnknownRecordIsNotReplayed) {
  event_engine engine(load_event(nato_event), "epoch-1");
  engine_reply reply;
  EXPECT_FALSE(engine.replay(boost::json::object{{"kind", "teleport"}, {"at", t0}}, reply));
  EXPECT_FALSE(engine.replay(boost::json::object{{"kind", "command"}, {"at", t0}}, reply));
  EXPECT_FALSE(engine.replay(
      boost::json::object{{"kind", "command"}, {"at", t0}, {"cmd", {{"type", "question.delete"}}}}, reply));
  EXPECT_FALSE(engine.replay(boost::json::object{{"kind", "post"}, {"at", t0}}, reply));
  EXPECT_EQ(engine.seq(), 0u);
}

}  // namespace
}  // namespace companion::session

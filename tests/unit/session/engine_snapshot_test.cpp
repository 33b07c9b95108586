// Engine state snapshots: a snapshot restored into a new engine is the same engine. At
// every cut of a long mixed journal the restored engine has the same public state, queue
// and snapshot, and the rest of the journal gives the same changes from both; live input
// meets the same limits (one ballot per viewer, vote changes, the caps). A part added to
// the state later is checked by the snapshot comparison as soon as it is written.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "mixed_scenario.hpp"
#include "session/engine.hpp"
#include "session/post_wall.hpp"
#include "session/question_board.hpp"

namespace companion::session {
namespace {

using namespace testing;

std::string text_of(const event_engine& engine) {
  return boost::json::serialize(engine.snapshot());
}

std::unique_ptr<event_engine> restored_from(const event_engine& engine, std::string_view event_file,
                                            engine_limits limits = {}) {
  auto copy = std::make_unique<event_engine>(load_event(event_file), engine.epoch(), limits);
  std::string why;
  EXPECT_TRUE(copy->restore(text_of(engine), why)) << why;
  return copy;
}

void expect_same(const event_engine& a, const event_engine& b) {
  EXPECT_EQ(a.seq(), b.seq());
  EXPECT_EQ(boost::json::serialize(a.public_state()), boost::json::serialize(b.public_state()));
  EXPECT_EQ(boost::json::serialize(a.queue_snapshot()), boost::json::serialize(b.queue_snapshot()));
  EXPECT_EQ(text_of(a), text_of(b));
  EXPECT_EQ(a.queue_depth(), b.queue_depth());
}

std::vector<std::string> payloads(const engine_reply& reply) {
  std::vector<std::string> out;
  for (const auto& m : reply.messages) out.push_back(m->payload);
  return out;
}

TEST(EngineSnapshotTest, EveryCutOfAMixedJournalRestoresTheSameEngineThatGoesOnTheSame) {
  engine_driver driver(nato_event);
  run_mixed_scenario(driver, 400);
  const auto& journal = driver.journal();
  ASSERT_GT(journal.size(), 200u);
  for (std::size_t cut = 0; cut <= journal.size(); cut += 23) {
    event_engine replayed(load_event(nato_event), "epoch-1");
    for (std::size_t i = 0; i < cut; ++i) {
      engine_reply ignored;
      ASSERT_TRUE(replayed.replay(journal[i], ignored));
    }
    auto restored = restored_from(replayed, nato_event);
    expect_same(replayed, *restored);
    // The journal's tail gives the same changes, frame for frame, from both.
    for (std::size_t i = cut; i < journal.size(); ++i) {
      engine_reply from_replay, from_restore;
      ASSERT_TRUE(replayed.replay(journal[i], from_replay));
      ASSERT_TRUE(restored->replay(journal[i], from_restore));
      ASSERT_EQ(payloads(from_replay), payloads(from_restore)) << "record " << i << " after a cut at " << cut;
    }
    expect_same(replayed, *restored);
    expect_same(driver.engine(), *restored);
  }
}

TEST(EngineSnapshotTest, ARestoredEngineKeepsBallotsVoteChangesAndCaps) {
  engine_limits limits;
  limits.max_questions = 4;
  limits.max_vote_changes = 2;
  limits.max_posts = 3;
  engine_driver driver(demo_event, limits);  // questions are public at once
  for (int n = 1; n <= 4; ++n)
    ASSERT_TRUE(driver
                    .run(boost::json::object{{"type", "question.ask"},
                                             {"text", "Question " + std::to_string(n) + " on topic " +
                                                          std::to_string(n * 7919)}},
                         viewer("asker"))
                    .result.ok());
  ASSERT_TRUE(driver.run(R"({"type":"question.vote","question":"q1"})", viewer("v1")).result.ok());
  ASSERT_TRUE(driver.run(R"({"type":"question.unvote","question":"q1"})", viewer("v1")).result.ok());
  ASSERT_TRUE(driver.run(R"({"type":"question.vote","question":"q2"})", viewer("v2")).result.ok());
  for (int n = 0; n < 3; ++n)
    ASSERT_TRUE(
        driver.ingest(make_post("p" + std::to_string(n)), n == 0 ? approved : held, t0 + n).result.ok());
  ASSERT_TRUE(
      driver.run(R"({"type":"on_screen.set","kind":"highlight","item":"p0"})", producer()).result.ok());
  auto restored = restored_from(driver.engine(), demo_event, limits);
  expect_same(driver.engine(), *restored);

  auto both = [&](std::string_view json, const actor& who) {
    engine_reply a = driver.engine().apply(frame(json), who, t0 + 10);
    engine_reply b = restored->apply(frame(json), who, t0 + 10);
    EXPECT_EQ(a.result.code, b.result.code) << json;
    EXPECT_EQ(a.result.message, b.result.message) << json;
    EXPECT_EQ(payloads(a), payloads(b)) << json;
    return b.result;
  };
  // v1 changed its vote on q1 twice: the limit holds.
  EXPECT_EQ(both(R"({"type":"question.vote","question":"q1"})", viewer("v1")).code, error_code::conflict);
  // v2's ballot on q2 is there: one vote per viewer.
  EXPECT_EQ(both(R"({"type":"question.vote","question":"q2"})", viewer("v2")).code, error_code::conflict);
  EXPECT_TRUE(both(R"({"type":"question.vote","question":"q2"})", viewer("v3")).ok());
  // The event is full.
  EXPECT_EQ(both(R"({"type":"question.ask","text":"A fifth one?"})", viewer("v4")).code,
            error_code::conflict);
  EXPECT_EQ(restored->questions_refused_full(), driver.engine().questions_refused_full());
  EXPECT_EQ(restored->votes_refused_changes(), driver.engine().votes_refused_changes());
  // The post cap forgets the same post in both; the one on screen stays.
  engine_reply a = driver.engine().ingest(make_post("p3"), held, t0 + 20);
  engine_reply b = restored->ingest(make_post("p3"), held, t0 + 20);
  EXPECT_EQ(payloads(a), payloads(b));
  EXPECT_EQ(restored->wall().size(), 3u);
  EXPECT_EQ(restored->wall().evicted().held, 1u);
  EXPECT_TRUE(restored->wall().is_highlight("p0"));
  // Coalesced tallies come out on the same tick.
  engine_reply ta = driver.engine().tick(t0 + 2'000, 7);
  engine_reply tb = restored->tick(t0 + 2'000, 7);
  EXPECT_EQ(payloads(ta), payloads(tb));
  expect_same(driver.engine(), *restored);
}

TEST(EngineSnapshotTest, RecentChangesAreTheFramesClientsGot) {
  engine_limits limits;
  limits.recent_changes = 50;
  engine_driver driver(nato_event, limits);
  run_mixed_scenario(driver, 200);
  auto restored = restored_from(driver.engine(), nato_event, limits);
  const auto recent = restored->recent_changes();
  ASSERT_EQ(recent.size(), 50u);
  EXPECT_EQ(recent.back()->seq, driver.engine().seq());
  std::vector<message_ptr> published;
  for (const auto& m : driver.messages())
    if (!m->staff_only) published.push_back(m);
  for (std::size_t i = 0; i < recent.size(); ++i) {
    const auto& original = published[published.size() - recent.size() + i];
    EXPECT_EQ(recent[i]->payload, original->payload);
    EXPECT_EQ(recent[i]->kind, original->kind);
    EXPECT_EQ(boost::json::serialize(recent[i]->data), boost::json::serialize(original->data));
  }
}

TEST(EngineSnapshotTest, ASnapshotThisBuildCannotReadIsRefusedWithItsReasonAndChangesNothing) {
  engine_driver driver(nato_event);
  run_mixed_scenario(driver, 100);
  const boost::json::object good = driver.engine().snapshot();
  auto refused = [&](boost::json::object snapshot, std::string_view expected) {
    event_engine engine(load_event(nato_event), "epoch-1");
    ASSERT_TRUE(engine.apply(frame(R"({"type":"announce","text":"Before"})"), producer(), t0).result.ok());
    const std::string before = text_of(engine);
    std::string why;
    EXPECT_FALSE(engine.restore(boost::json::serialize(snapshot), why));
    EXPECT_NE(why.find(expected), std::string::npos) << why;
    EXPECT_EQ(text_of(engine), before);
  };
  boost::json::object newer = good;
  newer["snapshot"] = 2;
  refused(newer, "snapshot version 2 (this build reads version 1)");
  boost::json::object other_epoch = good;
  other_epoch["epoch"] = "epoch-2";
  refused(other_epoch, "a snapshot of epoch epoch-2");
  boost::json::object unknown_part = good;
  unknown_part["parts"].as_object()["reactions"] = boost::json::object{};
  refused(unknown_part, "part \"reactions\", which this build does not know");
  boost::json::object bad_question = good;
  bad_question["parts"]
      .as_object()["questions"]
      .as_object()["questions"]
      .as_array()[0]
      .as_object()["asked_at"] = "soon";
  refused(bad_question, "questions: questions[0]: asked_at: not an integer");
  boost::json::object bad_current = good;
  bad_current["parts"].as_object()["agenda"].as_object()["current"] = 99;
  refused(bad_current, "agenda: current: not the index of a segment");
  boost::json::object bad_wall = good;
  bad_wall["parts"].as_object()["wall"].as_object()["wall"].as_array().emplace_back("no-such-post");
  refused(bad_wall, "wall: wall: \"no-such-post\" is no post kept");

  event_engine engine(load_event(nato_event), "epoch-1");
  std::string why;
  EXPECT_FALSE(engine.restore(boost::json::serialize(good).substr(0, 100), why));
  EXPECT_EQ(why, "not a JSON object");
}

TEST(EngineSnapshotTest, APartMissingFromTheSnapshotStartsAsANewEventsDoes) {
  engine_driver driver(nato_event);
  run_mixed_scenario(driver, 100);
  boost::json::object snapshot = driver.engine().snapshot();
  snapshot["parts"].as_object().erase("recent");
  event_engine engine(load_event(nato_event), "epoch-1");
  std::string why;
  ASSERT_TRUE(engine.restore(boost::json::serialize(snapshot), why)) << why;
  EXPECT_TRUE(engine.recent_changes().empty());
  EXPECT_EQ(boost::json::serialize(engine.public_state()),
            boost::json::serialize(driver.engine().public_state()));
}

}  // namespace
}  // namespace companion::session

// A shard's replica of an event: built from the engine's public state and fed the
// engine's messages, it must hold the same state (questions as the engine ranks
// them, within the snapshot's window) and the same moderation queue, answer
// resumes from its ring exactly, build each snapshot frame once per seq, and
// answer questions.page and queue.page.
#include "session/replica.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "mixed_scenario.hpp"
#include "session/question_board.hpp"

namespace companion::session {
namespace {

using namespace testing;

class ReplicaTest : public ::testing::Test {
 protected:
  explicit ReplicaTest(replica_limits limits = {}, engine_limits engine_sizes = {},
                       std::string_view event_file = nato_event)
      : driver_(event_file, engine_sizes),
        replica_(driver_.engine().definition().id, driver_.engine().epoch(), driver_.engine().seq(),
                 driver_.engine().public_state(), driver_.engine().queue_snapshot(), limits) {}

  // Feeds the replica every message the driver has published since the last call.
  void catch_up() {
    for (; fed_ < driver_.messages().size(); ++fed_) replica_.apply(driver_.messages()[fed_]);
  }

  boost::json::value snapshot() { return boost::json::parse(replica_.snapshot_payload()); }

  void expect_same_as_engine() {
    boost::json::value frame = snapshot();
    EXPECT_EQ(frame.at("seq"), driver_.engine().seq());
    // Compared as JSON values: the order of an object's keys is not part of the protocol.
    EXPECT_EQ(frame.at("state"), boost::json::value(windowed_engine_state()));
    EXPECT_EQ(boost::json::parse(replica_.queue_snapshot_payload()),
              boost::json::value(windowed_engine_queue()));
  }

  // The engine's whole public state cut to the snapshot's window: open questions as the
  // engine ranks them, then answered ones, most recently answered first.
  boost::json::object windowed_engine_state(replica_limits limits = {}) {
    boost::json::object state = driver_.engine().public_state();
    boost::json::array all = state.at("questions").as_array();
    boost::json::array open, answered;
    for (const auto& q : all) (q.at("status") == "open" ? open : answered).push_back(q);
    // The engine lists answered questions by votes, then age: newest answered first, then newest asked.
    std::stable_sort(answered.begin(), answered.end(), [](const auto& a, const auto& b) {
      if (a.at("answered_at") != b.at("answered_at"))
        return a.at("answered_at").as_int64() > b.at("answered_at").as_int64();
      if (a.at("asked_at") != b.at("asked_at"))
        return a.at("asked_at").as_int64() > b.at("asked_at").as_int64();
      return question_id_less(b.at("id").as_string(), a.at("id").as_string());
    });
    boost::json::array window;
    for (std::size_t i = 0; i < open.size() && i < limits.snapshot_open_questions; ++i)
      window.push_back(open[i]);
    for (std::size_t i = 0; i < answered.size() && i < limits.snapshot_answered_questions; ++i)
      window.push_back(answered[i]);
    state["questions"] = window;
    state["questions_total"] = all.size();
    // Polls: the newest opened, up to the protocol's 50.
    const boost::json::array polls = state.at("polls").as_array();
    state["polls"] =
        boost::json::array(polls.begin(), polls.begin() + std::min(polls.size(), limits.snapshot_polls));
    state["polls_total"] = polls.size();
    return state;
  }

  // The engine's whole queue cut to the queue.snapshot's bound, with the totals.
  boost::json::object windowed_engine_queue(replica_limits limits = {}) {
    boost::json::object queue = driver_.engine().queue_snapshot();
    boost::json::object out{{"type", "queue.snapshot"}};
    for (auto kind : {"posts", "questions"}) {
      const auto& all = queue.at(kind).as_array();
      boost::json::array first(all.begin(), all.begin() + std::min(all.size(), limits.queue_snapshot_items));
      out[kind] = first;
    }
    out["posts_total"] = queue.at("posts").as_array().size();
    out["questions_total"] = queue.at("questions").as_array().size();
    // These tests queue fewer items than the bound: no page follows (PagedReplicaTest has more).
    out["posts_next"] = nullptr;
    out["questions_next"] = nullptr;
    out["polls"] = queue.at("polls");
    out["rules"] = queue.at("rules");
    out["authors"] = queue.at("authors");
    return out;
  }

  // A few public changes: start, announce, next.
  void three_changes() {
    driver_.run(R"({"type":"agenda.start"})", producer(), t0);
    driver_.run(R"({"type":"announce","text":"Hello"})", producer(), t0 + 1);
    driver_.run(R"({"type":"agenda.next"})", producer(), t0 + 2);
  }

  engine_driver driver_;
  event_replica replica_;
  std::size_t fed_ = 0;
};

// ---- Same state as the engine ----

TEST_F(ReplicaTest, MixedScenarioGivesTheEnginesPublicState) {
  run_mixed_scenario(driver_);
  catch_up();
  EXPECT_EQ(replica_.seq(), driver_.engine().seq());
  expect_same_as_engine();
}

TEST_F(ReplicaTest, ReplicaStartedHalfwayCatchesUpToTheSameState) {
  run_mixed_scenario(driver_, 150);
  event_replica late(driver_.engine().definition().id, driver_.engine().epoch(), driver_.engine().seq(),
                     driver_.engine().public_state(), driver_.engine().queue_snapshot());
  std::size_t seen = driver_.messages().size();
  run_mixed_scenario(driver_, 300);
  for (std::size_t i = seen; i < driver_.messages().size(); ++i) late.apply(driver_.messages()[i]);
  boost::json::value frame = boost::json::parse(late.snapshot_payload());
  EXPECT_EQ(frame.at("state"), boost::json::value(windowed_engine_state()));
  EXPECT_EQ(boost::json::parse(late.queue_snapshot_payload()), boost::json::value(windowed_engine_queue()));
}

TEST_F(ReplicaTest, QuestionsRankLikeTheEngine) {
  for (auto text : {"Alpha?", "Bravo?", "Charlie?", "Delta?", "Echo?", "Foxtrot?", "Golf?", "Hotel?",
                    "India?", "Juliett?", "Kilo?", "Lima?"}) {
    engine_reply asked =
        driver_.run(boost::json::object{{"type", "question.ask"}, {"text", text}}, viewer("v0"));
    driver_.run(boost::json::object{{"type", "question.approve"}, {"question", asked.ack.at("question")}},
                moderator());
  }
  for (auto voter : {"v1", "v2"}) driver_.run(R"({"type":"question.vote","question":"q11"})", viewer(voter));
  driver_.run(R"({"type":"question.vote","question":"q3"})", viewer("v1"));
  driver_.run(R"({"type":"question.answered","question":"q2"})", moderator());
  driver_.tick(t0 + 1000);
  catch_up();
  boost::json::array questions = snapshot().at("state").at("questions").as_array();
  ASSERT_EQ(questions.size(), 12u);
  EXPECT_EQ(questions[0].at("id"), "q11");
  EXPECT_EQ(questions[1].at("id"), "q3");
  EXPECT_EQ(questions[2].at("id"), "q1");
  EXPECT_EQ(questions[3].at("id"), "q4");
  EXPECT_EQ(questions[11].at("id"), "q2");
  expect_same_as_engine();
}

class SmallWallReplicaTest : public ReplicaTest {
 protected:
  SmallWallReplicaTest() : ReplicaTest(replica_limits{4096, 8 << 20, 3}, engine_limits{4, 1000, 3}) {}
};

TEST_F(SmallWallReplicaTest, WallBeyondItsSizeStaysTheSame) {
  for (int i = 1; i <= 6; ++i) driver_.ingest(make_post("bluesky:" + std::to_string(i)), approved, t0 + i);
  driver_.run(R"({"type":"highlight.remove","highlight":"bluesky:5"})", moderator());
  driver_.run(R"({"type":"post.feature","post":"bluesky:1"})", moderator());
  driver_.run(R"({"type":"post.feature","post":"bluesky:6"})", moderator());
  driver_.retract("bluesky:4", t0 + 20);
  catch_up();
  expect_same_as_engine();
}

// ---- Resume ----

TEST_F(ReplicaTest, ChangesSinceReturnsExactlyTheMissedChanges) {
  three_changes();
  catch_up();
  std::vector<message_ptr> missed;
  ASSERT_TRUE(replica_.changes_since(1, missed));
  ASSERT_EQ(missed.size(), 2u);
  EXPECT_EQ(missed[0]->seq, 2u);
  EXPECT_EQ(missed[1]->seq, 3u);
}

TEST_F(ReplicaTest, ChangesSinceTheCurrentSeqIsEmpty) {
  three_changes();
  catch_up();
  std::vector<message_ptr> missed;
  EXPECT_TRUE(replica_.changes_since(3, missed));
  EXPECT_TRUE(missed.empty());
}

TEST_F(ReplicaTest, ChangesSinceZeroReturnsEverything) {
  three_changes();
  catch_up();
  std::vector<message_ptr> missed;
  ASSERT_TRUE(replica_.changes_since(0, missed));
  EXPECT_EQ(missed.size(), 3u);
}

TEST_F(ReplicaTest, ChangesSinceAFutureSeqFails) {
  three_changes();
  catch_up();
  std::vector<message_ptr> missed;
  EXPECT_FALSE(replica_.changes_since(4, missed));
}

TEST_F(ReplicaTest, StaffFramesAreNotInTheResumeRing) {
  driver_.run(R"({"type":"question.ask","text":"Why?"})", viewer("v1"));
  driver_.ingest(make_post("bluesky:1"), held);
  three_changes();
  catch_up();
  std::vector<message_ptr> missed;
  ASSERT_TRUE(replica_.changes_since(0, missed));
  ASSERT_EQ(missed.size(), 3u);
  for (const auto& m : missed) EXPECT_FALSE(m->staff_only);
}

TEST_F(ReplicaTest, DuplicateChangesAreIgnored) {
  three_changes();
  catch_up();
  std::string before = replica_.snapshot_payload();
  for (const auto& m : driver_.messages()) replica_.apply(m);
  EXPECT_EQ(replica_.seq(), 3u);
  EXPECT_EQ(replica_.snapshot_payload(), before);
  std::vector<message_ptr> missed;
  ASSERT_TRUE(replica_.changes_since(0, missed));
  EXPECT_EQ(missed.size(), 3u);
}

class SmallRingReplicaTest : public ReplicaTest {
 protected:
  SmallRingReplicaTest() : ReplicaTest(replica_limits{2, 8 << 20, 50}) {}
};

TEST_F(SmallRingReplicaTest, ResumeFailsOnceTheRingDroppedAChange) {
  three_changes();
  catch_up();
  std::vector<message_ptr> missed;
  EXPECT_FALSE(replica_.changes_since(0, missed));
  EXPECT_TRUE(replica_.changes_since(1, missed));
  EXPECT_EQ(missed.size(), 2u);
}

TEST_F(SmallRingReplicaTest, ChangeAtFindsHeldChangesWithTheirFrames) {
  three_changes();
  for (const auto& m : driver_.messages())
    replica_.apply(m, m->staff_only ? nullptr : std::make_shared<const std::string>("frame:" + m->payload));
  ASSERT_EQ(replica_.seq(), 3u);
  EXPECT_EQ(replica_.change_at(1), nullptr) << "left the ring of two";
  EXPECT_EQ(replica_.change_at(4), nullptr) << "not published yet";
  for (std::uint64_t seq : {2u, 3u}) {
    const held_change* held = replica_.change_at(seq);
    ASSERT_NE(held, nullptr);
    EXPECT_EQ(held->message->seq, seq);
    ASSERT_NE(held->frame, nullptr);
    EXPECT_EQ(*held->frame, "frame:" + held->message->payload);
  }
  EXPECT_FALSE(replica_.holds_changes_since(0));
  EXPECT_TRUE(replica_.holds_changes_since(1));
  EXPECT_TRUE(replica_.holds_changes_since(3));
  EXPECT_FALSE(replica_.holds_changes_since(4));
}

TEST_F(ReplicaTest, RingIsAlsoBoundedInBytes) {
  event_replica tiny(driver_.engine().definition().id, driver_.engine().epoch(), 0,
                     driver_.engine().public_state(), driver_.engine().queue_snapshot(),
                     replica_limits{4096, 1, 50});
  three_changes();
  for (const auto& m : driver_.messages()) tiny.apply(m);
  std::vector<message_ptr> missed;
  EXPECT_FALSE(tiny.changes_since(2, missed));
  EXPECT_EQ(tiny.seq(), 3u);
}

TEST_F(ReplicaTest, ReplicaBuiltAtASeqCannotResumeFromBeforeIt) {
  three_changes();
  event_replica late(driver_.engine().definition().id, driver_.engine().epoch(), driver_.engine().seq(),
                     driver_.engine().public_state(), driver_.engine().queue_snapshot());
  std::vector<message_ptr> missed;
  EXPECT_FALSE(late.changes_since(1, missed));
  EXPECT_TRUE(late.changes_since(3, missed));
}

// ---- Snapshot frames ----

TEST_F(ReplicaTest, SnapshotFrameCarriesTypeSeqAndState) {
  three_changes();
  catch_up();
  boost::json::value frame = snapshot();
  EXPECT_EQ(frame.at("type"), "snapshot");
  EXPECT_EQ(frame.at("seq"), 3);
  ASSERT_TRUE(frame.at("state").is_object());
  EXPECT_EQ(frame.at("state").at("event").at("id"), "nato-indo-pacific-2024");
  EXPECT_EQ(frame.at("state").at("announcement").at("text"), "Hello");
  EXPECT_EQ(frame.at("state").at("agenda").at("current"), "keynote");
}

TEST_F(ReplicaTest, SnapshotIsBuiltOncePerSeq) {
  three_changes();
  catch_up();
  const std::string* first = &replica_.snapshot_payload();
  std::string text = *first;
  EXPECT_EQ(&replica_.snapshot_payload(), first);
  EXPECT_EQ(replica_.snapshot_payload(), text);
  driver_.run(R"({"type":"announce","text":"Changed"})", producer(), t0 + 3);
  catch_up();
  EXPECT_NE(replica_.snapshot_payload(), text);
  EXPECT_EQ(snapshot().at("seq"), 4);
}

TEST_F(ReplicaTest, StaffFramesDoNotRebuildTheSnapshot) {
  three_changes();
  catch_up();
  std::string before = replica_.snapshot_payload();
  driver_.run(R"({"type":"question.ask","text":"Why?"})", viewer("v1"));
  catch_up();
  EXPECT_EQ(replica_.snapshot_payload(), before);
}

// ---- Staff queue ----

TEST_F(ReplicaTest, QueueSnapshotFollowsQueueFrames) {
  driver_.ingest(make_post("bluesky:1"), held, t0);
  driver_.ingest(make_post("bluesky:2"), held, t0 + 1);
  driver_.run(R"({"type":"question.ask","text":"Why?"})", viewer("v1"), t0 + 2);
  driver_.run(R"({"type":"question.ask","text":"How?"})", viewer("v2"), t0 + 3);
  catch_up();
  boost::json::value queue = boost::json::parse(replica_.queue_snapshot_payload());
  EXPECT_EQ(queue.at("type"), "queue.snapshot");
  EXPECT_EQ(queue.at("posts").as_array().size(), 2u);
  EXPECT_EQ(queue.at("questions").as_array().size(), 2u);

  driver_.run(R"({"type":"post.approve","post":"bluesky:1"})", moderator());
  driver_.run(R"({"type":"question.reject","question":"q2"})", moderator());
  catch_up();
  queue = boost::json::parse(replica_.queue_snapshot_payload());
  ASSERT_EQ(queue.at("posts").as_array().size(), 1u);
  EXPECT_EQ(queue.at("posts").at(0).at("id"), "bluesky:2");
  ASSERT_EQ(queue.at("questions").as_array().size(), 1u);
  EXPECT_EQ(queue.at("questions").at(0).at("id"), "q1");
  expect_same_as_engine();
}

TEST_F(ReplicaTest, QueueSnapshotTracksMergesAndUnmerges) {
  driver_.run(R"({"type":"question.ask","text":"What about Taiwan?"})", viewer("v1"), t0);
  driver_.run(R"({"type":"question.ask","text":"Other topic"})", viewer("v3"), t0 + 1);
  driver_.run(R"({"type":"question.ask","text":"what about taiwan"})", viewer("v2"), t0 + 2);
  catch_up();
  expect_same_as_engine();
  driver_.run(R"({"type":"question.unmerge","question":"q3"})", moderator(), t0 + 3);
  catch_up();
  expect_same_as_engine();
}

TEST_F(ReplicaTest, QueueSnapshotStartsFromTheEnginesQueue) {
  driver_.ingest(make_post("bluesky:1"), held);
  driver_.run(R"({"type":"question.ask","text":"Why?"})", viewer("v1"));
  event_replica late(driver_.engine().definition().id, driver_.engine().epoch(), driver_.engine().seq(),
                     driver_.engine().public_state(), driver_.engine().queue_snapshot());
  EXPECT_EQ(boost::json::parse(late.queue_snapshot_payload()), boost::json::value(windowed_engine_queue()));
}

}  // namespace
}  // namespace companion::session

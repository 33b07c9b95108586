// Polls in the engine: the limits of a poll's texts, one ballot per viewer, multiple
// choice, closed and draft polls, unknown options, counts coalesced per poll, the public
// state and the staff queue, and a journal that replays to the same state and changes.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "session/poll_board.hpp"
#include "session/replica.hpp"

namespace companion::session {
namespace {

using namespace testing;

boost::json::object create(std::string question, std::vector<std::string> options, bool multiple = false) {
  boost::json::object frame{{"type", "poll.create"},
                            {"question", std::move(question)},
                            {"options", boost::json::array(options.begin(), options.end())}};
  if (multiple) frame["multiple"] = true;
  return frame;
}
boost::json::object on_poll(std::string_view type, const std::string& poll) {
  return {{"type", type}, {"poll", poll}};
}
boost::json::object ballot(const std::string& poll, std::vector<std::string> options) {
  return {
      {"type", "poll.vote"}, {"poll", poll}, {"options", boost::json::array(options.begin(), options.end())}};
}

std::vector<std::string> payloads_of(const engine_reply& reply) {
  std::vector<std::string> out;
  for (const auto& m : reply.messages) out.push_back(m->payload);
  return out;
}

class EnginePollsTest : public ::testing::Test {
 protected:
  std::string made(std::vector<std::string> options = {"Yes", "No"}, bool multiple = false) {
    engine_reply reply =
        driver_.run(create("Should NATO formalise it?", std::move(options), multiple), producer());
    EXPECT_TRUE(reply.result.ok()) << reply.result.message;
    return reply.result.ok() ? std::string(reply.ack.at("poll").as_string()) : std::string();
  }
  std::string opened(std::vector<std::string> options = {"Yes", "No"}, bool multiple = false) {
    std::string id = made(std::move(options), multiple);
    EXPECT_TRUE(driver_.run(on_poll("poll.open", id), moderator(), t0 + 1).result.ok());
    return id;
  }
  error_code vote(const std::string& poll, const std::string& who, std::vector<std::string> options,
                  millis at = t0 + 2) {
    return driver_.run(ballot(poll, std::move(options)), viewer(who), at).result.code;
  }
  const poll& find(const std::string& id) { return *driver_.engine().polls().find(id); }

  engine_driver driver_{nato_event};
};

// ---- What a poll may say ----

TEST_F(EnginePollsTest, CreateGivesIdsAndTellsOnlyStaff) {
  engine_reply reply =
      driver_.run(create("  Which partner hosts next?  ", {"Australia", " Japan "}), moderator());
  ASSERT_TRUE(reply.result.ok()) << reply.result.message;
  EXPECT_EQ(reply.ack.at("poll"), "poll-1");
  ASSERT_EQ(reply.messages.size(), 1u);
  EXPECT_TRUE(reply.messages[0]->staff_only);
  EXPECT_EQ(reply.messages[0]->kind, "queue.poll");
  const auto& draft = reply.messages[0]->data.at("poll").as_object();
  EXPECT_EQ(draft.at("question"), "Which partner hosts next?");
  EXPECT_EQ(draft.at("status"), "draft");
  EXPECT_EQ(draft.at("options").as_array()[1],
            (boost::json::object{{"id", "b"}, {"text", "Japan"}, {"votes", 0}}));
  EXPECT_EQ(driver_.engine().seq(), 0u) << "a draft is no public change";
}

TEST_F(EnginePollsTest, OptionCountIsTwoToSix) {
  EXPECT_EQ(driver_.run(create("One?", {"Only"}), moderator()).result.code, error_code::bad_request);
  // Seven are refused as soon as the frame is read.
  command_decoder decoder;
  command seven;
  decode_failure failure;
  EXPECT_FALSE(
      decoder.decode(R"({"type":"poll.create","question":"Seven?","options":["1","2","3","4","5","6","7"]})",
                     seven, failure));
  EXPECT_EQ(failure.message, "field \"options\" holds at most 6 items");
  EXPECT_TRUE(driver_.run(create("Six?", {"1", "2", "3", "4", "5", "6"}), moderator()).result.ok());
  EXPECT_TRUE(driver_.run(create("Two?", {"1", "2"}), moderator()).result.ok());
}

TEST_F(EnginePollsTest, TextLengthsAreBounded) {
  engine_reply long_option = driver_.run(create("Long?", {std::string(81, 'x'), "y"}), moderator());
  EXPECT_EQ(long_option.result.code, error_code::bad_request);
  EXPECT_EQ(long_option.result.message, "options[0]: must have 1..80 characters");
  // Characters, not bytes: 80 of them in a three-byte script fit.
  std::string japanese;
  for (int i = 0; i < 80; ++i) japanese += "日";
  EXPECT_TRUE(driver_.run(create("Fits?", {japanese, "y"}), moderator()).result.ok());
  EXPECT_EQ(driver_.run(create(std::string(201, 'q'), {"a", "b"}), moderator()).result.code,
            error_code::bad_request);
  EXPECT_TRUE(driver_.run(create(std::string(200, 'q'), {"a", "b"}), moderator()).result.ok());
  EXPECT_EQ(driver_.run(create("Blank?", {"   ", "b"}), moderator()).result.message,
            "options[0]: must have 1..80 characters");
  EXPECT_EQ(driver_.run(create("Same?", {"Yes", "Yes"}), moderator()).result.code, error_code::bad_request);
  EXPECT_EQ(driver_.run(create("Bell\a?", {"a", "b"}), moderator()).result.code, error_code::bad_request);
}

TEST_F(EnginePollsTest, OnlyStaffMakeOpenAndClosePolls) {
  EXPECT_EQ(driver_.run(create("Mine?", {"a", "b"}), viewer("v1")).result.code, error_code::forbidden);
  std::string id = made();
  EXPECT_EQ(driver_.run(on_poll("poll.open", id), viewer("v1")).result.code, error_code::forbidden);
  EXPECT_TRUE(driver_.run(on_poll("poll.open", id), moderator()).result.ok());
  EXPECT_EQ(driver_.run(on_poll("poll.close", id), viewer("v1")).result.code, error_code::forbidden);
}

TEST_F(EnginePollsTest, MaxPollsIsConflictAndCounted) {
  engine_limits limits;
  limits.max_polls = 4;  // the event file's three, and one more
  engine_driver small(nato_event, limits);
  EXPECT_TRUE(small.run(create("Fourth?", {"a", "b"}), moderator()).result.ok());
  engine_reply refused = small.run(create("Fifth?", {"a", "b"}), moderator());
  EXPECT_EQ(refused.result.code, error_code::conflict);
  EXPECT_EQ(refused.result.message, "this event takes no more polls (at most 4)");
  EXPECT_EQ(small.engine().polls_refused_full(), 1u);
}

// ---- Opening, ballots, closing ----

TEST_F(EnginePollsTest, OpenPublishesThePollAndClosePublishesFinalCounts) {
  std::string id = made();
  engine_reply open = driver_.run(on_poll("poll.open", id), moderator(), t0 + 10);
  ASSERT_EQ(kinds_of(open), std::vector<std::string>{"poll"});
  EXPECT_EQ(open.messages[0]->data.at("status"), "open");
  EXPECT_EQ(open.messages[0]->data.at("opened_at"), t0 + 10);
  EXPECT_TRUE(open.messages[0]->data.at("closed_at").is_null());
  EXPECT_EQ(open.ack.at("seq"), open.messages[0]->seq);
  EXPECT_EQ(driver_.run(on_poll("poll.open", id), moderator()).result.code, error_code::conflict);

  EXPECT_EQ(vote(id, "v1", {"a"}), error_code::none);
  EXPECT_EQ(vote(id, "v2", {"a"}), error_code::none);
  EXPECT_EQ(vote(id, "v3", {"b"}), error_code::none);
  engine_reply close = driver_.run(on_poll("poll.close", id), producer(), t0 + 20);
  ASSERT_EQ(kinds_of(close), std::vector<std::string>{"poll"});
  const auto& final_poll = close.messages[0]->data.as_object();
  EXPECT_EQ(final_poll.at("status"), "closed");
  EXPECT_EQ(final_poll.at("total"), 3);
  EXPECT_EQ(final_poll.at("options").as_array()[0].at("votes"), 2);
  EXPECT_EQ(final_poll.at("options").as_array()[1].at("votes"), 1);
  EXPECT_EQ(final_poll.at("closed_at"), t0 + 20);
  EXPECT_EQ(driver_.run(on_poll("poll.close", id), moderator()).result.code, error_code::conflict);
  EXPECT_FALSE(driver_.engine().polls().has_pending_votes()) << "the close carried the counts";
}

TEST_F(EnginePollsTest, OneBallotPerViewerPerPoll) {
  std::string id = opened();
  std::string other = opened();
  EXPECT_EQ(vote(id, "v1", {"a"}), error_code::none);
  EXPECT_EQ(vote(id, "v1", {"b"}), error_code::conflict);
  EXPECT_EQ(vote(id, "v1", {"a"}), error_code::conflict);
  EXPECT_EQ(vote(other, "v1", {"b"}), error_code::none) << "another poll takes its own ballot";
  EXPECT_EQ(find(id).total, 1u);
  EXPECT_EQ(find(id).votes, (std::vector<std::uint64_t>{1, 0}));
}

TEST_F(EnginePollsTest, SingleChoiceTakesExactlyOneOption) {
  std::string id = opened();
  EXPECT_EQ(vote(id, "v1", {"a", "b"}), error_code::bad_request);
  EXPECT_EQ(vote(id, "v1", {}), error_code::bad_request);
  EXPECT_EQ(find(id).total, 0u);
  EXPECT_EQ(vote(id, "v1", {"b"}), error_code::none) << "a refused ballot leaves the viewer's ballot";
}

TEST_F(EnginePollsTest, MultipleChoiceCountsEachOptionAndOneBallot) {
  std::string id = opened({"Cyber", "Maritime", "Space"}, true);
  EXPECT_EQ(vote(id, "v1", {"a", "c"}), error_code::none);
  EXPECT_EQ(vote(id, "v2", {"c"}), error_code::none);
  EXPECT_EQ(vote(id, "v3", {"a", "a"}), error_code::bad_request) << "an option named twice";
  EXPECT_EQ(find(id).votes, (std::vector<std::uint64_t>{1, 0, 2}));
  EXPECT_EQ(find(id).total, 2u) << "total counts ballots";
}

TEST_F(EnginePollsTest, UnknownOptionIsBadRequestAndCountsNothing) {
  std::string id = opened();
  engine_reply reply = driver_.run(ballot(id, {"z"}), viewer("v1"));
  EXPECT_EQ(reply.result.code, error_code::bad_request);
  EXPECT_EQ(reply.result.message, "the poll has no option \"z\"");
  EXPECT_FALSE(reply.journal) << "nothing refused is journaled";
  EXPECT_EQ(find(id).total, 0u);
}

TEST_F(EnginePollsTest, ClosedPollIsConflictDraftAndUnknownAreNotFound) {
  EXPECT_EQ(vote("formalise-partnerships", "v1", {"yes"}), error_code::not_found) << "a prepared draft";
  EXPECT_EQ(vote("no-such-poll", "v1", {"yes"}), error_code::not_found);
  EXPECT_EQ(driver_.run(on_poll("poll.open", "no-such-poll"), moderator()).result.code,
            error_code::not_found);
  std::string id = opened();
  EXPECT_TRUE(driver_.run(on_poll("poll.close", id), moderator()).result.ok());
  EXPECT_EQ(vote(id, "v1", {"a"}), error_code::conflict);
  EXPECT_EQ(driver_.run(on_poll("poll.close", "formalise-partnerships"), moderator()).result.code,
            error_code::conflict)
      << "a draft is not open";
}

// ---- Counts, coalesced ----

TEST_F(EnginePollsTest, BallotsArePublishedAsOnePollVotesChangePerTick) {
  std::string id = opened();
  engine_reply cast = driver_.run(ballot(id, {"a"}), viewer("v1"), t0 + 2);
  EXPECT_TRUE(cast.messages.empty()) << "a ballot publishes nothing by itself";
  EXPECT_FALSE(cast.ack.contains("seq"));
  vote(id, "v2", {"b"}, t0 + 3);
  vote(id, "v3", {"b"}, t0 + 4);
  engine_reply tick = driver_.tick(t0 + 250);
  ASSERT_EQ(kinds_of(tick), std::vector<std::string>{"poll.votes"});
  EXPECT_EQ(tick.messages[0]->data,
            (boost::json::object{{"poll", id}, {"votes", {{"a", 1}, {"b", 2}}}, {"total", 3}}));
  EXPECT_TRUE(kinds_of(driver_.tick(t0 + 500)).empty()) << "nothing new to publish";
}

TEST_F(EnginePollsTest, AtMostFourPollVotesChangesASecondPerPoll) {
  std::string id = opened();
  std::string other = opened();
  // A ballot every 10 ms for 3 s on both polls, with the gateway's tick every 100 ms.
  int voter = 0;
  std::vector<millis> published_at;
  std::size_t other_changes = 0;
  for (millis at = t0 + 10; at <= t0 + 3000; at += 10) {
    vote(id, "v" + std::to_string(++voter), {"a"}, at);
    vote(other, "v" + std::to_string(voter), {"b"}, at);
    if ((at - t0) % 100 == 0) {
      engine_reply tick = driver_.tick(at);
      for (const auto& m : tick.messages) {
        ASSERT_EQ(m->kind, "poll.votes");
        if (m->data.at("poll").as_string() == id)
          published_at.push_back(at);
        else
          ++other_changes;
      }
    }
  }
  ASSERT_FALSE(published_at.empty());
  for (std::size_t i = 1; i < published_at.size(); ++i)
    EXPECT_GE(published_at[i] - published_at[i - 1], 250) << "change " << i;
  EXPECT_LE(published_at.size(), 12u);
  EXPECT_EQ(other_changes, published_at.size()) << "each poll has its own pace";
  // The last count is exact once the pace allows.
  driver_.tick(t0 + 3300);
  const auto& last = driver_.messages().back()->data;
  EXPECT_EQ(last.at("total"), static_cast<std::uint64_t>(voter));
}

// ---- State, staff queue, screen ----

TEST_F(EnginePollsTest, PublicStateListsOpenAndClosedNewestFirstAndStaffSeeDrafts) {
  EXPECT_EQ(driver_.engine().public_state().at("polls"), boost::json::array());
  EXPECT_EQ(driver_.engine().public_state().at("polls_total"), 0u);
  auto drafts = driver_.engine().queue_snapshot().at("polls").as_array();
  ASSERT_EQ(drafts.size(), 3u);
  EXPECT_EQ(drafts[0].at("id"), "formalise-partnerships");
  EXPECT_EQ(drafts[1].at("multiple"), true);

  driver_.run(on_poll("poll.open", "summit-expectations"), moderator(), t0 + 1);
  driver_.run(on_poll("poll.open", "formalise-partnerships"), moderator(), t0 + 2);
  driver_.run(on_poll("poll.close", "summit-expectations"), moderator(), t0 + 3);
  auto state = driver_.engine().public_state();
  const auto& polls = state.at("polls").as_array();
  ASSERT_EQ(polls.size(), 2u);
  EXPECT_EQ(polls[0].at("id"), "formalise-partnerships");
  EXPECT_EQ(polls[1].at("id"), "summit-expectations");
  EXPECT_EQ(polls[1].at("status"), "closed");
  EXPECT_EQ(state.at("polls_total"), 2u);
  EXPECT_EQ(driver_.engine().queue_snapshot().at("polls").as_array().size(), 1u);
}

TEST_F(EnginePollsTest, AnOpenOrClosedPollGoesOnScreenADraftDoesNot) {
  boost::json::object on_air{{"type", "on_screen.set"}, {"kind", "poll"}, {"item", "formalise-partnerships"}};
  EXPECT_EQ(driver_.run(on_air, moderator()).result.code, error_code::not_found);
  driver_.run(on_poll("poll.open", "formalise-partnerships"), moderator());
  engine_reply shown = driver_.run(on_air, moderator("Ana"));
  ASSERT_EQ(kinds_of(shown), std::vector<std::string>{"on_screen"});
  EXPECT_EQ(shown.messages[0]->data,
            (boost::json::object{{"kind", "poll"}, {"id", "formalise-partnerships"}, {"by", "Ana"}}));
  driver_.run(on_poll("poll.close", "formalise-partnerships"), moderator());
  EXPECT_EQ(driver_.engine().public_state().at("on_screen").at("kind"), "poll") << "results stay on air";
}

// ---- Journal and replica ----

TEST_F(EnginePollsTest, JournalReplaysToTheSameStateAndChanges) {
  std::string id = opened({"Yes", "No", "Later"});
  driver_.run(on_poll("poll.open", "cooperation-areas"), producer(), t0 + 1);
  vote(id, "v1", {"a"}, t0 + 2);
  vote(id, "v2", {"c"}, t0 + 3);
  driver_.run(ballot("cooperation-areas", {"cyber", "tech"}), viewer("v1"), t0 + 4);
  driver_.tick(t0 + 300);
  vote(id, "v3", {"c"}, t0 + 400);
  driver_.run(on_poll("poll.close", id), moderator(), t0 + 500);
  driver_.tick(t0 + 600);

  event_engine rebuilt(load_event(nato_event), "epoch-1");
  std::vector<message_ptr> replayed;
  for (const auto& record : driver_.journal()) {
    engine_reply reply;
    ASSERT_TRUE(rebuilt.replay(boost::json::parse(boost::json::serialize(record)).as_object(), reply))
        << boost::json::serialize(record);
    ASSERT_TRUE(reply.result.ok()) << reply.result.message;
    for (const auto& m : reply.messages) replayed.push_back(m);
  }
  EXPECT_EQ(rebuilt.public_state(), driver_.engine().public_state());
  EXPECT_EQ(rebuilt.queue_snapshot(), driver_.engine().queue_snapshot());
  ASSERT_EQ(replayed.size(), driver_.messages().size());
  for (std::size_t i = 0; i < replayed.size(); ++i)
    EXPECT_EQ(replayed[i]->payload, driver_.messages()[i]->payload);
  // One ballot per viewer holds after the replay too.
  command again = frame(R"({"type":"poll.vote","poll":"cooperation-areas","options":["cyber"]})");
  EXPECT_EQ(rebuilt.apply(again, viewer("v1"), t0 + 700).result.code, error_code::conflict);
}

TEST_F(EnginePollsTest, ReplicaFollowsPollsAndDrafts) {
  event_replica replica(driver_.engine().definition().id, driver_.engine().epoch(), driver_.engine().seq(),
                        driver_.engine().public_state(), driver_.engine().queue_snapshot());
  std::string id = made();
  driver_.run(on_poll("poll.open", "formalise-partnerships"), moderator(), t0 + 1);
  vote("formalise-partnerships", "v1", {"no"}, t0 + 2);
  driver_.tick(t0 + 300);
  for (const auto& m : driver_.messages()) replica.apply(m);
  EXPECT_EQ(replica.state().at("polls"), driver_.engine().public_state().at("polls"));
  EXPECT_EQ(replica.state().at("polls_total"), 1u);
  auto queue = boost::json::parse(replica.queue_snapshot_payload());
  EXPECT_EQ(queue.at("polls"), driver_.engine().queue_snapshot().at("polls"));
  EXPECT_EQ(queue.at("polls").as_array().back().at("id").as_string(), id);
}

TEST_F(EnginePollsTest, ReplicaShowsTheNewestFiftyAndThePollOnScreen) {
  engine_limits limits;
  limits.max_polls = 100;
  engine_driver many(nato_event, limits);
  for (int i = 0; i < 60; ++i) {
    engine_reply made = many.run(create("Poll " + std::to_string(i) + "?", {"a", "b"}), moderator(), t0 + i);
    many.run(on_poll("poll.open", std::string(made.ack.at("poll").as_string())), moderator(), t0 + i);
  }
  many.run(R"({"type":"on_screen.set","kind":"poll","item":"poll-1"})", moderator(), t0 + 100);
  event_replica replica(many.engine().definition().id, many.engine().epoch(), 0,
                        event_engine(load_event(nato_event), "epoch-1").public_state(),
                        event_engine(load_event(nato_event), "epoch-1").queue_snapshot());
  for (const auto& m : many.messages()) replica.apply(m);
  const auto& polls = replica.state().at("polls").as_array();
  ASSERT_EQ(polls.size(), 51u);
  EXPECT_EQ(polls[0].at("id"), "poll-60");
  EXPECT_EQ(polls[49].at("id"), "poll-11");
  EXPECT_EQ(polls[50].at("id"), "poll-1") << "the poll on screen comes too";
  EXPECT_EQ(replica.state().at("polls_total"), 60u);
}

// ---- Snapshots ----

TEST_F(EnginePollsTest, ASnapshotKeepsBallotsPendingCountsAndTheNextIds) {
  std::string id = opened();
  driver_.run(on_poll("poll.open", "cooperation-areas"), moderator(), t0 + 1);
  vote(id, "v1", {"a"}, t0 + 2);
  driver_.tick(t0 + 250);
  vote(id, "v2", {"b"}, t0 + 300);  // not yet published
  vote("cooperation-areas", "v1", {"cyber", "tech"}, t0 + 301);
  driver_.run(on_poll("poll.close", "cooperation-areas"), moderator(), t0 + 302);

  event_engine restored(load_event(nato_event), "epoch-1");
  std::string why;
  ASSERT_TRUE(restored.restore(boost::json::serialize(driver_.engine().snapshot()), why)) << why;
  EXPECT_EQ(restored.public_state(), driver_.engine().public_state());
  EXPECT_EQ(restored.queue_snapshot(), driver_.engine().queue_snapshot());
  EXPECT_EQ(boost::json::serialize(restored.snapshot()), boost::json::serialize(driver_.engine().snapshot()));

  // Both go on the same: the pending count comes out on the same tick, v1 still has a ballot,
  // and the next poll made gets the same id.
  auto both = [&](std::string_view json, const actor& who, millis at) {
    engine_reply a = driver_.engine().apply(frame(json), who, at);
    engine_reply b = restored.apply(frame(json), who, at);
    EXPECT_EQ(a.result.code, b.result.code) << json;
    EXPECT_EQ(a.ack, b.ack) << json;
    return b;
  };
  engine_reply tick_a = driver_.engine().tick(t0 + 600, 0);
  engine_reply tick_b = restored.tick(t0 + 600, 0);
  ASSERT_EQ(kinds_of(tick_b), std::vector<std::string>{"poll.votes"});
  EXPECT_EQ(payloads_of(tick_a), payloads_of(tick_b));
  EXPECT_EQ(
      both(R"({"type":"poll.vote","poll":"poll-1","options":["b"]})", viewer("v1"), t0 + 500).result.code,
      error_code::conflict);
  EXPECT_EQ(both(R"({"type":"poll.create","question":"Next?","options":["x","y"]})", moderator(), t0 + 501)
                .ack.at("poll"),
            "poll-2");
}

TEST_F(EnginePollsTest, ASnapshotWithoutPollsStartsWithTheEventFilesDrafts) {
  boost::json::object snapshot = driver_.engine().snapshot();
  snapshot["parts"].as_object().erase("polls");
  event_engine restored(load_event(nato_event), "epoch-1");
  std::string why;
  ASSERT_TRUE(restored.restore(boost::json::serialize(snapshot), why)) << why;
  EXPECT_EQ(restored.queue_snapshot().at("polls").as_array().size(), 3u);
}

TEST_F(EnginePollsTest, ADamagedPollsPartIsRefusedNamingTheField) {
  opened();
  boost::json::object snapshot = driver_.engine().snapshot();
  auto& first = snapshot["parts"].as_object()["polls"].as_object()["polls"].as_array()[3].as_object();
  first["total"] = 5;  // with no voter recorded
  event_engine restored(load_event(nato_event), "epoch-1");
  std::string why;
  EXPECT_FALSE(restored.restore(boost::json::serialize(snapshot), why));
  EXPECT_EQ(why, "polls: polls[3]: voters: not one per ballot");
}

}  // namespace
}  // namespace companion::session

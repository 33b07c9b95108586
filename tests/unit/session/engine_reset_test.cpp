// event.reset and what a new epoch carries: only a producer, only with the event's id
// as confirmation, nothing journaled in the old epoch; the records carried into the new
// epoch rebuild the prepared show (rundown, rules, author lists) without the rehearsal.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <variant>

#include "engine_fixture.hpp"
#include "session/epoch_carry.hpp"
#include "session/poll_board.hpp"
#include "session/post_wall.hpp"
#include "session/question_board.hpp"

namespace companion::session::testing {
namespace {

bool asks_reset(const engine_reply& reply) {
  for (const auto& effect : reply.effects)
    if (std::holds_alternative<reset_requested>(effect)) return true;
  return false;
}

TEST(EventReset, NeedsAProducerAndTheEventsIdAsConfirmation) {
  engine_driver driver(nato_event);
  const std::uint64_t seq = driver.engine().seq();
  engine_reply moderator_try =
      driver.run(R"({"type":"event.reset","confirm":"nato-indo-pacific-2024"})", moderator());
  EXPECT_EQ(moderator_try.result.code, error_code::forbidden);
  engine_reply wrong = driver.run(R"({"type":"event.reset","confirm":"another-event"})", producer());
  EXPECT_EQ(wrong.result.code, error_code::bad_request);
  EXPECT_NE(wrong.result.message.find("nato-indo-pacific-2024"), std::string::npos);
  EXPECT_FALSE(asks_reset(wrong));

  engine_reply confirmed =
      driver.run(R"({"type":"event.reset","confirm":"nato-indo-pacific-2024"})", producer());
  ASSERT_TRUE(confirmed.result.ok()) << confirmed.result.message;
  EXPECT_TRUE(asks_reset(confirmed));
  // The engine changes nothing and journals nothing: the new epoch is the gateway's.
  EXPECT_FALSE(confirmed.journal);
  EXPECT_TRUE(confirmed.messages.empty());
  EXPECT_EQ(driver.engine().seq(), seq);
}

TEST(EventReset, AFrameWithoutConfirmIsRefusedAtDecoding) {
  command_decoder decoder;
  command out;
  decode_failure failure;
  EXPECT_FALSE(decoder.decode(R"({"type":"event.reset","id":1})", out, failure));
  EXPECT_NE(failure.message.find("confirm"), std::string::npos);
}

TEST(EpochCarry, KeepsThePreparedShowAndLeavesTheRehearsal) {
  engine_driver rehearsal(nato_event);
  const std::size_t rehearsal_drafts_at_start =
      rehearsal.engine().queue_snapshot().at("polls").as_array().size();
  auto ok = [&](std::string_view json, const actor& who) {
    engine_reply reply = rehearsal.run(json, who);
    ASSERT_TRUE(reply.result.ok()) << json << ": " << reply.result.message;
  };
  ok(R"({"type":"segment.update","segment":"keynote","title":"Keynote: Kurt M. Campbell"})", producer());
  ok(R"({"type":"segment.add","segment":"thanks","kind":"closing","title":"Thanks","planned_minutes":2})",
     producer());
  ok(R"({"type":"segment.move","segment":"qa","after":"opening"})", producer());
  ok(R"({"type":"moderation.set","rules":{"max_links":1}})", moderator());
  ok(R"({"type":"author.block","source":"bluesky","handle":"spam.example"})", moderator());
  ok(R"({"type":"author.trust","source":"bluesky","handle":"friend.example"})", moderator());
  ok(R"({"type":"agenda.start"})", producer());
  ok(R"({"type":"agenda.next"})", producer());
  ok(R"({"type":"announce","text":"Rehearsal"})", producer());
  ok(R"({"type":"qa.set","open":false})", producer());
  ok(R"({"type":"qa.set","open":true})", producer());
  ok(R"({"type":"question.ask","text":"A rehearsal question about the summit?"})", viewer("v1"));
  ok(R"({"type":"question.approve","question":"q1"})", moderator());
  ok(R"({"type":"question.vote","question":"q1"})", viewer("v2"));
  ASSERT_TRUE(rehearsal.ingest(make_post("bsky/1"), approved).result.ok());
  engine_reply made = rehearsal.run(
      R"({"type":"poll.create","question":"Rehearse a poll?","options":["Yes","No"]})", producer());
  ASSERT_TRUE(made.result.ok()) << made.result.message;
  const std::string poll_id(made.ack.at("poll").as_string());
  ok(R"({"type":"poll.open","poll":")" + poll_id + R"("})", producer());
  ok(R"({"type":"poll.vote","poll":")" + poll_id + R"(","options":["a"]})", viewer("v3"));
  ok(R"({"type":"poll.close","poll":")" + poll_id + R"("})", producer());

  event_engine fresh(load_event(nato_event), "epoch-2");
  std::size_t carried = 0;
  for (const auto& record : rehearsal.journal()) {
    if (!carried_across_reset(record)) continue;
    ++carried;
    engine_reply reply;
    EXPECT_TRUE(fresh.replay(record, reply)) << boost::json::serialize(record);
  }
  EXPECT_EQ(carried, 7u);
  const agenda& run = fresh.run_of_show();
  EXPECT_EQ(run.status(), agenda_status::scheduled);
  ASSERT_EQ(run.segments().size(), 6u);
  EXPECT_EQ(run.segments()[1].definition.id, "qa");
  EXPECT_EQ(run.segments()[2].definition.title, "Keynote: Kurt M. Campbell");
  EXPECT_EQ(run.segments().back().definition.id, "thanks");
  EXPECT_EQ(fresh.moderation_rules().at("max_links").as_int64(), 1);
  EXPECT_EQ(fresh.authors()->blocked.size(), 1u);
  EXPECT_EQ(fresh.authors()->trusted.size(), 1u);
  EXPECT_TRUE(fresh.questions().all().empty());
  EXPECT_TRUE(fresh.wall().post_ids().empty());
  boost::json::object state = fresh.public_state();
  EXPECT_TRUE(state.at("announcement").is_null());
  // The console's poll is a draft again, without the rehearsal's ballot, beside the
  // event file's prepared ones.
  const poll* again = fresh.polls().find(poll_id);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->status, poll_status::draft);
  EXPECT_EQ(again->total, 0u);
  EXPECT_EQ(fresh.queue_snapshot().at("polls").as_array().size(), rehearsal_drafts_at_start + 1);
}

TEST(EpochCarry, NamesTheCommandsItKeeps) {
  for (const char* kept :
       {"segment.add", "segment.update", "segment.remove", "segment.move", "moderation.set", "author.block",
        "author.trust", "author.unblock", "author.untrust", "poll.create"})
    EXPECT_TRUE(carried_command(kept)) << kept;
  for (const char* left : {"agenda.start", "agenda.next", "announce", "stage.message", "qa.set",
                           "question.ask", "question.approve", "post.approve", "on_screen.set", "event.reset",
                           "poll.open", "poll.vote", "poll.close"})
    EXPECT_FALSE(carried_command(left)) << left;
  EXPECT_FALSE(carried_across_reset(boost::json::object{{"kind", "post"}}));
  EXPECT_FALSE(carried_across_reset(boost::json::object{{"kind", "vote"}, {"q", "q1"}}));
  EXPECT_FALSE(carried_across_reset(boost::json::object{{"kind", "command"}, {"cmd", "segment.add"}}));
}

}  // namespace
}  // namespace companion::session::testing

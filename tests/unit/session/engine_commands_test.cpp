// The engine's command handling for roles, the run of show, announcements and
// the on-screen item: who may do what, what each accepted command publishes,
// and that a refused command publishes and journals nothing.
#include "session/engine.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "engine_fixture.hpp"

namespace companion::session {
namespace {

using namespace testing;

class EngineCommandTest : public ::testing::Test {
 protected:
  // Asks as a viewer and approves as a moderator; returns the question id.
  std::string approved_question(const std::string& text) {
    engine_reply asked =
        driver_.run(boost::json::object{{"type", "question.ask"}, {"text", text}}, viewer("v-asker"));
    EXPECT_TRUE(asked.result.ok()) << asked.result.message;
    std::string id(asked.ack.at("question").as_string());
    EXPECT_TRUE(driver_.run(boost::json::object{{"type", "question.approve"}, {"question", id}}, moderator())
                    .result.ok());
    return id;
  }

  // Expects the command to be refused with `code`, publishing and journaling nothing.
  void expect_refused(std::string_view json, const actor& who, error_code code) {
    std::uint64_t seq_before = driver_.engine().seq();
    engine_reply reply = driver_.run(json, who);
    EXPECT_EQ(reply.result.code, code) << json << ": " << reply.result.message;
    EXPECT_TRUE(reply.messages.empty()) << json;
    EXPECT_FALSE(reply.journal.has_value()) << json;
    EXPECT_TRUE(reply.ack.empty()) << json;
    EXPECT_EQ(driver_.engine().seq(), seq_before) << json;
  }
  void expect_refused(const boost::json::object& json, const actor& who, error_code code) {
    expect_refused(boost::json::serialize(json), who, code);
  }

  engine_driver driver_{nato_event};
};

// ---- Roles ----

TEST_F(EngineCommandTest, ViewerCannotAdvanceTheAgenda) {
  expect_refused(R"({"type":"agenda.next"})", viewer("v1"), error_code::forbidden);
}

TEST_F(EngineCommandTest, ForbiddenMessageNamesTheRequiredRole) {
  EXPECT_EQ(driver_.run(R"({"type":"agenda.start"})", viewer("v1")).result.message, "producer role required");
}

TEST_F(EngineCommandTest, ModeratorCannotDriveTheAgenda) {
  for (auto json :
       {R"({"type":"agenda.start"})", R"({"type":"agenda.next"})", R"({"type":"agenda.previous"})",
        R"({"type":"agenda.pause"})", R"({"type":"agenda.resume"})", R"({"type":"agenda.end"})",
        R"({"type":"agenda.goto","segment":"qa"})", R"({"type":"announce","text":"hi"})"})
    expect_refused(json, moderator(), error_code::forbidden);
}

TEST_F(EngineCommandTest, ViewerCannotModerate) {
  std::string id = approved_question("Why?");
  expect_refused(boost::json::object{{"type", "question.reject"}, {"question", id}}, viewer("v1"),
                 error_code::forbidden);
  expect_refused(boost::json::object{{"type", "on_screen.set"}, {"kind", "question"}, {"item", id}},
                 viewer("v1"), error_code::forbidden);
}

TEST_F(EngineCommandTest, ProducerCanModerate) {
  engine_reply asked = driver_.run(R"({"type":"question.ask","text":"Why?"})", viewer("v1"));
  engine_reply approved = driver_.run(R"({"type":"question.approve","question":"q1"})", producer());
  EXPECT_TRUE(approved.result.ok()) << approved.result.message;
  EXPECT_EQ(kinds_of(approved), (std::vector<std::string>{"queue.removed", "question.added"}));
}

TEST_F(EngineCommandTest, IngestRoleCannotSendCommands) {
  expect_refused(R"({"type":"question.ask","text":"Why?"})", actor{role::ingest, "", "bot"},
                 error_code::forbidden);
}

TEST_F(EngineCommandTest, ConnectionCommandsAreNotEventCommands) {
  // hello, ping and token.refresh are the gateway's own messages: the session knows none.
  for (auto type : {"hello", "ping", "token.refresh"}) EXPECT_EQ(find_command(type), nullptr) << type;
}

// ---- Agenda ----

TEST_F(EngineCommandTest, AgendaStartPublishesOneAgendaChange) {
  engine_reply reply = driver_.run(R"({"type":"agenda.start"})", producer());
  ASSERT_TRUE(reply.result.ok());
  ASSERT_EQ(reply.messages.size(), 1u);
  const published_message& change = *reply.messages.front();
  EXPECT_EQ(change.kind, "agenda");
  EXPECT_EQ(change.seq, 1u);
  EXPECT_FALSE(change.staff_only);
  EXPECT_EQ(change.data.at("status"), "live");
  EXPECT_EQ(change.data.at("current"), "opening");
  EXPECT_EQ(reply.ack.at("seq"), 1u);
  EXPECT_TRUE(reply.journal.has_value());
}

TEST_F(EngineCommandTest, ChangeFrameCarriesSeqEpochKindAndData) {
  engine_reply reply = driver_.run(R"({"type":"agenda.start"})", producer());
  ASSERT_EQ(reply.messages.size(), 1u);
  boost::json::value frame_json = boost::json::parse(reply.messages.front()->payload);
  EXPECT_EQ(frame_json.at("type"), "change");
  EXPECT_EQ(frame_json.at("seq"), 1);
  EXPECT_EQ(frame_json.at("epoch"), "epoch-1");
  EXPECT_EQ(frame_json.at("kind"), "agenda");
  EXPECT_EQ(frame_json.at("data"), reply.messages.front()->data);
}

TEST_F(EngineCommandTest, EachAgendaMoveTakesTheNextSeq) {
  driver_.run(R"({"type":"agenda.start"})", producer(), t0);
  engine_reply next = driver_.run(R"({"type":"agenda.next"})", producer(), t0 + 60'000);
  ASSERT_EQ(kinds_of(next), (std::vector<std::string>{"agenda"}));
  EXPECT_EQ(next.messages.front()->seq, 2u);
  EXPECT_EQ(next.ack.at("seq"), 2u);
  EXPECT_EQ(next.messages.front()->data.at("current"), "keynote");
  EXPECT_EQ(driver_.engine().seq(), 2u);
}

TEST_F(EngineCommandTest, AgendaGotoJumpsToTheSegment) {
  driver_.run(R"({"type":"agenda.start"})", producer());
  engine_reply reply = driver_.run(R"({"type":"agenda.goto","segment":"qa"})", producer());
  ASSERT_TRUE(reply.result.ok());
  EXPECT_EQ(reply.messages.front()->data.at("current"), "qa");
}

TEST_F(EngineCommandTest, IllegalAgendaMoveIsConflictAndChangesNothing) {
  expect_refused(R"({"type":"agenda.next"})", producer(), error_code::conflict);
}

TEST_F(EngineCommandTest, GotoUnknownSegmentIsNotFound) {
  driver_.run(R"({"type":"agenda.start"})", producer());
  expect_refused(R"({"type":"agenda.goto","segment":"no-such"})", producer(), error_code::not_found);
}

// ---- Announcements ----

TEST_F(EngineCommandTest, AnnouncementIsPublished) {
  engine_reply reply =
      driver_.run(R"({"type":"announce","text":"  Back in 5 minutes  "})", producer(), t0 + 7);
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"announcement"}));
  EXPECT_EQ(reply.messages.front()->data,
            boost::json::value(boost::json::object{{"text", "Back in 5 minutes"}, {"at", t0 + 7}}));
  EXPECT_EQ(driver_.engine().public_state().at("announcement").at("text"), "Back in 5 minutes");
}

TEST_F(EngineCommandTest, EmptyAnnouncementClears) {
  driver_.run(R"({"type":"announce","text":"Back soon"})", producer());
  engine_reply reply = driver_.run(R"({"type":"announce","text":""})", producer());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"announcement"}));
  EXPECT_TRUE(reply.messages.front()->data.is_null());
  EXPECT_TRUE(driver_.engine().public_state().at("announcement").is_null());
}

TEST_F(EngineCommandTest, ClearingWithoutAnnouncementPublishesNothing) {
  engine_reply reply = driver_.run(R"({"type":"announce","text":" "})", producer());
  EXPECT_TRUE(reply.result.ok());
  EXPECT_TRUE(reply.messages.empty());
  EXPECT_EQ(driver_.engine().seq(), 0u);
}

TEST_F(EngineCommandTest, AnnouncementOf500CharactersIsAccepted) {
  std::string text(500, 'a');
  EXPECT_TRUE(driver_.run(boost::json::object{{"type", "announce"}, {"text", text}}, producer()).result.ok());
}

TEST_F(EngineCommandTest, AnnouncementOf501CharactersIsBadRequest) {
  std::string text(501, 'a');
  expect_refused(boost::json::object{{"type", "announce"}, {"text", text}}, producer(),
                 error_code::bad_request);
}

TEST_F(EngineCommandTest, AnnouncementWithControlCharactersIsBadRequest) {
  expect_refused(R"({"type":"announce","text":"two\nlines"})", producer(), error_code::bad_request);
  expect_refused(R"({"type":"announce","text":"esc\u001b[1m"})", producer(), error_code::bad_request);
}

// ---- Stage messages ----

TEST_F(EngineCommandTest, StageMessageIsAChangeOfItsOwn) {
  engine_reply reply =
      driver_.run(R"({"type":"stage.message","text":" Wrap up, please "})", producer(), t0 + 3);
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"stage"}));
  EXPECT_EQ(reply.messages.front()->data,
            boost::json::value(boost::json::object{{"text", "Wrap up, please"}, {"at", t0 + 3}}));
  EXPECT_EQ(driver_.engine().public_state().at("stage").at("text"), "Wrap up, please");
  EXPECT_TRUE(driver_.engine().public_state().at("announcement").is_null());
}

TEST_F(EngineCommandTest, EmptyStageMessageClears) {
  driver_.run(R"({"type":"stage.message","text":"Two more questions"})", producer());
  engine_reply reply = driver_.run(R"({"type":"stage.message","text":""})", producer());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"stage"}));
  EXPECT_TRUE(driver_.engine().public_state().at("stage").is_null());
  EXPECT_TRUE(driver_.run(R"({"type":"stage.message","text":""})", producer()).messages.empty());
}

TEST_F(EngineCommandTest, StageMessageLimitsAndRole) {
  EXPECT_TRUE(
      driver_.run(boost::json::object{{"type", "stage.message"}, {"text", std::string(140, 'a')}}, producer())
          .result.ok());
  expect_refused(boost::json::object{{"type", "stage.message"}, {"text", std::string(141, 'a')}}, producer(),
                 error_code::bad_request);
  expect_refused(R"({"type":"stage.message","text":"two\nlines"})", producer(), error_code::bad_request);
  expect_refused(R"({"type":"stage.message","text":"hi"})", moderator(), error_code::forbidden);
}

// ---- Live rundown edits ----

TEST_F(EngineCommandTest, ProducerAddsASegmentAfterTheCurrentOne) {
  driver_.run(R"({"type":"agenda.start"})", producer());
  engine_reply reply = driver_.run(
      R"({"type":"segment.add","segment":"fireside","kind":"panel","title":" Fireside chat ","planned_minutes":15,
          "speakers":[{"name":"Ana Ruiz","role":"moderator","title":"Host"}],"after":"opening"})",
      producer());
  ASSERT_TRUE(reply.result.ok()) << reply.result.message;
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"agenda"}));
  const auto& segments = reply.messages.front()->data.at("segments").as_array();
  EXPECT_EQ(segments.at(1).at("id"), "fireside");
  EXPECT_EQ(segments.at(1).at("title"), "Fireside chat");
  EXPECT_EQ(segments.at(1).at("speakers").at(0).at("name"), "Ana Ruiz");
  EXPECT_EQ(segments.at(1).at("elapsed_ms"), 0);
}

TEST_F(EngineCommandTest, SegmentUpdateChangesOnlyTheFieldsGiven) {
  engine_reply reply =
      driver_.run(R"({"type":"segment.update","segment":"keynote","planned_minutes":25})", producer());
  ASSERT_TRUE(reply.result.ok()) << reply.result.message;
  const auto state = driver_.engine().public_state();
  const auto& keynote = state.at("agenda").at("segments").at(1);
  EXPECT_EQ(keynote.at("planned_minutes"), 25);
  EXPECT_EQ(keynote.at("title"), "Keynote remarks");
  EXPECT_FALSE(keynote.at("speakers").as_array().empty());
  driver_.run(R"({"type":"segment.update","segment":"keynote","speakers":[]})", producer());
  EXPECT_TRUE(
      driver_.engine().public_state().at("agenda").at("segments").at(1).at("speakers").as_array().empty());
}

TEST_F(EngineCommandTest, RundownEditsAreCheckedByTheEventFileRules) {
  expect_refused(R"({"type":"segment.update","segment":"keynote","planned_minutes":0})", producer(),
                 error_code::bad_request);
  expect_refused(R"({"type":"segment.update","segment":"keynote","kind":"party"})", producer(),
                 error_code::bad_request);
  expect_refused(R"({"type":"segment.update","segment":"keynote","title":""})", producer(),
                 error_code::bad_request);
  expect_refused(
      R"({"type":"segment.update","segment":"keynote","speakers":[{"name":"A","role":"chef","title":""}]})",
      producer(), error_code::bad_request);
  expect_refused(
      R"({"type":"segment.add","segment":"Bad Id","kind":"panel","title":"T","planned_minutes":5})",
      producer(), error_code::bad_request);
  expect_refused(R"({"type":"segment.update","segment":"nope","title":"T"})", producer(),
                 error_code::not_found);
  expect_refused(R"({"type":"segment.remove","segment":"keynote"})", moderator(), error_code::forbidden);
  engine_reply reply =
      driver_.run(R"({"type":"segment.update","segment":"keynote","planned_minutes":601})", producer());
  EXPECT_EQ(reply.result.message, "planned_minutes: must be 1..600");
}

TEST_F(EngineCommandTest, RemovingAndMovingUpcomingSegments) {
  driver_.run(R"({"type":"agenda.start"})", producer());
  ASSERT_TRUE(driver_.run(R"({"type":"segment.move","segment":"closing","after":"opening"})", producer())
                  .result.ok());
  ASSERT_TRUE(driver_.run(R"({"type":"segment.remove","segment":"qa"})", producer()).result.ok());
  std::vector<std::string> order;
  const auto state = driver_.engine().public_state();
  for (const auto& segment : state.at("agenda").at("segments").as_array())
    order.emplace_back(segment.at("id").as_string());
  EXPECT_EQ(order, (std::vector<std::string>{"opening", "closing", "keynote", "panel"}));
  expect_refused(R"({"type":"segment.remove","segment":"opening"})", producer(), error_code::conflict);
  expect_refused(R"({"type":"segment.move","segment":"panel","after":"panel"})", producer(),
                 error_code::bad_request);
}

// ---- On screen ----

TEST_F(EngineCommandTest, ApprovedQuestionCanGoOnScreen) {
  std::string id = approved_question("Why?");
  engine_reply reply = driver_.run(
      boost::json::object{{"type", "on_screen.set"}, {"id", 3}, {"kind", "question"}, {"item", id}},
      moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"on_screen"}));
  EXPECT_EQ(reply.messages.front()->data,
            boost::json::value(boost::json::object{{"kind", "question"}, {"id", id}, {"by", "mod-ana"}}));
  EXPECT_EQ(driver_.engine().public_state().at("on_screen").at("id"), boost::json::value(id));
}

TEST_F(EngineCommandTest, QuestionCanBeNamedByIdAsInVersionOne) {
  std::string id = approved_question("Why?");
  engine_reply reply = driver_.run(
      boost::json::object{{"type", "on_screen.set"}, {"kind", "question"}, {"id", id}}, moderator());
  ASSERT_TRUE(reply.result.ok()) << reply.result.message;
  EXPECT_EQ(reply.messages.front()->data.at("id"), boost::json::value(id));
}

TEST_F(EngineCommandTest, HighlightCanGoOnScreen) {
  driver_.ingest(make_post("bluesky:1"), approved);
  engine_reply reply =
      driver_.run(R"({"type":"on_screen.set","kind":"highlight","item":"bluesky:1"})", moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"on_screen"}));
  EXPECT_EQ(reply.messages.front()->data.at("kind"), "highlight");
}

TEST_F(EngineCommandTest, PendingQuestionCannotGoOnScreen) {
  driver_.run(R"({"type":"question.ask","text":"Why?"})", viewer("v1"));
  expect_refused(R"({"type":"on_screen.set","kind":"question","item":"q1"})", moderator(),
                 error_code::not_found);
}

TEST_F(EngineCommandTest, UnknownQuestionCannotGoOnScreen) {
  expect_refused(R"({"type":"on_screen.set","kind":"question","item":"q404"})", moderator(),
                 error_code::not_found);
}

TEST_F(EngineCommandTest, QueuedPostCannotGoOnScreen) {
  driver_.ingest(make_post("bluesky:1"), held);
  expect_refused(R"({"type":"on_screen.set","kind":"highlight","item":"bluesky:1"})", moderator(),
                 error_code::not_found);
}

TEST_F(EngineCommandTest, UnknownScreenKindIsBadRequest) {
  std::string id = approved_question("Why?");
  expect_refused(boost::json::object{{"type", "on_screen.set"}, {"kind", "banner"}, {"item", id}},
                 moderator(), error_code::bad_request);
}

TEST_F(EngineCommandTest, SettingTheSameItemAgainPublishesNothing) {
  std::string id = approved_question("Why?");
  boost::json::object json{{"type", "on_screen.set"}, {"kind", "question"}, {"item", id}};
  driver_.run(json, moderator());
  engine_reply again = driver_.run(json, moderator());
  EXPECT_TRUE(again.result.ok());
  EXPECT_TRUE(again.messages.empty());
}

TEST_F(EngineCommandTest, ScreenIsClearedOnRequest) {
  std::string id = approved_question("Why?");
  driver_.run(boost::json::object{{"type", "on_screen.set"}, {"kind", "question"}, {"item", id}},
              moderator());
  engine_reply reply = driver_.run(R"({"type":"on_screen.set","kind":null,"item":null})", moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"on_screen"}));
  EXPECT_TRUE(reply.messages.front()->data.is_null());
}

TEST_F(EngineCommandTest, ScreenClearsWhenTheShownQuestionIsRejected) {
  std::string id = approved_question("Why?");
  driver_.run(boost::json::object{{"type", "on_screen.set"}, {"kind", "question"}, {"item", id}},
              moderator());
  engine_reply reply =
      driver_.run(boost::json::object{{"type", "question.reject"}, {"question", id}}, moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"question.removed", "on_screen"}));
  EXPECT_TRUE(reply.messages.back()->data.is_null());
  EXPECT_EQ(reply.ack.at("seq"), reply.messages.back()->seq);
  EXPECT_TRUE(driver_.engine().public_state().at("on_screen").is_null());
}

TEST_F(EngineCommandTest, ScreenStaysWhenTheShownQuestionIsAnswered) {
  std::string id = approved_question("Why?");
  driver_.run(boost::json::object{{"type", "on_screen.set"}, {"kind", "question"}, {"item", id}},
              moderator());
  engine_reply reply =
      driver_.run(boost::json::object{{"type", "question.answered"}, {"question", id}}, moderator());
  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"question.updated"}));
}

TEST_F(EngineCommandTest, ScreenClearsWhenTheShownHighlightIsRemoved) {
  driver_.ingest(make_post("bluesky:1"), approved);
  driver_.run(R"({"type":"on_screen.set","kind":"highlight","item":"bluesky:1"})", moderator());
  engine_reply reply = driver_.run(R"({"type":"highlight.remove","highlight":"bluesky:1"})", moderator());
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"highlight.removed", "on_screen"}));
  EXPECT_TRUE(reply.messages.back()->data.is_null());
}

TEST_F(EngineCommandTest, ScreenClearsWhenTheShownHighlightIsDeletedAtTheSource) {
  driver_.ingest(make_post("bluesky:1"), approved);
  driver_.run(R"({"type":"on_screen.set","kind":"highlight","item":"bluesky:1"})", moderator());
  engine_reply reply = driver_.retract("bluesky:1");
  ASSERT_EQ(kinds_of(reply), (std::vector<std::string>{"highlight.removed", "on_screen"}));
}

TEST_F(EngineCommandTest, ScreenStaysWhenAnotherHighlightIsRemoved) {
  driver_.ingest(make_post("bluesky:1"), approved);
  driver_.ingest(make_post("bluesky:2"), approved);
  driver_.run(R"({"type":"on_screen.set","kind":"highlight","item":"bluesky:1"})", moderator());
  engine_reply reply = driver_.run(R"({"type":"highlight.remove","highlight":"bluesky:2"})", moderator());
  EXPECT_EQ(kinds_of(reply), (std::vector<std::string>{"highlight.removed"}));
}

// ---- Q&A open and closed ----

TEST_F(EngineCommandTest, AskingWhileQaIsClosedIsConflict) {
  engine_reply closed = driver_.run(R"({"type":"qa.set","open":false})", producer());
  ASSERT_EQ(kinds_of(closed), (std::vector<std::string>{"qa"}));
  expect_refused(R"({"type":"question.ask","text":"Why?"})", viewer("v1"), error_code::conflict);
}

TEST_F(EngineCommandTest, QaChangeMatchesThePublicState) {
  engine_reply closed = driver_.run(R"({"type":"qa.set","open":false})", producer());
  ASSERT_EQ(closed.messages.size(), 1u);
  EXPECT_EQ(closed.messages.front()->data, driver_.engine().public_state().at("qa"));
}

TEST_F(EngineCommandTest, ModeratorCannotCloseQa) {
  expect_refused(R"({"type":"qa.set","open":false})", moderator(), error_code::forbidden);
}

}  // namespace
}  // namespace companion::session

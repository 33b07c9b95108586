// The run-of-show state machine: every command from every state, the rules for
// segment start times, and the JSON the agenda publishes.
#include "session/agenda.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <optional>
#include <string>
#include <vector>

namespace companion::session {
namespace {

constexpr millis t0 = 1713794400000;  // 2024-04-22T14:00:00Z
constexpr millis minute = 60'000;

std::vector<segment_definition> four_segments() {
  return {
      {"a", "opening", "Opening", 5, {{"Ada Host", "host", "Host"}}},
      {"b", "keynote", "Keynote", 20, {{"Kim Keynote", "speaker", "Minister"}}},
      {"c", "panel", "Panel", 45, {{"Ada Host", "moderator", "Host"}, {"Pat Panel", "panelist", "Analyst"}}},
      {"d", "closing", "Closing", 5, {}},
  };
}

std::optional<std::string> current_id(const agenda& show) {
  if (!show.current_index()) return std::nullopt;
  return show.segments()[*show.current_index()].definition.id;
}

std::optional<millis> actual_start(const agenda& show, std::size_t index) {
  return show.segments().at(index).actual_start;
}

// ---- Every command from every state ----

enum class from { scheduled, live_on_first, live_in_middle, live_on_last, paused_in_middle, ended };

// Brings a fresh agenda into a state through the public commands, one minute per step.
void bring_to(agenda& show, from state) {
  if (state == from::scheduled) return;
  ASSERT_TRUE(show.start(t0).ok());
  switch (state) {
    case from::live_in_middle:
      ASSERT_TRUE(show.next(t0 + minute).ok());
      break;
    case from::live_on_last:
      ASSERT_TRUE(show.go_to("d", t0 + minute).ok());
      break;
    case from::paused_in_middle:
      ASSERT_TRUE(show.next(t0 + minute).ok());
      ASSERT_TRUE(show.pause(t0 + 2 * minute).ok());
      break;
    case from::ended:
      ASSERT_TRUE(show.end(t0 + minute).ok());
      break;
    default:
      break;
  }
}

// The commands a producer can send, with go_to's target spelled out.
enum class command { start, next, previous, go_to_a, go_to_b, go_to_c, go_to_unknown, pause, resume, end };

outcome apply(agenda& show, command c, millis now) {
  switch (c) {
    case command::start:
      return show.start(now);
    case command::next:
      return show.next(now);
    case command::previous:
      return show.previous(now);
    case command::go_to_a:
      return show.go_to("a", now);
    case command::go_to_b:
      return show.go_to("b", now);
    case command::go_to_c:
      return show.go_to("c", now);
    case command::go_to_unknown:
      return show.go_to("encore", now);
    case command::pause:
      return show.pause(now);
    case command::resume:
      return show.resume(now);
    case command::end:
      return show.end(now);
  }
  return outcome::failure(error_code::internal, "unknown command");
}

struct transition {
  const char* name;
  from state;
  command what;
  error_code expected_code;
  const char* expected_message;  // part of the failure message; empty on success
  agenda_status expected_status;
  std::optional<std::string> expected_current;
};

constexpr auto ok = error_code::none;
constexpr auto conflict = error_code::conflict;
constexpr auto not_found = error_code::not_found;
constexpr auto scheduled = agenda_status::scheduled;
constexpr auto live = agenda_status::live;
constexpr auto paused = agenda_status::paused;
constexpr auto ended = agenda_status::ended;
const std::optional<std::string> none;

const transition transitions[] = {
    // Before the show.
    {"StartWhileScheduledGoesLiveOnFirst", from::scheduled, command::start, ok, "", live, "a"},
    {"NextWhileScheduledIsConflict", from::scheduled, command::next, conflict, "has not started", scheduled,
     none},
    {"PreviousWhileScheduledIsConflict", from::scheduled, command::previous, conflict, "has not started",
     scheduled, none},
    {"GoToWhileScheduledIsConflict", from::scheduled, command::go_to_c, conflict, "has not started",
     scheduled, none},
    {"GoToUnknownWhileScheduledIsConflict", from::scheduled, command::go_to_unknown, conflict,
     "has not started", scheduled, none},
    {"PauseWhileScheduledIsConflict", from::scheduled, command::pause, conflict, "has not started", scheduled,
     none},
    {"ResumeWhileScheduledIsConflict", from::scheduled, command::resume, conflict, "has not started",
     scheduled, none},
    {"EndWhileScheduledIsConflict", from::scheduled, command::end, conflict, "has not started", scheduled,
     none},
    // Live on the first segment.
    {"StartWhileLiveIsConflict", from::live_on_first, command::start, conflict, "already started", live, "a"},
    {"NextOnFirstMovesToSecond", from::live_on_first, command::next, ok, "", live, "b"},
    {"PreviousOnFirstIsConflict", from::live_on_first, command::previous, conflict, "first segment", live,
     "a"},
    {"GoToCurrentIsConflict", from::live_on_first, command::go_to_a, conflict,
     "\"a\" is already the current segment", live, "a"},
    {"GoToLaterSegmentJumpsThere", from::live_on_first, command::go_to_c, ok, "", live, "c"},
    {"GoToUnknownIsNotFound", from::live_on_first, command::go_to_unknown, not_found, "no segment \"encore\"",
     live, "a"},
    {"PauseWhileLiveIsPaused", from::live_on_first, command::pause, ok, "", paused, "a"},
    {"ResumeWhileLiveIsConflict", from::live_on_first, command::resume, conflict, "not paused", live, "a"},
    {"EndWhileLiveEnds", from::live_on_first, command::end, ok, "", ended, none},
    // Live in the middle.
    {"NextInMiddleMovesForward", from::live_in_middle, command::next, ok, "", live, "c"},
    {"PreviousInMiddleMovesBack", from::live_in_middle, command::previous, ok, "", live, "a"},
    {"GoToEarlierSegmentJumpsBack", from::live_in_middle, command::go_to_a, ok, "", live, "a"},
    // Live on the last segment.
    {"NextOnLastIsConflict", from::live_on_last, command::next, conflict, "last segment", live, "d"},
    {"PreviousOnLastMovesBack", from::live_on_last, command::previous, ok, "", live, "c"},
    {"GoToFromLastJumpsBack", from::live_on_last, command::go_to_b, ok, "", live, "b"},
    // Paused.
    {"StartWhilePausedIsConflict", from::paused_in_middle, command::start, conflict, "already started",
     paused, "b"},
    {"NextWhilePausedMovesAndStaysPaused", from::paused_in_middle, command::next, ok, "", paused, "c"},
    {"PreviousWhilePausedMovesAndStaysPaused", from::paused_in_middle, command::previous, ok, "", paused,
     "a"},
    {"GoToWhilePausedMovesAndStaysPaused", from::paused_in_middle, command::go_to_c, ok, "", paused, "c"},
    {"GoToCurrentWhilePausedIsConflict", from::paused_in_middle, command::go_to_b, conflict,
     "already the current", paused, "b"},
    {"GoToUnknownWhilePausedIsNotFound", from::paused_in_middle, command::go_to_unknown, not_found,
     "no segment", paused, "b"},
    {"PauseWhilePausedIsConflict", from::paused_in_middle, command::pause, conflict, "already paused", paused,
     "b"},
    {"ResumeWhilePausedGoesLive", from::paused_in_middle, command::resume, ok, "", live, "b"},
    {"EndWhilePausedEnds", from::paused_in_middle, command::end, ok, "", ended, none},
    // After the show.
    {"StartAfterEndIsConflict", from::ended, command::start, conflict, "has ended", ended, none},
    {"NextAfterEndIsConflict", from::ended, command::next, conflict, "has ended", ended, none},
    {"PreviousAfterEndIsConflict", from::ended, command::previous, conflict, "has ended", ended, none},
    {"GoToAfterEndIsConflict", from::ended, command::go_to_c, conflict, "has ended", ended, none},
    {"GoToUnknownAfterEndIsConflict", from::ended, command::go_to_unknown, conflict, "has ended", ended,
     none},
    {"PauseAfterEndIsConflict", from::ended, command::pause, conflict, "has ended", ended, none},
    {"ResumeAfterEndIsConflict", from::ended, command::resume, conflict, "has ended", ended, none},
    {"EndAfterEndIsConflict", from::ended, command::end, conflict, "has ended", ended, none},
};

class AgendaTransitionTest : public ::testing::TestWithParam<transition> {};

TEST_P(AgendaTransitionTest, GivesTheExpectedOutcomeAndState) {
  const auto& expected = GetParam();
  agenda show(four_segments());
  bring_to(show, expected.state);
  const auto before = show.to_json();

  const outcome result = apply(show, expected.what, t0 + 10 * minute);

  EXPECT_EQ(result.code, expected.expected_code) << to_string(result.code) << ": " << result.message;
  EXPECT_EQ(show.status(), expected.expected_status) << to_string(show.status());
  EXPECT_EQ(current_id(show), expected.expected_current);
  if (expected.expected_code == ok) {
    EXPECT_TRUE(result.message.empty());
  } else {
    EXPECT_NE(result.message.find(expected.expected_message), std::string::npos) << result.message;
    // A refused command must leave nothing behind.
    EXPECT_EQ(show.to_json(), before);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCommandFromEveryState, AgendaTransitionTest, ::testing::ValuesIn(transitions),
                         [](const ::testing::TestParamInfo<transition>& test) { return test.param.name; });

// ---- Times ----

class AgendaTest : public ::testing::Test {
 protected:
  agenda show_{four_segments()};
};

TEST_F(AgendaTest, NewAgendaIsScheduledWithNothingStarted) {
  EXPECT_EQ(show_.status(), agenda_status::scheduled);
  EXPECT_FALSE(show_.current_index());
  EXPECT_FALSE(show_.started_at());
  EXPECT_FALSE(show_.paused_at());
  EXPECT_FALSE(show_.ended_at());
  for (const auto& segment : show_.segments()) EXPECT_FALSE(segment.actual_start);
}

TEST_F(AgendaTest, StartRecordsStartTimeOfShowAndFirstSegment) {
  ASSERT_TRUE(show_.start(t0).ok());
  EXPECT_EQ(show_.started_at(), t0);
  EXPECT_EQ(actual_start(show_, 0), t0);
  EXPECT_FALSE(actual_start(show_, 1));
}

TEST_F(AgendaTest, NextRecordsWhenTheSegmentStarted) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.next(t0 + 5 * minute).ok());
  EXPECT_EQ(actual_start(show_, 0), t0);
  EXPECT_EQ(actual_start(show_, 1), t0 + 5 * minute);
}

TEST_F(AgendaTest, GoToForwardLeavesSkippedSegmentsWithoutStart) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.go_to("d", t0 + 3 * minute).ok());
  EXPECT_FALSE(actual_start(show_, 1));
  EXPECT_FALSE(actual_start(show_, 2));
  EXPECT_EQ(actual_start(show_, 3), t0 + 3 * minute);
}

TEST_F(AgendaTest, PreviousClearsStartOfSegmentsAfterTheNewCurrent) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.next(t0 + 5 * minute).ok());
  ASSERT_TRUE(show_.next(t0 + 25 * minute).ok());
  ASSERT_TRUE(show_.previous(t0 + 26 * minute).ok());
  EXPECT_EQ(actual_start(show_, 0), t0);
  EXPECT_FALSE(actual_start(show_, 2));
  EXPECT_FALSE(actual_start(show_, 3));
}

TEST_F(AgendaTest, PreviousKeepsTheOriginalStartOfTheSegmentReturnedTo) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.next(t0 + 5 * minute).ok());
  ASSERT_TRUE(show_.next(t0 + 25 * minute).ok());
  ASSERT_TRUE(show_.previous(t0 + 26 * minute).ok());
  EXPECT_EQ(actual_start(show_, 1), t0 + 5 * minute);
}

TEST_F(AgendaTest, GoToEarlierSegmentClearsEverySegmentAfterIt) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.next(t0 + 5 * minute).ok());
  ASSERT_TRUE(show_.next(t0 + 25 * minute).ok());
  ASSERT_TRUE(show_.next(t0 + 70 * minute).ok());
  ASSERT_TRUE(show_.go_to("a", t0 + 71 * minute).ok());
  EXPECT_EQ(actual_start(show_, 0), t0);
  EXPECT_FALSE(actual_start(show_, 1));
  EXPECT_FALSE(actual_start(show_, 2));
  EXPECT_FALSE(actual_start(show_, 3));
}

TEST_F(AgendaTest, SegmentEnteredAgainAfterMovingBackGetsANewStart) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.next(t0 + 5 * minute).ok());
  ASSERT_TRUE(show_.previous(t0 + 6 * minute).ok());
  ASSERT_TRUE(show_.next(t0 + 8 * minute).ok());
  EXPECT_EQ(actual_start(show_, 1), t0 + 8 * minute);
}

TEST_F(AgendaTest, GoToSkippedSegmentBackwardsStartsItNow) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.go_to("d", t0 + 5 * minute).ok());
  ASSERT_TRUE(show_.go_to("b", t0 + 6 * minute).ok());
  EXPECT_EQ(actual_start(show_, 1), t0 + 6 * minute);
  EXPECT_FALSE(actual_start(show_, 3));
}

TEST_F(AgendaTest, PauseRecordsWhenAndKeepsTheCurrentSegment) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.pause(t0 + 2 * minute).ok());
  EXPECT_EQ(show_.paused_at(), t0 + 2 * minute);
  EXPECT_EQ(show_.current_index(), 0u);
  EXPECT_EQ(actual_start(show_, 0), t0);
}

TEST_F(AgendaTest, ResumeClearsPauseTime) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.pause(t0 + 2 * minute).ok());
  ASSERT_TRUE(show_.resume(t0 + 4 * minute).ok());
  EXPECT_FALSE(show_.paused_at());
  EXPECT_EQ(show_.started_at(), t0);
}

TEST_F(AgendaTest, EndRecordsWhenAndKeepsSegmentStartsForChapters) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.next(t0 + 5 * minute).ok());
  ASSERT_TRUE(show_.end(t0 + 90 * minute).ok());
  EXPECT_EQ(show_.ended_at(), t0 + 90 * minute);
  EXPECT_EQ(show_.started_at(), t0);
  EXPECT_FALSE(show_.current_index());
  EXPECT_EQ(actual_start(show_, 0), t0);
  EXPECT_EQ(actual_start(show_, 1), t0 + 5 * minute);
}

TEST_F(AgendaTest, EndWhilePausedClearsPauseTime) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.pause(t0 + 2 * minute).ok());
  ASSERT_TRUE(show_.end(t0 + 3 * minute).ok());
  EXPECT_FALSE(show_.paused_at());
}

TEST(AgendaWithoutSegmentsTest, StartIsConflict) {
  agenda empty({});
  const auto result = empty.start(t0);
  EXPECT_EQ(result.code, error_code::conflict);
  EXPECT_EQ(result.message, "the agenda has no segments");
  EXPECT_EQ(empty.status(), agenda_status::scheduled);
}

TEST(AgendaStatusTest, NamesMatchTheProtocol) {
  EXPECT_EQ(to_string(agenda_status::scheduled), "scheduled");
  EXPECT_EQ(to_string(agenda_status::live), "live");
  EXPECT_EQ(to_string(agenda_status::paused), "paused");
  EXPECT_EQ(to_string(agenda_status::ended), "ended");
}

// ---- JSON ----

TEST_F(AgendaTest, JsonBeforeStartHasNullsAndEverySegment) {
  const auto expected = boost::json::parse(R"({
    "status": "scheduled", "current": null, "started_at": null, "paused_at": null, "ended_at": null,
    "running_since": null,
    "segments": [
      {"id": "a", "kind": "opening", "title": "Opening", "planned_minutes": 5,
       "speakers": [{"name": "Ada Host", "role": "host", "title": "Host"}], "actual_start": null, "paused_ms": 0, "elapsed_ms": 0},
      {"id": "b", "kind": "keynote", "title": "Keynote", "planned_minutes": 20,
       "speakers": [{"name": "Kim Keynote", "role": "speaker", "title": "Minister"}], "actual_start": null, "paused_ms": 0, "elapsed_ms": 0},
      {"id": "c", "kind": "panel", "title": "Panel", "planned_minutes": 45,
       "speakers": [{"name": "Ada Host", "role": "moderator", "title": "Host"},
                    {"name": "Pat Panel", "role": "panelist", "title": "Analyst"}], "actual_start": null, "paused_ms": 0, "elapsed_ms": 0},
      {"id": "d", "kind": "closing", "title": "Closing", "planned_minutes": 5, "speakers": [], "actual_start": null, "paused_ms": 0, "elapsed_ms": 0}
    ]})");
  EXPECT_EQ(boost::json::value(show_.to_json()), expected) << boost::json::serialize(show_.to_json());
}

TEST_F(AgendaTest, JsonWhilePausedNamesCurrentAndTimes) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.next(t0 + minute).ok());
  ASSERT_TRUE(show_.pause(t0 + 2 * minute).ok());
  const auto json = show_.to_json();
  EXPECT_EQ(json.at("status"), "paused");
  EXPECT_EQ(json.at("current"), "b");
  EXPECT_EQ(json.at("started_at"), t0);
  EXPECT_EQ(json.at("paused_at"), t0 + 2 * minute);
  EXPECT_TRUE(json.at("ended_at").is_null());
  const auto& segments = json.at("segments").as_array();
  ASSERT_EQ(segments.size(), 4u);
  EXPECT_EQ(segments[0].at("actual_start"), t0);
  EXPECT_EQ(segments[1].at("actual_start"), t0 + minute);
  EXPECT_TRUE(segments[2].at("actual_start").is_null());
}

TEST_F(AgendaTest, JsonAfterEndHasNoCurrent) {
  ASSERT_TRUE(show_.start(t0).ok());
  ASSERT_TRUE(show_.end(t0 + 90 * minute).ok());
  const auto json = show_.to_json();
  EXPECT_EQ(json.at("status"), "ended");
  EXPECT_TRUE(json.at("current").is_null());
  EXPECT_EQ(json.at("ended_at"), t0 + 90 * minute);
}

}  // namespace
}  // namespace companion::session

namespace companion::session {
namespace {

TEST(AgendaPauseTest, ResumeCreditsThePauseToTheCurrentSegment) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(1'000).ok());
  ASSERT_TRUE(show.pause(5'000).ok());
  ASSERT_TRUE(show.resume(8'000).ok());
  EXPECT_EQ(show.segments()[0].paused_ms, 3'000);
  EXPECT_FALSE(show.paused_at().has_value());
}

TEST(AgendaPauseTest, MovingWhilePausedSplitsThePauseBetweenSegments) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(1'000).ok());
  ASSERT_TRUE(show.pause(2'000).ok());
  ASSERT_TRUE(show.next(5'000).ok());
  ASSERT_TRUE(show.resume(6'000).ok());
  EXPECT_EQ(show.segments()[0].paused_ms, 3'000);
  EXPECT_EQ(show.segments()[1].paused_ms, 1'000);
}

TEST(AgendaPauseTest, MovingBackClearsThePausedTimeOfLaterSegments) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(1'000).ok());
  ASSERT_TRUE(show.next(2'000).ok());
  ASSERT_TRUE(show.pause(3'000).ok());
  ASSERT_TRUE(show.resume(4'000).ok());
  ASSERT_TRUE(show.previous(5'000).ok());
  EXPECT_EQ(show.segments()[1].paused_ms, 0);
  EXPECT_FALSE(show.segments()[1].actual_start.has_value());
}

}  // namespace
}  // namespace companion::session

namespace companion::session {
namespace {

// ---- The time rule: a segment's elapsed time is the sum of the time it was current ----

constexpr millis second = 1'000;

millis elapsed_of(const agenda& show, std::size_t index, millis now) {
  if (show.current_index() == index) return show.current_elapsed(now);
  return show.segments().at(index).elapsed_ms;
}

TEST(AgendaTimeRuleTest, NextKeepsTheTimeOfTheSegmentLeft) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.next(t0 + 13 * second).ok());
  EXPECT_EQ(elapsed_of(show, 0, t0 + 20 * second), 13 * second);
  EXPECT_EQ(elapsed_of(show, 1, t0 + 20 * second), 7 * second);
}

TEST(AgendaTimeRuleTest, PreviousDoesNotCountTimeSpentInTheLaterSegment) {
  // 30 s of keynote, 10 s in the panel, back to the keynote: the keynote has 30 s, not 40.
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.next(t0 + 5 * second).ok());
  ASSERT_TRUE(show.next(t0 + 35 * second).ok());
  ASSERT_TRUE(show.previous(t0 + 45 * second).ok());
  EXPECT_EQ(elapsed_of(show, 1, t0 + 45 * second), 30 * second);
  EXPECT_EQ(elapsed_of(show, 2, t0 + 45 * second), 10 * second);
  EXPECT_EQ(elapsed_of(show, 1, t0 + 50 * second), 35 * second);
}

TEST(AgendaTimeRuleTest, NextBackToASegmentGoesOnFromItsOwnTime) {
  // The keynote ran 13 s, the show went back, then forward again: it goes on from 0:13.
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.next(t0 + 10 * second).ok());
  ASSERT_TRUE(show.previous(t0 + 23 * second).ok());
  ASSERT_TRUE(show.next(t0 + 30 * second).ok());
  EXPECT_EQ(elapsed_of(show, 1, t0 + 30 * second), 13 * second);
  EXPECT_EQ(elapsed_of(show, 1, t0 + 32 * second), 15 * second);
  EXPECT_EQ(elapsed_of(show, 0, t0 + 32 * second), 17 * second);
}

TEST(AgendaTimeRuleTest, GotoCountsLikeNextAndPrevious) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.go_to("c", t0 + 4 * second).ok());
  ASSERT_TRUE(show.go_to("a", t0 + 9 * second).ok());
  ASSERT_TRUE(show.go_to("c", t0 + 10 * second).ok());
  EXPECT_EQ(elapsed_of(show, 0, t0 + 12 * second), 5 * second);
  EXPECT_EQ(elapsed_of(show, 1, t0 + 12 * second), 0);
  EXPECT_EQ(elapsed_of(show, 2, t0 + 12 * second), 7 * second);
}

TEST(AgendaTimeRuleTest, PausedTimeIsNotCounted) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.pause(t0 + 10 * second).ok());
  EXPECT_EQ(show.current_elapsed(t0 + 60 * second), 10 * second);
  EXPECT_FALSE(show.running_since());
  ASSERT_TRUE(show.resume(t0 + 70 * second).ok());
  EXPECT_EQ(show.running_since(), t0 + 70 * second);
  EXPECT_EQ(show.current_elapsed(t0 + 75 * second), 15 * second);
}

TEST(AgendaTimeRuleTest, MovingWhilePausedStartsNoClock) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.pause(t0 + 10 * second).ok());
  ASSERT_TRUE(show.next(t0 + 20 * second).ok());
  EXPECT_EQ(show.current_elapsed(t0 + 40 * second), 0);
  ASSERT_TRUE(show.resume(t0 + 40 * second).ok());
  EXPECT_EQ(show.current_elapsed(t0 + 43 * second), 3 * second);
  EXPECT_EQ(show.segments()[0].elapsed_ms, 10 * second);
}

TEST(AgendaTimeRuleTest, EndClosesTheRunningStint) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.next(t0 + 10 * second).ok());
  ASSERT_TRUE(show.end(t0 + 25 * second).ok());
  EXPECT_EQ(show.segments()[1].elapsed_ms, 15 * second);
  EXPECT_FALSE(show.running_since());
}

TEST(AgendaTimeRuleTest, TheJsonCarriesElapsedAndTheRunningStint) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.next(t0 + 13 * second).ok());
  const auto json = show.to_json();
  EXPECT_EQ(json.at("running_since"), t0 + 13 * second);
  EXPECT_EQ(json.at("segments").at(0).at("elapsed_ms"), 13 * second);
  EXPECT_EQ(json.at("segments").at(1).at("elapsed_ms"), 0);
}

}  // namespace
}  // namespace companion::session

namespace companion::session {
namespace {

// ---- Live rundown edits ----

std::vector<std::string> ids(const agenda& show) {
  std::vector<std::string> out;
  for (const auto& segment : show.segments()) out.push_back(segment.definition.id);
  return out;
}

segment_definition extra(std::string id) {
  return {std::move(id), "panel", "Extra panel", 15, {}};
}

TEST(AgendaRundownTest, BeforeTheStartAnySegmentMayChange) {
  agenda show(four_segments());
  EXPECT_TRUE(show.add_segment(extra("x"), std::nullopt, false, 100).ok());
  EXPECT_TRUE(show.move_segment("d", std::string("x")).ok());
  EXPECT_TRUE(show.remove_segment("a").ok());
  EXPECT_EQ(ids(show), (std::vector<std::string>{"x", "d", "b", "c"}));
}

TEST(AgendaRundownTest, OnlyUpcomingSegmentsAreAddedRemovedOrMoved) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.next(t0 + minute).ok());  // b is current
  EXPECT_EQ(show.add_segment(extra("x"), std::string("a"), false, 100).code, error_code::conflict);
  EXPECT_EQ(show.add_segment(extra("x"), std::nullopt, false, 100).code, error_code::conflict);
  EXPECT_EQ(show.remove_segment("b").code, error_code::conflict);
  EXPECT_EQ(show.remove_segment("a").code, error_code::conflict);
  EXPECT_EQ(show.move_segment("a", std::string("c")).code, error_code::conflict);
  EXPECT_EQ(show.move_segment("d", std::string("a")).code, error_code::conflict);
  EXPECT_EQ(ids(show), (std::vector<std::string>{"a", "b", "c", "d"}));
  // Right after the current segment is upcoming.
  EXPECT_TRUE(show.add_segment(extra("x"), std::string("b"), false, 100).ok());
  EXPECT_TRUE(show.move_segment("d", std::string("b")).ok());
  EXPECT_TRUE(show.remove_segment("c").ok());
  EXPECT_EQ(ids(show), (std::vector<std::string>{"a", "b", "d", "x"}));
  EXPECT_EQ(current_id(show), "b");
  ASSERT_TRUE(show.next(t0 + 2 * minute).ok());
  EXPECT_EQ(current_id(show), "d");
}

TEST(AgendaRundownTest, AddingAppendsWhenNoPlaceIsGiven) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  EXPECT_TRUE(show.add_segment(extra("x"), std::nullopt, true, 100).ok());
  EXPECT_EQ(ids(show).back(), "x");
}

TEST(AgendaRundownTest, IdsStayUniqueAndTheAgendaBounded) {
  agenda show(four_segments());
  EXPECT_EQ(show.add_segment(extra("b"), std::nullopt, true, 100).code, error_code::conflict);
  EXPECT_EQ(show.add_segment(extra("x"), std::nullopt, true, 4).code, error_code::conflict);
  EXPECT_EQ(show.add_segment(extra("x"), std::string("nope"), false, 100).code, error_code::not_found);
  EXPECT_EQ(show.move_segment("nope", std::nullopt).code, error_code::not_found);
  EXPECT_EQ(show.move_segment("c", std::string("c")).code, error_code::bad_request);
  EXPECT_EQ(show.remove_segment("nope").code, error_code::not_found);
}

TEST(AgendaRundownTest, TheLastSegmentCannotBeRemoved) {
  agenda show({{"only", "opening", "Only", 5, {}}});
  EXPECT_EQ(show.remove_segment("only").code, error_code::conflict);
}

TEST(AgendaRundownTest, TheCurrentSegmentCanBeRenamedAndRetimedKeepingItsTime) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.next(t0 + minute).ok());
  segment_definition longer{
      "b", "keynote", "Keynote, extended", 30, {{"Kim Keynote", "speaker", "Minister"}}};
  ASSERT_TRUE(show.update_segment(longer).ok());
  EXPECT_EQ(show.segments()[1].definition.title, "Keynote, extended");
  EXPECT_EQ(show.segments()[1].definition.planned_minutes, 30);
  EXPECT_EQ(show.segments()[1].actual_start, t0 + minute);
  EXPECT_EQ(show.current_elapsed(t0 + 3 * minute), 2 * minute);
  EXPECT_EQ(show.update_segment(extra("nope")).code, error_code::not_found);
}

TEST(AgendaRundownTest, NothingChangesAfterTheEnd) {
  agenda show(four_segments());
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.end(t0 + minute).ok());
  EXPECT_EQ(show.add_segment(extra("x"), std::nullopt, true, 100).code, error_code::conflict);
  EXPECT_EQ(show.update_segment(extra("c")).code, error_code::conflict);
  EXPECT_EQ(show.remove_segment("d").code, error_code::conflict);
  EXPECT_EQ(show.move_segment("d", std::nullopt).code, error_code::conflict);
}

}  // namespace
}  // namespace companion::session

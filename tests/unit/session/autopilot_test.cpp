// The demo's autopilot: when it starts the show, how long it lets each segment run at
// a faster pace, and that it leaves a paused or ended show alone and follows a
// producer who moved the show by hand.
#include "session/autopilot.hpp"

#include <gtest/gtest.h>

#include <variant>
#include <vector>

namespace companion::session {
namespace {

constexpr millis t0 = 1713794400000;  // 2024-04-22T14:00:00Z
constexpr millis minute = 60'000;

agenda three_segments() {
  return agenda({{"a", "opening", "Opening", 5, {}},
                 {"b", "keynote", "Keynote", 20, {}},
                 {"c", "closing", "Closing", 6, {}}});
}

template <typename T>
bool is(const std::optional<command_body>& move) {
  return move && std::holds_alternative<T>(*move);
}

TEST(Autopilot, StartsTheShowAtItsStartTimeAndNotBefore) {
  agenda show = three_segments();
  EXPECT_FALSE(autopilot_move(show, t0, 6, t0 - 1));
  EXPECT_TRUE(is<agenda_start>(autopilot_move(show, t0, 6, t0)));
  EXPECT_TRUE(is<agenda_start>(autopilot_move(show, t0, 6, t0 + 10 * minute)));
}

TEST(Autopilot, RunsEachSegmentItsPlannedMinutesDividedBySpeed) {
  agenda show = three_segments();
  ASSERT_TRUE(show.start(t0).ok());
  // 5 planned minutes at six times the pace: 50 seconds.
  EXPECT_FALSE(autopilot_move(show, t0, 6, t0 + 49'999));
  EXPECT_TRUE(is<agenda_next>(autopilot_move(show, t0, 6, t0 + 50'000)));
  ASSERT_TRUE(show.next(t0 + 50'000).ok());
  // 20 planned minutes: 200 seconds from the keynote's own start.
  EXPECT_FALSE(autopilot_move(show, t0, 6, t0 + 50'000 + 199'999));
  EXPECT_TRUE(is<agenda_next>(autopilot_move(show, t0, 6, t0 + 250'000)));
  ASSERT_TRUE(show.next(t0 + 250'000).ok());
  // The last segment ends the show.
  EXPECT_TRUE(is<agenda_end>(autopilot_move(show, t0, 6, t0 + 250'000 + minute)));
  ASSERT_TRUE(show.end(t0 + 250'000 + minute).ok());
  EXPECT_FALSE(autopilot_move(show, t0, 6, t0 + 100 * minute));
}

TEST(Autopilot, AtSpeedOneFollowsThePlan) {
  agenda show = three_segments();
  ASSERT_TRUE(show.start(t0).ok());
  EXPECT_FALSE(autopilot_move(show, t0, 1, t0 + 5 * minute - 1));
  EXPECT_TRUE(is<agenda_next>(autopilot_move(show, t0, 1, t0 + 5 * minute)));
}

TEST(Autopilot, LeavesAPausedShowAlone) {
  agenda show = three_segments();
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.pause(t0 + 10'000).ok());
  EXPECT_FALSE(autopilot_move(show, t0, 6, t0 + 10 * minute));
  // Paused time does not count: after resuming, the segment has 40 s left.
  ASSERT_TRUE(show.resume(t0 + 10 * minute).ok());
  EXPECT_FALSE(autopilot_move(show, t0, 6, t0 + 10 * minute + 39'999));
  EXPECT_TRUE(is<agenda_next>(autopilot_move(show, t0, 6, t0 + 10 * minute + 40'000)));
}

TEST(Autopilot, FollowsAProducerWhoMovedTheShowByHand) {
  agenda show = three_segments();
  ASSERT_TRUE(show.start(t0).ok());
  ASSERT_TRUE(show.go_to("c", t0 + 5'000).ok());
  // The closing (6 planned minutes: 60 s) runs from when the producer went to it.
  EXPECT_FALSE(autopilot_move(show, t0, 6, t0 + 5'000 + 59'999));
  EXPECT_TRUE(is<agenda_end>(autopilot_move(show, t0, 6, t0 + 65'000)));
}

TEST(Autopilot, OffAtSpeedZeroAndWithNoSegments) {
  agenda show = three_segments();
  EXPECT_FALSE(autopilot_move(show, t0, 0, t0 + minute));
  agenda empty({});
  EXPECT_FALSE(autopilot_move(empty, t0, 6, t0 + minute));
}

}  // namespace
}  // namespace companion::session

// Reactions: the allowed set (and how an event file lists it), windows that merge
// by summing, windows taken from running totals, and the frame every viewer gets.
#include "session/reactions.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <variant>

#include "session/event_definition.hpp"

namespace companion::session {
namespace {

const std::string clap = "\xF0\x9F\x91\x8F";
const std::string heart = "\xE2\x9D\xA4\xEF\xB8\x8F";  // ❤ with U+FE0F
const std::string bare_heart = "\xE2\x9D\xA4";
const std::string rocket = "\xF0\x9F\x9A\x80";

TEST(ReactionSetTest, DefaultSetIsTheSixOfTheProtocol) {
  reaction_set set;
  ASSERT_EQ(set.size(), 6u);
  EXPECT_EQ(set.find(clap), 0u);
  EXPECT_EQ(set.find(heart), 1u);
  EXPECT_EQ(set.find(rocket), reaction_set::npos);
}

TEST(ReactionSetTest, HeartMatchesWithOrWithoutVariationSelector) {
  reaction_set set;
  EXPECT_EQ(set.find(bare_heart), 1u);
  reaction_set bare({bare_heart});
  EXPECT_EQ(bare.find(heart), 0u);
}

TEST(ReactionSetTest, TextAndEmptyAreNotReactions) {
  reaction_set set;
  EXPECT_EQ(set.find(""), reaction_set::npos);
  EXPECT_EQ(set.find("clap"), reaction_set::npos);
  EXPECT_EQ(set.find("\xEF\xB8\x8F"), reaction_set::npos);
  EXPECT_EQ(set.find(clap + clap), reaction_set::npos);
}

TEST(ReactionCheckTest, RefusesWordsSpacesAndLongSequences) {
  EXPECT_EQ(check_reaction(rocket), "");
  EXPECT_NE(check_reaction("lol"), "");
  EXPECT_NE(check_reaction(clap + " "), "");
  EXPECT_NE(check_reaction(""), "");
  EXPECT_NE(check_reaction("\xEF\xB8\x8F"), "");
  std::string long_one;
  for (int i = 0; i < 9; ++i) long_one += clap;
  EXPECT_NE(check_reaction(long_one), "");
}

TEST(ReactionWindowTest, WindowsOfShardsMergeBySumming) {
  reaction_window a(3), b(3);
  a.add(0, 41);
  b.add(0, 1);
  b.add(2, 7);
  a.merge(b);
  EXPECT_EQ(a.counts, (std::vector<std::uint64_t>{42, 0, 7}));
  EXPECT_EQ(a.total(), 49u);
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(reaction_window(3).empty());
}

TEST(ReactionTallyTest, AWindowIsWhatTheTotalsGrewBy) {
  reaction_tally tally(2, 2);
  std::vector<std::uint64_t> shard0{5, 0}, shard1{1, 2};
  tally.read(0, shard0);
  tally.read(1, shard1);
  EXPECT_EQ(tally.take().counts, (std::vector<std::uint64_t>{6, 2}));
  shard0 = {9, 0};
  tally.read(0, shard0);
  tally.read(1, shard1);
  EXPECT_EQ(tally.take().counts, (std::vector<std::uint64_t>{4, 0}));
}

TEST(ReactionTallyTest, AQuietWindowIsEmpty) {
  reaction_tally tally(1, 3);
  std::vector<std::uint64_t> totals{3, 3, 3};
  tally.read(0, totals);
  tally.take();
  tally.read(0, totals);
  EXPECT_TRUE(tally.take().empty());
}

TEST(ReactionTallyTest, ReadingsBetweenTakesAddUpOnce) {
  reaction_tally tally(1, 1);
  std::vector<std::uint64_t> totals{2};
  tally.read(0, totals);
  totals = {5};
  tally.read(0, totals);
  EXPECT_EQ(tally.take().counts, (std::vector<std::uint64_t>{5}));
}

TEST(ReactionsFrameTest, CountsOfTheWindowInTheEventsOrderWithoutZeros) {
  reaction_set set;
  reaction_window window(set.size());
  window.add(0, 41);
  window.add(1, 7);
  const auto frame = boost::json::parse(reactions_frame(set, window, 500, 1713790800500));
  const auto expected = boost::json::parse(R"({"type":"reactions","counts":{")" + clap + R"(":41,")" + heart +
                                           R"(":7},"window_ms":500,"at":1713790800500})");
  EXPECT_EQ(frame, expected) << boost::json::serialize(frame);
}

// ---- The event file's list ----

event_load_result with_reactions(std::string_view list) {
  std::string text =
      R"({"id":"e","title":"T","summary":"","hashtags":["x"],"starts_at":"2024-04-22T14:00:00Z",
    "agenda":[{"id":"a","kind":"keynote","title":"K","planned_minutes":10,"speakers":[]}])";
  if (!list.empty()) text += std::string(R"(,"reactions":)") + std::string(list);
  text += "}";
  return parse_event_definition(text, "event.json");
}

std::string refusal(const event_load_result& result) {
  const auto* error = std::get_if<event_load_error>(&result);
  return error ? error->field + ": " + error->why : "";
}

TEST(EventReactionsTest, WithoutAListTheEventGetsTheDefaultSet) {
  auto result = with_reactions("");
  ASSERT_EQ(refusal(result), "");
  EXPECT_EQ(std::get<event_definition>(result).reactions, default_reactions());
}

TEST(EventReactionsTest, AListReplacesTheDefaultAndReachesThePublicEvent) {
  auto result = with_reactions(R"([")" + rocket + R"(",")" + clap + R"("])");
  ASSERT_EQ(refusal(result), "");
  const auto& def = std::get<event_definition>(result);
  EXPECT_EQ(def.reactions, (std::vector<std::string>{rocket, clap}));
  EXPECT_EQ(event_to_json(def).at("reactions"), (boost::json::array{rocket, clap}));
}

TEST(EventReactionsTest, ABadListIsRefusedWithTheFieldAndWhy) {
  EXPECT_EQ(refusal(with_reactions("[]")), "reactions: must list 1..12 emoji");
  EXPECT_EQ(refusal(with_reactions(R"("x")")), "reactions: must be an array of emoji");
  EXPECT_EQ(refusal(with_reactions("[1]")), "reactions[0]: must be a string");
  EXPECT_EQ(refusal(with_reactions(R"([")" + clap + R"(","wow"])")),
            "reactions[1]: must be an emoji, without letters, digits, spaces or punctuation (got \"wow\")");
  EXPECT_EQ(refusal(with_reactions(R"([")" + heart + R"(",")" + bare_heart + R"("])")).substr(0, 32),
            "reactions[1]: duplicate reaction");
  std::string thirteen = "[";
  for (int i = 0; i < 13; ++i) thirteen += std::string(i ? "," : "") + "\"" + clap + "\"";
  EXPECT_EQ(refusal(with_reactions(thirteen + "]")), "reactions: must list 1..12 emoji");
}

}  // namespace
}  // namespace companion::session

// What an accepted command asks of the gateway comes back typed in the reply: new
// auto-moderation rules, a copy of the author lists when they change, and how long
// a queued item waited for a moderator's decision. A refused command asks nothing.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace companion::session {
namespace {

using namespace testing;

template <class T>
const T* effect_of(const engine_reply& reply) {
  for (const auto& effect : reply.effects)
    if (const auto* found = std::get_if<T>(&effect)) return found;
  return nullptr;
}

TEST(EngineEffectsTest, AuthorCommandsHandOverACopyOfTheLists) {
  engine_driver driver(nato_event);
  engine_reply block =
      driver.run(R"({"type":"author.block","source":"bluesky","handle":"spam.example"})", moderator());
  const auto* changed = effect_of<authors_changed>(block);
  ASSERT_NE(changed, nullptr);
  EXPECT_EQ(changed->authors->blocked, (std::set<author_key>{{"bluesky", "spam.example"}}));
  EXPECT_TRUE(changed->authors->trusted.empty());

  engine_reply trust =
      driver.run(R"({"type":"author.trust","source":"bluesky","handle":"spam.example"})", moderator());
  changed = effect_of<authors_changed>(trust);
  ASSERT_NE(changed, nullptr);
  EXPECT_TRUE(changed->authors->blocked.empty());
  EXPECT_EQ(changed->authors->trusted, (std::set<author_key>{{"bluesky", "spam.example"}}));
  EXPECT_EQ(*driver.engine().authors(), *changed->authors);

  // The copy handed over earlier does not change with the engine's lists.
  EXPECT_EQ(effect_of<authors_changed>(block)->authors->blocked.size(), 1u);
}

TEST(EngineEffectsTest, OtherCommandsLeaveTheAuthorListsAlone) {
  engine_driver driver(nato_event);
  EXPECT_TRUE(driver.run(R"({"type":"agenda.start"})", producer()).effects.empty());
  // Refused: already blocked, so nothing changes and nothing is handed over.
  driver.run(R"({"type":"author.block","source":"bluesky","handle":"a"})", moderator());
  engine_reply again = driver.run(R"({"type":"author.block","source":"bluesky","handle":"a"})", moderator());
  EXPECT_FALSE(again.result.ok());
  EXPECT_TRUE(again.effects.empty());
}

TEST(EngineEffectsTest, ModerationSetHandsOverTheRulesItTook) {
  engine_driver driver(nato_event);
  engine_reply reply = driver.run(R"({"type":"moderation.set","rules":{"max_links":1}})", moderator());
  const auto* rules = effect_of<rules_changed>(reply);
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->rules, (boost::json::object{{"max_links", 1}}));
}

TEST(EngineEffectsTest, RulesTheCheckerRefusesAreNotTaken) {
  engine_driver driver(nato_event);
  driver.engine().set_rules_checker([](const boost::json::object& rules) {
    return rules.contains("max_links") ? std::string() : std::string("rules.moderation.x: unknown setting");
  });
  engine_reply refused = driver.run(R"({"type":"moderation.set","rules":{"x":1}})", moderator());
  EXPECT_EQ(refused.result.code, error_code::bad_request);
  EXPECT_EQ(refused.result.message, "rules.moderation.x: unknown setting");
  EXPECT_TRUE(refused.effects.empty());
  EXPECT_FALSE(refused.journal.has_value());
  EXPECT_TRUE(driver.run(R"({"type":"moderation.set","rules":{"max_links":2}})", moderator()).result.ok());
  EXPECT_EQ(driver.engine().moderation_rules(), (boost::json::object{{"max_links", 2}}));
}

TEST(EngineEffectsTest, ADecisionOnAQueuedQuestionSaysHowLongItWaited) {
  engine_driver driver(nato_event);
  driver.run(R"({"type":"question.ask","text":"Why?"})", viewer("v1"), t0);
  engine_reply reply = driver.run(R"({"type":"question.approve","question":"q1"})", moderator(), t0 + 1500);
  const auto* decision = effect_of<decision_made>(reply);
  ASSERT_NE(decision, nullptr);
  EXPECT_EQ(decision->waited, 1500);
  // Approving it again is refused and measures nothing.
  EXPECT_TRUE(
      driver.run(R"({"type":"question.approve","question":"q1"})", moderator(), t0 + 2000).effects.empty());
}

TEST(EngineEffectsTest, PagesAreNotEventCommands) {
  engine_driver driver(nato_event);
  engine_reply reply = driver.run(R"({"type":"questions.page","status":"open"})", viewer("v1"));
  EXPECT_EQ(reply.result.code, error_code::bad_request);
  EXPECT_EQ(reply.result.message, "\"questions.page\" is not an event command");
}

}  // namespace
}  // namespace companion::session

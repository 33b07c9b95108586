// The audit trail: every decision on posts, questions, authors, the overlay and the
// show is recorded in order, with who took it, the item, and its text as decided on;
// a journal replay rebuilds the same trail.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "session/post_wall.hpp"

namespace companion::session {
namespace {

using namespace testing;

class EngineAuditTest : public ::testing::Test {
 protected:
  const audit_entry& last() { return driver_.engine().wall().audit().back(); }
  std::string ask(std::string text, std::string name = "Ana Ruiz") {
    engine_reply reply =
        driver_.run(boost::json::object{{"type", "question.ask"}, {"text", text}, {"name", name}},
                    viewer("v-" + text), t0 + 1);
    return std::string(reply.ack.at("question").as_string());
  }
  engine_driver driver_{nato_event};
};

TEST_F(EngineAuditTest, QuestionDecisionsNameWhoTheQuestionAndItsText) {
  std::string id = ask("Will the Tokyo office open?");
  std::size_t before = driver_.engine().wall().audit().size();
  EXPECT_EQ(before, 0u) << "asking is no decision";
  driver_.run(boost::json::object{{"type", "question.approve"}, {"question", id}}, moderator("Ana Ruiz"),
              t0 + 2);
  EXPECT_EQ(last().action, "approved");
  EXPECT_EQ(last().kind, "question");
  EXPECT_EQ(last().post_id, id);
  EXPECT_EQ(last().who, "Ana Ruiz");
  EXPECT_EQ(last().text, "Will the Tokyo office open?");
  EXPECT_EQ(last().author, "Ana Ruiz");
  EXPECT_EQ(last().at, t0 + 2);
  driver_.run(
      boost::json::object{
          {"type", "question.edit"}, {"question", id}, {"text", "Will Tokyo open an office?"}},
      moderator("Ben"), t0 + 3);
  EXPECT_EQ(last().action, "edited");
  EXPECT_EQ(last().text, "Will Tokyo open an office?");
  for (auto [type, action] :
       {std::pair{"question.answered", "answered"}, std::pair{"question.reopen", "reopened"},
        std::pair{"question.reject", "rejected"}, std::pair{"question.restore", "restored"}}) {
    ASSERT_TRUE(driver_.run(boost::json::object{{"type", type}, {"question", id}}, moderator("Ben"), t0 + 4)
                    .result.ok())
        << type;
    EXPECT_EQ(last().action, action);
    EXPECT_EQ(last().who, "Ben");
  }
  // Votes are no decisions.
  std::size_t decided = driver_.engine().wall().audit().size();
  driver_.run(boost::json::object{{"type", "question.vote"}, {"question", id}}, viewer("v9"), t0 + 5);
  EXPECT_EQ(driver_.engine().wall().audit().size(), decided);
}

TEST_F(EngineAuditTest, AMergeIsRecordedAsTheRulesDecision) {
  std::string first = ask("What about drones?");
  std::string second = ask("what about DRONES", "Ben");
  EXPECT_EQ(last().action, "merged");
  EXPECT_EQ(last().who, "auto");
  EXPECT_EQ(last().post_id, second);
  EXPECT_EQ(last().reason, "same as " + first);
  driver_.run(boost::json::object{{"type", "question.unmerge"}, {"question", second}}, moderator(), t0 + 3);
  EXPECT_EQ(last().action, "unmerged");
}

TEST_F(EngineAuditTest, AuthorListsOverlayAndShowAreRecorded) {
  driver_.run(R"({"type":"author.block","source":"bluesky","handle":"spam.example"})", moderator("Ana"), t0);
  EXPECT_EQ(last().kind, "author");
  EXPECT_EQ(last().action, "blocked");
  EXPECT_EQ(last().post_id, "bluesky:spam.example");
  for (auto [type, action] : {std::pair{"author.unblock", "unblocked"}, std::pair{"author.trust", "trusted"},
                              std::pair{"author.untrust", "untrusted"}}) {
    driver_.run(boost::json::object{{"type", type}, {"source", "bluesky"}, {"handle", "spam.example"}},
                moderator("Ana"), t0 + 1);
    EXPECT_EQ(last().action, action);
  }
  driver_.run(R"({"type":"agenda.start"})", producer("Joe"), t0 + 10);
  EXPECT_EQ(last().kind, "agenda");
  EXPECT_EQ(last().action, "start");
  EXPECT_EQ(last().who, "Joe");
  EXPECT_FALSE(last().post_id.empty());
  EXPECT_FALSE(last().text.empty()) << "the segment's title";
  driver_.run(R"({"type":"announce","text":"Questions at 3:10 PM"})", producer("Joe"), t0 + 11);
  EXPECT_EQ(last().kind, "announcement");
  EXPECT_EQ(last().text, "Questions at 3:10 PM");
  driver_.run(R"({"type":"qa.set","open":false})", producer("Joe"), t0 + 12);
  EXPECT_EQ(last().kind, "qa");
  EXPECT_EQ(last().action, "closed");

  ASSERT_TRUE(driver_.ingest(make_post("bluesky:7"), held, t0 + 13).result.ok());
  driver_.run(R"({"type":"post.approve","post":"bluesky:7"})", moderator("Ana"), t0 + 14);
  EXPECT_EQ(last().kind, "post");
  EXPECT_EQ(last().text, make_post("bluesky:7").text);
  driver_.run(R"({"type":"on_screen.set","kind":"highlight","item":"bluesky:7"})", producer("Joe"), t0 + 15);
  EXPECT_EQ(last().kind, "on_screen");
  EXPECT_EQ(last().action, "on_air");
  EXPECT_EQ(last().post_id, "highlight:bluesky:7");
  EXPECT_EQ(last().text, make_post("bluesky:7").text);
  driver_.run(R"({"type":"agenda.end"})", producer("Joe"), t0 + 16);
  EXPECT_EQ(last().action, "end");
}

TEST_F(EngineAuditTest, AReplayedJournalRebuildsTheSameTrail) {
  std::string id = ask("Will the Tokyo office open?");
  driver_.run(boost::json::object{{"type", "question.approve"}, {"question", id}}, moderator("Ana"), t0 + 2);
  driver_.run(R"({"type":"author.block","source":"bluesky","handle":"spam.example"})", moderator("Ana"),
              t0 + 3);
  driver_.run(R"({"type":"agenda.start"})", producer("Joe"), t0 + 4);
  event_engine rebuilt(driver_.engine().definition(), "epoch-1");
  for (const auto& record : driver_.journal()) {
    engine_reply reply;
    ASSERT_TRUE(rebuilt.replay(record, reply));
  }
  const auto& original = driver_.engine().wall().audit();
  const auto& again = rebuilt.wall().audit();
  ASSERT_EQ(again.size(), original.size());
  for (std::size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].action, original[i].action);
    EXPECT_EQ(again[i].who, original[i].who);
    EXPECT_EQ(again[i].text, original[i].text);
    EXPECT_EQ(again[i].at, original[i].at);
  }
}

}  // namespace
}  // namespace companion::session

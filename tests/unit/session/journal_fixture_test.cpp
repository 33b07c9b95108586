// A journal kept as it was written by a format 3 server: data/journal_v3.ndjson holds
// the records of a scenario that sends every journaled command (and posts, edits,
// deletions, ticks), and data/journal_v3_frames.ndjson the frames the engine publishes
// for them (each change with its record's time as `at`). A server must replay those records to the very same
// frames; the same scenario run live must still publish the very same frames, and write the very same command
// records apart from the format number and what later formats write in their own shape (votes, from format
// 4).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine_fixture.hpp"

namespace companion::session {
namespace {

using namespace testing;

const std::filesystem::path data_dir =
    std::filesystem::path(COMPANION_SOURCE_DIR) / "tests/unit/session/data";

// Every journaled command at least once, each accepted, with the spellings clients
// use (on_screen.set by `id` and by `item`, qa.set's `open`, a bulk selection) and
// stray fields that are ignored.
void run_every_command(engine_driver& d) {
  millis now = t0;
  auto at = [&now] { return now += 250; };
  auto ok = [&](std::string_view json, const actor& who) {
    engine_reply reply = d.run(json, who, at());
    EXPECT_TRUE(reply.result.ok()) << json << ": " << reply.result.message;
  };
  ok(R"({"type":"announce","text":"Welcome","id":1})", producer());
  ok(R"({"type":"stage.message","text":"Two minutes","extension":{"x":[1,2]}})", producer());
  ok(R"({"type":"segment.add","segment":"fireside","kind":"panel","title":"Fireside chat","planned_minutes":15,
         "speakers":[{"name":"Ana Ruiz","role":"moderator","title":"Host"}],"after":"opening"})",
     producer());
  ok(R"({"type":"segment.add","segment":"lightning","kind":"panel","title":"Lightning","planned_minutes":5,"after":null})",
     producer());
  ok(R"({"type":"segment.update","segment":"keynote","planned_minutes":25,"title":"Keynote, longer"})",
     producer());
  ok(R"({"type":"segment.move","segment":"lightning","after":"fireside"})", producer());
  ok(R"({"type":"segment.remove","segment":"lightning"})", producer());
  ok(R"({"type":"agenda.start"})", producer());
  ok(R"({"type":"question.ask","text":"What about Taiwan?","name":"Kai","status":"open"})", viewer("v1"));
  ok(R"({"type":"question.ask","text":"what about taiwan","name":null})", viewer("v2"));
  ok(R"({"type":"question.ask","text":"Will Japan join?"})", viewer("v3"));
  ok(R"({"type":"question.ask","text":"And Korea?"})", viewer("v4"));
  ok(R"({"type":"question.approve","question":"q1"})", moderator());
  ok(R"({"type":"question.approve","question":"q3"})", moderator());
  ok(R"({"type":"question.vote","question":"q3"})", viewer("v1"));
  ok(R"({"type":"question.vote","question":"q3"})", viewer("v2"));
  ok(R"({"type":"question.unvote","question":"q3"})", viewer("v2"));
  d.tick(at(), 12);
  ok(R"({"type":"question.unmerge","question":"q2"})", moderator());
  ok(R"({"type":"question.reject","question":"q4"})", moderator());
  ok(R"({"type":"question.restore","question":"q4"})", moderator());
  ok(R"({"type":"question.edit","question":"q1","text":"What about Taiwan, exactly?"})", moderator());
  ok(R"({"type":"question.answered","question":"q3"})", moderator());
  ok(R"({"type":"question.reopen","question":"q3"})", moderator());
  d.ingest(make_post("bluesky:p1", "ana.example"), held, at());
  d.ingest(make_post("bluesky:p2", "ben.example"), held, at());
  d.ingest(make_post("bluesky:p3", "cat.example"), held, at());
  d.ingest(make_post("bluesky:p4", "dan.example"), approved, at());
  d.ingest(make_post("bluesky:p5", "eve.example"), rejected, at());
  d.ingest(make_post("bluesky:p6", "fay.example"), held, at());
  ok(R"({"type":"post.approve","post":"bluesky:p1"})", moderator("mod-ana"));
  ok(R"({"type":"post.reject","post":"bluesky:p2"})", moderator("mod-ben"));
  ok(R"({"type":"post.restore","post":"bluesky:p2"})", moderator("mod-ben"));
  ok(R"({"type":"post.approve","posts":["bluesky:p2","bluesky:p3"]})", moderator());
  ok(R"({"type":"post.reject","posts":["bluesky:p6","bluesky:p1"]})", moderator());
  ok(R"({"type":"post.feature","post":"bluesky:p3"})", moderator());
  ok(R"({"type":"highlight.remove","highlight":"bluesky:p4"})", moderator());
  social_post edited = make_post("bluesky:p3", "cat.example");
  edited.text = "Watching the summit, edited #Road2NATO";
  EXPECT_TRUE(d.edit(edited, held, at()).result.ok());
  ok(R"({"type":"post.approve","post":"bluesky:p3"})", moderator());
  ok(R"({"type":"author.block","source":"bluesky","handle":"spam.example"})", moderator());
  ok(R"({"type":"author.trust","source":"bluesky","handle":"good.example"})", moderator());
  d.ingest(make_post("bluesky:p7", "spam.example"), held, at());
  d.ingest(make_post("bluesky:p8", "good.example"), held, at());
  ok(R"({"type":"author.unblock","source":"bluesky","handle":"spam.example"})", moderator());
  ok(R"({"type":"author.untrust","source":"bluesky","handle":"good.example"})", moderator());
  ok(R"({"type":"moderation.set","rules":{"blocked_terms":["spoiler"],"max_links":2}})", moderator());
  ok(R"({"type":"on_screen.set","kind":"question","id":"q1"})", moderator());
  ok(R"({"type":"on_screen.set","kind":"highlight","item":"bluesky:p3","id":7})", moderator());
  d.retract("bluesky:p3", at());
  ok(R"({"type":"on_screen.set","kind":"question","item":"q3"})", moderator());
  ok(R"({"type":"on_screen.set","kind":null,"item":null})", moderator());
  ok(R"({"type":"agenda.next"})", producer());
  ok(R"({"type":"agenda.pause"})", producer());
  ok(R"({"type":"agenda.resume"})", producer());
  ok(R"({"type":"agenda.previous"})", producer());
  ok(R"({"type":"agenda.goto","segment":"qa"})", producer());
  ok(R"({"type":"qa.set","open":false})", producer());
  ok(R"({"type":"qa.set","open":true})", producer());
  ok(R"({"type":"on_screen.set","kind":"question","item":"q1"})", moderator());
  d.tick(at() + 1000, 30);
  ok(R"({"type":"agenda.end"})", producer());
  d.tick(at() + 2000, 31);
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

TEST(JournalFixtureTest, TheScenarioStillPublishesTheSameFramesAndWritesTheSameCommands) {
  engine_driver driver(nato_event);
  run_every_command(driver);
  std::vector<std::string> frames;
  for (const auto& message : driver.messages()) frames.push_back(message->payload);
  EXPECT_EQ(frames, read_lines(data_dir / "journal_v3_frames.ndjson"));
  // The records as a format 3 server wrote them, against today's with their format number
  // set back: every kind but the compact vote records of format 4 is written the same.
  std::vector<std::string> stored;
  for (const auto& line : read_lines(data_dir / "journal_v3.ndjson")) {
    auto record = boost::json::parse(line).as_object();
    const auto& cmd = record.contains("cmd") ? record.at("cmd").as_object() : boost::json::object{};
    const auto* type = cmd.if_contains("type");
    if (type && (*type == "question.vote" || *type == "question.unvote")) continue;
    stored.push_back(line);
  }
  std::vector<std::string> written;
  for (auto record : driver.journal()) {
    const auto kind = record.at("kind").as_string();
    if (kind == "vote" || kind == "unvote") continue;
    record["v"] = 3;
    written.push_back(boost::json::serialize(record));
  }
  EXPECT_EQ(written, stored);
}

TEST(JournalFixtureTest, AStoredJournalReplaysToTheSameFrames) {
  const auto records = read_lines(data_dir / "journal_v3.ndjson");
  const auto expected = read_lines(data_dir / "journal_v3_frames.ndjson");
  ASSERT_GT(records.size(), 60u);
  event_engine engine(load_event(nato_event), "epoch-1");
  std::vector<std::string> frames;
  for (const auto& text : records) {
    engine_reply reply;
    ASSERT_TRUE(engine.replay(boost::json::parse(text).as_object(), reply)) << text;
    EXPECT_TRUE(reply.result.ok()) << text << ": " << reply.result.message;
    // A replayed record is written again as it was (an edit of format 3 keeps its record).
    ASSERT_TRUE(reply.journal.has_value()) << text;
    EXPECT_EQ(boost::json::serialize(*reply.journal), text);
    for (const auto& message : reply.messages) frames.push_back(message->payload);
  }
  EXPECT_EQ(frames, expected);
  EXPECT_EQ(engine.public_state().at("agenda").at("status"), "ended");
}

}  // namespace
}  // namespace companion::session

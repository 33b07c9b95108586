// The pipeline end to end on the fixtures: what reaches the engine, what is counted.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "fixture_lines.hpp"
#include "hashtag-tracker/ingest_pipeline.hpp"

namespace companion::tracker {
namespace {

constexpr session::millis now = 1713794460000;

struct run_summary {
  std::vector<accepted_post> posts;
  std::vector<std::string> deleted;
};

class IngestPipelineTest : public ::testing::Test {
 protected:
  run_summary run(const std::string& fixture, wire_format format) {
    run_summary out;
    for (const auto& line : test::fixture_lines(fixture)) {
      auto result = pipeline_.ingest(line, format, now);
      if (auto* post = std::get_if<accepted_post>(&result)) out.posts.push_back(std::move(*post));
      if (auto* deleted = std::get_if<deleted_post>(&result)) out.deleted.push_back(deleted->post_id);
    }
    return out;
  }

  ingest_pipeline pipeline_{{"Road2NATO", "NATOSummit"}, moderation_rules{}};
};

TEST_F(IngestPipelineTest, JetstreamFixtureEndToEnd) {
  auto out = run("jetstream-sample.ndjson", wire_format::jetstream);
  ASSERT_EQ(out.posts.size(), 11u);
  EXPECT_EQ(out.posts.front().post.tags, std::vector<std::string>{"Road2NATO"});
  EXPECT_EQ(out.posts.at(1).post.tags, (std::vector<std::string>{"Road2NATO", "NATOSummit"}));
  EXPECT_EQ(out.posts.at(5).post.tags, std::vector<std::string>{"Road2NATO"})
      << "#road2nato spelled as the event spells it";
  for (const auto& p : out.posts) {
    EXPECT_EQ(p.decision.verdict, session::post_verdict::pending);
    EXPECT_EQ(p.decision.rule, "default");
  }
  EXPECT_EQ(out.deleted,
            std::vector<std::string>{
                "bluesky:at://did:plc:cis2jhtlgmxgedn73u55xtpl/app.bsky.feed.post/3kq0000000001"});

  const auto& c = pipeline_.counters().source(wire_format::jetstream);
  EXPECT_EQ(c.frames, 18u);
  EXPECT_EQ(c.identities, 3u);
  EXPECT_EQ(c.posts, 11u);
  EXPECT_EQ(c.not_matching, 2u);
  EXPECT_EQ(c.skipped, 1u);
  EXPECT_EQ(c.accepted, 11u);
  EXPECT_EQ(c.deletions, 1u);
  EXPECT_EQ(pipeline_.counters().skipped_by_reason[static_cast<std::size_t>(skip_reason::unknown_collection)],
            1u);
  EXPECT_EQ(pipeline_.counters().pending, 11u);
  EXPECT_EQ(pipeline_.counters().by_rule[static_cast<std::size_t>(moderation_rule::default_rule)], 11u);
  EXPECT_EQ(pipeline_.jetstream_cursor(), 1713794406877935);
}

TEST_F(IngestPipelineTest, ReplayingTheSameFramesYieldsOnlyDuplicates) {
  run("jetstream-sample.ndjson", wire_format::jetstream);
  auto again = run("jetstream-sample.ndjson", wire_format::jetstream);
  EXPECT_TRUE(again.posts.empty());
  EXPECT_EQ(pipeline_.counters().duplicate_id, 11u);
  EXPECT_EQ(again.deleted.size(), 1u) << "a deletion of a known post is passed on again";
}

TEST_F(IngestPipelineTest, MastodonFixtureEndToEnd) {
  auto out = run("mastodon-stream.ndjson", wire_format::mastodon);
  ASSERT_EQ(out.posts.size(), 5u);
  EXPECT_EQ(out.posts.at(2).post.tags, (std::vector<std::string>{"Road2NATO", "NATOSummit"}));
  EXPECT_EQ(out.posts.at(3).post.tags, std::vector<std::string>{"Road2NATO"});
  EXPECT_TRUE(out.posts.at(4).is_edit);
  EXPECT_EQ(out.posts.at(4).post.id, out.posts.at(1).post.id);
  EXPECT_EQ(out.deleted, std::vector<std::string>{
                             "mastodon:https://sigmoid.social/users/dara/statuses/112100000000000003"});
  EXPECT_EQ(pipeline_.counters().edits, 1u);
}

TEST_F(IngestPipelineTest, XFixtureEndToEnd) {
  auto out = run("x-filtered-stream.ndjson", wire_format::x);
  ASSERT_EQ(out.posts.size(), 3u);
  EXPECT_EQ(out.posts.at(0).post.tags, (std::vector<std::string>{"Road2NATO", "NATOSummit"}));
  EXPECT_EQ(pipeline_.counters().source(wire_format::x).accepted, 3u);
}

TEST_F(IngestPipelineTest, SniffedMixedLinesAreCountedPerFormat) {
  run("x-filtered-stream.ndjson", wire_format::unknown);
  run("mastodon-stream.ndjson", wire_format::unknown);
  EXPECT_EQ(pipeline_.counters().source(wire_format::x).frames, 3u);
  EXPECT_EQ(pipeline_.counters().source(wire_format::mastodon).frames, 6u);
}

TEST_F(IngestPipelineTest, SamePostViaWebhookIsCrossSourceDuplicate) {
  run("jetstream-sample.ndjson", wire_format::jetstream);
  auto result = pipeline_.ingest(
      R"({"id":"77","author":{"handle":"policywatcher.bsky.social"},"text":"Opening remarks starting now: why Indo-Pacific partners matter for Euro-Atlantic security #Road2NATO","created_at":"2024-04-22T14:00:30Z"})",
      wire_format::generic, now);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(result));
  EXPECT_EQ(pipeline_.counters().duplicate_cross_source, 1u);
}

TEST_F(IngestPipelineTest, RulesDecideAndNameTheRule) {
  auto rules = moderation_rules::parse(
      boost::json::parse(
          R"({"blocked_terms":["optional"],"trusted_authors":["thinktank_dc"],"drop_replies":true})")
          .as_object());
  ingest_pipeline pipeline({"Road2NATO", "NATOSummit"}, std::get<moderation_rules>(std::move(rules)));
  std::vector<std::string> rules_seen;
  for (const auto& line : test::fixture_lines("jetstream-sample.ndjson")) {
    auto result = pipeline.ingest(line, wire_format::jetstream, now);
    if (auto* post = std::get_if<accepted_post>(&result)) rules_seen.push_back(post->decision.rule);
  }
  auto x = test::fixture_lines("x-filtered-stream.ndjson");
  auto trusted = pipeline.ingest(x.at(0), wire_format::x, now);
  ASSERT_TRUE(std::holds_alternative<accepted_post>(trusted));
  EXPECT_EQ(std::get<accepted_post>(trusted).decision.verdict, session::post_verdict::approved);
  EXPECT_EQ(rules_seen.at(1), "blocked_term");  // "...is no longer optional"
  EXPECT_EQ(rules_seen.back(), "drop_replies");
  EXPECT_EQ(pipeline.counters().rejected, 2u);
  EXPECT_EQ(pipeline.counters().approved, 1u);
}

TEST_F(IngestPipelineTest, SpamIsFlaggedNotDropped) {
  for (int i = 0; i < 3; ++i) {
    std::string line = R"({"id":")" + std::to_string(i) + R"(","author":{"handle":"bot)" + std::to_string(i) +
                       R"("},"text":"Win a prize #Road2NATO","created_at":)" + std::to_string(now + i) + "}";
    auto result = pipeline_.ingest(line, wire_format::generic, now + i * 1000);
    ASSERT_TRUE(std::holds_alternative<accepted_post>(result));
    EXPECT_EQ(std::get<accepted_post>(result).likely_spam, i == 2);
    EXPECT_EQ(std::get<accepted_post>(result).decision.rule, i == 2 ? "likely_spam" : "default");
  }
  EXPECT_EQ(pipeline_.counters().likely_spam, 1u);
}

TEST_F(IngestPipelineTest, DeletionOfUnknownPostIsDropped) {
  auto result = pipeline_.ingest(R"({"delete":"webhook:never-seen"})", wire_format::generic, now);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(result));
  EXPECT_EQ(pipeline_.counters().deletions_unknown, 1u);
  pipeline_.remember("webhook:held");
  result = pipeline_.ingest(R"({"delete":"webhook:held"})", wire_format::generic, now);
  ASSERT_TRUE(std::holds_alternative<deleted_post>(result));
  EXPECT_EQ(std::get<deleted_post>(result).post_id, "webhook:held");
}

TEST_F(IngestPipelineTest, MalformedLinesAreCountedAndSkipped) {
  EXPECT_TRUE(std::holds_alternative<std::monostate>(pipeline_.ingest("{oops", wire_format::unknown, now)));
  EXPECT_EQ(pipeline_.counters().skipped_by_reason[static_cast<std::size_t>(skip_reason::malformed_json)],
            1u);
  EXPECT_EQ(pipeline_.counters().source(wire_format::unknown).skipped, 1u);
}

TEST_F(IngestPipelineTest, SamplesNameEveryCounter) {
  run("jetstream-sample.ndjson", wire_format::jetstream);
  bool found = false;
  for (const auto& s : pipeline_.counters().samples())
    if (s.name == "tracker_frames_total" && s.label == "source" && s.label_value == "jetstream") {
      found = true;
      EXPECT_EQ(s.value, 18u);
    }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace companion::tracker

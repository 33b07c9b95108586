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
          R"({"blocked_terms":["optional"],"trusted_authors":["webhook:thinktank_dc"],"drop_replies":true})")
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

// ---- The webhook lane ----

TEST_F(IngestPipelineTest, WebhookLinesCannotSpeakForAnotherSource) {
  auto foreign = [&](std::string_view line) {
    auto result = pipeline_.ingest(line, wire_format::unknown, now, ingest_lane::webhook);
    return std::holds_alternative<std::monostate>(result);
  };
  for (const auto& line : test::fixture_lines("jetstream-sample.ndjson")) EXPECT_TRUE(foreign(line));
  for (const auto& line : test::fixture_lines("mastodon-stream.ndjson")) EXPECT_TRUE(foreign(line));
  EXPECT_TRUE(foreign(
      R"({"id":"1","source":"bluesky","author":{"handle":"a.bsky.social"},"text":"#Road2NATO","created_at":1})"));
  EXPECT_TRUE(foreign(R"({"delete":"bluesky:at://did:plc:x/app.bsky.feed.post/1"})"));
  EXPECT_TRUE(foreign(R"({"delete":"mastodon:https://m.example/1"})"));
  const auto& reasons = pipeline_.counters().skipped_by_reason;
  EXPECT_GE(reasons[static_cast<std::size_t>(skip_reason::foreign_source)], 3u);
  // Nothing reached the handle cache.
  EXPECT_EQ(pipeline_.handles().size(), 0u);
}

TEST_F(IngestPipelineTest, WebhookPostsAndDeletesAreTheWebhooksOwn) {
  auto post = pipeline_.ingest(
      R"({"id":"w1","author":{"handle":"a"},"text":"Hello #Road2NATO","created_at":1713794400000})",
      wire_format::unknown, now, ingest_lane::webhook);
  ASSERT_TRUE(std::holds_alternative<accepted_post>(post));
  EXPECT_EQ(std::get<accepted_post>(post).post.id, "webhook:w1");
  // A bare id names a webhook post.
  auto deleted = pipeline_.ingest(R"({"delete":"w1"})", wire_format::unknown, now, ingest_lane::webhook);
  ASSERT_TRUE(std::holds_alternative<deleted_post>(deleted));
  EXPECT_EQ(std::get<deleted_post>(deleted).post_id, "webhook:w1");
  // X objects are webhook posts too.
  auto x = pipeline_.ingest(test::fixture_lines("x-filtered-stream.ndjson").at(0), wire_format::unknown, now,
                            ingest_lane::webhook);
  ASSERT_TRUE(std::holds_alternative<accepted_post>(x));
  EXPECT_EQ(std::get<accepted_post>(x).post.source, "webhook");
}

TEST_F(IngestPipelineTest, SourceLaneStillTakesEveryFormat) {
  auto out = run("mastodon-stream.ndjson", wire_format::unknown);
  EXPECT_FALSE(out.posts.empty());
  EXPECT_EQ(pipeline_.counters().skipped_by_reason[static_cast<std::size_t>(skip_reason::foreign_source)],
            0u);
}

TEST_F(IngestPipelineTest, HandlesTrustedOnAnyNetworkAreNotTrustedThroughTheWebhook) {
  auto rules = moderation_rules::parse(
      boost::json::parse(R"({"trusted_authors":["policywatcher.bsky.social","webhook:eurodesk"]})")
          .as_object());
  ingest_pipeline pipeline({"Road2NATO"}, std::get<moderation_rules>(std::move(rules)));
  auto verdict = [&](std::string_view handle, std::string_view id) {
    std::string line = R"({"id":")" + std::string(id) + R"(","author":{"handle":")" + std::string(handle) +
                       R"("},"text":"Post )" + std::string(id) +
                       R"( #Road2NATO","created_at":1713794400000})";
    auto result = pipeline.ingest(line, wire_format::unknown, now, ingest_lane::webhook);
    return std::get<accepted_post>(result).decision.verdict;
  };
  EXPECT_EQ(verdict("policywatcher.bsky.social", "1"), session::post_verdict::pending);
  EXPECT_EQ(verdict("eurodesk", "2"), session::post_verdict::approved);
}

TEST_F(IngestPipelineTest, CreatedAtIsClampedIntoASaneRange) {
  auto created = [&](std::string_view value, std::string_view id) {
    std::string line = R"({"id":")" + std::string(id) + R"(","author":{"handle":"a"},"text":"At )" +
                       std::string(id) + R"( #Road2NATO","created_at":)" + std::string(value) + "}";
    auto result = pipeline_.ingest(line, wire_format::generic, now);
    return std::get<accepted_post>(result).post.created_at;
  };
  EXPECT_EQ(created("9000000000000000000", "1"), now + created_at_slack);
  EXPECT_EQ(created("\"9999-01-01T00:00:00Z\"", "2"), now + created_at_slack);
  EXPECT_EQ(created("0", "3"), earliest_created_at);
  EXPECT_EQ(created("\"1999-12-31T23:59:59Z\"", "4"), earliest_created_at);
  EXPECT_EQ(created(std::to_string(now - 5000), "5"), now - 5000);
  EXPECT_EQ(clamp_created_at(now + created_at_slack, now), now + created_at_slack);
  EXPECT_EQ(clamp_created_at(earliest_created_at, now), earliest_created_at);
}

}  // namespace
}  // namespace companion::tracker

// The demo corpus (events/nato-indo-pacific-2024.posts.ndjson, made by
// scripts/make-demo-posts.py) through the pipeline with the event's moderation rules:
// every line must decode, and each kind of trouble it contains must be caught.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <map>
#include <memory>

#include "common/iso_time.hpp"
#include "hashtag-tracker/ingest_pipeline.hpp"

namespace companion::tracker {
namespace {

// Arrival time for replay: the time the line itself carries (the previous one for deletes).
session::millis line_time(const std::string& line, session::millis previous) {
  auto value = boost::json::parse(line).as_object();
  if (auto* us = value.if_contains("time_us")) return us->to_number<std::int64_t>() / 1000;
  if (auto* created = value.if_contains("created_at"))
    return common::parse_iso8601_ms(created->as_string(), common::iso8601_form::feed).value_or(previous);
  if (auto* payload = value.if_contains("payload"); payload && value.at("event").as_string() != "delete") {
    auto status = boost::json::parse(payload->as_string()).as_object();
    return common::parse_iso8601_ms(status.at("created_at").as_string(), common::iso8601_form::feed)
        .value_or(previous);
  }
  return previous;
}

class DemoCorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The values of the event file's "moderation" object.
    auto rules = moderation_rules::parse(boost::json::parse(R"({"blocked_terms":[],"blocked_authors":[],
        "trusted_authors":[],"max_links":3,"languages":[],"drop_replies":false,"drop_reposts":true,
        "per_author_per_minute":5})")
                                             .as_object());
    pipeline_ = std::make_unique<ingest_pipeline>(std::vector<std::string>{"Road2NATO", "NATOSummit"},
                                                  std::get<moderation_rules>(std::move(rules)));
    std::ifstream in(std::string(TRACKER_SOURCE_ROOT) + "/events/nato-indo-pacific-2024.posts.ndjson");
    ASSERT_TRUE(in) << "run scripts/make-demo-posts.py";
    session::millis now = 0;
    for (std::string line; std::getline(in, line);) {
      ++lines_;
      now = line_time(line, now);
      auto result = pipeline_->ingest(line, wire_format::unknown, now);
      if (auto* post = std::get_if<accepted_post>(&result)) ++rules_[post->decision.rule];
      if (std::holds_alternative<deleted_post>(result)) ++deletions_;
    }
  }

  std::uint64_t skipped(skip_reason reason) const {
    return pipeline_->counters().skipped_by_reason[static_cast<std::size_t>(reason)];
  }

  std::unique_ptr<ingest_pipeline> pipeline_;
  std::size_t lines_ = 0;
  std::size_t deletions_ = 0;
  std::map<std::string, int> rules_;
};

TEST_F(DemoCorpusTest, EveryLineDecodes) {
  EXPECT_GT(lines_, 400u);
  EXPECT_EQ(skipped(skip_reason::malformed_json), 0u);
  EXPECT_EQ(skipped(skip_reason::wrong_type), 0u);
  EXPECT_EQ(skipped(skip_reason::missing_field), 0u);
  EXPECT_EQ(skipped(skip_reason::unknown_post), 0u);
  EXPECT_EQ(pipeline_->counters().source(wire_format::unknown).frames, 0u);
}

TEST_F(DemoCorpusTest, MostPostsReachTheWall) {
  const auto& c = pipeline_->counters();
  std::uint64_t accepted = c.source(wire_format::jetstream).accepted +
                           c.source(wire_format::mastodon).accepted + c.source(wire_format::generic).accepted;
  EXPECT_GT(accepted, 350u);
  EXPECT_GT(c.source(wire_format::mastodon).accepted, 50u);
  EXPECT_GT(c.source(wire_format::generic).accepted, 30u);
}

TEST_F(DemoCorpusTest, TroubleIsCaught) {
  const auto& c = pipeline_->counters();
  EXPECT_EQ(skipped(skip_reason::not_matching), 10u);
  EXPECT_EQ(c.duplicate_cross_source, 2u);
  EXPECT_GE(c.likely_spam, 2u);
  EXPECT_EQ(c.duplicate_repost, 4u);  // boosts of statuses already shown
  EXPECT_EQ(rules_["drop_reposts"], 2);
  EXPECT_EQ(rules_["max_links"], 1);
  EXPECT_EQ(rules_["per_author_per_minute"], 2);
  EXPECT_EQ(deletions_, 6u);
}

}  // namespace
}  // namespace companion::tracker

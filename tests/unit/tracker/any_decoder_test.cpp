// decode_any: format sniffing per line over every fixture.
#include <gtest/gtest.h>

#include "fixture_lines.hpp"
#include "hashtag-tracker/any_decoder.hpp"

namespace companion::tracker {
namespace {

TEST(FormatSnifferTest, RecognizesEveryFixtureFormat) {
  format_sniffer sniffer;
  for (const auto& line : test::fixture_lines("jetstream-sample.ndjson"))
    EXPECT_EQ(sniffer.sniff(line), wire_format::jetstream);
  for (const auto& line : test::fixture_lines("mastodon-stream.ndjson"))
    EXPECT_EQ(sniffer.sniff(line), wire_format::mastodon);
  for (const auto& line : test::fixture_lines("x-filtered-stream.ndjson"))
    EXPECT_EQ(sniffer.sniff(line), wire_format::x);
  EXPECT_EQ(sniffer.sniff(R"({"id":"1","author":{"handle":"a"},"text":"t","created_at":0})"),
            wire_format::generic);
  EXPECT_EQ(sniffer.sniff(R"({"delete":"webhook:1"})"), wire_format::generic);
  EXPECT_EQ(sniffer.sniff(R"({"hello":"world"})"), wire_format::unknown);
  EXPECT_EQ(sniffer.sniff("nonsense"), wire_format::unknown);
}

TEST(AnyDecoderTest, DecodesMixedLinesWithTheRightDecoder) {
  any_decoder decoder;
  auto jetstream = test::fixture_lines("jetstream-sample.ndjson");
  auto mastodon = test::fixture_lines("mastodon-stream.ndjson");
  auto x = test::fixture_lines("x-filtered-stream.ndjson");

  decoder.decode(jetstream.at(0));  // identity
  auto bluesky = decoder.decode(jetstream.at(3));
  EXPECT_EQ(decoder.last_format(), wire_format::jetstream);
  ASSERT_TRUE(std::holds_alternative<decoded_post>(bluesky));
  EXPECT_EQ(std::get<decoded_post>(bluesky).post.author_handle, "policywatcher.bsky.social");

  auto toot = decoder.decode(mastodon.at(0));
  EXPECT_EQ(decoder.last_format(), wire_format::mastodon);
  ASSERT_TRUE(std::holds_alternative<decoded_post>(toot));
  EXPECT_EQ(std::get<decoded_post>(toot).post.source, "mastodon");

  auto tweet = decoder.decode(x.at(1));
  EXPECT_EQ(decoder.last_format(), wire_format::x);
  ASSERT_TRUE(std::holds_alternative<decoded_post>(tweet));
  EXPECT_EQ(std::get<decoded_post>(tweet).post.author_handle, "canberra_obs");

  EXPECT_EQ(decoder.jetstream().cursor(), 1713794402220702);
}

TEST(AnyDecoderTest, UnknownShapeIsSkippedWithReason) {
  any_decoder decoder;
  auto result = decoder.decode(R"({"hello":"world"})");
  ASSERT_TRUE(std::holds_alternative<skipped>(result));
  EXPECT_EQ(std::get<skipped>(result).reason, skip_reason::missing_field);
  result = decoder.decode("{{");
  ASSERT_TRUE(std::holds_alternative<skipped>(result));
  EXPECT_EQ(std::get<skipped>(result).reason, skip_reason::malformed_json);
  EXPECT_EQ(decoder.last_format(), wire_format::unknown);
}

}  // namespace
}  // namespace companion::tracker

// ISO 8601 in both spellings: the event file's strict UTC form and the feeds' looser
// one, the date-only form, and writing times back (round trips, bad inputs).
#include "common/iso_time.hpp"

#include <gtest/gtest.h>

namespace companion::common {
namespace {

constexpr auto utc = iso8601_form::utc;
constexpr auto feed = iso8601_form::feed;

TEST(IsoTimeTest, ParsesUtcWithMilliseconds) {
  EXPECT_EQ(parse_iso8601_ms("2024-04-22T14:00:02.220Z", utc), 1713794402220);
  EXPECT_EQ(parse_iso8601_ms("2024-04-22T14:00:02.220Z", feed), 1713794402220);
  EXPECT_EQ(parse_iso8601_ms("2024-04-22T14:00:02.2Z", utc), 1713794402200);
  EXPECT_EQ(parse_iso8601_ms("2024-04-22T14:00:02.2209Z", utc), 1713794402220);
  EXPECT_EQ(parse_iso8601_ms("1970-01-01T00:00:00Z", utc), 0);
  EXPECT_EQ(parse_iso8601_ms("1969-12-31T23:59:59Z", utc), -1000);
}

TEST(IsoTimeTest, FeedsMayUseOffsetsLooseSeparatorsAndNoZone) {
  EXPECT_EQ(parse_iso8601_ms("2024-04-22T16:00:02.220999+02:00", feed), 1713794402220);
  EXPECT_EQ(parse_iso8601_ms("2024-04-22T10:30:02.220-0330", feed), 1713794402220);
  EXPECT_EQ(parse_iso8601_ms("2024-04-22T14:00:00", feed), 1713794400000);
  EXPECT_EQ(parse_iso8601_ms("2024-04-22 14:00:00z", feed), 1713794400000);
  EXPECT_EQ(parse_iso8601_ms("2024-04-22t14:00:00,5Z", feed), 1713794400500);
  EXPECT_EQ(parse_iso8601_ms("2016-12-31T23:59:60Z", feed), parse_iso8601_ms("2017-01-01T00:00:00Z", utc));
  // A feed's impossible day rolls over as it always did; an event file's is refused.
  EXPECT_EQ(parse_iso8601_ms("2024-02-30T00:00:00Z", feed), parse_iso8601_ms("2024-03-01T00:00:00Z", utc));
}

TEST(IsoTimeTest, EventFilesTakeOnlyTheStrictForm) {
  for (const char* text : {"2024-04-22T16:00:02+02:00", "2024-04-22T14:00:00", "2024-04-22 14:00:00Z",
                           "2024-04-22t14:00:00Z", "2024-04-22T14:00:00z", "2024-04-22T14:00:00,5Z",
                           "2016-12-31T23:59:60Z", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z"})
    EXPECT_FALSE(parse_iso8601_ms(text, utc)) << text;
  EXPECT_TRUE(parse_iso8601_ms("2024-02-29T00:00:00Z", utc));
}

TEST(IsoTimeTest, RejectsMalformedTimesInBothForms) {
  for (auto form : {utc, feed}) {
    for (const char* text :
         {"", "yesterday", "2024-13-22T14:00:00Z", "2024-00-22T14:00:00Z", "2024-04-00T14:00:00Z",
          "2024-04-32T14:00:00Z", "2024-04-22T24:00:00Z", "2024-04-22T14:60:00Z", "2024-04-22T14:00:61Z",
          "2024-04-22T14:00:00Zjunk", "2024-04-22T14:00:00.Z", "2024-04-22T14:00Z", "24-04-22T14:00:00Z",
          "2024/04/22T14:00:00Z", "2024-04-22T14:00:00+2:00", "2024-04-22T14:00:00+02:0",
          "2024-04-22T14:00:00+02-00", "+024-04-22T14:00:00Z", "2024-04-22T14:00:00 Z"})
      EXPECT_FALSE(parse_iso8601_ms(text, form)) << text;
  }
}

TEST(IsoTimeTest, ParsesDatesThatExist) {
  EXPECT_TRUE(parse_iso8601_date("2024-02-29"));
  EXPECT_FALSE(parse_iso8601_date("2023-02-29"));
  EXPECT_FALSE(parse_iso8601_date("2024-4-29"));
  EXPECT_FALSE(parse_iso8601_date("2024-04"));
  EXPECT_EQ(parse_iso8601_date("1970-01-02")->time_since_epoch().count(), 1);
}

TEST(IsoTimeTest, FormatsWholeSecondsUtc) {
  EXPECT_EQ(format_iso8601(1713794402220), "2024-04-22T14:00:02Z");
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_iso8601(253402300799000), "9999-12-31T23:59:59Z");
}

TEST(IsoTimeTest, FormatAndParseRoundTrip) {
  for (std::int64_t ms = -86'400'000LL * 800; ms < 86'400'000LL * 365 * 80;
       ms += 86'400'000LL * 37 + 3'601'000) {
    const std::string text = format_iso8601(ms);
    EXPECT_EQ(parse_iso8601_ms(text, utc), ms - ((ms % 1000) + 1000) % 1000) << text;
    EXPECT_EQ(parse_iso8601_ms(text, feed), parse_iso8601_ms(text, utc)) << text;
  }
}

}  // namespace
}  // namespace companion::common

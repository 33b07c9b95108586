// Case folding, hashtag and URL scanning and whole-word search.
#include <gtest/gtest.h>

#include "hashtag-tracker/unicode_text.hpp"

namespace companion::tracker {
namespace {

std::vector<std::string> hashtags_in(std::string_view text) {
  std::vector<std::string_view> views;
  extract_hashtags(text, views);
  return {views.begin(), views.end()};
}

TEST(UnicodeTextTest, FoldCaseLowersAscii) {
  EXPECT_EQ(fold_case("Road2NATO"), "road2nato");
}

TEST(UnicodeTextTest, FoldCaseNormalizesFullWidth) {
  EXPECT_EQ(fold_case("ＮＡＴＯＳｕｍｍｉｔ"), "natosummit");
}

TEST(UnicodeTextTest, FoldCaseFoldsGermanSharpS) {
  EXPECT_EQ(fold_case("STRASSE"), fold_case("straße"));
}

TEST(UnicodeTextTest, FoldCaseComposesCombiningMarks) {
  // "e" + combining acute composes to the same bytes as precomposed "é".
  EXPECT_EQ(fold_case("Sécurité"), fold_case("Se\xCC\x81\x63urite\xCC\x81"));
}

TEST(UnicodeTextTest, FoldCaseReplacesEmbeddedNul) {
  EXPECT_EQ(fold_case(std::string_view("a\0B", 3)), "a b");
  EXPECT_EQ(fold_case(std::string_view("\xC3\x89\0B", 4)), "\xC3\xA9 b");
}

TEST(UnicodeTextTest, ExtractsTagAtEndOfText) {
  EXPECT_EQ(hashtags_in("Watching now #Road2NATO"), std::vector<std::string>{"Road2NATO"});
}

TEST(UnicodeTextTest, TagEndsAtPunctuation) {
  EXPECT_EQ(hashtags_in("Great point (#NATOSummit), agreed!"), std::vector<std::string>{"NATOSummit"});
  EXPECT_EQ(hashtags_in("#Road2NATO!"), std::vector<std::string>{"Road2NATO"});
}

TEST(UnicodeTextTest, TagEndsAtEmoji) {
  EXPECT_EQ(hashtags_in("#Road2NATO\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8 live"),
            std::vector<std::string>{"Road2NATO"});
}

TEST(UnicodeTextTest, ExtractsTagsBetweenJapaneseText) {
  EXPECT_EQ(hashtags_in("NATOとインド太平洋#NATOSummit　視聴中"), std::vector<std::string>{"NATOSummit"});
  // Japanese letters directly after the tag are letters, so they belong to it.
  EXPECT_EQ(hashtags_in("#NATOSummit視聴中"), std::vector<std::string>{"NATOSummit視聴中"});
}

TEST(UnicodeTextTest, FullWidthNumberSignStartsTag) {
  EXPECT_EQ(hashtags_in("会議 ＃ＮＡＴＯＳｕｍｍｉｔ です"),
            std::vector<std::string>{"ＮＡＴＯＳｕｍｍｉｔ"});
}

TEST(UnicodeTextTest, CombiningMarksStayInsideTag) {
  EXPECT_EQ(hashtags_in("#Se\xCC\x81\x63urite\xCC\x81 ok"),
            std::vector<std::string>{"Se\xCC\x81\x63urite\xCC\x81"});
}

TEST(UnicodeTextTest, UnderscoreAndDigitsStayInsideTag) {
  EXPECT_EQ(hashtags_in("#NATO_Summit_2024."), std::vector<std::string>{"NATO_Summit_2024"});
}

TEST(UnicodeTextTest, HashAfterWordOrInUrlIsNoTag) {
  EXPECT_TRUE(hashtags_in("C# and https://example.org/page#Road2NATO").empty());
  EXPECT_TRUE(hashtags_in("# alone, ## twice").empty());
}

TEST(UnicodeTextTest, CountsTypedUrls) {
  EXPECT_EQ(count_urls("see https://usip.org/a and http://example.com."), 2);
  EXPECT_EQ(count_urls("no links, just http and https words"), 0);
}

TEST(UnicodeTextTest, WholeWordsNeedBoundaries) {
  EXPECT_TRUE(contains_whole_words("war! now", "war"));
  EXPECT_TRUE(contains_whole_words("the war", "war"));
  EXPECT_FALSE(contains_whole_words("warning signs", "war"));
  EXPECT_FALSE(contains_whole_words("prewar era", "war"));
  EXPECT_TRUE(contains_whole_words("free money here", "free money"));
  EXPECT_FALSE(contains_whole_words("ééwar", "war"));
}

TEST(UnicodeTextTest, NormalizeCollapsesWhiteSpace) {
  EXPECT_EQ(normalize_for_comparison("  Hello\n\n  WORLD  "), "hello world");
}

}  // namespace
}  // namespace companion::tracker

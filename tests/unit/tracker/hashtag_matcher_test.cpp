// Hashtag matching: NFKC case folding, event spelling in the output, near misses.
#include <gtest/gtest.h>

#include "hashtag-tracker/hashtag_matcher.hpp"

namespace companion::tracker {
namespace {

class HashtagMatcherTest : public ::testing::Test {
 protected:
  hashtag_matcher matcher_{{"Road2NATO", "#NATOSummit"}};

  std::vector<std::string> in_text(std::string_view text) const { return matcher_.match_text(text); }
};

TEST_F(HashtagMatcherTest, MatchesRegardlessOfCase) {
  EXPECT_EQ(in_text("#road2nato"), std::vector<std::string>{"Road2NATO"});
  EXPECT_EQ(in_text("#Road2NATO"), std::vector<std::string>{"Road2NATO"});
  EXPECT_EQ(in_text("#ROAD2NATO"), std::vector<std::string>{"Road2NATO"});
}

TEST_F(HashtagMatcherTest, MatchesFullWidthTag) {
  EXPECT_EQ(in_text("＃ＮＡＴＯＳｕｍｍｉｔ"), std::vector<std::string>{"NATOSummit"});
  EXPECT_EQ(in_text("#ｒｏａｄ２ｎａｔｏ"), std::vector<std::string>{"Road2NATO"});
}

TEST_F(HashtagMatcherTest, LongerTagsDoNotMatch) {
  EXPECT_TRUE(in_text("#NATOSummit2024").empty());
  EXPECT_TRUE(in_text("#NATOSummitX").empty());
  EXPECT_TRUE(in_text("#Road2NATO_live").empty());
}

TEST_F(HashtagMatcherTest, OutputsEventSpellingInEventOrderOnce) {
  EXPECT_EQ(in_text("#natosummit #road2nato #NATOSUMMIT"),
            (std::vector<std::string>{"Road2NATO", "NATOSummit"}));
}

TEST_F(HashtagMatcherTest, MatchesInsideJapaneseAndKoreanText) {
  EXPECT_EQ(in_text("NATOとインド太平洋パートナーの議論 #NATOSummit　視聴中"),
            std::vector<std::string>{"NATOSummit"});
  EXPECT_EQ(in_text("좋은 토론 #Road2NATO입니다"), std::vector<std::string>{});  // Hangul continues the tag
  EXPECT_EQ(in_text("좋은 토론 #Road2NATO."), std::vector<std::string>{"Road2NATO"});
}

TEST_F(HashtagMatcherTest, MatchesBeforePunctuationAndEmoji) {
  EXPECT_EQ(in_text("Agreed (#Road2NATO)."), std::vector<std::string>{"Road2NATO"});
  EXPECT_EQ(in_text("#NATOSummit\xF0\x9F\x91\x8F"), std::vector<std::string>{"NATOSummit"});
}

TEST_F(HashtagMatcherTest, FindIgnoresLeadingMark) {
  EXPECT_EQ(matcher_.find("#road2nato"), std::optional<std::size_t>{0});
  EXPECT_EQ(matcher_.find("＃natosummit"), std::optional<std::size_t>{1});
  EXPECT_EQ(matcher_.find("NATO"), std::nullopt);
  EXPECT_EQ(matcher_.find(""), std::nullopt);
}

TEST_F(HashtagMatcherTest, MatchesAnyOfViews) {
  std::vector<std::string_view> none{"news", "NATOSummit2024"};
  std::vector<std::string_view> one{"news", "natosummit"};
  EXPECT_FALSE(matcher_.matches_any(none));
  EXPECT_TRUE(matcher_.matches_any(one));
}

TEST(HashtagMatcherUnicodeTest, NonAsciiEventTagMatchesComposedAndDecomposed) {
  hashtag_matcher matcher({"Sécurité"});
  EXPECT_EQ(matcher.match_text("#SÉCURITÉ"), std::vector<std::string>{"Sécurité"});
  EXPECT_EQ(matcher.match_text("#Se\xCC\x81\x63urite\xCC\x81"), std::vector<std::string>{"Sécurité"});
  EXPECT_TRUE(matcher.match_text("#Securite").empty());
}

TEST(HashtagMatcherUnicodeTest, DuplicateEventTagsCollapse) {
  hashtag_matcher matcher({"Road2NATO", "road2nato", ""});
  EXPECT_EQ(matcher.event_tags(), std::vector<std::string>{"Road2NATO"});
}

}  // namespace
}  // namespace companion::tracker

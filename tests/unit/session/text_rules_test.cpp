// Rules for short texts typed by people: trimming (ASCII and ideographic space),
// code point counting, control characters and the key that finds near-duplicates.
#include "session/text_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace companion::session {
namespace {

const std::string ideographic_space = "\xE3\x80\x80";                                           // U+3000
const std::string konnichiwa = "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF";  // こんにちは

TEST(TrimTextTest, StripsAsciiWhiteSpaceOnBothSides) {
  EXPECT_EQ(trim_text(" \t\r\nhello world \n\t "), "hello world");
}

TEST(TrimTextTest, KeepsInnerWhiteSpace) {
  EXPECT_EQ(trim_text("a  b"), "a  b");
}

TEST(TrimTextTest, StripsIdeographicSpaceOnBothSides) {
  EXPECT_EQ(trim_text(ideographic_space + konnichiwa + ideographic_space + ideographic_space), konnichiwa);
}

TEST(TrimTextTest, StripsMixedAsciiAndIdeographicSpace) {
  EXPECT_EQ(trim_text(" " + ideographic_space + "\tx " + ideographic_space + " "), "x");
}

TEST(TrimTextTest, KeepsInnerIdeographicSpace) {
  std::string text = konnichiwa + ideographic_space + konnichiwa;
  EXPECT_EQ(trim_text(text), text);
}

TEST(TrimTextTest, WhiteSpaceOnlyBecomesEmpty) {
  EXPECT_EQ(trim_text("  \t\n"), "");
  EXPECT_EQ(trim_text(ideographic_space + " " + ideographic_space), "");
  EXPECT_EQ(trim_text(""), "");
}

TEST(TrimTextTest, KeepsCharactersThatOnlyShareBytesWithIdeographicSpace) {
  // U+3001 (、) starts like U+3000; U+0800 ends in 0x80 like it.
  EXPECT_EQ(trim_text("\xE3\x80\x81"), "\xE3\x80\x81");
  EXPECT_EQ(trim_text("a\xE0\xA0\x80"), "a\xE0\xA0\x80");
}

TEST(CountCodePointsTest, CountsAsciiBytes) {
  EXPECT_EQ(count_code_points("hello"), 5u);
}

TEST(CountCodePointsTest, CountsJapaneseByCodePoint) {
  EXPECT_EQ(konnichiwa.size(), 15u);
  EXPECT_EQ(count_code_points(konnichiwa), 5u);
}

TEST(CountCodePointsTest, CountsFourByteCharactersOnce) {
  EXPECT_EQ(count_code_points("\xF0\x9F\x98\x80!"), 2u);
}

TEST(CountCodePointsTest, EmptyTextHasNone) {
  EXPECT_EQ(count_code_points(""), 0u);
}

TEST(ControlCharactersTest, PlainTextHasNone) {
  EXPECT_FALSE(has_control_characters("Will NATO expand?"));
  EXPECT_FALSE(has_control_characters(konnichiwa));
}

TEST(ControlCharactersTest, FindsC0Controls) {
  EXPECT_TRUE(has_control_characters(std::string("a\0b", 3)));
  EXPECT_TRUE(has_control_characters("a\nb"));
  EXPECT_TRUE(has_control_characters("a\tb"));
  EXPECT_TRUE(has_control_characters("\x1B[31m"));
}

TEST(ControlCharactersTest, FindsDelete) {
  EXPECT_TRUE(has_control_characters("a\x7F"));
}

TEST(ControlCharactersTest, FindsC1Controls) {
  EXPECT_TRUE(has_control_characters("a\xC2\x80"));
  EXPECT_TRUE(has_control_characters("a\xC2\x9F"));
}

TEST(ControlCharactersTest, LatinOneLettersAreNotControls) {
  EXPECT_FALSE(has_control_characters("\xC2\xA0\xC2\xBF caf\xC3\xA9"));  // NBSP, ¿, é
}

TEST(SimilarityKeyTest, IgnoresCaseSpacingAndPunctuation) {
  EXPECT_EQ(similarity_key("What about Taiwan?"), similarity_key("what  about taiwan"));
  EXPECT_EQ(similarity_key("What about Taiwan?"), "whatabouttaiwan");
}

TEST(SimilarityKeyTest, DifferentWordsDiffer) {
  EXPECT_NE(similarity_key("What about Taiwan?"), similarity_key("What about Japan?"));
}

TEST(SimilarityKeyTest, KeepsNonAsciiCharacters) {
  EXPECT_EQ(similarity_key(konnichiwa + "!"), konnichiwa);
}

TEST(SimilarityKeyTest, PunctuationOnlyGivesAnEmptyKey) {
  EXPECT_EQ(similarity_key("?!? ..."), "");
}

}  // namespace
}  // namespace companion::session

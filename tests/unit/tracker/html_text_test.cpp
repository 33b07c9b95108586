// Mastodon HTML to plain text.
#include <gtest/gtest.h>

#include "hashtag-tracker/html_text.hpp"

namespace companion::tracker {
namespace {

TEST(HtmlTextTest, ParagraphsAndBreaksBecomeLineBreaks) {
  EXPECT_EQ(html_to_text("<p>one<br>two</p><p>three</p>").text, "one\ntwo\n\nthree");
}

TEST(HtmlTextTest, LinksKeepTheirTextAndAreCounted) {
  auto out = html_to_text(
      "<p>see <a href=\"https://usip.org\"><span "
      "class=\"invisible\">https://</span><span>usip.org</span></a> "
      "<a href=\"https://m.example/tags/x\" class=\"mention hashtag\">#<span>x</span></a></p>");
  EXPECT_EQ(out.text, "see https://usip.org #x");
  EXPECT_EQ(out.link_count, 1);
}

TEST(HtmlTextTest, DecodesEntitiesAndStripsTags) {
  EXPECT_EQ(html_to_text("<p>Grande&#x27;s &amp; <b>bold</b> &lt;script&gt;</p>").text,
            "Grande's & bold <script>");
}

TEST(HtmlTextTest, DropsScriptContent) {
  EXPECT_EQ(html_to_text("<p>hi<script>alert(1)</script></p>").text, "hi");
}

TEST(HtmlTextTest, SurvivesDeepNesting) {
  std::string html;
  for (int i = 0; i < 5000; ++i) html += "<span>";
  html += "deep";
  EXPECT_EQ(html_to_text(html).text, "deep");
}

}  // namespace
}  // namespace companion::tracker

// Filtering and searching the moderation queue: case folding across the alphabets it
// covers, which fields each filter reads, the checks on a filter, and filtered pages
// that stop at their scan bound and go on from there.
#include "session/queue_filter.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "session/paging.hpp"
#include "session/replica.hpp"

namespace companion::session {
namespace {

using namespace testing;

std::string folded(std::string_view text) {
  std::string out;
  fold_for_search(text, out);
  return out;
}

boost::json::value post_item(std::string id, std::string source, std::string held_by, std::string lang,
                             std::string text, std::string handle = "ana.example",
                             std::string display_name = "Ana") {
  return boost::json::object{
      {"id", id},
      {"source", source},
      {"author", boost::json::object{{"handle", handle}, {"display_name", display_name}}},
      {"text", text},
      {"lang", lang},
      {"held_by", held_by},
      {"reason", "held"}};
}

boost::json::value question_item(std::string id, std::string text, boost::json::value author) {
  return boost::json::object{{"id", id}, {"text", text}, {"author", author}, {"status", "pending"}};
}

bool matches(const queue_filter& filter, const boost::json::value& item) {
  queue_matcher matcher(filter);
  return matcher(item);
}

// ---- Folding ----

TEST(FoldForSearchTest, LowersLatinGreekAndCyrillicCapitals) {
  EXPECT_EQ(folded("NATO Summit"), "nato summit");
  EXPECT_EQ(folded("ÄÖÜ ÉÈ ÇÑ Þ"), "äöü éè çñ þ");
  EXPECT_EQ(folded("ŁÓDŹ ŚWIĘTO Ā Ž Ÿ"), "łódź święto ā ž ÿ");
  EXPECT_EQ(folded("ΑΘΗΝΑ Ά Ώ ς"), "αθηνα ά ώ σ");
  EXPECT_EQ(folded("МОСКВА Ёж ЇЄ"), "москва ёж їє");
}

TEST(FoldForSearchTest, KeepsWhatHasNoCase) {
  EXPECT_EQ(folded("× ß 東京 🚀 123 #tag"), "× ß 東京 🚀 123 #tag");
  // Invalid UTF-8 is copied byte for byte, never dropped or read past.
  EXPECT_EQ(folded("A\xC3"), "a\xC3");
  EXPECT_EQ(folded("\xC3(B"), "\xC3(b");
  EXPECT_EQ(folded("\xC1\x81"), "\xC1\x81");  // an overlong "A" is not a letter
}

// ---- Matching ----

TEST(QueueMatcherTest, SearchFindsPostTextHandleAndDisplayNameInAnyCase) {
  boost::json::value post = post_item("bluesky:1", "bluesky", "default", "de", "Gipfel in Washington",
                                      "kurt.bsky.social", "Kurt Müller");
  EXPECT_TRUE(matches({.search = "WASHINGTON"}, post));
  EXPECT_TRUE(matches({.search = "kurt.BSKY"}, post));
  EXPECT_TRUE(matches({.search = "MÜLLER"}, post));
  EXPECT_TRUE(matches({.search = "  gipfel  "}, post));  // the box's spaces around the words do not count
  EXPECT_FALSE(matches({.search = "Muller"}, post));     // accents are not ignored
  EXPECT_FALSE(matches({.search = "Brussels"}, post));
}

TEST(QueueMatcherTest, SearchFindsQuestionTextAndTypedName) {
  EXPECT_TRUE(matches({.search = "drones"}, question_item("q1", "What about DRONES?", nullptr)));
  EXPECT_TRUE(matches({.search = "ruiz"}, question_item("q2", "Budget?", "Ana Ruiz")));
  EXPECT_FALSE(matches({.search = "ruiz"}, question_item("q3", "Budget?", nullptr)));
}

TEST(QueueMatcherTest, SourceAndRuleMatchExactly) {
  boost::json::value post = post_item("mastodon:1", "mastodon", "likely_spam", "en", "Buy now");
  EXPECT_TRUE(matches({.source = "mastodon"}, post));
  EXPECT_FALSE(matches({.source = "bluesky"}, post));
  EXPECT_TRUE(matches({.held_by = "likely_spam"}, post));
  EXPECT_FALSE(matches({.held_by = "default"}, post));
  EXPECT_TRUE(matches({.source = "mastodon", .held_by = "likely_spam", .search = "buy"}, post));
  EXPECT_FALSE(matches({.source = "mastodon", .held_by = "likely_spam", .search = "sell"}, post));
}

TEST(QueueMatcherTest, LanguageMatchesTheTagAndItsSubtagsAnyCase) {
  EXPECT_TRUE(matches({.lang = "de"}, post_item("p1", "bluesky", "default", "de", "x")));
  EXPECT_TRUE(matches({.lang = "de"}, post_item("p2", "bluesky", "default", "de-AT", "x")));
  EXPECT_TRUE(matches({.lang = "PT-br"}, post_item("p3", "bluesky", "default", "pt-BR", "x")));
  EXPECT_FALSE(matches({.lang = "de"}, post_item("p4", "bluesky", "default", "dsb", "x")));
  EXPECT_FALSE(matches({.lang = "de-AT"}, post_item("p5", "bluesky", "default", "de", "x")));
  // "" asks for the posts whose language nobody knows.
  EXPECT_TRUE(matches({.lang = ""}, post_item("p6", "bluesky", "default", "", "x")));
  EXPECT_FALSE(matches({.lang = ""}, post_item("p7", "bluesky", "default", "en", "x")));
}

TEST(QueueMatcherTest, PostFiltersNeverMatchQuestions) {
  EXPECT_FALSE(matches({.source = "bluesky"}, question_item("q1", "bluesky?", nullptr)));
}

// ---- Checks ----

TEST(CheckQueueFilterTest, PostFiltersOnTheQuestionQueueAreRefused) {
  EXPECT_EQ(check_queue_filter({.source = "bluesky"}, false), "field \"source\" filters posts only");
  EXPECT_EQ(check_queue_filter({.search = "ok"}, false), "");
  EXPECT_EQ(check_queue_filter({.source = "bluesky", .lang = "", .search = "ok"}, true), "");
}

// ---- Filtered pages ----

class FilteredPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 30 posts, every tenth from Mastodon.
    for (int i = 1; i <= 30; ++i) {
      std::string id = "p" + std::to_string(i);
      items_.put({i, id}, post_item(id, i % 10 == 0 ? "mastodon" : "bluesky", "default", "en", "post " + id));
    }
  }
  static bool from_mastodon(const boost::json::value& item) { return item.at("source") == "mastodon"; }
  ordered_items items_;
};

std::vector<std::string> ids_of(const boost::json::array& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.emplace_back(item.at("id").as_string());
  return out;
}

TEST_F(FilteredPageTest, KeepsOnlyMatchesAndEndsWithoutCursorAtTheEnd) {
  page p = items_.page_after(std::nullopt, 10, from_mastodon, 1000);
  EXPECT_EQ(ids_of(p.items), (std::vector<std::string>{"p10", "p20", "p30"}));
  EXPECT_FALSE(p.next);
  EXPECT_FALSE(p.scan_limited);
}

TEST_F(FilteredPageTest, FullPageGoesOnAfterItsLastItem) {
  page p = items_.page_after(std::nullopt, 2, from_mastodon, 1000);
  EXPECT_EQ(ids_of(p.items), (std::vector<std::string>{"p10", "p20"}));
  ASSERT_TRUE(p.next);
  EXPECT_FALSE(p.scan_limited);
  EXPECT_EQ(ids_of(items_.page_after(parse_cursor(*p.next), 2, from_mastodon, 1000).items),
            (std::vector<std::string>{"p30"}));
}

TEST_F(FilteredPageTest, ScanBoundStopsAShortPageThatGoesOnFromTheLastItemLookedAt) {
  // Eight items looked at: none from Mastodon, and a cursor after p8.
  page p = items_.page_after(std::nullopt, 5, from_mastodon, 8);
  EXPECT_TRUE(p.items.empty());
  ASSERT_TRUE(p.next);
  EXPECT_TRUE(p.scan_limited);
  // Walking on with the same bound reaches every match once, in order.
  std::vector<std::string> seen;
  std::optional<page_key> after = parse_cursor(*p.next);
  int pages = 1;
  for (;;) {
    page next = items_.page_after(after, 5, from_mastodon, 8);
    ++pages;
    for (auto& id : ids_of(next.items)) seen.push_back(id);
    if (!next.next) break;
    after = parse_cursor(*next.next);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"p10", "p20", "p30"}));
  EXPECT_EQ(pages, 4);  // 30 items, 8 at a time
}

TEST_F(FilteredPageTest, BoundReachedExactlyAtTheEndHasNoCursor) {
  page p = items_.page_after(parse_cursor("22:p22"), 5, from_mastodon, 8);
  EXPECT_EQ(ids_of(p.items), (std::vector<std::string>{"p30"}));
  EXPECT_FALSE(p.next);
}

TEST(FilteredReplicaTest, QueuePageFiltersWhatTheReplicaHolds) {
  engine_driver driver{nato_event};
  social_post german = make_post("bluesky:de", "kurt.example");
  german.lang = "de";
  german.text = "Der Gipfel beginnt";
  driver.ingest(german, held, t0 + 1);
  for (int i = 1; i <= 5; ++i) driver.ingest(make_post("bluesky:" + std::to_string(i)), held, t0 + 1 + i);
  social_post spam = make_post("mastodon:9", "spam.example");
  spam.source = "mastodon";
  driver.ingest(spam, moderation_decision{post_verdict::pending, "likely_spam", "looks like spam"}, t0 + 9);
  driver.run(R"({"type":"question.ask","text":"What about the Gipfel?"})", viewer("v1"), t0 + 10);
  event_replica replica(driver.engine().definition().id, driver.engine().epoch(), driver.engine().seq(),
                        driver.engine().public_state(), driver.engine().queue_snapshot());
  for (const auto& message : driver.messages()) replica.apply(message);

  EXPECT_EQ(ids_of(replica.queue_page(true, std::nullopt, 50, {.lang = "de"}, 5000).items),
            (std::vector<std::string>{"bluesky:de"}));
  EXPECT_EQ(ids_of(replica.queue_page(true, std::nullopt, 50, {.held_by = "likely_spam"}, 5000).items),
            (std::vector<std::string>{"mastodon:9"}));
  EXPECT_EQ(replica.queue_page(true, std::nullopt, 50, {.source = "bluesky"}, 5000).items.size(), 6u);
  EXPECT_EQ(replica.queue_page(false, std::nullopt, 50, {.search = "gipfel"}, 5000).items.size(), 1u);
  EXPECT_EQ(ids_of(replica.queue_page(true, std::nullopt, 50, {.search = "GIPFEL"}, 5000).items),
            (std::vector<std::string>{"bluesky:de"}));
}

}  // namespace
}  // namespace companion::session

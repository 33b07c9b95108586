// Every auto-moderation rule, its order, runtime changes and parse errors.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "hashtag-tracker/moderation_rules.hpp"

namespace companion::tracker {
namespace {

constexpr session::millis t0 = 1713794400000;
using session::post_verdict;

session::social_post make_post(std::string text, std::string handle = "desk.bsky.social") {
  session::social_post post;
  post.id = "bluesky:1";
  post.source = "bluesky";
  post.author_id = "did:plc:desk";
  post.author_handle = std::move(handle);
  post.text = std::move(text);
  post.lang = "en";
  post.created_at = t0;
  return post;
}

moderation_rules rules_from(std::string_view json) {
  auto result = moderation_rules::parse(boost::json::parse(json).as_object());
  if (auto* error = std::get_if<rules_error>(&result)) ADD_FAILURE() << error->message();
  return std::get<moderation_rules>(std::move(result));
}

std::string parse_error(std::string_view json) {
  auto result = moderation_rules::parse(boost::json::parse(json).as_object());
  if (auto* error = std::get_if<rules_error>(&result)) return error->message();
  return "";
}

TEST(ModerationRulesTest, NoRulesMeansPendingByDefault) {
  moderation_rules rules;
  auto d = rules.evaluate(make_post("hello #Road2NATO"), t0);
  EXPECT_EQ(d.verdict, post_verdict::pending);
  EXPECT_EQ(d.rule, "default");
  EXPECT_EQ(d.reason, "awaiting moderation");
}

TEST(ModerationRulesTest, BlockedTermMatchesWholeWordsCaseFolded) {
  auto rules = rules_from(R"({"blocked_terms":["war"]})");
  auto d = rules.evaluate(make_post("This is War! #Road2NATO"), t0);
  EXPECT_EQ(d.verdict, post_verdict::rejected);
  EXPECT_EQ(d.rule, "blocked_term");
  EXPECT_NE(d.reason.find("war"), std::string::npos);
  EXPECT_EQ(rules.evaluate(make_post("an early warning #Road2NATO"), t0).rule, "default");
}

TEST(ModerationRulesTest, BlockedTermMatchesFullWidthAndPhrases) {
  auto rules = rules_from(R"({"blocked_terms":["free money","ＳＰＡＭ"]})");
  EXPECT_EQ(rules.evaluate(make_post("get FREE   Money now"), t0).rule, "blocked_term");
  EXPECT_EQ(rules.evaluate(make_post("total spam."), t0).rule, "blocked_term");
  EXPECT_EQ(rules.evaluate(make_post("spammy but fine"), t0).rule, "default");
}

TEST(ModerationRulesTest, BlockedAuthorIsRejected) {
  auto rules = rules_from(R"({"blocked_authors":["@Desk.bsky.social"]})");
  auto d = rules.evaluate(make_post("hi"), t0);
  EXPECT_EQ(d.verdict, post_verdict::rejected);
  EXPECT_EQ(d.rule, "blocked_author");
  EXPECT_EQ(d.reason, "author desk.bsky.social is blocked");
}

TEST(ModerationRulesTest, BlockedAuthorBySourceOnlyBlocksThatSource) {
  auto rules = rules_from(R"({"blocked_authors":["mastodon:desk.bsky.social"]})");
  EXPECT_EQ(rules.evaluate(make_post("hi"), t0).rule, "default");
  auto post = make_post("hi");
  post.source = "mastodon";
  EXPECT_EQ(rules.evaluate(post, t0).rule, "blocked_author");
}

TEST(ModerationRulesTest, BlockedAuthorByDid) {
  auto rules = rules_from(R"({"blocked_authors":["did:plc:desk"]})");
  EXPECT_EQ(rules.evaluate(make_post("hi"), t0).rule, "blocked_author");
}

TEST(ModerationRulesTest, DropRepliesAndReposts) {
  auto rules = rules_from(R"({"drop_replies":true,"drop_reposts":true})");
  auto reply = make_post("re");
  reply.is_reply = true;
  auto repost = make_post("rt");
  repost.is_repost = true;
  EXPECT_EQ(rules.evaluate(reply, t0).rule, "drop_replies");
  EXPECT_EQ(rules.evaluate(repost, t0).rule, "drop_reposts");
  EXPECT_EQ(rules.evaluate(repost, t0).verdict, post_verdict::rejected);
  EXPECT_EQ(rules.evaluate(make_post("plain"), t0).rule, "default");
}

TEST(ModerationRulesTest, TooManyLinksIsRejected) {
  auto rules = rules_from(R"({"max_links":1})");
  auto post = make_post("links");
  post.link_count = 2;
  auto d = rules.evaluate(post, t0);
  EXPECT_EQ(d.rule, "max_links");
  EXPECT_EQ(d.reason, "2 links; at most 1 allowed");
  post.link_count = 1;
  EXPECT_EQ(rules.evaluate(post, t0).rule, "default");
}

TEST(ModerationRulesTest, LanguageNotAllowedIsRejected) {
  auto rules = rules_from(R"({"languages":["en","JA"]})");
  auto post = make_post("Bonjour");
  post.lang = "fr";
  EXPECT_EQ(rules.evaluate(post, t0).rule, "language");
  post.lang = "ja-JP";
  EXPECT_EQ(rules.evaluate(post, t0).rule, "default");
  post.lang = "";  // unknown language is not held against the post
  EXPECT_EQ(rules.evaluate(post, t0).rule, "default");
}

TEST(ModerationRulesTest, PerAuthorRateIsEnforcedPerMinute) {
  auto rules = rules_from(R"({"per_author_per_minute":2})");
  EXPECT_EQ(rules.evaluate(make_post("1"), t0).rule, "default");
  EXPECT_EQ(rules.evaluate(make_post("2"), t0 + 1000).rule, "default");
  auto third = rules.evaluate(make_post("3"), t0 + 2000);
  EXPECT_EQ(third.rule, "per_author_per_minute");
  EXPECT_EQ(third.verdict, post_verdict::rejected);
  EXPECT_EQ(rules.evaluate(make_post("4", "someone.else"), t0 + 2000).rule, "default");
  EXPECT_EQ(rules.evaluate(make_post("5"), t0 + 200'000).rule, "default");
}

TEST(ModerationRulesTest, LikelySpamIsHeldWithReason) {
  auto rules = rules_from(R"({"trusted_authors":["desk.bsky.social"]})");
  auto d = rules.evaluate(make_post("copy"), t0, true);
  EXPECT_EQ(d.verdict, post_verdict::pending);
  EXPECT_EQ(d.rule, "likely_spam");
  EXPECT_FALSE(d.reason.empty());
}

TEST(ModerationRulesTest, TrustedAuthorIsApproved) {
  auto rules = rules_from(R"({"trusted_authors":["DESK.bsky.social"]})");
  auto d = rules.evaluate(make_post("hi"), t0);
  EXPECT_EQ(d.verdict, post_verdict::approved);
  EXPECT_EQ(d.rule, "trusted_author");
}

TEST(ModerationRulesTest, RejectingRulesComeBeforeTrust) {
  auto rules = rules_from(R"({"trusted_authors":["desk.bsky.social"],"blocked_terms":["war"]})");
  EXPECT_EQ(rules.evaluate(make_post("war"), t0).rule, "blocked_term");
}

TEST(ModerationRulesTest, RuntimeChangesTakeEffect) {
  moderation_rules rules;
  session::author_lists authors;
  authors.blocked.insert({"bluesky", "desk.bsky.social"});
  rules.set_moderator_authors(authors);
  EXPECT_TRUE(rules.is_blocked("bluesky", "desk.bsky.social"));
  EXPECT_EQ(rules.evaluate(make_post("hi"), t0).rule, "blocked_author");
  authors.blocked.clear();  // the engine moves a trusted author off the blocked list
  authors.trusted.insert({"bluesky", "desk.bsky.social"});
  rules.set_moderator_authors(authors);
  EXPECT_FALSE(rules.is_blocked("bluesky", "desk.bsky.social"));
  EXPECT_EQ(rules.evaluate(make_post("hi"), t0).rule, "trusted_author");
  rules.set_moderator_authors({});
  EXPECT_EQ(rules.evaluate(make_post("hi"), t0).rule, "default");
  rules.add_blocked_term("Summit");
  EXPECT_EQ(rules.evaluate(make_post("the summit"), t0).rule, "blocked_term");
  rules.remove_blocked_term("SUMMIT");
  EXPECT_EQ(rules.evaluate(make_post("the summit"), t0).rule, "default");
}

TEST(ModerationRulesTest, ModeratorListsStandOnTopOfTheRulesOwn) {
  auto rules = rules_from(R"({"trusted_authors":["bluesky:desk.bsky.social"]})");
  EXPECT_EQ(rules.evaluate(make_post("hi"), t0).rule, "trusted_author");
  session::author_lists authors;
  authors.blocked.insert({"bluesky", "desk.bsky.social"});
  rules.set_moderator_authors(authors);
  EXPECT_EQ(rules.evaluate(make_post("hi"), t0).rule, "blocked_author");
  // Unblocking gives the rules' own trust back.
  rules.set_moderator_authors({});
  EXPECT_EQ(rules.evaluate(make_post("hi"), t0).rule, "trusted_author");
}

TEST(ModerationRulesTest, InvalidValuesGiveClearErrors) {
  EXPECT_EQ(parse_error(R"({"max_links":-1})"), "moderation.max_links: must be an integer from 0 to 1000");
  EXPECT_EQ(parse_error(R"({"max_links":"2"})"), "moderation.max_links: must be an integer from 0 to 1000");
  EXPECT_EQ(parse_error(R"({"per_author_per_minute":0})"),
            "moderation.per_author_per_minute: must be an integer from 1 to 10000");
  EXPECT_EQ(parse_error(R"({"blocked_terms":"war"})"),
            "moderation.blocked_terms: must be an array of strings");
  EXPECT_EQ(parse_error(R"({"blocked_terms":["ok",3]})"), "moderation.blocked_terms[1]: must be a string");
  EXPECT_EQ(parse_error(R"({"trusted_authors":[""]})"), "moderation.trusted_authors[0]: must not be empty");
  EXPECT_EQ(parse_error(R"({"drop_replies":"yes"})"), "moderation.drop_replies: must be true or false");
  EXPECT_EQ(parse_error(R"({"max_link":3})"), "moderation.max_link: unknown setting");
  EXPECT_EQ(parse_error(R"({"languages":["en"],"drop_reposts":false,"max_links":0})"), "");
}

TEST(ModerationRulesTest, RuleNamesRoundTrip) {
  for (std::size_t i = 0; i < moderation_rule_count; ++i) {
    auto rule = static_cast<moderation_rule>(i);
    EXPECT_EQ(parse_moderation_rule(to_string(rule)), rule);
  }
  EXPECT_EQ(parse_moderation_rule("nope"), std::nullopt);
}

}  // namespace
}  // namespace companion::tracker

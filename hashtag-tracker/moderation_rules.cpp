#include "moderation_rules.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

#include "unicode_text.hpp"

namespace companion::tracker {
namespace {

constexpr session::millis one_minute = 60'000;
// Authors tracked for the rate rule before idle ones are forgotten.
constexpr std::size_t max_tracked_authors = 100'000;

constexpr std::string_view known_sources[] = {"bluesky", "mastodon", "webhook", "replay"};

std::string normalize_handle(std::string_view handle) {
  if (handle.starts_with('@')) handle.remove_prefix(1);
  return fold_case(handle);
}

// "en-US" -> "en"
std::string primary_language(std::string_view tag) {
  std::string out(tag.substr(0, tag.find_first_of("-_")));
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<rules_error> read_strings(const boost::json::object& moderation, std::string_view key,
                                        std::vector<std::string>& out) {
  auto it = moderation.find(key);
  if (it == moderation.end()) return std::nullopt;
  std::string field = "moderation." + std::string(key);
  const boost::json::array* array = it->value().if_array();
  if (array == nullptr) return rules_error{field, "must be an array of strings"};
  for (std::size_t i = 0; i < array->size(); ++i) {
    const boost::json::string* text = (*array)[i].if_string();
    std::string element = field + "[" + std::to_string(i) + "]";
    if (text == nullptr) return rules_error{element, "must be a string"};
    if (text->empty()) return rules_error{element, "must not be empty"};
    out.emplace_back(text->data(), text->size());
  }
  return std::nullopt;
}

std::optional<rules_error> read_bool(const boost::json::object& moderation, std::string_view key, bool& out) {
  auto it = moderation.find(key);
  if (it == moderation.end()) return std::nullopt;
  if (!it->value().is_bool()) return rules_error{"moderation." + std::string(key), "must be true or false"};
  out = it->value().get_bool();
  return std::nullopt;
}

std::optional<rules_error> read_int(const boost::json::object& moderation, std::string_view key, int min,
                                    int max, std::optional<int>& out) {
  auto it = moderation.find(key);
  if (it == moderation.end()) return std::nullopt;
  std::string field = "moderation." + std::string(key);
  std::string range = "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  const auto& value = it->value();
  std::int64_t number = 0;
  if (value.is_int64())
    number = value.get_int64();
  else if (value.is_uint64() && value.get_uint64() <= static_cast<std::uint64_t>(max))
    number = static_cast<std::int64_t>(value.get_uint64());
  else
    return rules_error{field, range};
  if (number < min || number > max) return rules_error{field, range};
  out = static_cast<int>(number);
  return std::nullopt;
}

session::moderation_decision decide(session::post_verdict verdict, moderation_rule rule, std::string reason) {
  return {verdict, std::string(to_string(rule)), std::move(reason)};
}

}  // namespace

std::string_view to_string(moderation_rule rule) {
  switch (rule) {
    case moderation_rule::blocked_term:
      return "blocked_term";
    case moderation_rule::blocked_author:
      return "blocked_author";
    case moderation_rule::drop_replies:
      return "drop_replies";
    case moderation_rule::drop_reposts:
      return "drop_reposts";
    case moderation_rule::max_links:
      return "max_links";
    case moderation_rule::language:
      return "language";
    case moderation_rule::per_author_per_minute:
      return "per_author_per_minute";
    case moderation_rule::likely_spam:
      return "likely_spam";
    case moderation_rule::trusted_author:
      return "trusted_author";
    case moderation_rule::default_rule:
      return "default";
  }
  return "default";
}

std::optional<moderation_rule> parse_moderation_rule(std::string_view name) {
  for (std::size_t i = 0; i < moderation_rule_count; ++i) {
    auto rule = static_cast<moderation_rule>(i);
    if (to_string(rule) == name) return rule;
  }
  return std::nullopt;
}

rules_result moderation_rules::parse(const boost::json::object& moderation) {
  static constexpr std::string_view known_keys[] = {
      "blocked_terms", "blocked_authors", "trusted_authors", "max_links",
      "languages",     "drop_replies",    "drop_reposts",    "per_author_per_minute"};
  for (const auto& entry : moderation) {
    std::string_view key(entry.key().data(), entry.key().size());
    if (std::find(std::begin(known_keys), std::end(known_keys), key) == std::end(known_keys))
      return rules_error{"moderation." + std::string(key), "unknown setting"};
  }
  moderation_rules rules;
  std::vector<std::string> terms, blocked, trusted, languages;
  if (auto error = read_strings(moderation, "blocked_terms", terms)) return *error;
  if (auto error = read_strings(moderation, "blocked_authors", blocked)) return *error;
  if (auto error = read_strings(moderation, "trusted_authors", trusted)) return *error;
  if (auto error = read_strings(moderation, "languages", languages)) return *error;
  if (auto error = read_bool(moderation, "drop_replies", rules.drop_replies_)) return *error;
  if (auto error = read_bool(moderation, "drop_reposts", rules.drop_reposts_)) return *error;
  if (auto error = read_int(moderation, "max_links", 0, 1000, rules.max_links_)) return *error;
  if (auto error = read_int(moderation, "per_author_per_minute", 1, 10'000, rules.per_author_per_minute_))
    return *error;
  for (const auto& term : terms) rules.add_blocked_term(term);
  for (const auto& author : blocked) rules.rules_blocked_.insert(author_key("", author));
  // An author on both lists of the rules is trusted: the trusted list is read last.
  for (const auto& author : trusted) rules.rules_trusted_.insert(author_key("", author));
  for (const auto& key : rules.rules_trusted_) rules.rules_blocked_.erase(key);
  rules.merge_author_lists();
  rules.set_languages(std::move(languages));
  return rules;
}

std::string moderation_rules::author_key(std::string_view source, std::string_view handle) {
  // "mastodon:alice@social.example" written as one string names its network.
  if (source.empty()) {
    auto colon = handle.find(':');
    if (colon != std::string_view::npos) {
      std::string_view prefix = handle.substr(0, colon);
      if (std::find(std::begin(known_sources), std::end(known_sources), prefix) != std::end(known_sources)) {
        source = prefix;
        handle.remove_prefix(colon + 1);
      }
    }
  }
  std::string key(source);
  key.push_back('\x1f');
  key.append(normalize_handle(handle));
  return key;
}

void moderation_rules::set_moderator_authors(const session::author_lists& authors) {
  moderators_blocked_.clear();
  moderators_trusted_.clear();
  for (const auto& [source, handle] : authors.blocked) moderators_blocked_.insert(author_key(source, handle));
  for (const auto& [source, handle] : authors.trusted) moderators_trusted_.insert(author_key(source, handle));
  merge_author_lists();
}

void moderation_rules::merge_author_lists() {
  blocked_authors_ = moderators_blocked_;
  trusted_authors_ = moderators_trusted_;
  for (const auto& key : rules_blocked_)
    if (!moderators_trusted_.contains(key)) blocked_authors_.insert(key);
  for (const auto& key : rules_trusted_)
    if (!moderators_blocked_.contains(key)) trusted_authors_.insert(key);
}

void moderation_rules::add_blocked_term(std::string_view term) {
  std::string folded = normalize_for_comparison(term);
  if (folded.empty()) return;
  if (std::find(blocked_terms_.begin(), blocked_terms_.end(), folded) == blocked_terms_.end())
    blocked_terms_.push_back(std::move(folded));
}

void moderation_rules::remove_blocked_term(std::string_view term) {
  std::erase(blocked_terms_, normalize_for_comparison(term));
}

void moderation_rules::set_languages(std::vector<std::string> languages) {
  languages_.clear();
  for (const auto& language : languages) languages_.push_back(primary_language(language));
}

bool moderation_rules::is_blocked(std::string_view source, std::string_view handle) const {
  return blocked_authors_.count(author_key(source, handle)) != 0 ||
         blocked_authors_.count(author_key("", handle)) != 0;
}

bool moderation_rules::is_trusted(std::string_view source, std::string_view handle) const {
  return trusted_authors_.count(author_key(source, handle)) != 0 ||
         trusted_authors_.count(author_key("", handle)) != 0;
}

bool moderation_rules::listed(const std::unordered_set<std::string>& set, const session::social_post& post,
                              bool any_network) const {
  if (set.empty()) return false;
  // An entry may name the author by handle or by id (a DID, an account URL).
  for (std::string_view name : {std::string_view(post.author_handle), std::string_view(post.author_id)}) {
    if (name.empty()) continue;
    std::string folded = normalize_handle(name);
    std::string scoped = post.source + '\x1f' + folded;
    std::string any = '\x1f' + folded;
    if (set.count(scoped) != 0 || (any_network && set.count(any) != 0)) return true;
  }
  return false;
}

bool moderation_rules::over_rate(const session::social_post& post, session::millis now) {
  if (recent_posts_.size() > max_tracked_authors) {
    std::erase_if(recent_posts_, [&](const auto& entry) {
      return entry.second.empty() || now - entry.second.back() >= one_minute;
    });
    if (recent_posts_.size() > max_tracked_authors) recent_posts_.clear();
  }
  auto& times = recent_posts_[post.source + '\x1f' + normalize_handle(post.author_handle)];
  while (!times.empty() && now - times.front() >= one_minute) times.pop_front();
  bool over = static_cast<int>(times.size()) >= *per_author_per_minute_;
  // A flooding author stays over the limit while the flood lasts.
  times.push_back(now);
  if (times.size() > static_cast<std::size_t>(*per_author_per_minute_) * 2) times.pop_front();
  return over;
}

session::moderation_decision moderation_rules::evaluate(const session::social_post& post, session::millis now,
                                                        bool likely_spam) {
  using session::post_verdict;
  if (listed(blocked_authors_, post))
    return decide(post_verdict::rejected, moderation_rule::blocked_author,
                  "author " + post.author_handle + " is blocked");
  if (!blocked_terms_.empty()) {
    std::string text = normalize_for_comparison(post.text);
    for (const auto& term : blocked_terms_)
      if (contains_whole_words(text, term))
        return decide(post_verdict::rejected, moderation_rule::blocked_term,
                      "contains blocked term \"" + term + "\"");
  }
  if (drop_replies_ && post.is_reply)
    return decide(post_verdict::rejected, moderation_rule::drop_replies,
                  "replies are not shown for this event");
  if (drop_reposts_ && post.is_repost)
    return decide(post_verdict::rejected, moderation_rule::drop_reposts,
                  "reposts are not shown for this event");
  if (max_links_ && post.link_count > *max_links_)
    return decide(
        post_verdict::rejected, moderation_rule::max_links,
        std::to_string(post.link_count) + " links; at most " + std::to_string(*max_links_) + " allowed");
  if (!languages_.empty() && !post.lang.empty()) {
    std::string lang = primary_language(post.lang);
    if (std::find(languages_.begin(), languages_.end(), lang) == languages_.end())
      return decide(post_verdict::rejected, moderation_rule::language,
                    "language \"" + post.lang + "\" is not shown for this event");
  }
  if (per_author_per_minute_ && over_rate(post, now))
    return decide(post_verdict::rejected, moderation_rule::per_author_per_minute,
                  "more than " + std::to_string(*per_author_per_minute_) + " posts a minute from " +
                      post.author_handle);
  if (likely_spam)
    return decide(post_verdict::pending, moderation_rule::likely_spam,
                  "the same text came from several authors within minutes");
  // A handle trusted on "any network" means the networks' own accounts: a webhook post may
  // name any handle, so webhook posts are trusted only through "webhook:handle" entries.
  if (listed(trusted_authors_, post, post.source != "webhook"))
    return decide(post_verdict::approved, moderation_rule::trusted_author,
                  "author " + post.author_handle + " is trusted");
  return decide(post_verdict::pending, moderation_rule::default_rule, "awaiting moderation");
}

}  // namespace companion::tracker

// Auto-moderation: the event file's "moderation" rules, changeable at runtime by
// moderators, applied to each post. Every outcome names the rule that decided it and
// says why in words a moderator can act on.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "session/author_lists.hpp"
#include "session/social_post.hpp"

namespace companion::tracker {

enum class moderation_rule {
  blocked_term,
  blocked_author,
  drop_replies,
  drop_reposts,
  max_links,
  language,
  per_author_per_minute,
  likely_spam,
  trusted_author,
  default_rule,  // "default"
};
inline constexpr std::size_t moderation_rule_count = 10;

std::string_view to_string(moderation_rule rule);
std::optional<moderation_rule> parse_moderation_rule(std::string_view name);

// Why the "moderation" object was refused: the field ("moderation.max_links") and why.
struct rules_error {
  std::string field;
  std::string why;
  std::string message() const { return field + ": " + why; }
};

class moderation_rules;
using rules_result = std::variant<moderation_rules, rules_error>;

class moderation_rules {
 public:
  // No rules: every post waits for a moderator.
  moderation_rules() = default;

  // Keys: blocked_terms [string], blocked_authors [string], trusted_authors [string],
  // max_links int >= 0, languages [string], drop_replies bool, drop_reposts bool,
  // per_author_per_minute int >= 1. Author entries are "handle" (any network) or
  // "<source>:handle" (bluesky, mastodon, webhook, replay). Unknown keys are errors.
  static rules_result parse(const boost::json::object& moderation);

  // Decides what happens to `post`. `now` drives the per-author rate; `likely_spam`
  // comes from dedup. Counts the post towards its author's rate when it gets that far.
  session::moderation_decision evaluate(const session::social_post& post, session::millis now,
                                        bool likely_spam = false);

  // The moderators' author lists, a read-only copy of the engine's taken whenever they
  // change. They stand on top of the rules' own lists: a moderator's block or trust of
  // an author wins over the opposite entry for the same author in the rules.
  void set_moderator_authors(const session::author_lists& authors);
  void add_blocked_term(std::string_view term);
  void remove_blocked_term(std::string_view term);
  void set_max_links(std::optional<int> limit) { max_links_ = limit; }
  void set_languages(std::vector<std::string> languages);
  void set_drop_replies(bool drop) { drop_replies_ = drop; }
  void set_drop_reposts(bool drop) { drop_reposts_ = drop; }
  void set_per_author_per_minute(std::optional<int> limit) { per_author_per_minute_ = limit; }

  bool is_blocked(std::string_view source, std::string_view handle) const;
  bool is_trusted(std::string_view source, std::string_view handle) const;

 private:
  // An empty source means every network.
  static std::string author_key(std::string_view source, std::string_view handle);
  // The lists evaluate() reads: the rules' own, with the moderators' on top.
  void merge_author_lists();
  // `any_network`: entries without a source count too.
  bool listed(const std::unordered_set<std::string>& set, const session::social_post& post,
              bool any_network = true) const;
  bool over_rate(const session::social_post& post, session::millis now);

  std::vector<std::string> blocked_terms_;         // folded
  std::unordered_set<std::string> rules_blocked_;  // author_key(), from the rules
  std::unordered_set<std::string> rules_trusted_;
  std::unordered_set<std::string> moderators_blocked_;  // author_key(), from the engine's lists
  std::unordered_set<std::string> moderators_trusted_;
  std::unordered_set<std::string> blocked_authors_;  // merged, as evaluate() reads them
  std::unordered_set<std::string> trusted_authors_;
  std::optional<int> max_links_;
  std::vector<std::string> languages_;  // lower-case primary subtags; empty allows all
  bool drop_replies_ = false;
  bool drop_reposts_ = false;
  std::optional<int> per_author_per_minute_;
  std::unordered_map<std::string, std::deque<session::millis>> recent_posts_;  // per author, last minute
};

}  // namespace companion::tracker

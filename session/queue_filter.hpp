// What a moderator narrows the queue to (queue.page): posts from one source, held by
// one rule, in one language, and items whose text or author contains a search. The
// web console applies the same rules to live queue frames (web-client/js/queue_filter.js),
// so both sides fold case the same way.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace companion::session {

// A search is a few words typed into a box; the cap bounds the cost of matching it.
constexpr std::size_t max_search_chars = 100;
// Sources, rule names and language tags are short identifiers.
constexpr std::size_t max_filter_value_bytes = 64;

struct queue_filter {
  std::optional<std::string> source;   // posts only: "bluesky", "mastodon", ...
  std::optional<std::string> held_by;  // posts only: the rule that held the post
  std::optional<std::string> lang;     // posts only: "de" matches "de" and "de-AT"; "" unknown
  std::string search;                  // as sent; empty: no search

  bool any() const { return source || held_by || lang || !search.empty(); }
  bool operator==(const queue_filter&) const = default;
};

// Why the filter cannot be used on the queue of posts (`posts`) or of questions, naming
// the field; empty when it can.
std::string check_queue_filter(const queue_filter& filter, bool posts);

// The text with letters of the Latin (Basic, Latin-1, Extended-A), Greek and Cyrillic
// alphabets in lower case; everything else, invalid UTF-8 included, is kept as it is.
// Appends to `out`.
void fold_for_search(std::string_view text, std::string& out);

// Tests queue items (the objects of queue.post, queue.question and queue.snapshot)
// against one filter; holds the folded search and a reused buffer.
class queue_matcher {
 public:
  explicit queue_matcher(const queue_filter& filter);
  bool operator()(const boost::json::value& item);

 private:
  bool contains(std::string_view haystack);

  queue_filter filter_;
  std::string needle_;  // the search, trimmed and folded
  std::string folded_;
};

}  // namespace companion::session

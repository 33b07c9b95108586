// Fuzzes client frame decoding: any bytes give either a typed command that keeps the
// decoder's promises (a known type, its required fields, valid JSON; a page command's
// list, limit and cursor within bounds; a poll command's poll and at most six options) and survives the
// journal round trip equal (decode, encode, decode); a queue page's filter within bounds and its search
// matching its own text; or a refusal with a message and a usable id.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <type_traits>

#include "session/command.hpp"
#include "session/paging.hpp"
#include "session/poll_rules.hpp"
#include "session/queue_filter.hpp"
#include "session/text_rules.hpp"

namespace {

using namespace companion::session;

void check(bool condition) {
  if (!condition) std::abort();
}

void check_page(const std::optional<std::string>& after, std::size_t limit) {
  check(limit >= 1 && limit <= max_page_items);
  // An accepted cursor names a key that encodes back to the same text.
  if (after) {
    auto key = parse_cursor(*after);
    check(key.has_value() && encode_cursor(*key) == *after);
  }
}

// A queue filter is within its bounds, post filters only ever reach the post queue, and
// any accepted search can be matched: folding and searching arbitrary bytes stays in bounds.
void check_filter(const queue_filter& filter, bool posts) {
  check(check_queue_filter(filter, posts).empty());
  check(count_code_points(filter.search) <= max_search_chars);
  if (!posts) check(!filter.source && !filter.held_by && !filter.lang);
  queue_matcher matcher(filter);
  boost::json::value item{{"id", "bluesky:1"},
                          {"source", "bluesky"},
                          {"text", filter.search + " \xC3\x84\xCE\xA3 NATO"},
                          {"author", boost::json::object{{"handle", "ana.example"}, {"display_name", "Ana"}}},
                          {"lang", "de-AT"},
                          {"held_by", "default"}};
  bool kept = matcher(item);
  if (!filter.source && !filter.held_by && !filter.lang) check(kept);
}

template <class T>
void check_selection(const T& decision) {
  // One post or a selection, never both, and a selection of distinct non-empty ids.
  check(decision.post.empty() != decision.posts.empty());
  check(decision.posts.size() <= max_bulk_posts);
  for (std::size_t i = 0; i < decision.posts.size(); ++i) {
    check(!decision.posts[i].empty());
    check(std::find(decision.posts.begin() + static_cast<std::ptrdiff_t>(i) + 1, decision.posts.end(),
                    decision.posts[i]) == decision.posts.end());
  }
}

// What each type promises beyond its fields' types.
void check_body(const command_body& body) {
  std::visit(
      [](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, on_screen_set>) check(c.kind.has_value() == c.item.has_value());
        if constexpr (std::is_same_v<T, post_approve> || std::is_same_v<T, post_reject>) check_selection(c);
        if constexpr (std::is_same_v<T, author_block> || std::is_same_v<T, author_trust> ||
                      std::is_same_v<T, author_unblock> || std::is_same_v<T, author_untrust>)
          check(!c.source.empty() && !c.handle.empty());
        if constexpr (std::is_same_v<T, question_vote> || std::is_same_v<T, question_edit>)
          check(!c.question.empty());
        if constexpr (std::is_same_v<T, segment_add> || std::is_same_v<T, segment_move>)
          check(!c.segment.empty());
        if constexpr (std::is_same_v<T, questions_page> || std::is_same_v<T, queue_page>)
          check_page(c.after, c.limit);
        if constexpr (std::is_same_v<T, queue_page>) check_filter(c.filter, c.posts);
        if constexpr (std::is_same_v<T, react>) check(!c.emoji.empty());
        // A poll command names its poll; no list of options is longer than a poll can be.
        if constexpr (std::is_same_v<T, poll_open> || std::is_same_v<T, poll_close>) check(!c.poll.empty());
        if constexpr (std::is_same_v<T, poll_vote>)
          check(!c.poll.empty() && c.options.size() <= max_poll_options);
        if constexpr (std::is_same_v<T, poll_create>)
          check(!c.question.empty() && c.options.size() <= max_poll_options);
      },
      body);
}

void check_accepted(std::string_view text, const command& cmd) {
  // Only valid JSON objects are accepted, however deep the parts the decoder ignores.
  boost::json::parse_options options;
  options.max_depth = 128;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec, {}, options);
  check(!ec && parsed.is_object());
  check(cmd.id.is_null() || cmd.id.is_string() || cmd.id.is_int64());
  check(find_command(type_name(cmd.body)) == &info(cmd.body));
  check_body(cmd.body);

  // The journal keeps everything: decode, encode, decode gives the same command, and
  // its record is written again the same.
  const std::string stored = boost::json::serialize(command_to_json(cmd.body));
  command_body restored;
  check(command_from_json(boost::json::parse(stored, ec, {}, options).as_object(), restored));
  check(restored == cmd.body);
  check(boost::json::serialize(command_to_json(restored)) == stored);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static command_decoder decoder;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  command first;
  decode_failure failure;
  bool accepted = decoder.decode(text, first, failure);
  if (accepted) {
    check_accepted(text, first);
  } else {
    check(!failure.message.empty());
    check(failure.id.is_null() || failure.id.is_string() || failure.id.is_int64());
  }
  // The decoder is reused for every frame of a connection: a second pass must agree.
  command second;
  decode_failure second_failure;
  check(decoder.decode(text, second, second_failure) == accepted);
  if (accepted) {
    check(first.body == second.body && first.id == second.id);
  } else {
    check(second_failure.message == failure.message && second_failure.id == failure.id);
  }
  return 0;
}

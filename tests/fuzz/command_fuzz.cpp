// Fuzzes client frame decoding: any bytes give either a command that keeps the
// decoder's promises (a known type, its required fields, valid JSON, a journal
// round trip that loses nothing; a page command's list, limit, cursor and queue
// filter within bounds, the filter's search matching its own text) or a refusal
// with a message and a usable id.
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "session/command.hpp"
#include "session/paging.hpp"
#include "session/queue_filter.hpp"
#include "session/text_rules.hpp"

namespace {

using namespace companion::session;

void check(bool condition) {
  if (!condition) std::abort();
}

bool same_payload(const command& a, const command& b) {
  return a.type == b.type && a.event == b.event && a.viewer == b.viewer && a.text == b.text &&
         a.name == b.name && a.question == b.question && a.post == b.post && a.highlight == b.highlight &&
         a.segment == b.segment && a.source == b.source && a.handle == b.handle && a.kind == b.kind &&
         a.item == b.item && a.status == b.status && a.after == b.after && a.limit == b.limit;
}

void check_accepted(std::string_view text, const command& cmd) {
  // Only valid JSON objects are accepted, however deep the parts the decoder ignores.
  boost::json::parse_options options;
  options.max_depth = 128;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec, {}, options);
  check(!ec && parsed.is_object());

  check(required_role(cmd.type).has_value());
  check(cmd.id.is_null() || cmd.id.is_string() || cmd.id.is_int64());
  if (cmd.type == "question.ask" || cmd.type == "announce" || cmd.type == "question.edit")
    check(cmd.text.has_value());
  if (cmd.type == "on_screen.set") check(cmd.kind.has_value() == cmd.item.has_value());
  if (cmd.type == "qa.set") check(cmd.kind == "open" || cmd.kind == "closed");
  if (cmd.type == "author.block" || cmd.type == "author.trust")
    check(!cmd.source.empty() && !cmd.handle.empty());
  if (cmd.type == "questions.page" || cmd.type == "queue.page") {
    check(cmd.type == "queue.page" ? cmd.kind == "post" || cmd.kind == "question"
                                   : cmd.status == "open" || cmd.status == "answered");
    check(cmd.limit >= 1 && cmd.limit <= max_page_items);
    // An accepted cursor names a key that encodes back to the same text.
    if (cmd.after) {
      auto key = parse_cursor(*cmd.after);
      check(key.has_value() && encode_cursor(*key) == *cmd.after);
    }
    // A queue filter is within its bounds, and post filters only ever reach the post queue.
    check(check_queue_filter(cmd.filter, cmd.kind == "post").empty());
    check(count_code_points(cmd.filter.search) <= max_search_chars);
    if (cmd.type == "questions.page" || cmd.kind == "question")
      check(!cmd.filter.source && !cmd.filter.held_by && !cmd.filter.lang);
    // Any accepted search can be matched: folding and searching arbitrary bytes stays in bounds.
    queue_matcher matcher(cmd.filter);
    boost::json::value item{{"id", "bluesky:1"},
                            {"source", "bluesky"},
                            {"text", cmd.filter.search + " \xC3\x84\xCE\xA3 NATO"},
                            {"author", boost::json::object{{"handle", "ana.example"}, {"display_name", "Ana"}}},
                            {"lang", "de-AT"},
                            {"held_by", "default"}};
    bool kept = matcher(item);
    if (!cmd.filter.source && !cmd.filter.held_by && !cmd.filter.lang) check(kept);
    // Pages are answered by the gateway, never journaled.
    return;
  }
  check(!cmd.filter.any());

  // The journal keeps everything the engine needs.
  boost::json::value stored = boost::json::parse(boost::json::serialize(command_to_json(cmd)));
  command restored;
  check(command_from_json(stored.as_object(), restored));
  check(same_payload(cmd, restored));
  if (!cmd.rules_json.empty())
    check(boost::json::parse(restored.rules_json, ec, {}, options) ==
          boost::json::parse(cmd.rules_json, ec, {}, options));
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
    check(same_payload(first, second) && first.id == second.id);
  } else {
    check(second_failure.message == failure.message && second_failure.id == failure.id);
  }
  return 0;
}

#include "command.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <array>
#include <type_traits>

#include "frame_fields.hpp"
#include "paging.hpp"
#include "poll_rules.hpp"

namespace companion::session {
namespace {

namespace od = simdjson::ondemand;
using namespace frame_fields;

// Every field a session command may carry, as read from a frame or a journal record,
// before the command's type picks what it needs. Type errors are found while reading;
// presence is checked by the type's reader below.
struct wire_fields {
  std::optional<std::string> text, name, kind, item, status, after, title, held_by, lang;
  std::string question, post, highlight, segment, source, handle, search, emoji, poll;
  std::optional<std::string> confirm;
  std::vector<std::string> posts;
  std::optional<std::vector<std::string>> options;
  std::optional<bool> multiple;
  bool item_given = false;
  bool after_given = false;
  std::optional<std::string> id_as_item;  // the id as text, for on_screen.set of protocol v1
  std::optional<bool> open;
  std::optional<std::int64_t> limit, planned_minutes;
  std::optional<boost::json::object> rules;
  std::optional<boost::json::value> speakers;
};

std::string missing(std::string_view field) {
  return "field \"" + std::string(field) + "\" is missing";
}

// ---- Each type's reader (fields to struct; a non-empty result says why not) and writer ----

template <class T>
concept no_fields = std::is_empty_v<T>;

template <no_fields T>
std::string read(const wire_fields&, T&) {
  return {};
}
template <no_fields T>
void write(const T&, boost::json::object&) {}

// The commands that name one question and nothing else.
template <class T>
concept on_one_question = std::is_same_v<T, question_vote> || std::is_same_v<T, question_unvote> ||
    std::is_same_v<T, question_approve> || std::is_same_v<T, question_reject> ||
    std::is_same_v<T, question_answered> || std::is_same_v<T, question_reopen> ||
    std::is_same_v<T, question_unmerge> || std::is_same_v<T, question_restore>;

template <on_one_question T>
std::string read(const wire_fields& f, T& out) {
  if (f.question.empty()) return missing("question");
  out.question = f.question;
  return {};
}
template <on_one_question T>
void write(const T& in, boost::json::object& json) {
  json["question"] = in.question;
}

// Commands that name one author.
template <class T>
concept on_one_author = std::is_same_v<T, author_block> || std::is_same_v<T, author_trust> ||
    std::is_same_v<T, author_unblock> || std::is_same_v<T, author_untrust>;

template <on_one_author T>
std::string read(const wire_fields& f, T& out) {
  if (f.source.empty()) return missing("source");
  if (f.handle.empty()) return missing("handle");
  out.source = f.source;
  out.handle = f.handle;
  return {};
}
template <on_one_author T>
void write(const T& in, boost::json::object& json) {
  json["source"] = in.source;
  json["handle"] = in.handle;
}

// Commands on one post (or, for a decision, a selection of posts).
template <class T>
concept on_posts = std::is_same_v<T, post_approve> || std::is_same_v<T, post_reject>;
template <class T>
concept on_one_post = std::is_same_v<T, post_feature> || std::is_same_v<T, post_restore>;

template <on_posts T>
std::string read(const wire_fields& f, T& out) {
  if (!f.posts.empty() && !f.post.empty())
    return "name the post in \"post\" or a selection in \"posts\", not both";
  if (f.post.empty() && f.posts.empty()) return missing("post");
  out.post = f.post;
  out.posts = f.posts;
  return {};
}
template <on_posts T>
void write(const T& in, boost::json::object& json) {
  if (!in.post.empty()) json["post"] = in.post;
  if (!in.posts.empty()) {
    boost::json::array posts;
    for (const auto& id : in.posts) posts.emplace_back(id);
    json["posts"] = std::move(posts);
  }
}

template <on_one_post T>
std::string read(const wire_fields& f, T& out) {
  if (f.post.empty()) return missing("post");
  out.post = f.post;
  return {};
}
template <on_one_post T>
void write(const T& in, boost::json::object& json) {
  json["post"] = in.post;
}

template <class T>
concept with_text = std::is_same_v<T, announce> || std::is_same_v<T, stage_message>;

template <with_text T>
std::string read(const wire_fields& f, T& out) {
  if (!f.text) return missing("text");
  out.text = *f.text;
  return {};
}
template <with_text T>
void write(const T& in, boost::json::object& json) {
  json["text"] = in.text;
}

template <class T>
concept on_one_segment = std::is_same_v<T, agenda_goto> || std::is_same_v<T, segment_remove>;

template <on_one_segment T>
std::string read(const wire_fields& f, T& out) {
  if (f.segment.empty()) return missing("segment");
  out.segment = f.segment;
  return {};
}
template <on_one_segment T>
void write(const T& in, boost::json::object& json) {
  json["segment"] = in.segment;
}

std::string read(const wire_fields& f, highlight_remove& out) {
  if (f.highlight.empty()) return missing("highlight");
  out.highlight = f.highlight;
  return {};
}
void write(const highlight_remove& in, boost::json::object& json) {
  json["highlight"] = in.highlight;
}

std::string read(const wire_fields& f, question_ask& out) {
  if (!f.text) return missing("text");
  out.text = *f.text;
  out.name = f.name;
  return {};
}
void write(const question_ask& in, boost::json::object& json) {
  json["text"] = in.text;
  if (in.name) json["name"] = *in.name;
}

std::string read(const wire_fields& f, question_edit& out) {
  if (!f.text) return missing("text");
  if (f.question.empty()) return missing("question");
  out.question = f.question;
  out.text = *f.text;
  return {};
}
void write(const question_edit& in, boost::json::object& json) {
  json["question"] = in.question;
  json["text"] = in.text;
}

// qa.set says `open` on the wire; the journal keeps it as "kind": "open" or "closed".
std::string read(const wire_fields& f, qa_set& out) {
  if (!f.open) return missing("open");
  out.open = *f.open;
  return {};
}
void write(const qa_set& in, boost::json::object& json) {
  json["kind"] = in.open ? "open" : "closed";
}

std::string read(const wire_fields& f, event_reset& out) {
  if (!f.confirm) return missing("confirm");
  out.confirm = *f.confirm;
  return {};
}
void write(const event_reset& in, boost::json::object& json) {
  json["confirm"] = in.confirm;
}

// on_screen.set names its item in `item` or, as in protocol v1, in `id`.
std::string read(const wire_fields& f, on_screen_set& out) {
  out.kind = f.kind;
  out.item = f.item_given ? f.item : f.id_as_item;
  if (out.kind.has_value() != out.item.has_value())
    return "on_screen.set needs kind and id both set, or both null to clear";
  return {};
}
void write(const on_screen_set& in, boost::json::object& json) {
  if (in.kind) json["kind"] = *in.kind;
  if (in.item) json["item"] = *in.item;
}

std::string read(const wire_fields& f, moderation_set& out) {
  if (!f.rules) return missing("rules");
  out.rules = *f.rules;
  return {};
}
void write(const moderation_set& in, boost::json::object& json) {
  json["rules"] = in.rules;
}

std::string read(const wire_fields& f, segment_add& out) {
  if (f.segment.empty()) return missing("segment");
  if (!f.kind) return missing("kind");
  if (!f.title) return missing("title");
  if (!f.planned_minutes) return missing("planned_minutes");
  out.segment = f.segment;
  out.kind = *f.kind;
  out.title = *f.title;
  out.planned_minutes = *f.planned_minutes;
  out.speakers = f.speakers;
  if (f.after_given) out.after = f.after;
  return {};
}
void write(const segment_add& in, boost::json::object& json) {
  json["segment"] = in.segment;
  json["kind"] = in.kind;
  json["title"] = in.title;
  json["planned_minutes"] = in.planned_minutes;
  if (in.speakers) json["speakers"] = *in.speakers;
  if (in.after) json["after"] = *in.after ? boost::json::value(**in.after) : boost::json::value(nullptr);
}

std::string read(const wire_fields& f, segment_update& out) {
  if (f.segment.empty()) return missing("segment");
  out.segment = f.segment;
  out.kind = f.kind;
  out.title = f.title;
  out.planned_minutes = f.planned_minutes;
  out.speakers = f.speakers;
  return {};
}
void write(const segment_update& in, boost::json::object& json) {
  json["segment"] = in.segment;
  if (in.kind) json["kind"] = *in.kind;
  if (in.title) json["title"] = *in.title;
  if (in.planned_minutes) json["planned_minutes"] = *in.planned_minutes;
  if (in.speakers) json["speakers"] = *in.speakers;
}

std::string read(const wire_fields& f, segment_move& out) {
  if (f.segment.empty()) return missing("segment");
  if (!f.after_given) return missing("after");
  out.segment = f.segment;
  out.after = f.after;
  return {};
}
void write(const segment_move& in, boost::json::object& json) {
  json["segment"] = in.segment;
  json["after"] = in.after ? boost::json::value(*in.after) : boost::json::value(nullptr);
}

// poll.create names its question in `question`, as a text; the other poll commands name a poll.
std::string read(const wire_fields& f, poll_create& out) {
  if (f.question.empty()) return missing("question");
  if (!f.options) return missing("options");
  out.question = f.question;
  out.options = *f.options;
  out.multiple = f.multiple.value_or(false);
  return {};
}
void write(const poll_create& in, boost::json::object& json) {
  json["question"] = in.question;
  json["options"] = boost::json::array(in.options.begin(), in.options.end());
  if (in.multiple) json["multiple"] = true;
}

template <class T>
concept on_one_poll = std::is_same_v<T, poll_open> || std::is_same_v<T, poll_close>;

template <on_one_poll T>
std::string read(const wire_fields& f, T& out) {
  if (f.poll.empty()) return missing("poll");
  out.poll = f.poll;
  return {};
}
template <on_one_poll T>
void write(const T& in, boost::json::object& json) {
  json["poll"] = in.poll;
}

std::string read(const wire_fields& f, poll_vote& out) {
  if (f.poll.empty()) return missing("poll");
  if (!f.options) return missing("options");
  out.poll = f.poll;
  out.options = *f.options;
  return {};
}
void write(const poll_vote& in, boost::json::object& json) {
  json["poll"] = in.poll;
  json["options"] = boost::json::array(in.options.begin(), in.options.end());
}

// A page size within the protocol's bounds, and a cursor from an earlier page.
std::string read_page_window(const wire_fields& f, std::optional<std::string>& after, std::size_t& limit) {
  if (!f.limit) {
    limit = default_page_items;
  } else if (*f.limit < 1 || *f.limit > static_cast<std::int64_t>(max_page_items)) {
    return "field \"limit\" must be between 1 and " + std::to_string(max_page_items);
  } else {
    limit = static_cast<std::size_t>(*f.limit);
  }
  if (f.after && !parse_cursor(*f.after)) return "field \"after\" is not a cursor from an earlier page";
  after = f.after;
  return {};
}

std::string read(const wire_fields& f, questions_page& out) {
  if (f.status != "open" && f.status != "answered")
    return "field \"status\" must be \"open\" or \"answered\"";
  out.answered = f.status == "answered";
  return read_page_window(f, out.after, out.limit);
}
std::string read(const wire_fields& f, queue_page& out) {
  if (f.kind != "post" && f.kind != "question") return "field \"kind\" must be \"post\" or \"question\"";
  out.posts = f.kind == "post";
  if (std::string why = read_page_window(f, out.after, out.limit); !why.empty()) return why;
  if (!f.source.empty()) out.filter.source = f.source;
  out.filter.held_by = f.held_by;
  out.filter.lang = f.lang;
  out.filter.search = f.search;
  return check_queue_filter(out.filter, out.posts);
}
// Pages are never journaled; written for completeness of the round trip.
void write(const questions_page& in, boost::json::object& json) {
  json["status"] = in.answered ? "answered" : "open";
  if (in.after) json["after"] = *in.after;
  json["limit"] = in.limit;
}
void write(const queue_page& in, boost::json::object& json) {
  if (in.filter.source) json["source"] = *in.filter.source;
  json["kind"] = in.posts ? "post" : "question";
  if (in.after) json["after"] = *in.after;
  json["limit"] = in.limit;
  if (in.filter.held_by) json["held_by"] = *in.filter.held_by;
  if (in.filter.lang) json["lang"] = *in.filter.lang;
  if (!in.filter.search.empty()) json["search"] = in.filter.search;
}

std::string read(const wire_fields& f, react& out) {
  if (f.emoji.empty()) return missing("emoji");
  out.emoji = f.emoji;
  return {};
}
// Reactions are never journaled; written for completeness of the round trip.
void write(const react& in, boost::json::object& json) {
  json["emoji"] = in.emoji;
}

// ---- The table ----

struct command_row {
  command_info info;
  std::size_t index;  // the variant alternative the row describes
  std::string (*decode)(const wire_fields&, command_body&);
  void (*encode)(const command_body&, boost::json::object&);
};

template <class T>
std::string decode_as(const wire_fields& f, command_body& out) {
  // A selection means nothing to any other command: refused rather than dropped.
  if constexpr (!on_posts<T> && !std::is_same_v<T, on_screen_set>)
    if (!f.posts.empty()) return "only post.approve and post.reject take \"posts\"";
  T value;
  if (std::string why = read(f, value); !why.empty()) return why;
  if constexpr (std::is_same_v<T, on_screen_set>)
    if (!f.posts.empty()) return "only post.approve and post.reject take \"posts\"";
  out = std::move(value);
  return {};
}

template <class T>
void encode_as(const command_body& in, boost::json::object& json) {
  write(std::get<T>(in), json);
}

template <class T, std::size_t I = 0>
constexpr std::size_t index_of() {
  if constexpr (std::is_same_v<std::variant_alternative_t<I, command_body>, T>)
    return I;
  else
    return index_of<T, I + 1>();
}

template <class T>
constexpr command_row row(std::string_view name, role required, rate_class rate = rate_class::general,
                          bool journaled = true) {
  return {{name, required, rate, journaled}, index_of<T>(), &decode_as<T>, &encode_as<T>};
}

constexpr auto viewer = role::viewer;
constexpr auto moderator = role::moderator;
constexpr auto producer = role::producer;

// Each command type once, in the order of command_body.
constexpr std::array<command_row, std::variant_size_v<command_body>> table{{
    row<agenda_start>("agenda.start", producer),
    row<agenda_next>("agenda.next", producer),
    row<agenda_previous>("agenda.previous", producer),
    row<agenda_pause>("agenda.pause", producer),
    row<agenda_resume>("agenda.resume", producer),
    row<agenda_end>("agenda.end", producer),
    row<agenda_goto>("agenda.goto", producer),
    row<announce>("announce", producer),
    row<stage_message>("stage.message", producer),
    row<segment_add>("segment.add", producer),
    row<segment_update>("segment.update", producer),
    row<segment_remove>("segment.remove", producer),
    row<segment_move>("segment.move", producer),
    row<qa_set>("qa.set", producer),
    row<event_reset>("event.reset", producer),
    row<question_ask>("question.ask", viewer, rate_class::question),
    row<question_vote>("question.vote", viewer, rate_class::vote),
    row<question_unvote>("question.unvote", viewer, rate_class::vote),
    row<question_approve>("question.approve", moderator),
    row<question_reject>("question.reject", moderator),
    row<question_answered>("question.answered", moderator),
    row<question_reopen>("question.reopen", moderator),
    row<question_unmerge>("question.unmerge", moderator),
    row<question_restore>("question.restore", moderator),
    row<question_edit>("question.edit", moderator),
    row<post_approve>("post.approve", moderator),
    row<post_reject>("post.reject", moderator),
    row<post_feature>("post.feature", moderator),
    row<post_restore>("post.restore", moderator),
    row<highlight_remove>("highlight.remove", moderator),
    row<author_block>("author.block", moderator),
    row<author_trust>("author.trust", moderator),
    row<author_unblock>("author.unblock", moderator),
    row<author_untrust>("author.untrust", moderator),
    row<on_screen_set>("on_screen.set", moderator),
    row<moderation_set>("moderation.set", moderator),
    row<poll_create>("poll.create", moderator),
    row<poll_open>("poll.open", moderator),
    row<poll_close>("poll.close", moderator),
    row<poll_vote>("poll.vote", viewer, rate_class::vote),
    row<questions_page>("questions.page", viewer, rate_class::general, false),
    row<queue_page>("queue.page", moderator, rate_class::general, false),
    row<react>("react", viewer, rate_class::reaction, false),
}};

constexpr bool rows_in_variant_order() {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i].index != i) return false;
  return true;
}
static_assert(rows_in_variant_order(), "the command table lists the types in the order of command_body");

const command_row* find_row(std::string_view name) {
  for (const auto& entry : table)
    if (entry.info.name == name) return &entry;
  return nullptr;
}

// An array of strings (a poll's option texts or a ballot's option ids); no poll has more
// than max_poll_options, so no longer list is read. Texts and ids are the engine's to check.
void read_string_list(od::value& value, std::string_view key, std::optional<std::vector<std::string>>& out,
                      std::string& error) {
  const std::string name = "field \"" + std::string(key) + "\"";
  od::array array;
  if (value.get_array().get(array)) {
    if (error.empty()) error = name + " must be an array of strings";
    return;
  }
  std::vector<std::string> items;
  std::string fault;
  for (auto element : array) {
    od::value inner;
    od::json_type type;
    std::string_view text;
    if (element.get(inner) || inner.type().get(type)) {
      fault = "malformed JSON";
      break;
    }
    if (type != od::json_type::string) {
      // Still read, so malformed JSON inside is refused as such.
      if (auto why = check_unused(inner, 2); !why.empty()) fault = why;
      if (fault.empty()) fault = name + " must be an array of strings";
      continue;
    }
    if (inner.get_string().get(text)) {
      fault = "malformed JSON";
      break;
    }
    if (!fault.empty()) continue;
    if (items.size() == max_poll_options)
      fault = name + " holds at most " + std::to_string(max_poll_options) + " items";
    else
      items.emplace_back(text);
  }
  if (!fault.empty()) {
    if (error.empty()) error = std::move(fault);
    return;
  }
  out = std::move(items);
}

// Reads one field of a frame into `f`. False when the frame must be refused at once
// as malformed (`why` says so); a type error only goes to `error`.
bool read_field(std::string_view key, od::value& value, wire_fields& f, std::string& error,
                std::string& why) {
  if (key == "text") {
    read_string(value, key, f.text, false, error);
  } else if (key == "name") {
    read_string(value, key, f.name, true, error);
  } else if (key == "question") {
    read_string(value, key, f.question, error);
  } else if (key == "post") {
    read_string(value, key, f.post, error);
  } else if (key == "posts") {
    read_posts(value, f.posts, error);
  } else if (key == "confirm") {
    read_string(value, key, f.confirm, false, error);
  } else if (key == "highlight") {
    read_string(value, key, f.highlight, error);
  } else if (key == "segment") {
    read_string(value, key, f.segment, error);
  } else if (key == "source") {
    read_string(value, key, f.source, error);
  } else if (key == "handle") {
    read_string(value, key, f.handle, error);
  } else if (key == "kind") {
    read_string(value, key, f.kind, true, error);
  } else if (key == "item") {
    f.item_given = true;
    read_string(value, key, f.item, true, error);
  } else if (key == "rules") {
    // Parsed here too, since On-Demand skips an object's inside unchecked.
    od::object rules;
    std::string_view raw;
    boost::system::error_code ec;
    if (value.get_object().get(rules) || rules.raw_json().get(raw)) {
      if (error.empty()) error = "field \"rules\" must be an object";
    } else if (auto parsed = boost::json::parse(raw, ec); ec) {
      why = "malformed JSON";
      return false;
    } else {
      f.rules = std::move(parsed.as_object());
    }
  } else if (key == "status") {
    read_string(value, key, f.status, false, error);
  } else if (key == "held_by") {
    read_string(value, key, f.held_by, false, error);
  } else if (key == "lang") {
    read_string(value, key, f.lang, false, error);
  } else if (key == "search") {
    read_string(value, key, f.search, error);
  } else if (key == "emoji") {
    read_string(value, key, f.emoji, error);
  } else if (key == "after") {
    // A page's cursor, or where a segment goes (segment.add, segment.move); null for both.
    f.after_given = true;
    read_string(value, key, f.after, true, error);
  } else if (key == "limit") {
    std::int64_t number = 0;
    if (value.get_int64().get(number)) {
      if (error.empty()) error = "field \"limit\" must be an integer";
    } else {
      f.limit = number;
    }
  } else if (key == "title") {
    read_string(value, key, f.title, false, error);
  } else if (key == "planned_minutes") {
    std::int64_t minutes = 0;
    if (value.get_int64().get(minutes)) {
      if (error.empty()) error = "field \"planned_minutes\" must be a whole number";
    } else {
      f.planned_minutes = minutes;
    }
  } else if (key == "speakers") {
    // Checked with the event file's rules by the engine.
    od::array speakers;
    std::string_view raw;
    boost::system::error_code ec;
    if (value.get_array().get(speakers) || speakers.raw_json().get(raw)) {
      if (error.empty()) error = "field \"speakers\" must be an array";
    } else if (auto parsed = boost::json::parse(raw, ec); ec) {
      why = "malformed JSON";
      return false;
    } else {
      f.speakers = std::move(parsed);
    }
  } else if (key == "poll") {
    read_string(value, key, f.poll, error);
  } else if (key == "options") {
    read_string_list(value, key, f.options, error);
  } else if (key == "multiple") {
    bool flag = false;
    if (value.get_bool().get(flag)) {
      if (error.empty()) error = "field \"multiple\" must be a boolean";
    } else {
      f.multiple = flag;
    }
  } else if (key == "open") {
    bool flag = false;
    if (value.get_bool().get(flag)) {
      if (error.empty()) error = "field \"open\" must be a boolean";
    } else {
      f.open = flag;
    }
  } else {
    return false;  // not a session field
  }
  return true;
}

}  // namespace

const command_info& info(const command_body& body) {
  return table[body.index()].info;
}

const command_info* find_command(std::string_view name) {
  const command_row* found = find_row(name);
  return found ? &found->info : nullptr;
}

outcome authorize(const command_info& command, role who) {
  if (role_allows(who, command.required)) return outcome::success();
  return outcome::failure(error_code::forbidden, std::string(to_string(command.required)) + " role required");
}

command_decoder::result command_decoder::decode(std::string_view frame, command& out, decode_failure& failure,
                                                foreign_fields* foreign, std::string* foreign_type) {
  out = command{};
  failure = decode_failure{};
  simdjson::padded_string_view padded = buffer_.load(frame);

  od::document doc;
  od::object object;
  if (parser_.iterate(padded).get(doc) || doc.get_object().get(object)) {
    failure.message = "a command must be one JSON object";
    return result::refused;
  }

  wire_fields fields;
  std::string error;
  std::optional<std::string> type;
  auto refuse = [&](std::string_view why) {
    failure.id = out.id;
    failure.message = why;
    return result::refused;
  };
  for (auto field : object) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) return refuse("malformed JSON");
    std::string malformed;
    if (key == "type") {
      read_string(value, key, type, false, error);
    } else if (key == "id") {
      read_id(value, out.id, fields.id_as_item, error);
    } else if (read_field(key, value, fields, error, malformed)) {
      continue;
    } else if (!malformed.empty()) {
      return refuse(malformed);
    } else if (foreign && foreign->read(key, value, error)) {
      continue;
    } else if (auto why = check_unused(value, 1); !why.empty()) {
      // Unknown fields are ignored so clients may send extensions, but they must be JSON.
      return refuse(why);
    }
  }
  // Text after the object (a second object, a stray bracket) makes the frame malformed.
  const char* trailing = nullptr;
  if (!doc.current_location().get(trailing)) return refuse("malformed JSON");
  failure.id = out.id;
  if (!error.empty()) {
    failure.message = std::move(error);
    return result::refused;
  }
  if (!type) {
    failure.message = "field \"type\" is missing";
    return result::refused;
  }
  const command_row* found = find_row(*type);
  if (!found) {
    if (foreign && foreign->knows_type(*type)) {
      if (foreign_type) *foreign_type = std::move(*type);
      return result::foreign;
    }
    failure.message = "unknown type \"" + *type + "\"";
    return result::refused;
  }
  if (std::string why = found->decode(fields, out.body); !why.empty()) {
    failure.message = std::move(why);
    return result::refused;
  }
  return result::command;
}

boost::json::object command_to_json(const command_body& body) {
  const command_row& entry = table[body.index()];
  boost::json::object json;
  json["type"] = entry.info.name;
  entry.encode(body, json);
  return json;
}

bool command_from_json(const boost::json::object& json, command_body& out) {
  auto string_at = [&json](std::string_view key) -> const boost::json::string* {
    auto it = json.find(key);
    return it != json.end() && it->value().is_string() ? &it->value().get_string() : nullptr;
  };
  const auto* type = string_at("type");
  const command_row* found = type ? find_row(*type) : nullptr;
  if (!found) return false;
  wire_fields f;
  for (auto [key, into] : {std::pair{"question", &f.question},
                           {"post", &f.post},
                           {"highlight", &f.highlight},
                           {"segment", &f.segment},
                           {"source", &f.source},
                           {"handle", &f.handle},
                           {"search", &f.search},
                           {"emoji", &f.emoji},
                           {"poll", &f.poll}})
    if (const auto* s = string_at(key)) *into = std::string(*s);
  for (auto [key, into] : {std::pair{"text", &f.text},
                           {"name", &f.name},
                           {"kind", &f.kind},
                           {"item", &f.item},
                           {"status", &f.status},
                           {"title", &f.title},
                           {"held_by", &f.held_by},
                           {"lang", &f.lang}})
    if (const auto* s = string_at(key)) *into = std::string(*s);
  f.item_given = f.item.has_value();
  // qa.set keeps its state in "kind".
  if (f.kind == "open" || f.kind == "closed") f.open = f.kind == "open";
  if (auto it = json.find("posts"); it != json.end() && it->value().is_array())
    for (const auto& id : it->value().get_array())
      if (id.is_string()) f.posts.emplace_back(id.get_string());
  if (auto it = json.find("options"); it != json.end() && it->value().is_array()) {
    f.options.emplace();
    for (const auto& option : it->value().get_array())
      if (option.is_string()) f.options->emplace_back(option.get_string());
  }
  if (auto it = json.find("multiple"); it != json.end() && it->value().is_bool())
    f.multiple = it->value().get_bool();
  if (auto it = json.find("rules"); it != json.end() && it->value().is_object())
    f.rules = it->value().get_object();
  if (auto it = json.find("planned_minutes"); it != json.end() && it->value().is_int64())
    f.planned_minutes = it->value().get_int64();
  if (auto it = json.find("limit"); it != json.end() && it->value().is_int64())
    f.limit = it->value().get_int64();
  if (auto it = json.find("speakers"); it != json.end() && it->value().is_array()) f.speakers = it->value();
  if (auto it = json.find("after"); it != json.end()) {
    f.after_given = true;
    if (it->value().is_string()) f.after = std::string(it->value().get_string());
  }
  return found->decode(f, out).empty();
}

}  // namespace companion::session

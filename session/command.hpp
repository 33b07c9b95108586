// Client commands of the session: one struct per command type, a command being
// their variant plus the envelope's id. One table (command.cpp) describes each type
// once: its name on the wire, its decoder and encoder, the role it needs, its rate
// class and whether the engine journals it. Frames are decoded once with simdjson;
// the journal stores the same types through the same table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <simdjson.h>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/padded_buffer.hpp"
#include "queue_filter.hpp"
#include "types.hpp"

namespace companion::session {

// A bulk decision names at most this many posts: a moderator's screenful of
// selected rows, and small enough that one journal record stays a few KiB.
constexpr std::size_t max_bulk_posts = 100;

// ---- The run of show (producers) ----
struct agenda_start {
  bool operator==(const agenda_start&) const = default;
};
struct agenda_next {
  bool operator==(const agenda_next&) const = default;
};
struct agenda_previous {
  bool operator==(const agenda_previous&) const = default;
};
struct agenda_pause {
  bool operator==(const agenda_pause&) const = default;
};
struct agenda_resume {
  bool operator==(const agenda_resume&) const = default;
};
struct agenda_end {
  bool operator==(const agenda_end&) const = default;
};
struct agenda_goto {
  std::string segment;
  bool operator==(const agenda_goto&) const = default;
};
struct announce {
  std::string text;  // empty clears the announcement
  bool operator==(const announce&) const = default;
};
struct stage_message {
  std::string text;  // empty clears the message
  bool operator==(const stage_message&) const = default;
};
// Live rundown edits; the engine checks the fields with the event file's rules.
struct segment_add {
  std::string segment;
  std::string kind;
  std::string title;
  std::int64_t planned_minutes = 0;
  std::optional<boost::json::value> speakers;  // an array
  // Where it goes: after that segment, first when null, at the end when absent.
  std::optional<std::optional<std::string>> after;
  bool operator==(const segment_add&) const = default;
};
struct segment_update {
  std::string segment;
  std::optional<std::string> kind;
  std::optional<std::string> title;
  std::optional<std::int64_t> planned_minutes;
  std::optional<boost::json::value> speakers;  // an array
  bool operator==(const segment_update&) const = default;
};
struct segment_remove {
  std::string segment;
  bool operator==(const segment_remove&) const = default;
};
struct segment_move {
  std::string segment;
  std::optional<std::string> after;  // null: first
  bool operator==(const segment_move&) const = default;
};
struct qa_set {
  bool open = true;
  bool operator==(const qa_set&) const = default;
};
// After a rehearsal: a new epoch without the rehearsal's audience input (the gateway
// carries it out; the engine only checks it). `confirm` must repeat the event's id, so
// a stray click or a replayed frame meant for another event resets nothing.
struct event_reset {
  std::string confirm;
  bool operator==(const event_reset&) const = default;
};

// ---- Questions ----
struct question_ask {
  std::string text;
  std::optional<std::string> name;
  bool operator==(const question_ask&) const = default;
};
// The commands that name one question and nothing else.
struct question_vote {
  std::string question;
  bool operator==(const question_vote&) const = default;
};
struct question_unvote {
  std::string question;
  bool operator==(const question_unvote&) const = default;
};
struct question_approve {
  std::string question;
  bool operator==(const question_approve&) const = default;
};
struct question_reject {
  std::string question;
  bool operator==(const question_reject&) const = default;
};
struct question_answered {
  std::string question;
  bool operator==(const question_answered&) const = default;
};
struct question_reopen {
  std::string question;
  bool operator==(const question_reopen&) const = default;
};
struct question_unmerge {
  std::string question;
  bool operator==(const question_unmerge&) const = default;
};
struct question_restore {
  std::string question;
  bool operator==(const question_restore&) const = default;
};
struct question_edit {
  std::string question;
  std::string text;
  bool operator==(const question_edit&) const = default;
};

// ---- The wall (moderators) ----
// post.approve and post.reject name one post, or a selection of 1..max_bulk_posts
// distinct ids (then `post` is empty).
struct post_approve {
  std::string post;
  std::vector<std::string> posts;
  bool operator==(const post_approve&) const = default;
};
struct post_reject {
  std::string post;
  std::vector<std::string> posts;
  bool operator==(const post_reject&) const = default;
};
struct post_feature {
  std::string post;
  bool operator==(const post_feature&) const = default;
};
struct post_restore {
  std::string post;
  bool operator==(const post_restore&) const = default;
};
struct highlight_remove {
  std::string highlight;
  bool operator==(const highlight_remove&) const = default;
};
struct author_block {
  std::string source, handle;
  bool operator==(const author_block&) const = default;
};
struct author_trust {
  std::string source, handle;
  bool operator==(const author_trust&) const = default;
};
struct author_unblock {
  std::string source, handle;
  bool operator==(const author_unblock&) const = default;
};
struct author_untrust {
  std::string source, handle;
  bool operator==(const author_untrust&) const = default;
};
// Both set to put an item on air, both empty to clear the screen.
struct on_screen_set {
  std::optional<std::string> kind;
  std::optional<std::string> item;
  bool operator==(const on_screen_set&) const = default;
};
struct moderation_set {
  boost::json::object rules;  // the auto-moderation rules, checked by whoever applies them
  bool operator==(const moderation_set&) const = default;
};

// ---- Polls ----
// The texts are checked by the engine (poll_rules.hpp), like the event file's polls.
struct poll_create {
  std::string question;
  std::vector<std::string> options;  // the options' texts; their ids are given at creation
  bool multiple = false;
  bool operator==(const poll_create&) const = default;
};
struct poll_open {
  std::string poll;
  bool operator==(const poll_open&) const = default;
};
struct poll_close {
  std::string poll;
  bool operator==(const poll_close&) const = default;
};
struct poll_vote {
  std::string poll;
  std::vector<std::string> options;  // option ids: exactly one unless the poll is `multiple`
  bool operator==(const poll_vote&) const = default;
};

// ---- Reads answered from a shard's replica, never journaled ----
struct questions_page {
  bool answered = false;             // "status": "open" or "answered"
  std::optional<std::string> after;  // a cursor from an earlier page; none: from the start
  std::size_t limit = 0;
  bool operator==(const questions_page&) const = default;
};
struct queue_page {
  bool posts = false;  // "kind": "post" or "question"
  std::optional<std::string> after;
  std::size_t limit = 0;
  queue_filter filter;  // what the page keeps ("source", "held_by", "lang", "search")
  bool operator==(const queue_page&) const = default;
};

// ---- Reactions, counted by the shard that reads them, never journaled ----
struct react {
  std::string emoji;  // checked against the event's reactions by the gateway
  bool operator==(const react&) const = default;
};

using command_body =
    std::variant<agenda_start, agenda_next, agenda_previous, agenda_pause, agenda_resume, agenda_end,
                 agenda_goto, announce, stage_message, segment_add, segment_update, segment_remove,
                 segment_move, qa_set, event_reset, question_ask, question_vote, question_unvote,
                 question_approve, question_reject, question_answered, question_reopen, question_unmerge,
                 question_restore, question_edit, post_approve, post_reject, post_feature, post_restore,
                 highlight_remove, author_block, author_trust, author_unblock, author_untrust, on_screen_set,
                 moderation_set, poll_create, poll_open, poll_close, poll_vote, questions_page, queue_page,
                 react>;

struct command {
  // The command id (a string or an integer), echoed in the ack; null when the command has none.
  boost::json::value id;
  command_body body;
};

// Which of a connection's rate budgets a command draws on, besides the general one;
// reactions draw only on their own, and what exceeds it is dropped, not refused.
enum class rate_class { general, question, vote, reaction };

// One row of the command table.
struct command_info {
  std::string_view name;  // on the wire and in the journal
  role required;
  rate_class rate;
  bool journaled;  // applied by the engine; false: a read a shard answers itself
};
const command_info& info(const command_body& body);
inline std::string_view type_name(const command_body& body) {
  return info(body).name;
}
// The row for a wire name, or null when the session has no such command.
const command_info* find_command(std::string_view name);
// forbidden with "<role> role required" unless `who` may send the command.
outcome authorize(const command_info& command, role who);

struct decode_failure {
  boost::json::value id;  // when the id could still be read
  std::string message;
};

// Fields and types of a frame that are not the session's: the gateway's own
// connection messages (hello, ping, token.refresh) share the frame format.
class foreign_fields {
 public:
  // A field the session does not read. True when taken; a type error goes to `error`
  // (the first error of a frame wins).
  virtual bool read(std::string_view key, simdjson::ondemand::value& value, std::string& error) = 0;
  virtual bool knows_type(std::string_view type) const = 0;

 protected:
  ~foreign_fields() = default;
};

// Parses one text frame. Holds its simdjson parser so a connection's shard reuses it.
class command_decoder {
 public:
  enum class result { command, foreign, refused };
  // `command`: `out` holds it. `foreign`: the type is one `foreign` knows, `foreign_type`
  // names it and `out.id` holds the id. `refused`: `failure` says why.
  result decode(std::string_view frame, command& out, decode_failure& failure, foreign_fields* foreign,
                std::string* foreign_type);
  // Session commands only; false with `failure` filled otherwise.
  bool decode(std::string_view frame, command& out, decode_failure& failure) {
    return decode(frame, out, failure, nullptr, nullptr) == result::command;
  }

 private:
  simdjson::ondemand::parser parser_;
  common::padded_buffer buffer_;  // reused: no allocation per frame
};

// The command as a JSON object with its "type", for the journal.
boost::json::object command_to_json(const command_body& body);
// The inverse, through the same decoder as frames; false on a malformed record.
bool command_from_json(const boost::json::object& json, command_body& out);

}  // namespace companion::session

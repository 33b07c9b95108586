// One event's single writer: applies commands, ingested posts and clock ticks to
// the event state, numbers every public change (seq) and describes each input as
// a journal record so the same state can be rebuilt by replaying the journal.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agenda.hpp"
#include "author_lists.hpp"
#include "command.hpp"
#include "event_definition.hpp"
#include "social_post.hpp"
#include "types.hpp"

namespace companion::session {

class question_board;
class post_wall;
class poll_board;
struct audit_entry;

// One frame for clients: a numbered public change, or a staff-only queue frame.
struct published_message {
  std::uint64_t seq = 0;    // the change's seq; 0 for staff-only frames
  bool staff_only = false;  // queue.* frames reach moderators and producers only
  std::string kind;         // change kind ("agenda", ...) or staff frame type ("queue.post", ...)
  millis at = 0;            // when the engine applied the change (its frame's "at"); 0 for staff frames
  boost::json::value data;  // the change's data, or the staff frame's object
  std::string payload;      // the whole frame as JSON text, built once
};
using message_ptr = std::shared_ptr<const published_message>;

// The journal record format. Records carry it in "v"; a record without "v" is
// version 1. A command replays with the rules of the version it was written under,
// so an old journal rebuilds exactly the changes (and seqs) it produced.
//   1: the first format.
//   2: agenda.end also closes Q&A and clears the overlay.
//   3: an edit of an approved post waits for a moderator; edit records carry the
//      rules' verdict on the new version.
//   4: votes are compact records of their own, {"kind":"vote"|"unvote","w","q"}, less
//      than half a command record; vote commands of older records still replay.
constexpr int journal_version = 4;
// The format of one journal record: its "v", or 1 when it has none.
int journal_record_version(const boost::json::object& record);

struct actor {
  role who = role::viewer;
  std::string viewer;   // signed anonymous viewer id
  std::string subject;  // token subject for staff
};

// What the gateway does after an accepted command, besides publishing and answering.
// New auto-moderation rules (moderation.set), for the tracker to apply to new posts.
struct rules_changed {
  boost::json::object rules;
};
// The moderators' author lists changed: a read-only copy for the tracker.
struct authors_changed {
  std::shared_ptr<const author_lists> authors;
};
// A moderator decided on a queued post or question after it had waited this long.
struct decision_made {
  millis waited = 0;
};
// A producer confirmed event.reset: the gateway starts the event's new epoch (see
// epoch_carry.hpp for what the new epoch keeps). Nothing is journaled in the old one.
struct reset_requested {};
using engine_effect = std::variant<rules_changed, authors_changed, decision_made, reset_requested>;

struct engine_reply {
  outcome result;
  boost::json::object ack;            // result fields for the ack (the last change's seq, ids...)
  std::vector<message_ptr> messages;  // in publication order
  // Set when the input was accepted: the record to journal before anyone hears of it.
  std::optional<boost::json::object> journal;
  std::vector<engine_effect> effects;  // in the order they happened
};

struct engine_limits {
  // Votes are coalesced: at most this many `votes` changes a second per event.
  int votes_changes_per_second = 4;
  // Stats are published at most once a second.
  millis stats_interval = 1000;
  // The wall in the snapshot keeps the newest highlights only.
  std::size_t wall_size = 50;
  // Moderation decisions kept in memory for the moderators' view; the audit export reads
  // the journal instead and is complete whatever this holds.
  std::size_t max_audit = 200'000;
  // Questions an event takes (all statuses); the next ask is `conflict`. A real Q&A gets a
  // few thousand; the cap keeps anonymous input from growing the state without end.
  std::size_t max_questions = 20'000;
  // Times one viewer may vote on one question or take the vote back (vote, take back, vote
  // again, take back): a change of mind is kept, a vote flood from one id is not journaled.
  std::uint32_t max_vote_changes = 4;
  // Posts kept in every state (post_wall's wall_limits::max_posts says what goes first).
  std::size_t max_posts = 100'000;
  // Segments a rundown may grow to with live edits: a long conference day is ~40, and
  // every agenda change carries the whole list to every phone.
  std::size_t max_segments = 100;
  // Public changes a state snapshot carries, so that clients resume across a restart from
  // a snapshot as they do across one that replayed the whole journal: the gateway sets it
  // to its resume window.
  std::size_t recent_changes = 4096;
  // Polls an event takes, drafts included; the next poll.create is `conflict`. A show runs a
  // few dozen; every draft is in each staff console's snapshot and every poll holds its voters.
  std::size_t max_polls = 200;
};

class event_engine {
 public:
  event_engine(event_definition definition, std::string epoch, engine_limits limits = {});
  ~event_engine();
  event_engine(const event_engine&) = delete;
  event_engine& operator=(const event_engine&) = delete;

  // A client command. The role the command needs is checked here, and only here.
  engine_reply apply(const command& cmd, const actor& who, millis now);
  // moderation.set's rules are checked by `checker` (an empty result accepts them) before
  // they are taken; without one, any object is taken. Not applied while replaying.
  void set_rules_checker(std::function<std::string(const boost::json::object&)> checker);
  // A post that passed decoding, matching, dedup and auto-moderation.
  engine_reply ingest(const social_post& post, const moderation_decision& decision, millis now);
  // A post the wall holds was edited at its source; `decision` is auto-moderation's
  // verdict on the new version. A live post's edit waits for a moderator (post_wall::edit).
  // not_found for an unknown id.
  engine_reply edit(const social_post& post, const moderation_decision& decision, millis now);
  // A post was deleted at its source.
  engine_reply retract(const std::string& post_id, millis now);
  // Called a few times a second: publishes coalesced votes and stats.
  engine_reply tick(millis now, std::uint64_t viewers);
  // Rebuilds state from one journal record, giving the reply it gave the first time;
  // false if the record is not understood.
  bool replay(const boost::json::object& record, engine_reply& reply);

  const event_definition& definition() const;
  const std::string& epoch() const;
  std::uint64_t seq() const;
  // The public state (protocol.md) as of seq().
  boost::json::object public_state() const;
  // The moderation queue for staff: {"type":"queue.snapshot","posts":[...],"questions":[...],"rules":{...}}.
  boost::json::object queue_snapshot() const;
  // The auto-moderation rules in force: the event file's until a moderator sets others.
  const boost::json::object& moderation_rules() const;
  // A copy of the moderators' author lists (the wall holds them).
  std::shared_ptr<const author_lists> authors() const;
  const agenda& run_of_show() const;
  // Posts and questions waiting for a moderator.
  std::size_t queue_depth() const;
  const question_board& questions() const;
  // Asks refused because the event reached max_questions.
  std::uint64_t questions_refused_full() const;
  // Votes and unvotes refused because the viewer reached max_vote_changes on the question.
  std::uint64_t votes_refused_changes() const;
  const post_wall& wall() const;
  const poll_board& polls() const;
  // poll.create refused because the event reached max_polls.
  std::uint64_t polls_refused_full() const;
  // The moderation decisions recorded since the last call, oldest first (audit export).
  std::deque<audit_entry> take_audit();

  // The whole state as a snapshot (docs/architecture.md, "State snapshots"): what
  // replaying the journal up to seq() rebuilds, so the engine can start from it and the
  // journal's tail. {"snapshot": version, "epoch", "seq", "parts": {name: object}}, one
  // object per part (the engine's own fields, agenda, questions, wall, polls, recent changes).
  // Built on the engine's thread; serialising it can happen anywhere.
  boost::json::object snapshot() const;
  // Replaces the state with a snapshot's (the text snapshot() serialised). False with
  // `why`, and the state unchanged, when the text is not a snapshot of this epoch that
  // this build reads.
  bool restore(std::string_view text, std::string& why);
  // The latest public changes, oldest first, at most limits.recent_changes: a replica
  // built from a restored engine holds them for resuming clients.
  std::vector<message_ptr> recent_changes() const;

 private:
  bool replay_record(const boost::json::object& record, engine_reply& reply);

  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace companion::session

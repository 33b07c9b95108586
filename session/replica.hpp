// A follower's copy of one event's public state, its moderation queue and its
// recent changes, built only from published messages. Every gateway shard keeps
// one, so a hello is answered (snapshot or resume) on the shard itself, with no
// gap and no duplicate against the changes that follow it on the same shard.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine.hpp"
#include "paging.hpp"
#include "question_index.hpp"
#include "queue_filter.hpp"

namespace companion::session {

struct replica_limits {
  std::size_t ring_changes = 4096;           // resume window, in changes
  std::size_t ring_bytes = 8 * 1024 * 1024;  // and in bytes of frames held
  std::size_t wall_size = 50;
  // Bounds of what a join sends (the rest is read with questions.page and queue.page);
  // the gateway's config sets them, so their reasons are given there.
  std::size_t snapshot_open_questions = 100;
  std::size_t snapshot_answered_questions = 50;
  std::size_t queue_snapshot_items = 100;
  // Polls in the public state: the protocol's bound (the newest; polls_total counts all).
  std::size_t snapshot_polls = 50;
};

// A change held for resuming clients, with its WebSocket frame when the caller has one:
// a catch-up writes the very frame every live connection was sent, never a copy.
struct held_change {
  message_ptr message;
  std::shared_ptr<const std::string> frame;  // may be null (callers that frame nothing)
};

class event_replica {
 public:
  event_replica(std::string event_id, std::string epoch, std::uint64_t seq, boost::json::object state,
                const boost::json::object& queue_snapshot, replica_limits limits = {});

  // Messages must arrive in publication order; changes at or below seq() are ignored.
  // `frame` is kept with a change for resuming clients and counts against the ring's bytes.
  void apply(const message_ptr& message, std::shared_ptr<const std::string> frame = nullptr);

  // The changes up to seq() that led to the state it was built from, oldest first (an
  // engine restored from a snapshot carries them): held for resuming clients as if they
  // had been applied here. Only before the first apply().
  void hold_earlier(const std::vector<message_ptr>& changes);

  const std::string& event_id() const { return event_id_; }
  const std::string& epoch() const { return epoch_; }
  std::uint64_t seq() const { return seq_; }
  // The public state as a join sees it: the questions as a bounded window, with
  // questions_total counting them all. Built once per seq.
  const boost::json::object& state();

  // The changes with seq in (after, seq()], when the ring still holds all of them.
  bool changes_since(std::uint64_t after, std::vector<message_ptr>& out) const;
  // Whether the ring still holds every change with seq in (after, seq()].
  bool holds_changes_since(std::uint64_t after) const;
  // The change with this seq while the ring holds it; null once it has left (or never came).
  const held_change* change_at(std::uint64_t seq) const;
  // The snapshot frame for the current seq, built once per seq.
  const std::string& snapshot_payload();
  // The queue.snapshot frame for staff (the oldest items of each kind up to a bound),
  // built once per queue change.
  const std::string& queue_snapshot_payload();

  // questions.page: approved questions of one status by age.
  page questions_page(bool answered, const std::optional<page_key>& after, std::size_t limit) const;
  // queue.page: queued posts (in arrival order) or questions (by age), oldest first.
  page queue_page(bool posts, const std::optional<page_key>& after, std::size_t limit) const;
  // The same, keeping the items `filter` matches and looking at no more than `max_scan`.
  page queue_page(bool posts, const std::optional<page_key>& after, std::size_t limit,
                  const queue_filter& filter, std::size_t max_scan) const;
  std::size_t questions_total() const { return questions_.size(); }
  // Whether the snapshot or the queue.snapshot leaves items out for paging.
  bool state_windowed() const;
  bool queue_windowed() const;

 private:
  void apply_change(const published_message& message);
  void apply_staff(const published_message& message);
  void apply_poll(const boost::json::value& poll);
  void apply_poll_votes(const boost::json::object& counts);

  std::string event_id_;
  std::string epoch_;
  std::uint64_t seq_;
  boost::json::object state_;  // everything but the questions
  question_index questions_;
  boost::json::object public_state_;
  bool public_state_valid_ = false;
  replica_limits limits_;
  std::deque<held_change> ring_;
  std::size_t ring_bytes_ = 0;
  std::string snapshot_;
  bool snapshot_valid_ = false;
  // Queued posts by arrival (an edited post keeps its place), questions by age.
  std::int64_t queue_order_ = 0;
  ordered_items queued_posts_;
  ordered_items queued_questions_;
  boost::json::value rules_;
  boost::json::value authors_;      // the moderators' blocked and trusted lists
  boost::json::array polls_;        // open and closed polls, newest opened first (the engine bounds them)
  boost::json::array draft_polls_;  // staff-only until opened
  std::string queue_snapshot_;
  bool queue_valid_ = false;
};

}  // namespace companion::session

// Live polls of one event: drafts (prepared in the event file or made by staff),
// opened and closed by staff, one ballot per viewer per poll, and counts published
// coalesced, at most a few `poll.votes` changes a second per poll.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "poll_rules.hpp"
#include "publisher.hpp"
#include "types.hpp"

namespace companion::session {

enum class poll_status { draft, open, closed };
std::string_view to_string(poll_status s);

struct poll {
  poll_definition definition;
  std::vector<std::uint64_t> votes;  // per option, in the definition's order
  poll_status status = poll_status::draft;
  std::uint64_t total = 0;  // ballots (a ballot of a `multiple` poll may name several options)
  std::optional<millis> opened_at;
  std::optional<millis> closed_at;
  std::uint64_t opened_order = 0;            // 1 for the first poll opened; 0 for a draft
  std::unordered_set<std::string> voters;    // viewer ids, never published
  std::optional<millis> votes_published_at;  // the last poll.votes change
};

class poll_board {
 public:
  // Prepared polls were checked with the event file; they start as drafts.
  explicit poll_board(const std::vector<poll_definition>& prepared);

  // A new draft from staff: texts checked, ids given ("poll-N", options "a".."f").
  // Ack fields: {"poll": id}. Staff hear of it as queue.poll.
  outcome create(poll_definition poll, publisher& out, boost::json::object& ack);
  // Drafts open; open polls close. Each publishes the whole poll as a `poll` change.
  outcome open(const std::string& id, millis now, publisher& out);
  outcome close(const std::string& id, millis now, publisher& out);
  // One ballot per viewer per poll; counted now, published by flush_votes.
  outcome vote(const std::string& id, const std::string& viewer, const std::vector<std::string>& options);
  // Publishes one poll.votes change for every poll whose counts changed and whose last
  // one is at least `interval` old; the others wait for a later call.
  void flush_votes(millis now, millis interval, publisher& out);
  bool has_pending_votes() const { return !dirty_.empty(); }

  const poll* find(const std::string& id) const;
  // Open or closed: in the public state.
  bool is_public(const std::string& id) const;
  std::size_t size() const { return polls_.size(); }
  std::size_t public_count() const { return opened_; }
  // Every poll in the order it was made (prepared ones first).
  const std::vector<poll>& all() const { return polls_; }
  // Open and closed polls, newest opened first.
  boost::json::array public_polls() const;
  // Drafts, in the order they were made.
  boost::json::array drafts() const;
  static boost::json::object to_json(const poll& p);
  // poll.create refused at the engine's max_polls; kept here so a snapshot carries it.
  std::uint64_t refused_full = 0;

  // Everything above, ballots and voters included, for an engine state snapshot
  // (poll_board_snapshot.cpp); restore() replaces the board only when all of it reads.
  boost::json::object snapshot() const;
  bool restore(const boost::json::object& in, std::string& why);

 private:
  poll* find_mutable(const std::string& id);
  outcome add(poll_definition definition);

  std::vector<poll> polls_;
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t opened_ = 0;
  std::uint64_t created_ = 0;    // polls made with poll.create, for their ids
  std::set<std::string> dirty_;  // polls with ballots not yet published
};

}  // namespace companion::session

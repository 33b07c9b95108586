// The approved questions a replica holds, indexed for joining a big event: the
// snapshot's bounded window (open questions with the most votes, then the most
// recently answered ones) and questions.page (each status by age), each read
// without walking every question the event ever had.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "paging.hpp"

namespace companion::session {

class question_index {
 public:
  // Public questions (protocol.md Question objects) in any order.
  void load(const boost::json::array& questions);
  // question.added and question.updated: adds, or replaces and moves between statuses.
  void put(const boost::json::object& question);
  void remove(const std::string& id);
  // A `votes` change: {"<question id>": n, ...}; unknown ids are ignored.
  void set_votes(const boost::json::object& tallies);

  std::size_t size() const { return meta_.size(); }
  // The question with this id, or null.
  const boost::json::value* find(const std::string& id) const;
  std::size_t open_count() const { return open_.size(); }
  // Up to `open` open questions by votes (most first, then oldest), then up to
  // `answered` answered ones, most recently answered first (then newest asked).
  boost::json::array window(std::size_t open, std::size_t answered) const;
  // Questions of one status ordered by asked_at, then id.
  page page_of(bool answered, const std::optional<page_key>& after, std::size_t limit) const;

 private:
  struct meta {
    page_key age;  // (asked_at, id)
    bool answered = false;
    std::int64_t votes = 0;
    std::int64_t answered_at = 0;
  };
  struct ranked {
    std::int64_t order;  // votes for open questions, answered_at for answered ones
    page_key age;
  };
  // Most votes first, then the oldest: the order viewers rank open questions in.
  struct most_votes_first {
    bool operator()(const ranked& a, const ranked& b) const;
  };
  // The latest answered first, then the newest asked.
  struct latest_first {
    bool operator()(const ranked& a, const ranked& b) const;
  };

  ordered_items open_, answered_;
  std::set<ranked, most_votes_first> open_by_votes_;
  std::set<ranked, latest_first> answered_by_time_;
  std::unordered_map<std::string, meta> meta_;
};

}  // namespace companion::session

// Audience questions: asking with limits, pre-moderation, one vote per viewer,
// merging near-identical questions, and coalesced vote tallies.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "publisher.hpp"
#include "types.hpp"

namespace companion::session {

struct question_limits {
  std::size_t max_text = 280;  // code points after trimming, as on the big social networks
  std::size_t max_name = 40;   // fits one line of the overlay
};

enum class question_status { pending, open, answered, rejected, merged };
std::string_view to_string(question_status s);

// Orders question ids ("q2" before "q10") as the questions were asked, so that
// questions asked in the same millisecond rank the same everywhere.
bool question_id_less(std::string_view a, std::string_view b);

struct question {
  std::string id;
  std::string text;
  std::optional<std::string> author;  // the name the asker typed, if any
  std::string asker;                  // viewer id, never published
  question_status status = question_status::pending;
  millis asked_at = 0;
  std::optional<millis> answered_at;
  std::string segment;  // the agenda segment live when it was asked, may be empty
  std::set<std::string> voters;
  // How often each viewer voted or took a vote back here, for engine_limits::max_vote_changes.
  std::map<std::string, std::uint32_t> vote_changes;
  question_status rejected_from = question_status::pending;  // where question.restore puts it back
  std::string merged_into;                                   // for merged questions
  bool merge_added_vote = false;                             // the merge gave the target the asker's vote
  std::vector<std::string> merged_from;                      // ids merged into this one
  std::string similarity;
};

class question_board {
 public:
  explicit question_board(bool premoderated, question_limits limits = {});

  // Ack fields: {"question": id, "status": "pending|open|merged", "merged_into"?}.
  outcome ask(const std::string& viewer, std::string_view text, const std::optional<std::string>& name,
              const std::string& segment, millis now, publisher& out, boost::json::object& ack);
  outcome vote(const std::string& id, const std::string& viewer, bool up, publisher& out);
  // How many times the viewer voted on the question or took the vote back (0: never).
  std::uint32_t vote_changes(const std::string& id, const std::string& viewer) const;
  outcome approve(const std::string& id, publisher& out);
  outcome reject(const std::string& id, publisher& out);
  outcome mark_answered(const std::string& id, millis now, publisher& out);
  outcome reopen(const std::string& id, publisher& out);
  outcome edit(const std::string& id, std::string_view text, publisher& out);
  outcome unmerge(const std::string& id, publisher& out);
  // Undoes a rejection: back where it was (open or answered, votes kept), else to the queue.
  outcome restore(const std::string& id, publisher& out);
  // Opening and closing Q&A is public: it is part of the "qa" change.
  outcome set_open(bool open, publisher& out);
  bool is_open() const { return open_; }

  // Publishes every tally that changed since the last call as one `votes` change.
  void flush_votes(publisher& out);
  bool has_pending_votes() const { return !dirty_votes_.empty(); }

  const question* find(const std::string& id) const;
  bool is_public(const std::string& id) const;
  // Open and answered questions, ranked: open by votes (then age), answered below.
  boost::json::array public_questions() const;
  // Pending questions for staff, oldest first, plus merged ones so a merge can be undone.
  boost::json::array staff_questions() const;
  // Every question ever asked, for export.
  const std::map<std::string, question>& all() const { return questions_; }

  // Every question, with its voters and vote changes, for an engine state snapshot
  // (question_board_snapshot.cpp), and back: false with `why`, and the board unchanged,
  // when `in` is not what snapshot() writes.
  boost::json::object snapshot() const;
  bool restore(const boost::json::object& in, std::string& why);

  static boost::json::object to_public_json(const question& q);
  static boost::json::object to_staff_json(const question& q);

 private:
  question* find_mutable(const std::string& id);
  outcome validate(std::string_view raw, std::string& text) const;
  // The open or pending question another one with the same key would merge into.
  question* merge_target(const std::string& similarity);
  void publish_visible(const question& q, publisher& out, bool added);
  // Republishes a queued (pending or merged) question to staff; public ones are left alone.
  void publish_visible_to_staff(const question& q, publisher& out);

  bool premoderated_;
  bool open_ = true;
  question_limits limits_;
  std::uint64_t next_id_ = 1;
  std::map<std::string, question> questions_;
  // Question ids by similarity key (in the order of questions_), for merge_target.
  std::map<std::string, std::set<std::string>> by_similarity_;
  std::set<std::string> dirty_votes_;
};

}  // namespace companion::session

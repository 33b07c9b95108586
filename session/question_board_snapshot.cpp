// The Q&A board in an engine state snapshot: every question with what only the engine
// knows of it (the asker, the voters and how often each changed a vote, where a
// rejection restores it to, its merges), whether Q&A is open, the next id and the tallies
// not yet published. The similarity index is rebuilt from the questions.
#include <boost/json/array.hpp>

#include "question_board.hpp"
#include "snapshot_fields.hpp"

namespace companion::session {
namespace {

std::optional<question_status> parse_status(std::string_view text) {
  for (auto s : {question_status::pending, question_status::open, question_status::answered,
                 question_status::rejected, question_status::merged})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

boost::json::object question_snapshot(const question& q) {
  boost::json::array merged_from;
  for (const auto& id : q.merged_from) merged_from.emplace_back(id);
  // One entry per viewer who ever voted here: 2 x their vote changes, plus 1 while their
  // vote counts. Votes are the bulk of a big event's state; each id is written once.
  std::map<std::string_view, std::uint64_t> ballots;
  for (const auto& [viewer, count] : q.vote_changes) ballots[viewer] = 2 * std::uint64_t{count};
  for (const auto& viewer : q.voters) ballots[viewer] += 1;
  boost::json::object ballot_json;
  ballot_json.reserve(ballots.size());
  for (const auto& [viewer, entry] : ballots) ballot_json[viewer] = entry;
  return {{"id", q.id},
          {"text", q.text},
          {"author", q.author ? boost::json::value(*q.author) : boost::json::value(nullptr)},
          {"asker", q.asker},
          {"status", to_string(q.status)},
          {"asked_at", q.asked_at},
          {"answered_at", q.answered_at ? boost::json::value(*q.answered_at) : boost::json::value(nullptr)},
          {"segment", q.segment},
          {"ballots", std::move(ballot_json)},
          {"rejected_from", to_string(q.rejected_from)},
          {"merged_into", q.merged_into},
          {"merge_added_vote", q.merge_added_vote},
          {"merged_from", std::move(merged_from)},
          {"similarity", q.similarity}};
}

bool read_question(const boost::json::object& in, question& q, std::string& why) {
  const boost::json::value* author = nullptr;
  std::string status, rejected_from;
  const boost::json::object* ballots = nullptr;
  if (!read_field(in, "id", q.id, why) || !read_field(in, "text", q.text, why) ||
      !read_field(in, "author", author, why) || !read_field(in, "asker", q.asker, why) ||
      !read_field(in, "status", status, why) || !read_field(in, "asked_at", q.asked_at, why) ||
      !read_field(in, "answered_at", q.answered_at, why) || !read_field(in, "segment", q.segment, why) ||
      !read_field(in, "ballots", ballots, why) || !read_field(in, "rejected_from", rejected_from, why) ||
      !read_field(in, "merged_into", q.merged_into, why) ||
      !read_field(in, "merge_added_vote", q.merge_added_vote, why) ||
      !read_strings(in, "merged_from", q.merged_from, why) ||
      !read_field(in, "similarity", q.similarity, why))
    return false;
  if (author->is_string())
    q.author = std::string(author->get_string());
  else if (!author->is_null())
    return (why = "author: not null or a string", false);
  auto parsed = parse_status(status), from = parse_status(rejected_from);
  if (!parsed || !from) return (why = "status: not a question status", false);
  q.status = *parsed;
  q.rejected_from = *from;
  for (const auto& [viewer, entry] : *ballots) {
    if (!entry.is_int64() || entry.get_int64() < 0 || entry.get_int64() > 0x1ffffffffLL)
      return (why = "ballots: not a count", false);
    const auto n = static_cast<std::uint64_t>(entry.get_int64());
    if (n % 2 == 1) q.voters.emplace(viewer);
    if (n / 2 > 0) q.vote_changes.emplace(std::string(viewer), static_cast<std::uint32_t>(n / 2));
  }
  return true;
}

}  // namespace

boost::json::object question_board::snapshot() const {
  boost::json::array questions, dirty;
  for (const auto& [id, q] : questions_) questions.push_back(question_snapshot(q));
  for (const auto& id : dirty_votes_) dirty.emplace_back(id);
  return {{"open", open_},
          {"next_id", next_id_},
          {"questions", std::move(questions)},
          {"dirty_votes", std::move(dirty)}};
}

bool question_board::restore(const boost::json::object& in, std::string& why) {
  bool open = true;
  std::uint64_t next_id = 1;
  const boost::json::array* questions = nullptr;
  std::vector<std::string> dirty;
  if (!read_field(in, "open", open, why) || !read_field(in, "next_id", next_id, why) ||
      !read_field(in, "questions", questions, why) || !read_strings(in, "dirty_votes", dirty, why))
    return false;
  std::map<std::string, question> restored;
  std::map<std::string, std::set<std::string>> by_similarity;
  for (std::size_t i = 0; i < questions->size(); ++i) {
    const std::string where = "questions[" + std::to_string(i) + "]";
    question q;
    if (!(*questions)[i].is_object()) return (why = "not an object", fail_at(where, why));
    if (!read_question((*questions)[i].get_object(), q, why)) return fail_at(where, why);
    by_similarity[q.similarity].insert(q.id);
    std::string id = q.id;
    if (!restored.emplace(std::move(id), std::move(q)).second)
      return (why = "a second question with this id", fail_at(where, why));
  }
  for (const auto& id : dirty)
    if (!restored.contains(id)) return (why = "dirty_votes: \"" + id + "\" is no question", false);
  open_ = open;
  next_id_ = next_id;
  questions_ = std::move(restored);
  by_similarity_ = std::move(by_similarity);
  dirty_votes_ = std::set<std::string>(dirty.begin(), dirty.end());
  return true;
}

}  // namespace companion::session

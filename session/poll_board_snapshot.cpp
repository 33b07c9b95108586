// The polls in an engine state snapshot: every poll with what only the engine knows of
// it (its voters, when its counts were last published), the polls not yet published,
// how many were made and opened (the next ids and the order of the public list), and
// the polls refused at the cap.
#include <algorithm>
#include <boost/json/array.hpp>

#include "poll_board.hpp"
#include "snapshot_fields.hpp"

namespace companion::session {
namespace {

std::optional<poll_status> parse_status(std::string_view text) {
  for (auto s : {poll_status::draft, poll_status::open, poll_status::closed})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

boost::json::object poll_snapshot(const poll& p) {
  boost::json::array options, voters;
  for (std::size_t i = 0; i < p.definition.options.size(); ++i)
    options.push_back(boost::json::object{
        {"id", p.definition.options[i].id}, {"text", p.definition.options[i].text}, {"votes", p.votes[i]}});
  // Sorted: the same ballots always write the same snapshot.
  std::vector<std::string> sorted(p.voters.begin(), p.voters.end());
  std::sort(sorted.begin(), sorted.end());
  for (auto& viewer : sorted) voters.emplace_back(std::move(viewer));
  auto time = [](const std::optional<millis>& at) {
    return at ? boost::json::value(*at) : boost::json::value();
  };
  return {{"id", p.definition.id},
          {"question", p.definition.question},
          {"multiple", p.definition.multiple},
          {"options", std::move(options)},
          {"status", to_string(p.status)},
          {"total", p.total},
          {"opened_at", time(p.opened_at)},
          {"closed_at", time(p.closed_at)},
          {"opened_order", p.opened_order},
          {"voters", std::move(voters)},
          {"votes_published_at", time(p.votes_published_at)}};
}

bool read_poll(const boost::json::object& in, poll& p, std::string& why) {
  const boost::json::array* options = nullptr;
  std::string status;
  std::vector<std::string> voters;
  if (!read_field(in, "id", p.definition.id, why) ||
      !read_field(in, "question", p.definition.question, why) ||
      !read_field(in, "multiple", p.definition.multiple, why) || !read_field(in, "options", options, why) ||
      !read_field(in, "status", status, why) || !read_field(in, "total", p.total, why) ||
      !read_field(in, "opened_at", p.opened_at, why) || !read_field(in, "closed_at", p.closed_at, why) ||
      !read_field(in, "opened_order", p.opened_order, why) || !read_strings(in, "voters", voters, why) ||
      !read_field(in, "votes_published_at", p.votes_published_at, why))
    return false;
  auto parsed = parse_status(status);
  if (!parsed) return (why = "status: not a poll status", false);
  p.status = *parsed;
  for (std::size_t i = 0; i < options->size(); ++i) {
    const std::string where = "options[" + std::to_string(i) + "]";
    const boost::json::object* option = (*options)[i].if_object();
    poll_option_definition definition;
    std::uint64_t votes = 0;
    if (!option) return (why = "not an object", fail_at(where, why));
    if (!read_field(*option, "id", definition.id, why) ||
        !read_field(*option, "text", definition.text, why) || !read_field(*option, "votes", votes, why))
      return fail_at(where, why);
    p.definition.options.push_back(std::move(definition));
    p.votes.push_back(votes);
  }
  p.voters.insert(voters.begin(), voters.end());
  if (p.voters.size() != p.total) return (why = "voters: not one per ballot", false);
  return true;
}

}  // namespace

boost::json::object poll_board::snapshot() const {
  boost::json::array polls, dirty;
  for (const auto& p : polls_) polls.push_back(poll_snapshot(p));
  for (const auto& id : dirty_) dirty.emplace_back(id);
  return {{"polls", std::move(polls)},
          {"opened", opened_},
          {"created", created_},
          {"dirty_votes", std::move(dirty)},
          {"refused_full", refused_full}};
}

bool poll_board::restore(const boost::json::object& in, std::string& why) {
  const boost::json::array* polls = nullptr;
  std::uint64_t opened = 0, created = 0, refused = 0;
  std::vector<std::string> dirty;
  if (!read_field(in, "polls", polls, why) || !read_field(in, "opened", opened, why) ||
      !read_field(in, "created", created, why) || !read_strings(in, "dirty_votes", dirty, why) ||
      !read_field(in, "refused_full", refused, why))
    return false;
  std::vector<poll> restored;
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < polls->size(); ++i) {
    const std::string where = "polls[" + std::to_string(i) + "]";
    poll p;
    if (!(*polls)[i].is_object()) return (why = "not an object", fail_at(where, why));
    if (!read_poll((*polls)[i].get_object(), p, why)) return fail_at(where, why);
    if (!index.emplace(p.definition.id, restored.size()).second)
      return (why = "a second poll with this id", fail_at(where, why));
    restored.push_back(std::move(p));
  }
  for (const auto& id : dirty)
    if (!index.contains(id)) return (why = "dirty_votes: \"" + id + "\" is no poll", false);
  polls_ = std::move(restored);
  index_ = std::move(index);
  opened_ = opened;
  created_ = created;
  dirty_ = std::set<std::string>(dirty.begin(), dirty.end());
  refused_full = refused;
  return true;
}

}  // namespace companion::session

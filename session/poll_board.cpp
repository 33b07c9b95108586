#include "poll_board.hpp"

#include <algorithm>

namespace companion::session {

std::string_view to_string(poll_status s) {
  switch (s) {
    case poll_status::draft:
      return "draft";
    case poll_status::open:
      return "open";
    case poll_status::closed:
      return "closed";
  }
  return "draft";
}

poll_board::poll_board(const std::vector<poll_definition>& prepared) {
  for (const auto& definition : prepared) add(definition);
}

outcome poll_board::add(poll_definition definition) {
  if (index_.contains(definition.id))
    return outcome::failure(error_code::conflict, "a poll \"" + definition.id + "\" exists");
  poll p;
  p.votes.assign(definition.options.size(), 0);
  p.definition = std::move(definition);
  index_.emplace(p.definition.id, polls_.size());
  polls_.push_back(std::move(p));
  return outcome::success();
}

outcome poll_board::create(poll_definition definition, publisher& out, boost::json::object& ack) {
  if (std::string why = check_poll_texts(definition); !why.empty())
    return outcome::failure(error_code::bad_request, why);
  // Ids follow the order polls were made, skipping the event file's, so a replay gives the same.
  std::string id;
  do id = "poll-" + std::to_string(++created_);
  while (index_.contains(id));
  definition.id = id;
  for (std::size_t i = 0; i < definition.options.size(); ++i)
    definition.options[i].id = std::string(1, static_cast<char>('a' + i));
  add(std::move(definition));
  ack["poll"] = id;
  out.staff(boost::json::object{{"type", "queue.poll"}, {"poll", to_json(polls_.back())}});
  return outcome::success();
}

outcome poll_board::open(const std::string& id, millis now, publisher& out) {
  poll* p = find_mutable(id);
  if (!p) return outcome::failure(error_code::not_found, "no poll \"" + id + "\"");
  if (p->status != poll_status::draft)
    return outcome::failure(error_code::conflict, "the poll is already " + std::string(to_string(p->status)));
  p->status = poll_status::open;
  p->opened_at = now;
  p->opened_order = ++opened_;
  out.change("poll", to_json(*p));
  return outcome::success();
}

outcome poll_board::close(const std::string& id, millis now, publisher& out) {
  poll* p = find_mutable(id);
  if (!p) return outcome::failure(error_code::not_found, "no poll \"" + id + "\"");
  if (p->status != poll_status::open)
    return outcome::failure(error_code::conflict,
                            "the poll is " + std::string(to_string(p->status)) + ", not open");
  p->status = poll_status::closed;
  p->closed_at = now;
  // The closing change carries the final counts: nothing is left to coalesce.
  dirty_.erase(id);
  out.change("poll", to_json(*p));
  return outcome::success();
}

outcome poll_board::vote(const std::string& id, const std::string& viewer,
                         const std::vector<std::string>& options) {
  poll* p = find_mutable(id);
  if (!p || p->status == poll_status::draft)
    return outcome::failure(error_code::not_found, "no open poll \"" + id + "\"");
  if (p->status == poll_status::closed) return outcome::failure(error_code::conflict, "the poll is closed");
  const auto& choices = p->definition.options;
  if (options.empty()) return outcome::failure(error_code::bad_request, "a ballot names at least one option");
  if (!p->definition.multiple && options.size() != 1)
    return outcome::failure(error_code::bad_request, "this poll takes exactly one option");
  std::vector<std::size_t> picked;
  for (const auto& option : options) {
    auto it = std::find_if(choices.begin(), choices.end(), [&](const auto& c) { return c.id == option; });
    if (it == choices.end())
      return outcome::failure(error_code::bad_request, "the poll has no option \"" + option + "\"");
    std::size_t index = static_cast<std::size_t>(it - choices.begin());
    if (std::find(picked.begin(), picked.end(), index) != picked.end())
      return outcome::failure(error_code::bad_request, "the ballot names option \"" + option + "\" twice");
    picked.push_back(index);
  }
  if (!p->voters.insert(viewer).second)
    return outcome::failure(error_code::conflict, "this viewer has voted in this poll");
  for (std::size_t index : picked) ++p->votes[index];
  ++p->total;
  dirty_.insert(id);
  return outcome::success();
}

void poll_board::flush_votes(millis now, millis interval, publisher& out) {
  for (auto it = dirty_.begin(); it != dirty_.end();) {
    poll* p = find_mutable(*it);
    if (p && p->votes_published_at && now - *p->votes_published_at < interval) {
      ++it;
      continue;
    }
    if (p) {
      boost::json::object votes;
      for (std::size_t i = 0; i < p->votes.size(); ++i) votes[p->definition.options[i].id] = p->votes[i];
      out.change(
          "poll.votes",
          boost::json::object{{"poll", p->definition.id}, {"votes", std::move(votes)}, {"total", p->total}});
      p->votes_published_at = now;
    }
    it = dirty_.erase(it);
  }
}

const poll* poll_board::find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &polls_[it->second];
}

poll* poll_board::find_mutable(const std::string& id) {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &polls_[it->second];
}

bool poll_board::is_public(const std::string& id) const {
  const poll* p = find(id);
  return p && p->status != poll_status::draft;
}

boost::json::array poll_board::public_polls() const {
  std::vector<const poll*> visible;
  for (const auto& p : polls_)
    if (p.status != poll_status::draft) visible.push_back(&p);
  std::sort(visible.begin(), visible.end(),
            [](const poll* a, const poll* b) { return a->opened_order > b->opened_order; });
  boost::json::array out;
  for (const poll* p : visible) out.push_back(to_json(*p));
  return out;
}

boost::json::array poll_board::drafts() const {
  boost::json::array out;
  for (const auto& p : polls_)
    if (p.status == poll_status::draft) out.push_back(to_json(p));
  return out;
}

boost::json::object poll_board::to_json(const poll& p) {
  boost::json::array options;
  for (std::size_t i = 0; i < p.definition.options.size(); ++i)
    options.push_back(boost::json::object{
        {"id", p.definition.options[i].id}, {"text", p.definition.options[i].text}, {"votes", p.votes[i]}});
  auto time = [](const std::optional<millis>& at) {
    return at ? boost::json::value(*at) : boost::json::value();
  };
  return {{"id", p.definition.id},          {"question", p.definition.question},
          {"options", std::move(options)},  {"multiple", p.definition.multiple},
          {"status", to_string(p.status)},  {"total", p.total},
          {"opened_at", time(p.opened_at)}, {"closed_at", time(p.closed_at)}};
}

}  // namespace companion::session

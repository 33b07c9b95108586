#include "question_index.hpp"

#include "json_fields.hpp"

namespace companion::session {

bool question_index::most_votes_first::operator()(const ranked& a, const ranked& b) const {
  if (a.order != b.order) return a.order > b.order;
  return a.age < b.age;
}

bool question_index::latest_first::operator()(const ranked& a, const ranked& b) const {
  if (a.order != b.order) return a.order > b.order;
  return b.age < a.age;
}

void question_index::load(const boost::json::array& questions) {
  for (const auto& question : questions)
    if (question.is_object()) put(question.get_object());
}

void question_index::put(const boost::json::object& question) {
  std::string id = string_at(question, "id");
  std::string status = string_at(question, "status");
  if (id.empty()) return;
  remove(id);
  // Only open and answered questions are public; anything else is not listed.
  if (status != "open" && status != "answered") return;
  meta entry{{number_at(question, "asked_at"), id},
             status == "answered",
             number_at(question, "votes"),
             number_at(question, "answered_at")};
  if (entry.answered) {
    answered_.put(entry.age, question);
    answered_by_time_.insert({entry.answered_at, entry.age});
  } else {
    open_.put(entry.age, question);
    open_by_votes_.insert({entry.votes, entry.age});
  }
  meta_.emplace(std::move(id), std::move(entry));
}

void question_index::remove(const std::string& id) {
  auto it = meta_.find(id);
  if (it == meta_.end()) return;
  const meta& entry = it->second;
  if (entry.answered) {
    answered_by_time_.erase({entry.answered_at, entry.age});
    answered_.erase(id);
  } else {
    open_by_votes_.erase({entry.votes, entry.age});
    open_.erase(id);
  }
  meta_.erase(it);
}

void question_index::set_votes(const boost::json::object& tallies) {
  for (const auto& [key, value] : tallies) {
    auto it = meta_.find(std::string(key));
    if (it == meta_.end() || !(value.is_int64() || value.is_uint64())) continue;
    meta& entry = it->second;
    std::int64_t votes = value.is_int64() ? value.get_int64() : static_cast<std::int64_t>(value.get_uint64());
    ordered_items& list = entry.answered ? answered_ : open_;
    if (auto* question = list.find(it->first)) question->as_object()["votes"] = votes;
    if (!entry.answered && votes != entry.votes) {
      open_by_votes_.erase({entry.votes, entry.age});
      open_by_votes_.insert({votes, entry.age});
    }
    entry.votes = votes;
  }
}

boost::json::array question_index::window(std::size_t open, std::size_t answered) const {
  boost::json::array out;
  out.reserve(std::min(open, open_.size()) + std::min(answered, answered_.size()));
  for (auto it = open_by_votes_.begin(); it != open_by_votes_.end() && open > 0; ++it, --open)
    out.push_back(open_.items().at(it->age));
  for (auto it = answered_by_time_.begin(); it != answered_by_time_.end() && answered > 0; ++it, --answered)
    out.push_back(answered_.items().at(it->age));
  return out;
}

const boost::json::value* question_index::find(const std::string& id) const {
  auto it = meta_.find(id);
  if (it == meta_.end()) return nullptr;
  const auto& items = (it->second.answered ? answered_ : open_).items();
  auto item = items.find(it->second.age);
  return item == items.end() ? nullptr : &item->second;
}

page question_index::page_of(bool answered, const std::optional<page_key>& after, std::size_t limit) const {
  return (answered ? answered_ : open_).page_after(after, limit);
}

}  // namespace companion::session

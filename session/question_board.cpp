#include "question_board.hpp"

#include <algorithm>

#include "text_rules.hpp"

namespace companion::session {

std::string_view to_string(question_status s) {
  switch (s) {
    case question_status::pending:
      return "pending";
    case question_status::open:
      return "open";
    case question_status::answered:
      return "answered";
    case question_status::rejected:
      return "rejected";
    case question_status::merged:
      return "merged";
  }
  return "pending";
}

bool question_id_less(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

question_board::question_board(bool premoderated, question_limits limits)
    : premoderated_(premoderated), limits_(limits) {}

outcome question_board::validate(std::string_view raw, std::string& text) const {
  text = trim_text(raw);
  if (text.empty()) return outcome::failure(error_code::bad_request, "the question is empty");
  if (count_code_points(text) > limits_.max_text)
    return outcome::failure(error_code::bad_request,
                            "a question has at most " + std::to_string(limits_.max_text) + " characters");
  if (has_control_characters(text))
    return outcome::failure(error_code::bad_request, "the question contains control characters");
  return outcome::success();
}

question* question_board::merge_target(const std::string& similarity) {
  if (similarity.empty()) return nullptr;
  // The first in id order among the questions with this key, as a scan of every question
  // finds it, without the scan: asking stays O(log n) at the cap.
  auto same = by_similarity_.find(similarity);
  if (same == by_similarity_.end()) return nullptr;
  for (const auto& id : same->second) {
    question* q = find_mutable(id);
    if (q && (q->status == question_status::open || q->status == question_status::pending)) return q;
  }
  return nullptr;
}

void question_board::publish_visible_to_staff(const question& q, publisher& out) {
  if (q.status == question_status::pending || q.status == question_status::merged)
    publish_visible(q, out, false);
}

void question_board::publish_visible(const question& q, publisher& out, bool added) {
  if (q.status == question_status::open || q.status == question_status::answered) {
    out.change(added ? "question.added" : "question.updated", to_public_json(q));
  } else if (q.status == question_status::pending || q.status == question_status::merged) {
    boost::json::object frame;
    frame["type"] = "queue.question";
    frame["question"] = to_staff_json(q);
    out.staff(std::move(frame));
  }
}

outcome question_board::ask(const std::string& viewer, std::string_view raw_text,
                            const std::optional<std::string>& raw_name, const std::string& segment,
                            millis now, publisher& out, boost::json::object& ack) {
  if (!open_) return outcome::failure(error_code::conflict, "Q&A is closed");
  std::string text;
  if (auto checked = validate(raw_text, text); !checked.ok()) return checked;
  std::optional<std::string> name;
  if (raw_name) {
    std::string trimmed = trim_text(*raw_name);
    if (count_code_points(trimmed) > limits_.max_name)
      return outcome::failure(error_code::bad_request,
                              "a name has at most " + std::to_string(limits_.max_name) + " characters");
    if (has_control_characters(trimmed))
      return outcome::failure(error_code::bad_request, "the name contains control characters");
    if (!trimmed.empty()) name = std::move(trimmed);
  }

  question q;
  q.id = "q" + std::to_string(next_id_++);
  q.text = std::move(text);
  q.author = std::move(name);
  q.asker = viewer;
  q.asked_at = now;
  q.segment = segment;
  q.similarity = similarity_key(q.text);

  if (question* target = merge_target(q.similarity)) {
    // Near-identical: the asker's voice goes to the existing question as a vote.
    q.status = question_status::merged;
    q.merged_into = target->id;
    if (!viewer.empty() && target->voters.insert(viewer).second) {
      q.merge_added_vote = true;
      if (target->status == question_status::open) dirty_votes_.insert(target->id);
    }
    target->merged_from.push_back(q.id);
    if (target->status == question_status::pending) {
      // A queued question is private: the asker hears what any new question would get,
      // and learns neither its id nor that it exists.
      ack["question"] = q.id;
      ack["status"] = to_string(question_status::pending);
    } else {
      ack["question"] = target->id;
      ack["status"] = to_string(target->status);
      ack["merged_into"] = target->id;
      ack["asked"] = q.id;
    }
    by_similarity_[q.similarity].insert(q.id);
    auto [it, inserted] = questions_.emplace(q.id, std::move(q));
    publish_visible(it->second, out, true);
    if (target->status == question_status::pending) publish_visible(*target, out, false);
    return outcome::success();
  }

  q.status = premoderated_ ? question_status::pending : question_status::open;
  ack["question"] = q.id;
  ack["status"] = to_string(q.status);
  by_similarity_[q.similarity].insert(q.id);
  auto [it, inserted] = questions_.emplace(q.id, std::move(q));
  publish_visible(it->second, out, true);
  return outcome::success();
}

outcome question_board::vote(const std::string& id, const std::string& viewer, bool up, publisher&) {
  question* q = find_mutable(id);
  if (!q || (q->status != question_status::open && q->status != question_status::answered))
    return outcome::failure(error_code::not_found, "no such question");
  if (q->status != question_status::open)
    return outcome::failure(error_code::conflict, "the question has been answered");
  if (viewer.empty()) return outcome::failure(error_code::forbidden, "voting needs a viewer id");
  if (up) {
    if (!q->voters.insert(viewer).second) return outcome::failure(error_code::conflict, "already voted");
  } else {
    if (q->voters.erase(viewer) == 0) return outcome::failure(error_code::conflict, "no vote to take back");
  }
  ++q->vote_changes[viewer];
  dirty_votes_.insert(id);
  return outcome::success();
}

std::uint32_t question_board::vote_changes(const std::string& id, const std::string& viewer) const {
  const question* q = find(id);
  if (!q) return 0;
  auto it = q->vote_changes.find(viewer);
  return it == q->vote_changes.end() ? 0 : it->second;
}

outcome question_board::approve(const std::string& id, publisher& out) {
  question* q = find_mutable(id);
  if (!q) return outcome::failure(error_code::not_found, "no such question");
  if (q->status != question_status::pending)
    return outcome::failure(error_code::conflict, "the question is " + std::string(to_string(q->status)));
  q->status = question_status::open;
  dirty_votes_.erase(id);
  boost::json::object removed{{"type", "queue.removed"}, {"kind", "question"}, {"id", id}};
  out.staff(std::move(removed));
  publish_visible(*q, out, true);
  return outcome::success();
}

outcome question_board::reject(const std::string& id, publisher& out) {
  question* q = find_mutable(id);
  if (!q) return outcome::failure(error_code::not_found, "no such question");
  switch (q->status) {
    case question_status::pending:
    case question_status::merged: {
      question* target = q->status == question_status::merged ? find_mutable(q->merged_into) : nullptr;
      // A restored merged question comes back on its own: its merge is gone.
      q->rejected_from = question_status::pending;
      q->status = question_status::rejected;
      out.staff(boost::json::object{{"type", "queue.removed"}, {"kind", "question"}, {"id", id}});
      if (target) {
        // Rejecting a merged question leaves the target as it is, votes included;
        // staff still see the target's list of merged questions change.
        std::erase(target->merged_from, id);
        publish_visible_to_staff(*target, out);
      }
      q->merged_into.clear();
      q->merge_added_vote = false;
      return outcome::success();
    }
    case question_status::open:
    case question_status::answered:
      q->rejected_from = q->status;
      q->status = question_status::rejected;
      dirty_votes_.erase(id);
      out.change("question.removed", boost::json::object{{"id", id}});
      return outcome::success();
    case question_status::rejected:
      return outcome::failure(error_code::conflict, "the question is already rejected");
  }
  return outcome::success();
}

outcome question_board::mark_answered(const std::string& id, millis now, publisher& out) {
  question* q = find_mutable(id);
  if (!q) return outcome::failure(error_code::not_found, "no such question");
  if (q->status != question_status::open)
    return outcome::failure(error_code::conflict, "only an open question can be marked answered");
  q->status = question_status::answered;
  q->answered_at = now;
  publish_visible(*q, out, false);
  return outcome::success();
}

outcome question_board::reopen(const std::string& id, publisher& out) {
  question* q = find_mutable(id);
  if (!q) return outcome::failure(error_code::not_found, "no such question");
  if (q->status != question_status::answered)
    return outcome::failure(error_code::conflict, "only an answered question can be reopened");
  q->status = question_status::open;
  q->answered_at.reset();
  publish_visible(*q, out, false);
  return outcome::success();
}

outcome question_board::edit(const std::string& id, std::string_view raw_text, publisher& out) {
  question* q = find_mutable(id);
  if (!q || q->status == question_status::rejected)
    return outcome::failure(error_code::not_found, "no such question");
  std::string text;
  if (auto checked = validate(raw_text, text); !checked.ok()) return checked;
  q->text = std::move(text);
  if (auto old = by_similarity_.find(q->similarity); old != by_similarity_.end()) {
    old->second.erase(q->id);
    if (old->second.empty()) by_similarity_.erase(old);
  }
  q->similarity = similarity_key(q->text);
  by_similarity_[q->similarity].insert(q->id);
  publish_visible(*q, out, false);
  return outcome::success();
}

outcome question_board::unmerge(const std::string& id, publisher& out) {
  question* q = find_mutable(id);
  if (!q) return outcome::failure(error_code::not_found, "no such question");
  if (q->status != question_status::merged)
    return outcome::failure(error_code::conflict, "the question is not merged");
  question* target = find_mutable(q->merged_into);
  if (target) {
    std::erase(target->merged_from, id);
    if (q->merge_added_vote && target->voters.erase(q->asker) > 0 && target->status == question_status::open)
      dirty_votes_.insert(target->id);
  }
  q->merged_into.clear();
  q->merge_added_vote = false;
  // The undone question starts over as if it had been asked alone.
  out.staff(boost::json::object{{"type", "queue.removed"}, {"kind", "question"}, {"id", id}});
  q->status = premoderated_ ? question_status::pending : question_status::open;
  publish_visible(*q, out, true);
  // A queued target lost a merged question and perhaps a vote: staff see it updated.
  if (target) publish_visible_to_staff(*target, out);
  return outcome::success();
}

outcome question_board::restore(const std::string& id, publisher& out) {
  question* q = find_mutable(id);
  if (!q) return outcome::failure(error_code::not_found, "no such question");
  if (q->status != question_status::rejected)
    return outcome::failure(error_code::conflict, "the question is " + std::string(to_string(q->status)) +
                                                      ": only a rejected question can be restored");
  bool was_public =
      q->rejected_from == question_status::open || q->rejected_from == question_status::answered;
  q->status = was_public      ? q->rejected_from
              : premoderated_ ? question_status::pending
                              : question_status::open;
  publish_visible(*q, out, true);
  return outcome::success();
}

outcome question_board::set_open(bool open, publisher& out) {
  if (open_ == open)
    return outcome::failure(error_code::conflict, open ? "Q&A is already open" : "Q&A is already closed");
  open_ = open;
  // The change carries the whole "qa" object of the public state.
  out.change("qa", boost::json::object{{"open", open_}, {"premoderated", premoderated_}});
  return outcome::success();
}

void question_board::flush_votes(publisher& out) {
  if (dirty_votes_.empty()) return;
  boost::json::object tallies;
  for (const auto& id : dirty_votes_)
    if (const question* q = find(id)) tallies[id] = q->voters.size();
  dirty_votes_.clear();
  if (!tallies.empty()) out.change("votes", std::move(tallies));
}

const question* question_board::find(const std::string& id) const {
  auto it = questions_.find(id);
  return it == questions_.end() ? nullptr : &it->second;
}

question* question_board::find_mutable(const std::string& id) {
  auto it = questions_.find(id);
  return it == questions_.end() ? nullptr : &it->second;
}

bool question_board::is_public(const std::string& id) const {
  const question* q = find(id);
  return q && (q->status == question_status::open || q->status == question_status::answered);
}

boost::json::array question_board::public_questions() const {
  std::vector<const question*> visible;
  for (const auto& [id, q] : questions_)
    if (q.status == question_status::open || q.status == question_status::answered) visible.push_back(&q);
  std::stable_sort(visible.begin(), visible.end(), [](const question* a, const question* b) {
    bool a_open = a->status == question_status::open, b_open = b->status == question_status::open;
    if (a_open != b_open) return a_open;
    if (a->voters.size() != b->voters.size()) return a->voters.size() > b->voters.size();
    if (a->asked_at != b->asked_at) return a->asked_at < b->asked_at;
    return question_id_less(a->id, b->id);
  });
  boost::json::array out;
  for (const question* q : visible) out.push_back(to_public_json(*q));
  return out;
}

boost::json::array question_board::staff_questions() const {
  std::vector<const question*> queued;
  for (const auto& [id, q] : questions_)
    if (q.status == question_status::pending || q.status == question_status::merged) queued.push_back(&q);
  std::stable_sort(queued.begin(), queued.end(), [](const question* a, const question* b) {
    if (a->asked_at != b->asked_at) return a->asked_at < b->asked_at;
    return question_id_less(a->id, b->id);
  });
  boost::json::array out;
  for (const question* q : queued) out.push_back(to_staff_json(*q));
  return out;
}

boost::json::object question_board::to_public_json(const question& q) {
  boost::json::object json;
  json["id"] = q.id;
  json["text"] = q.text;
  if (q.author)
    json["author"] = *q.author;
  else
    json["author"] = nullptr;
  json["votes"] = q.voters.size();
  json["status"] = q.status == question_status::answered ? "answered" : "open";
  json["asked_at"] = q.asked_at;
  if (q.answered_at)
    json["answered_at"] = *q.answered_at;
  else
    json["answered_at"] = nullptr;
  if (q.segment.empty())
    json["segment"] = nullptr;
  else
    json["segment"] = q.segment;
  return json;
}

boost::json::object question_board::to_staff_json(const question& q) {
  boost::json::object json = to_public_json(q);
  json["status"] = to_string(q.status);
  if (!q.merged_into.empty()) json["merged_into"] = q.merged_into;
  boost::json::array merged;
  for (const auto& id : q.merged_from) merged.push_back(boost::json::value(id));
  json["merged_from"] = std::move(merged);
  return json;
}

}  // namespace companion::session

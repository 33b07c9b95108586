#include "replica.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "frames.hpp"
#include "json_fields.hpp"
#include "question_board.hpp"

namespace companion::session {
namespace {

boost::json::array& array_at(boost::json::object& state, std::string_view key) {
  auto& value = state[key];
  if (!value.is_array()) value = boost::json::array();
  return value.as_array();
}

std::string id_of(const boost::json::value& value) {
  return value.is_object() ? string_at(value.get_object(), "id") : std::string();
}

// Queued questions are listed by age, as the engine lists them.
page_key question_key(const boost::json::value& question) {
  return {question.is_object() ? number_at(question.get_object(), "asked_at") : 0, id_of(question)};
}

}  // namespace

event_replica::event_replica(std::string event_id, std::string epoch, std::uint64_t seq,
                             boost::json::object state, const boost::json::object& queue_snapshot,
                             replica_limits limits)
    : event_id_(std::move(event_id)),
      epoch_(std::move(epoch)),
      seq_(seq),
      state_(std::move(state)),
      limits_(limits) {
  if (auto it = state_.find("questions"); it != state_.end()) {
    if (it->value().is_array()) questions_.load(it->value().get_array());
    state_.erase(it);
  }
  if (auto it = state_.find("polls"); it != state_.end()) {
    if (it->value().is_array()) polls_ = it->value().get_array();
    state_.erase(it);
  }
  state_.erase("polls_total");
  if (auto it = queue_snapshot.find("polls"); it != queue_snapshot.end() && it->value().is_array())
    draft_polls_ = it->value().get_array();
  if (auto it = queue_snapshot.find("posts"); it != queue_snapshot.end() && it->value().is_array())
    for (const auto& post : it->value().get_array()) queued_posts_.put({++queue_order_, id_of(post)}, post);
  if (auto it = queue_snapshot.find("questions"); it != queue_snapshot.end() && it->value().is_array())
    for (const auto& question : it->value().get_array())
      queued_questions_.put(question_key(question), question);
  if (auto it = queue_snapshot.find("rules"); it != queue_snapshot.end()) rules_ = it->value();
  if (auto it = queue_snapshot.find("authors"); it != queue_snapshot.end()) authors_ = it->value();
}

void event_replica::apply(const message_ptr& message, std::shared_ptr<const std::string> frame) {
  if (message->staff_only) {
    apply_staff(*message);
    queue_valid_ = false;
    return;
  }
  if (message->seq <= seq_) return;
  apply_change(*message);
  seq_ = message->seq;
  snapshot_valid_ = false;
  public_state_valid_ = false;
  auto held_bytes = [](const held_change& held) {
    return held.message->payload.size() + (held.frame ? held.frame->size() : 0);
  };
  ring_.push_back({message, std::move(frame)});
  ring_bytes_ += held_bytes(ring_.back());
  while (!ring_.empty() && (ring_.size() > limits_.ring_changes || ring_bytes_ > limits_.ring_bytes)) {
    ring_bytes_ -= held_bytes(ring_.front());
    ring_.pop_front();
  }
}

void event_replica::hold_earlier(const std::vector<message_ptr>& changes) {
  if (!ring_.empty()) return;
  // Only a run that ends at seq() with no gap: the ring answers for every seq it holds.
  std::size_t first = changes.size();
  while (first > 0 && changes[first - 1]->seq == seq_ - (changes.size() - first)) --first;
  for (std::size_t i = first; i < changes.size(); ++i) {
    ring_.push_back({changes[i], nullptr});
    ring_bytes_ += changes[i]->payload.size();
  }
  while (!ring_.empty() && (ring_.size() > limits_.ring_changes || ring_bytes_ > limits_.ring_bytes)) {
    ring_bytes_ -= ring_.front().message->payload.size();
    ring_.pop_front();
  }
}

void event_replica::apply_change(const published_message& message) {
  const std::string& kind = message.kind;
  const boost::json::value& data = message.data;
  if (kind == "agenda" || kind == "announcement" || kind == "on_screen" || kind == "stats" || kind == "qa" ||
      kind == "stage") {
    state_[kind] = data;
  } else if (kind == "highlight.added") {
    auto& wall = array_at(state_, "highlights");
    std::string id = id_of(data);
    auto same = std::find_if(wall.begin(), wall.end(), [&](const auto& item) { return id_of(item) == id; });
    if (same != wall.end()) {
      *same = data;  // featured: replaced in place
    } else {
      wall.insert(wall.begin(), data);
      while (wall.size() > limits_.wall_size) wall.pop_back();
    }
  } else if (kind == "highlight.removed") {
    auto& list = array_at(state_, "highlights");
    std::string id = id_of(data);
    list.erase(std::remove_if(list.begin(), list.end(), [&](const auto& item) { return id_of(item) == id; }),
               list.end());
  } else if (kind == "question.removed") {
    questions_.remove(id_of(data));
  } else if ((kind == "question.added" || kind == "question.updated") && data.is_object()) {
    questions_.put(data.get_object());
  } else if (kind == "votes" && data.is_object()) {
    questions_.set_votes(data.get_object());
  } else if (kind == "poll") {
    apply_poll(data);
  } else if (kind == "poll.votes" && data.is_object()) {
    apply_poll_votes(data.get_object());
  }
}

// A poll opened (newest first) or closed (in place); an opened draft leaves the queue.
void event_replica::apply_poll(const boost::json::value& poll) {
  std::string id = id_of(poll);
  auto same = std::find_if(polls_.begin(), polls_.end(), [&](const auto& item) { return id_of(item) == id; });
  if (same != polls_.end())
    *same = poll;
  else
    polls_.insert(polls_.begin(), poll);
  auto draft = std::find_if(draft_polls_.begin(), draft_polls_.end(),
                            [&](const auto& item) { return id_of(item) == id; });
  if (draft != draft_polls_.end()) {
    draft_polls_.erase(draft);
    queue_valid_ = false;
  }
}

// {"poll","votes":{"<option id>":n},"total":n}: absolute counts.
void event_replica::apply_poll_votes(const boost::json::object& counts) {
  std::string id = string_at(counts, "poll");
  auto same = std::find_if(polls_.begin(), polls_.end(), [&](const auto& item) { return id_of(item) == id; });
  if (same == polls_.end()) return;
  auto& poll = same->as_object();
  if (const auto* total = counts.if_contains("total")) poll["total"] = *total;
  const auto* votes = counts.if_contains("votes");
  auto* options = poll.if_contains("options");
  if (!votes || !votes->is_object() || !options || !options->is_array()) return;
  for (auto& option : options->as_array())
    if (option.is_object())
      if (const auto* n = votes->get_object().if_contains(id_of(option))) option.as_object()["votes"] = *n;
}

void event_replica::apply_staff(const published_message& message) {
  const auto& frame = message.data.get_object();
  if (message.kind == "queue.post") {
    const auto& post = frame.at("post");
    std::string id = id_of(post);
    // An edited post keeps its place in the queue.
    const page_key* known = queued_posts_.key_of(id);
    queued_posts_.put(known ? *known : page_key{++queue_order_, id}, post);
  } else if (message.kind == "queue.question") {
    const auto& question = frame.at("question");
    queued_questions_.erase(id_of(question));
    queued_questions_.put(question_key(question), question);
  } else if (message.kind == "moderation.rules") {
    rules_ = frame.at("rules");
  } else if (message.kind == "queue.poll") {
    draft_polls_.push_back(frame.at("poll"));
  } else if (message.kind == "queue.authors") {
    authors_ = frame.at("authors");
  } else if (message.kind == "queue.removed") {
    std::string id = std::string(frame.at("id").as_string());
    if (frame.at("kind") == "post")
      queued_posts_.erase(id);
    else
      queued_questions_.erase(id);
  }
}

bool event_replica::changes_since(std::uint64_t after, std::vector<message_ptr>& out) const {
  if (!holds_changes_since(after)) return false;
  for (const auto& held : ring_)
    if (held.message->seq > after) out.push_back(held.message);
  return true;
}

bool event_replica::holds_changes_since(std::uint64_t after) const {
  if (after > seq_) return false;
  if (after == seq_) return true;
  return !ring_.empty() && ring_.front().message->seq <= after + 1;
}

const held_change* event_replica::change_at(std::uint64_t seq) const {
  if (ring_.empty() || seq < ring_.front().message->seq || seq > seq_) return nullptr;
  // Seqs are consecutive, so the index is a subtraction; the search covers any hole.
  std::size_t index = static_cast<std::size_t>(seq - ring_.front().message->seq);
  if (index < ring_.size() && ring_[index].message->seq == seq) return &ring_[index];
  auto it = std::lower_bound(ring_.begin(), ring_.end(), seq,
                             [](const held_change& held, std::uint64_t s) { return held.message->seq < s; });
  return it != ring_.end() && it->message->seq == seq ? &*it : nullptr;
}

const boost::json::object& event_replica::state() {
  if (!public_state_valid_) {
    public_state_ = state_;
    boost::json::array window =
        questions_.window(limits_.snapshot_open_questions, limits_.snapshot_answered_questions);
    // The question on screen comes too, wherever it ranks: the overlay shows it from the state.
    const auto* screen = state_.if_contains("on_screen");
    if (screen && screen->is_object() && screen->get_object().if_contains("kind") &&
        screen->get_object().at("kind") == "question") {
      std::string id = id_of(*screen);
      bool in_window =
          std::any_of(window.begin(), window.end(), [&](const auto& q) { return id_of(q) == id; });
      if (const auto* question = questions_.find(id); question && !in_window) window.push_back(*question);
    }
    public_state_["questions"] = std::move(window);
    public_state_["questions_total"] = questions_.size();
    // The newest polls, and the one on screen wherever it ranks.
    boost::json::array polls;
    for (std::size_t i = 0; i < polls_.size() && i < limits_.snapshot_polls; ++i) polls.push_back(polls_[i]);
    if (screen && screen->is_object() && screen->get_object().if_contains("kind") &&
        screen->get_object().at("kind") == "poll") {
      std::string id = id_of(*screen);
      bool in_window = std::any_of(polls.begin(), polls.end(), [&](const auto& p) { return id_of(p) == id; });
      auto found =
          std::find_if(polls_.begin(), polls_.end(), [&](const auto& item) { return id_of(item) == id; });
      if (!in_window && found != polls_.end()) polls.push_back(*found);
    }
    public_state_["polls"] = std::move(polls);
    public_state_["polls_total"] = polls_.size();
    public_state_valid_ = true;
  }
  return public_state_;
}

const std::string& event_replica::snapshot_payload() {
  if (!snapshot_valid_) {
    snapshot_ = snapshot_frame(seq_, state(), epoch_);
    snapshot_valid_ = true;
  }
  return snapshot_;
}

const std::string& event_replica::queue_snapshot_payload() {
  if (!queue_valid_) {
    page posts = queued_posts_.page_after(std::nullopt, limits_.queue_snapshot_items);
    page questions = queued_questions_.page_after(std::nullopt, limits_.queue_snapshot_items);
    // The cursors let a console page on from the snapshot's last item.
    auto cursor = [](const page& p) {
      return p.next ? boost::json::value(*p.next) : boost::json::value(nullptr);
    };
    boost::json::object frame{{"type", "queue.snapshot"},
                              {"posts", std::move(posts.items)},
                              {"questions", std::move(questions.items)},
                              {"posts_total", queued_posts_.size()},
                              {"questions_total", queued_questions_.size()},
                              {"polls", draft_polls_},
                              {"posts_next", cursor(posts)},
                              {"questions_next", cursor(questions)},
                              {"rules", rules_},
                              {"authors", authors_}};
    queue_snapshot_ = boost::json::serialize(frame);
    queue_valid_ = true;
  }
  return queue_snapshot_;
}

page event_replica::questions_page(bool answered, const std::optional<page_key>& after,
                                   std::size_t limit) const {
  return questions_.page_of(answered, after, limit);
}

page event_replica::queue_page(bool posts, const std::optional<page_key>& after, std::size_t limit) const {
  return (posts ? queued_posts_ : queued_questions_).page_after(after, limit);
}

page event_replica::queue_page(bool posts, const std::optional<page_key>& after, std::size_t limit,
                               const queue_filter& filter, std::size_t max_scan) const {
  if (!filter.any()) return queue_page(posts, after, limit);
  queue_matcher matches(filter);
  return (posts ? queued_posts_ : queued_questions_)
      .page_after(
          after, limit, [&matches](const boost::json::value& item) { return matches(item); }, max_scan);
}

bool event_replica::state_windowed() const {
  return questions_.open_count() > limits_.snapshot_open_questions ||
         questions_.size() - questions_.open_count() > limits_.snapshot_answered_questions;
}

bool event_replica::queue_windowed() const {
  return queued_posts_.size() > limits_.queue_snapshot_items ||
         queued_questions_.size() > limits_.queue_snapshot_items;
}

}  // namespace companion::session

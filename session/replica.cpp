#include "replica.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "frames.hpp"
#include "question_board.hpp"

namespace companion::session {
namespace {

boost::json::array& array_at(boost::json::object& state, std::string_view key) {
  auto& value = state[key];
  if (!value.is_array()) value = boost::json::array();
  return value.as_array();
}

std::string id_of(const boost::json::value& value) {
  if (!value.is_object()) return {};
  auto it = value.get_object().find("id");
  return it != value.get_object().end() && it->value().is_string() ? std::string(it->value().get_string())
                                                                   : std::string();
}

std::int64_t number_at(const boost::json::object& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->value().is_int64()) return it->value().get_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().get_uint64());
  return 0;
}

// By age, then by id for questions asked in the same millisecond (as the engine orders them).
bool asked_earlier(const boost::json::value& a, const boost::json::value& b) {
  auto ta = number_at(a.get_object(), "asked_at"), tb = number_at(b.get_object(), "asked_at");
  if (ta != tb) return ta < tb;
  return question_id_less(id_of(a), id_of(b));
}

// Open questions by votes then age, answered ones below: the order viewers see.
void rank_questions(boost::json::array& questions) {
  std::stable_sort(questions.begin(), questions.end(),
                   [](const boost::json::value& a, const boost::json::value& b) {
                     const auto& qa = a.get_object();
                     const auto& qb = b.get_object();
                     bool a_open = qa.at("status") == "open", b_open = qb.at("status") == "open";
                     if (a_open != b_open) return a_open;
                     auto va = number_at(qa, "votes"), vb = number_at(qb, "votes");
                     if (va != vb) return va > vb;
                     return asked_earlier(a, b);
                   });
}

void load_queue(const boost::json::object& snapshot, std::string_view key, std::uint64_t& order,
                std::map<std::string, std::pair<std::uint64_t, boost::json::value>>& into) {
  auto it = snapshot.find(key);
  if (it == snapshot.end() || !it->value().is_array()) return;
  for (const auto& item : it->value().get_array()) into[id_of(item)] = {++order, item};
}

boost::json::array ordered(const std::map<std::string, std::pair<std::uint64_t, boost::json::value>>& items) {
  std::vector<const std::pair<std::uint64_t, boost::json::value>*> sorted;
  for (const auto& [id, entry] : items) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  boost::json::array out;
  for (const auto* entry : sorted) out.push_back(entry->second);
  return out;
}

// Queued questions as the engine lists them: oldest first.
boost::json::array oldest_first(
    const std::map<std::string, std::pair<std::uint64_t, boost::json::value>>& items) {
  boost::json::array out;
  for (const auto& [id, entry] : items) out.push_back(entry.second);
  std::sort(out.begin(), out.end(), asked_earlier);
  return out;
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
  load_queue(queue_snapshot, "posts", queue_order_, queued_posts_);
  load_queue(queue_snapshot, "questions", queue_order_, queued_questions_);
  if (auto it = queue_snapshot.find("rules"); it != queue_snapshot.end()) rules_ = it->value();
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
  } else if (kind == "highlight.removed" || kind == "question.removed") {
    auto& list = array_at(state_, kind == "highlight.removed" ? "highlights" : "questions");
    std::string id = id_of(data);
    list.erase(std::remove_if(list.begin(), list.end(), [&](const auto& item) { return id_of(item) == id; }),
               list.end());
  } else if (kind == "question.added" || kind == "question.updated") {
    auto& list = array_at(state_, "questions");
    std::string id = id_of(data);
    auto same = std::find_if(list.begin(), list.end(), [&](const auto& item) { return id_of(item) == id; });
    if (same != list.end())
      *same = data;
    else
      list.push_back(data);
  } else if (kind == "votes" && data.is_object()) {
    for (auto& item : array_at(state_, "questions")) {
      auto& question = item.as_object();
      if (auto it = data.get_object().find(id_of(item)); it != data.get_object().end())
        question["votes"] = it->value();
    }
  }
}

void event_replica::apply_staff(const published_message& message) {
  const auto& frame = message.data.get_object();
  if (message.kind == "queue.post") {
    const auto& post = frame.at("post");
    auto& slot = queued_posts_[id_of(post)];
    slot = {slot.first ? slot.first : ++queue_order_, post};
  } else if (message.kind == "queue.question") {
    const auto& question = frame.at("question");
    auto& slot = queued_questions_[id_of(question)];
    slot = {slot.first ? slot.first : ++queue_order_, question};
  } else if (message.kind == "moderation.rules") {
    rules_ = frame.at("rules");
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

const std::string& event_replica::snapshot_payload() {
  if (!snapshot_valid_) {
    rank_questions(array_at(state_, "questions"));
    snapshot_ = snapshot_frame(seq_, state_);
    snapshot_valid_ = true;
  }
  return snapshot_;
}

const std::string& event_replica::queue_snapshot_payload() {
  if (!queue_valid_) {
    boost::json::object frame{{"type", "queue.snapshot"},
                              {"posts", ordered(queued_posts_)},
                              {"questions", oldest_first(queued_questions_)},
                              {"rules", rules_}};
    queue_snapshot_ = boost::json::serialize(frame);
    queue_valid_ = true;
  }
  return queue_snapshot_;
}

}  // namespace companion::session

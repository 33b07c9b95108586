#include "gateway/net/shard.hpp"

#include "gateway/net/ws_connection.hpp"

namespace companion::gateway {

shard::shard(shard_services& owner, unsigned index)
    : owner_(owner), index_(index), sweep_timer_(context_), read_buffer_(64 * 1024), send_timer_(context_) {}

shard::~shard() = default;

void shard::install(std::vector<session::event_replica> replicas) {
  replicas_ = std::move(replicas);
  members_.resize(replicas_.size());
  pending_.resize(replicas_.size());
  joined_counts_ = std::vector<std::atomic<std::uint64_t>>(replicas_.size());
  reaction_totals_ = std::vector<std::atomic<std::uint64_t>>(replicas_.size() * session::max_reactions);
  snapshot_frames_.resize(replicas_.size());
}

void shard::start_timers() {
  sweep_timer_.expires_after(std::chrono::seconds(1));
  sweep_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    sweep();
    if (!shutting_down_ || !all_.empty()) start_timers();
  });
}

void shard::sweep() {
  auto now = steady_clock::now();
  // Connections remove themselves from all_ only when destroyed, which cannot happen
  // inside this loop, so indices stay valid.
  for (std::size_t i = 0; i < all_.size(); ++i) all_[i]->sweep(now);
}

void shard::deliver(std::size_t event, std::shared_ptr<const delivery> batch) {
  pending_[event].push_back(std::move(batch));
  if (send_scheduled_) return;
  send_scheduled_ = true;
  // Idle, a broadcast goes out at once. Busy, broadcasts that arrive within the batch
  // interval of the last send share one write per connection: that is what keeps the
  // cost per delivery low when many arrive each second.
  auto due = last_send_ + owner_.config().fanout_batch_interval;
  if (steady_clock::now() >= due) {
    net::post(context_, [this] { send_pending(); });
    return;
  }
  send_timer_.expires_at(due);
  send_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) send_pending();
  });
}

void shard::reset(std::size_t event, session::event_replica replica) {
  if (send_scheduled_) {
    send_timer_.cancel();
    send_pending();
  }
  replicas_[event] = std::move(replica);
  snapshot_frames_[event] = {};
  const shared_frame snapshot = snapshot_frame(event);
  shared_frame queue;
  auto& list = members_[event];
  for (std::size_t i = 0; i < list.size();) {
    ws_connection* connection = list[i];
    if (connection->is_staff() && !queue) queue = queue_snapshot_frame(event);
    connection->start_over(snapshot, connection->is_staff() ? queue : shared_frame{});
    // A connection closed as too slow leaves the list; its slot now holds another.
    if (i < list.size() && list[i] == connection) ++i;
  }
}

void shard::answer(std::weak_ptr<ws_connection> connection, std::string payload) {
  if (send_scheduled_) {
    pending_answers_.emplace_back(std::move(connection), std::move(payload));
    return;
  }
  if (auto alive = connection.lock()) {
    alive->send_text(payload);
    alive->flush();
  }
}

void shard::send_pending() {
  if (!send_scheduled_) return;
  send_scheduled_ = false;
  last_send_ = steady_clock::now();
  for (std::size_t event = 0; event < pending_.size(); ++event) {
    auto& batches = pending_[event];
    if (batches.empty()) continue;
    session::event_replica& replica = replicas_[event];
    // The ring keeps each change's shared frame: a resuming client is sent the same bytes.
    for (const auto& batch : batches)
      for (std::size_t i = 0; i < batch->messages.size(); ++i)
        replica.apply(batch->messages[i], batch->frames[i]);
    auto& list = members_[event];
    for (std::size_t i = 0; i < list.size();) {
      ws_connection* connection = list[i];
      connection->deliver(batches);
      // A connection closed as too slow leaves the list; its slot now holds another.
      if (i < list.size() && list[i] == connection) ++i;
    }
    batches.clear();
  }
  for (auto& [connection, payload] : pending_answers_) {
    if (auto alive = connection.lock()) {
      alive->send_text(payload);
      alive->flush();
    }
  }
  pending_answers_.clear();
}

const shared_frame& shard::snapshot_frame(std::size_t event) {
  auto& [seq, frame] = snapshot_frames_[event];
  session::event_replica& replica = replicas_[event];
  if (!frame || seq != replica.seq()) {
    frame = frame_text(replica.snapshot_payload());
    seq = replica.seq();
  }
  return frame;
}

shared_frame shard::queue_snapshot_frame(std::size_t event) {
  return frame_text(replicas_[event].queue_snapshot_payload());
}

void shard::adopt(ws_connection* connection) {
  connection->all_slot = all_.size();
  all_.push_back(connection);
}

void shard::forget(ws_connection* connection) {
  std::size_t slot = connection->all_slot;
  if (slot == ws_connection::npos || slot >= all_.size() || all_[slot] != connection) return;
  all_[slot] = all_.back();
  all_[slot]->all_slot = slot;
  all_.pop_back();
  connection->all_slot = ws_connection::npos;
}

void shard::join(ws_connection* connection, std::size_t event) {
  auto& list = members_[event];
  connection->member_slot = list.size();
  list.push_back(connection);
  // stats.viewers counts the audience, not the staff.
  if (!connection->is_staff()) joined_counts_[event].fetch_add(1, std::memory_order_relaxed);
}

void shard::leave(ws_connection* connection) {
  if (!connection->joined()) return;
  auto& list = members_[connection->event()];
  std::size_t slot = connection->member_slot;
  if (slot == ws_connection::npos || slot >= list.size() || list[slot] != connection) return;
  list[slot] = list.back();
  list[slot]->member_slot = slot;
  list.pop_back();
  connection->member_slot = ws_connection::npos;
  if (!connection->is_staff()) joined_counts_[connection->event()].fetch_sub(1, std::memory_order_relaxed);
}

void shard::shut_down() {
  shutting_down_ = true;
  for (std::size_t i = 0; i < all_.size(); ++i) all_[i]->close(1001, "server going away");
}

}  // namespace companion::gateway

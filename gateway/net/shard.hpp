// One I/O thread's world: its io_context, the connections that live on it for
// their whole life, and its own replica of every event's public state. A
// broadcast reaches a shard as one posted pointer; the shard walks its own lists.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "gateway/net/client_message.hpp"
#include "gateway/net/delivery.hpp"
#include "gateway/net/net.hpp"
#include "gateway/net/shard_services.hpp"
#include "session/command.hpp"
#include "session/reactions.hpp"
#include "session/replica.hpp"

namespace companion::gateway {

class ws_connection;

class shard {
 public:
  shard(shard_services& owner, unsigned index);
  ~shard();

  net::io_context& context() { return context_; }
  // The server, seen only through what it offers a shard's connections.
  shard_services& owner() { return owner_; }
  unsigned index() const { return index_; }

  // Before the threads start: one replica per event, in the server's event order.
  void install(std::vector<session::event_replica> replicas);
  void start_timers();

  // --- everything below runs on this shard's thread ---
  // Queues a committed batch; batches that arrive while the shard is busy go out together.
  void deliver(std::size_t event, std::shared_ptr<const delivery> batch);
  // The event has a new epoch (a reset): what was queued of the old one goes out first,
  // then every joined connection gets the new snapshot (staff their queue snapshot too).
  void reset(std::size_t event, session::event_replica replica);
  // Sends a command's answer to a connection after the batches queued before it, so an
  // ack never overtakes its change.
  void answer(std::weak_ptr<ws_connection> connection, std::string payload);
  // Scratch space for one gathered write at a time.
  std::vector<net::const_buffer>& scratch_buffers() { return scratch_buffers_; }
  session::event_replica& replica(std::size_t event) { return replicas_[event]; }
  // The snapshot frame of the event as of its replica's seq, framed once per seq.
  const shared_frame& snapshot_frame(std::size_t event);
  shared_frame queue_snapshot_frame(std::size_t event);
  client_decoder& decoder() { return decoder_; }
  // One read buffer for all connections of this shard: reads are synchronous after readiness.
  char* read_buffer() { return read_buffer_.data(); }
  std::size_t read_buffer_size() const { return read_buffer_.size(); }

  void adopt(ws_connection* connection);
  void forget(ws_connection* connection);
  void join(ws_connection* connection, std::size_t event);
  void leave(ws_connection* connection);
  // Closes every WebSocket with 1001 and stops the sweep.
  void shut_down();
  bool shutting_down() const { return shutting_down_; }

  // Traffic counters, written only by this shard's thread, summed by /metrics.
  struct traffic {
    std::atomic<std::uint64_t> frames_in{0}, bytes_in{0}, frames_out{0}, bytes_out{0};
  };
  void count_in(std::size_t bytes) { bump(traffic_.bytes_in, bytes); }
  void count_frame_in() { bump(traffic_.frames_in, 1); }
  void count_out(std::size_t frames, std::size_t bytes) {
    bump(traffic_.frames_out, frames);
    bump(traffic_.bytes_out, bytes);
  }
  const traffic& counters() const { return traffic_; }

  // Reactions counted on this shard: running totals per event and emoji, written only by
  // this thread and never reset, so the reaction pulse reads them without a lock.
  void count_reaction(std::size_t event, std::size_t emoji) {
    bump(reaction_totals_[event * session::max_reactions + emoji], 1);
  }
  // The totals of `event`'s first `emoji` reactions, into `out`; from any thread.
  void reaction_totals(std::size_t event, std::size_t emoji, std::vector<std::uint64_t>& out) const {
    out.resize(emoji);
    for (std::size_t i = 0; i < emoji; ++i)
      out[i] = reaction_totals_[event * session::max_reactions + i].load(std::memory_order_relaxed);
  }

  // Joined viewer (non-staff) connections per event, readable from any thread (stats).
  std::uint64_t joined_count(std::size_t event) const {
    return event < joined_counts_.size() ? joined_counts_[event].load(std::memory_order_relaxed) : 0;
  }

 private:
  void sweep();
  void send_pending();
  // A single writer: a relaxed load and store, no locked read-modify-write.
  static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  shard_services& owner_;
  unsigned index_;
  net::io_context context_{1};
  net::steady_timer sweep_timer_;
  std::vector<session::event_replica> replicas_;
  std::vector<std::vector<ws_connection*>> members_;  // joined connections per event
  std::vector<ws_connection*> all_;                   // every WebSocket on this shard
  std::vector<std::atomic<std::uint64_t>> joined_counts_;
  std::vector<std::atomic<std::uint64_t>> reaction_totals_;  // event * max_reactions + emoji
  std::vector<std::pair<std::uint64_t, shared_frame>> snapshot_frames_;
  client_decoder decoder_;
  std::vector<char> read_buffer_;
  std::vector<std::vector<std::shared_ptr<const delivery>>> pending_;  // per event, not yet sent
  std::vector<std::pair<std::weak_ptr<ws_connection>, std::string>> pending_answers_;
  bool send_scheduled_ = false;
  net::steady_timer send_timer_;
  steady_clock::time_point last_send_{};
  std::vector<net::const_buffer> scratch_buffers_;
  bool shutting_down_ = false;
  alignas(64) traffic traffic_;
};

}  // namespace companion::gateway

// One WebSocket after the HTTP upgrade. Plain connections wait for readiness and
// then read into the shard's shared buffer, and write every queued frame with one
// gathered write; frames shared with other connections are never copied. TLS
// connections read with async_read_some into their own buffer and copy queued
// frames into one buffer per write, so each write makes few TLS records.
#pragma once

#include <boost/asio/ssl/stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "gateway/net/client_message.hpp"
#include "gateway/net/delivery.hpp"
#include "gateway/net/net.hpp"
#include "gateway/protocol/rate_limiter.hpp"
#include "gateway/protocol/ws_frame_parser.hpp"
#include "session/command.hpp"
#include "session/types.hpp"

namespace companion::gateway {

class shard;

struct client_info {
  std::string address;  // remote IP, for per-address limits and logs
  std::string origin;   // the Origin header of the upgrade request, may be empty
  std::string host;     // the Host header, to recognise the server's own origin
};

class ws_connection : public std::enable_shared_from_this<ws_connection> {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  ws_connection(shard& home, tcp::socket socket, std::string early_bytes, client_info client);
  ws_connection(shard& home, std::unique_ptr<net::ssl::stream<tcp::socket>> tls, std::string early_bytes,
                client_info client);
  ~ws_connection();

  void start();
  // Queues a frame of steady traffic; false if the connection is closing or was just
  // closed as too slow (4008: the queue went past max_queue_bytes or max_queue_frames).
  bool send(const shared_frame& frame);
  // Sends a private reply (ack, error, welcome...).
  void send_text(std::string_view payload);
  // Starts a write of everything queued, unless one is in flight.
  void flush(bool count = true);
  // Sends a committed batch (staff-only frames only to staff), directly when idle.
  void deliver(const std::vector<std::shared_ptr<const delivery>>& batches);
  // The event's history was reset: changes of the old epoch still to catch up on are
  // dropped, and the new epoch's snapshot (and queue snapshot, for staff) follows.
  void start_over(const shared_frame& snapshot, const shared_frame& queue_snapshot);
  // Sends a close frame after what is queued (or instead of it, for 4008) and closes.
  void close(std::uint16_t code, std::string_view reason);
  // Called by the shard about once a second: pings, idle and hello timeouts, close linger.
  void sweep(steady_clock::time_point now);

  bool joined() const { return event_ != npos; }
  bool is_staff() const { return role_ == session::role::moderator || role_ == session::role::producer; }
  std::size_t event() const { return event_; }
  session::role role() const { return role_; }
  const client_info& client() const { return client_; }
  const std::uint64_t id;  // for logs
  // The connection holds one of its address's slots and gives it back when destroyed.
  void hold_address_slot() { address_counted_ = true; }
  // ... and one of its places among connections waiting for hello, until its hello.
  void hold_unauthenticated_slot() { unauthenticated_counted_ = true; }

  // Positions in the shard's lists, kept by the shard.
  std::size_t all_slot = npos;
  std::size_t member_slot = npos;

 private:
  void wait_readable();
  void read_tls();
  void on_tls_read(const boost::system::error_code& ec, std::size_t n);
  void write_tls(bool closes);
  tcp::socket& socket() { return tls_ ? tls_->next_layer() : socket_; }
  void on_readable(const boost::system::error_code& ec);
  void consume(std::string_view input);
  void handle_message(ws_message& message);
  void handle_command(std::string_view text);
  // One per kind of message: the connection's own, and the session's commands.
  void handle(hello& message, const boost::json::value& command_id);
  void handle(ping& message, const boost::json::value& command_id);
  void handle(token_refresh& message, const boost::json::value& command_id);
  void handle(session::command_body& body, boost::json::value& command_id);
  // False (after answering unauthorized) before hello.
  bool check_joined(const boost::json::value& command_id);
  // questions.page and queue.page, answered from this shard's replica.
  void handle_page(const session::command_body& body, const boost::json::value& command_id);
  // react: counted on this shard within the connection's own limit, never journaled.
  void handle_reaction(const session::react& reaction, const boost::json::value& command_id);
  bool check_rate(const boost::json::value& command_id, session::rate_class rate);
  void reply_error(const boost::json::value& id, session::error_code code, std::string_view message);
  void on_write(const boost::system::error_code& ec, std::size_t bytes);
  // Fills out_ with what leaves next: a bounded chunk of catch-up, else the steady queue.
  enum class staged { nothing, catch_up, queue, fell_behind };
  staged stage();
  void close_slow(std::string_view why);
  // False (after closing with 4001) once a staff token has expired or been revoked.
  bool token_still_good();
  void half_close();
  // Counts and logs an I/O error that ends the connection at `step`, unless the
  // connection was already closing (connection_errors.hpp).
  void fail(const boost::system::error_code& ec, std::string_view step);
  void terminate();

  shard& home_;
  tcp::socket socket_;                                  // plain connections
  std::unique_ptr<net::ssl::stream<tcp::socket>> tls_;  // TLS connections (socket_ unused)
  std::vector<char> tls_read_buffer_;
  std::string tls_write_buffer_;
  client_info client_;
  ws_frame_parser parser_;
  ws_message message_;
  std::string early_bytes_;

  // The burst the server causes at join: welcome, snapshot or the range of missed
  // changes (read from the shard's ring as the socket drains, so a resume holds no
  // copies), queue.snapshot. Written before queue_ and never counted against its limits.
  struct catch_up_item {
    shared_frame frame;              // one frame, or when null:
    std::uint64_t from = 0, to = 0;  // the changes with seq in [from, to]
  };
  std::deque<catch_up_item> catch_up_;
  std::vector<shared_frame> queue_;  // steady traffic: broadcasts, replies, pings
  std::vector<shared_frame> out_;    // what the write in progress holds
  std::vector<net::const_buffer> buffers_;
  std::size_t queued_bytes_ = 0;
  std::size_t head_offset_ = 0;  // bytes of queue_.front() already written
  bool writing_ = false;
  bool close_in_flight_ = false;
  bool close_queued_ = false;
  bool closing_ = false;
  bool terminated_ = false;
  bool address_counted_ = false;
  bool unauthenticated_counted_ = false;
  void release_unauthenticated_slot();

  std::size_t event_ = npos;
  session::role role_ = session::role::viewer;
  std::string viewer_;
  std::string subject_;
  std::int64_t token_expires_at_ = 0;
  std::int64_t token_issued_at_ = 0;         // 0 when the token had no `iat`
  std::int64_t token_chain_started_at_ = 0;  // when its refresh chain began

  steady_clock::time_point opened_at_;
  steady_clock::time_point last_read_;
  steady_clock::time_point last_ping_;
  steady_clock::time_point close_started_;
  std::chrono::seconds linger_{2};

  token_bucket commands_;
  token_bucket staff_commands_;
  token_bucket questions_;
  token_bucket votes_;
  token_bucket reactions_;
};

}  // namespace companion::gateway

// The worker's epoll loop: connection setup, frame reading, delivery checks, report.
#include "tests/bench/loadgen/viewer_worker.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "tests/bench/loadgen/announce_text.hpp"
#include "tests/bench/loadgen/command_json.hpp"
#include "tests/bench/loadgen/server_message.hpp"
#include "tests/bench/loadgen/ws_codec.hpp"

namespace loadgen {
namespace {

// One recv may fill this; a carried partial frame is at most max_frame_payload, so a
// whole frame always fits after it.
constexpr std::size_t read_buffer_bytes = 2 * 1024 * 1024;
constexpr std::size_t max_frame_payload = 1024 * 1024;
constexpr std::size_t max_upgrade_response = 16 * 1024;
// Viewers not through hello by then count as failed.
constexpr std::uint64_t setup_timeout_us = 120'000'000;
// After `finishing`: slow viewers read until nothing arrived for this long (or the cap).
constexpr std::uint64_t drain_quiet_us = 300'000;
constexpr std::uint64_t drain_cap_us = 5'000'000;

enum class viewer_state : std::uint8_t {
  idle,
  connecting,
  upgrading,
  await_welcome,
  await_snapshot,
  ready,
  closed
};

struct viewer {
  int fd = -1;
  viewer_state state = viewer_state::idle;
  bool slow = false;
  bool paused = false;      // removed from epoll: a slow viewer that stopped reading
  bool fragmented = false;  // a fragmented text message is being assembled in `message`
  bool want_write = false;  // EPOLLOUT registered
  std::uint16_t close_code = 0;
  std::uint64_t last_seq = 0;         // seq of the last change (or of the snapshot)
  std::uint64_t last_number = 0;      // number of the last stamped announcement
  std::string carry;                  // bytes of a frame not yet complete
  std::string message;                // fragments of a message not yet complete
  std::string out;                    // bytes the socket did not take yet
  std::uint64_t reaction_second = 0;  // second of the window of the last `reactions` frame
  std::uint64_t reactions_in_second = 0;
  std::uint64_t first_reaction_us = 0;  // arrival of the first and the last `reactions` frame
  std::uint64_t last_reaction_us = 0;
};

std::uint64_t cpu_time_us() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto micros = [](const timeval& t) {
    return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(t.tv_usec);
  };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

class viewer_worker {
 public:
  viewer_worker(const options& opts, const worker_plan& plan, run_board& board)
      : opts_(opts),
        plan_(plan),
        board_(board),
        progress_(board.workers[plan.index]),
        viewers_(static_cast<std::size_t>(plan.connections)),
        buffer_(new char[read_buffer_bytes]),
        mask_rng_(static_cast<std::uint32_t>(plan.index * 7919 + 17)) {
    server_.sin_family = AF_INET;
    server_.sin_port = htons(opts.port);
    inet_pton(AF_INET, opts.host.c_str(), &server_.sin_addr);
    upgrade_ = upgrade_request(opts.host + ":" + std::to_string(opts.port));
    append_client_frame(hello_frame_, ws_op::text, hello_command(1, opts.event, ""), mask_rng_());
    // The event's default reactions, framed once each: a reaction storm allocates nothing.
    for (const char* emoji : {"\xF0\x9F\x91\x8F", "\xE2\x9D\xA4\xEF\xB8\x8F", "\xF0\x9F\x98\x82",
                              "\xF0\x9F\x98\xAE", "\xF0\x9F\xA4\x94", "\xF0\x9F\x8E\x89"}) {
      react_frames_.emplace_back();
      append_client_frame(react_frames_.back(), ws_op::text, react_command(emoji), mask_rng_());
    }
    // Spread slow viewers evenly over the range.
    const auto n = static_cast<std::size_t>(plan.connections);
    const auto s = static_cast<std::size_t>(plan.slow_connections);
    for (std::size_t i = 0; i < n; ++i) viewers_[i].slow = ((i + 1) * s / n) > (i * s / n);
    report_.slow = s;
  }

  int run(int report_fd) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) return 2;
    setup_started_us_ = monotonic_us();
    epoll_event events[1024];
    run_phase seen = run_phase::setup;
    std::uint64_t finish_started_us = 0;
    for (;;) {
      const auto phase = static_cast<run_phase>(board_.phase.load(std::memory_order_acquire));
      if (phase != seen) {
        if (phase == run_phase::measuring) begin_window();
        if (phase == run_phase::finishing) {
          end_window();
          resume_slow();
          finish_started_us = monotonic_us();
        }
        seen = phase;
      }
      if (seen == run_phase::setup) start_connects();

      const int n = epoll_wait(epoll_fd_, events, 1024, 5);
      for (int i = 0; i < n; ++i) on_event(viewers_[events[i].data.u64], events[i].events);

      if (seen == run_phase::measuring && opts_.react_rate > 0) send_reactions();
      progress_.deliveries.store(report_.deliveries, std::memory_order_relaxed);
      progress_.last_arrival_us.store(last_delivery_us_, std::memory_order_relaxed);
      if (seen == run_phase::setup) check_setup();
      if (seen == run_phase::finishing) {
        const std::uint64_t now = monotonic_us();
        if (now - std::max(last_rx_us_, finish_started_us) > drain_quiet_us ||
            now - finish_started_us > drain_cap_us) {
          break;
        }
      }
    }
    account_missing();
    report_.latency = latency_;
    return write_all(report_fd, &report_, sizeof(report_)) ? 0 : 3;
  }

 private:
  // --- setup -------------------------------------------------------------------------

  void start_connects() {
    while (next_ < viewers_.size() && in_flight_ < static_cast<std::size_t>(opts_.connect_concurrency)) {
      viewer& v = viewers_[next_];
      // Viewers failed by the setup timeout before their turn stay closed.
      if (v.state != viewer_state::idle) {
        ++next_;
        continue;
      }
      if (start_connect(v, next_)) {
        ++in_flight_;
      } else {
        fail(v);
      }
      ++next_;
    }
  }

  bool start_connect(viewer& v, std::size_t index) {
    v.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (v.fd < 0) return false;
    const int one = 1;
    // Pick the source port at connect time, per 4-tuple, not exclusively at bind time.
    setsockopt(v.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    setsockopt(v.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (v.slow && opts_.mode == run_mode::slow) {
      // A small receive window makes the server see the backlog within seconds.
      setsockopt(v.fd, SOL_SOCKET, SO_RCVBUF, &opts_.slow_rcvbuf, sizeof(opts_.slow_rcvbuf));
    }
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr = plan_.source_ips[index % plan_.source_ips.size()];
    if (bind(v.fd, reinterpret_cast<sockaddr*>(&source), sizeof(source)) != 0) return false;
    if (connect(v.fd, reinterpret_cast<const sockaddr*>(&server_), sizeof(server_)) != 0 &&
        errno != EINPROGRESS) {
      return false;
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT;
    event.data.u64 = index;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, v.fd, &event) != 0) return false;
    v.state = viewer_state::connecting;
    return true;
  }

  void check_setup() {
    if (setup_done_) return;
    const std::uint64_t settled = report_.ready + report_.failed;
    if (settled < viewers_.size() && monotonic_us() - setup_started_us_ > setup_timeout_us) {
      for (viewer& v : viewers_) {
        if (v.state != viewer_state::ready && v.state != viewer_state::closed) fail(v);
      }
    }
    if (report_.ready + report_.failed == viewers_.size()) {
      setup_done_ = true;
      progress_.setup_done.store(1, std::memory_order_release);
    }
  }

  void mark_ready(viewer& v) {
    v.state = viewer_state::ready;
    ++report_.ready;
    --in_flight_;
    progress_.ready.store(report_.ready, std::memory_order_relaxed);
    if (!v.slow || opts_.mode != run_mode::slow) {
      ++healthy_open_;
      progress_.healthy_open.store(healthy_open_, std::memory_order_relaxed);
    }
  }

  void fail(viewer& v) {
    if (v.state == viewer_state::connecting || v.state == viewer_state::upgrading ||
        v.state == viewer_state::await_welcome || v.state == viewer_state::await_snapshot) {
      --in_flight_;
    }
    if (v.fd >= 0) close(v.fd);
    v.fd = -1;
    v.state = viewer_state::closed;
    ++report_.failed;
    progress_.failed.store(report_.failed, std::memory_order_relaxed);
  }

  // --- reactions ---------------------------------------------------------------------

  // Every ready viewer reacts `react_rate` times a second, in turn, on one schedule for
  // the worker: what is due since the window began goes out now.
  void send_reactions() {
    if (viewers_.empty()) return;
    const double elapsed_s = static_cast<double>(monotonic_us() - window_wall_us_) / 1e6;
    const auto due =
        static_cast<std::uint64_t>(elapsed_s * opts_.react_rate * static_cast<double>(report_.ready));
    // Bounded per round, so reading is never starved by sending.
    for (std::size_t tries = 0; report_.reactions_sent < due && tries < 2 * viewers_.size(); ++tries) {
      viewer& v = viewers_[react_cursor_++ % viewers_.size()];
      if (v.state != viewer_state::ready || v.paused) continue;
      send(v, react_frames_[report_.reactions_sent % react_frames_.size()]);
      ++report_.reactions_sent;
    }
  }

  void on_reactions(viewer& v, const server_message& message, std::uint64_t now) {
    ++report_.reaction_frames;
    report_.reaction_counts += message.reaction_count;
    if (v.first_reaction_us == 0) {
      v.first_reaction_us = now;
    } else {
      ++report_.reaction_gaps;
      report_.reaction_span_us += now - v.last_reaction_us;
    }
    v.last_reaction_us = now;
    const std::uint64_t second = now > window_wall_us_ ? (now - window_wall_us_) / 1'000'000 : 0;
    if (second != v.reaction_second) {
      v.reaction_second = second;
      v.reactions_in_second = 0;
    }
    report_.reaction_frames_max_in_a_second =
        std::max(report_.reaction_frames_max_in_a_second, ++v.reactions_in_second);
  }

  // --- events ------------------------------------------------------------------------

  void on_event(viewer& v, std::uint32_t events) {
    if (v.state == viewer_state::connecting) {
      int error = 0;
      socklen_t length = sizeof(error);
      getsockopt(v.fd, SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0 || (events & EPOLLERR) != 0) return fail(v);
      if ((events & EPOLLOUT) == 0) return;
      v.state = viewer_state::upgrading;
      send(v, upgrade_);
      update_interest(v);
      return;
    }
    if (v.state == viewer_state::closed) return;
    if ((events & EPOLLOUT) != 0) flush(v);
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 && v.state != viewer_state::closed) on_readable(v);
  }

  void on_readable(viewer& v) {
    const std::size_t have = v.carry.size();
    std::memcpy(buffer_.get(), v.carry.data(), have);
    const ssize_t n = recv(v.fd, buffer_.get() + have, read_buffer_bytes - have, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return lost(v, 1006);
    }
    if (n == 0) return lost(v, 1006);
    const std::uint64_t now = monotonic_us();
    last_rx_us_ = now;
    report_.bytes += static_cast<std::uint64_t>(n);
    process(v, std::string_view(buffer_.get(), have + static_cast<std::size_t>(n)), now);
  }

  void process(viewer& v, std::string_view data, std::uint64_t now) {
    if (v.state == viewer_state::upgrading) {
      std::size_t header_bytes = 0;
      switch (parse_upgrade_response(data, header_bytes)) {
        case upgrade_status::incomplete:
          if (data.size() > max_upgrade_response) return fail(v);
          v.carry.assign(data);
          return;
        case upgrade_status::refused:
          return fail(v);
        case upgrade_status::accepted:
          data.remove_prefix(header_bytes);
          if (opts_.mode == run_mode::drain) {
            mark_ready(v);
          } else {
            v.state = viewer_state::await_welcome;
            send(v, hello_frame_);
          }
          break;
      }
    }
    server_frame frame;
    while (v.state != viewer_state::closed) {
      const frame_status status = read_server_frame(data, frame, max_frame_payload);
      if (status == frame_status::incomplete) break;
      if (status == frame_status::bad) {
        ++report_.protocol_errors;
        return lost(v, 1002);
      }
      data.remove_prefix(frame.frame_bytes);
      on_frame(v, frame, now);
    }
    if (v.state != viewer_state::closed) v.carry.assign(data);
  }

  void on_frame(viewer& v, const server_frame& frame, std::uint64_t now) {
    ++report_.frames;
    switch (frame.op) {
      case ws_op::text:
        if (frame.fin) return on_message(v, frame.payload, now);
        v.fragmented = true;
        v.message.assign(frame.payload);
        return;
      case ws_op::continuation:
        if (!v.fragmented) {
          ++report_.protocol_errors;
          return lost(v, 1002);
        }
        v.message.append(frame.payload);
        if (frame.fin) {
          v.fragmented = false;
          on_message(v, v.message, now);
        }
        return;
      case ws_op::ping: {
        pong_.clear();
        append_client_frame(pong_, ws_op::pong, frame.payload, mask_rng_());
        return send(v, pong_);
      }
      case ws_op::close: {
        std::uint16_t code = 1005;
        if (frame.payload.size() >= 2) {
          code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(frame.payload[0]) << 8) |
                                            static_cast<std::uint8_t>(frame.payload[1]));
        }
        return lost(v, code);
      }
      case ws_op::binary:
        ++report_.protocol_errors;
        return;
      default:
        return;
    }
  }

  void on_message(viewer& v, std::string_view payload, std::uint64_t now) {
    const server_message message = decoder_.decode(payload);
    if (message.type == message_type::malformed) {
      ++report_.protocol_errors;
      return;
    }
    if (message.type == message_type::error) ++report_.error_frames;
    switch (v.state) {
      case viewer_state::await_welcome:
        if (message.type == message_type::welcome) v.state = viewer_state::await_snapshot;
        if (message.type == message_type::error) fail(v);
        return;
      case viewer_state::await_snapshot:
        if (message.type == message_type::snapshot) {
          v.last_seq = message.seq;
          mark_ready(v);
        }
        return;
      case viewer_state::ready:
        if (message.type == message_type::change) on_change(v, message, now);
        if (message.type == message_type::reactions) on_reactions(v, message, now);
        return;
      default:
        return;
    }
  }

  void on_change(viewer& v, const server_message& change, std::uint64_t now) {
    const bool healthy = !v.slow || opts_.mode != run_mode::slow;
    if (opts_.mode == run_mode::drain) {
      // The trivial sender repeats pre-built frames: decode them fully, check nothing.
      if (decode_announce_text(change.announce_text)) ++report_.deliveries;
      return;
    }
    if (change.seq == v.last_seq + 1) {
      v.last_seq = change.seq;
    } else if (change.seq > v.last_seq) {
      ++report_.seq_gaps;
      v.last_seq = change.seq;
    } else {
      ++report_.seq_backwards;
    }
    const auto stamp = decode_announce_text(change.announce_text);
    if (!stamp) {
      ++report_.other_changes;
      return;
    }
    if (stamp->number == v.last_number + 1) {
      v.last_number = stamp->number;
    } else if (stamp->number > v.last_number) {
      report_.missing += stamp->number - v.last_number - 1;
      v.last_number = stamp->number;
    } else if (stamp->number == v.last_number) {
      ++report_.duplicates;
      return;
    } else {
      ++report_.reordered;
      return;
    }
    if (!healthy) {
      ++report_.slow_deliveries;
      return;
    }
    ++report_.deliveries;
    last_delivery_us_ = now;
    latency_.record(now > stamp->sent_us ? now - stamp->sent_us : 0);
  }

  // --- writing and closing -----------------------------------------------------------

  void send(viewer& v, std::string_view bytes) {
    if (v.out.empty()) {
      const ssize_t n = ::send(v.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n == static_cast<ssize_t>(bytes.size())) return;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return lost(v, 1006);
      bytes.remove_prefix(n > 0 ? static_cast<std::size_t>(n) : 0);
    }
    v.out.append(bytes);
    update_interest(v);
  }

  void flush(viewer& v) {
    if (v.out.empty()) return update_interest(v);
    const ssize_t n = ::send(v.fd, v.out.data(), v.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) lost(v, 1006);
      return;
    }
    v.out.erase(0, static_cast<std::size_t>(n));
    update_interest(v);
  }

  void update_interest(viewer& v) {
    if (v.paused || v.fd < 0) return;
    epoll_event event{};
    event.events = EPOLLIN | (v.out.empty() ? 0u : static_cast<std::uint32_t>(EPOLLOUT));
    event.data.u64 = static_cast<std::uint64_t>(&v - viewers_.data());
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, v.fd, &event);
  }

  // The server closed the connection (or it broke): count it by who and why.
  void lost(viewer& v, std::uint16_t code) {
    if (v.state != viewer_state::ready) return fail(v);
    const bool healthy = !v.slow || opts_.mode != run_mode::slow;
    if (code == 4008) ++report_.closes_4008;
    if (healthy) {
      ++report_.unexpected_closes;
      --healthy_open_;
      progress_.healthy_open.store(healthy_open_, std::memory_order_relaxed);
    } else if (code != 4008) {
      ++report_.slow_other_closes;
    }
    close(v.fd);
    v.fd = -1;
    v.close_code = code;
    v.state = viewer_state::closed;
  }

  // --- phases ------------------------------------------------------------------------

  void begin_window() {
    window_frames_ = report_.frames;
    window_bytes_ = report_.bytes;
    window_cpu_us_ = cpu_time_us();
    window_wall_us_ = monotonic_us();
    if (opts_.mode != run_mode::slow) return;
    for (viewer& v : viewers_) {
      if (!v.slow || v.state != viewer_state::ready) continue;
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, v.fd, nullptr);
      v.paused = true;
    }
  }

  void end_window() {
    report_.window_frames = report_.frames - window_frames_;
    report_.window_bytes = report_.bytes - window_bytes_;
    report_.window_cpu_us = cpu_time_us() - window_cpu_us_;
    report_.window_wall_us = monotonic_us() - window_wall_us_;
  }

  void resume_slow() {
    for (std::size_t i = 0; i < viewers_.size(); ++i) {
      viewer& v = viewers_[i];
      if (!v.paused) continue;
      v.paused = false;
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = i;
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, v.fd, &event);
    }
  }

  // Healthy viewers still open must hold every announcement the producer sent.
  void account_missing() {
    if (opts_.mode == run_mode::drain) return;
    const std::uint64_t sent = board_.announcements_sent.load(std::memory_order_acquire);
    for (const viewer& v : viewers_) {
      const bool healthy = !v.slow || opts_.mode != run_mode::slow;
      const bool was_ready = v.state == viewer_state::ready || v.close_code != 0;
      if (!was_ready || v.last_number >= sent) continue;
      if (healthy) {
        report_.missing += sent - v.last_number;
      } else if (v.close_code == 0) {
        // Neither closed nor complete: the server dropped frames without saying so.
        report_.slow_missing += sent - v.last_number;
      }
    }
  }

  const options& opts_;
  const worker_plan& plan_;
  run_board& board_;
  worker_progress& progress_;
  std::vector<viewer> viewers_;
  std::unique_ptr<char[]> buffer_;
  std::minstd_rand mask_rng_;
  server_message_decoder decoder_;
  latency_histogram latency_;
  worker_report report_;
  sockaddr_in server_{};
  std::string upgrade_;
  std::string hello_frame_;
  std::string pong_;
  std::vector<std::string> react_frames_;
  std::size_t react_cursor_ = 0;
  int epoll_fd_ = -1;
  std::size_t next_ = 0;
  std::size_t in_flight_ = 0;
  std::uint64_t healthy_open_ = 0;
  bool setup_done_ = false;
  std::uint64_t setup_started_us_ = 0;
  std::uint64_t last_rx_us_ = 0;
  std::uint64_t last_delivery_us_ = 0;
  std::uint64_t window_frames_ = 0;
  std::uint64_t window_bytes_ = 0;
  std::uint64_t window_cpu_us_ = 0;
  std::uint64_t window_wall_us_ = 0;
};

}  // namespace

int run_viewer_worker(const options& opts, const worker_plan& plan, run_board& board, int report_fd) {
  auto worker = std::make_unique<viewer_worker>(opts, plan, board);
  return worker->run(report_fd);
}

}  // namespace loadgen

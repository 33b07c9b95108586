// The coordinator's producer connection.
#include "tests/bench/loadgen/producer_link.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "tests/bench/loadgen/announce_text.hpp"
#include "tests/bench/loadgen/command_json.hpp"
#include "tests/bench/loadgen/ws_codec.hpp"

namespace loadgen {
namespace {

constexpr std::size_t max_frame_payload = 4 * 1024 * 1024;

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

producer_link::~producer_link() {
  if (fd_ >= 0) close(fd_);
}

bool producer_link::open(const options& opts, int timeout_ms, std::string& error) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(opts.port);
  inet_pton(AF_INET, opts.host.c_str(), &server.sin_addr);
  if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&server), sizeof(server)) != 0) {
    error = "producer: cannot connect to " + opts.host + ":" + std::to_string(opts.port);
    return false;
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (!send_all(fd_, upgrade_request(opts.host + ":" + std::to_string(opts.port)))) {
    error = "producer: cannot send the upgrade request";
    return false;
  }
  const std::uint64_t deadline = monotonic_us() + static_cast<std::uint64_t>(timeout_ms) * 1000;
  std::size_t header_bytes = 0;
  for (;;) {
    const upgrade_status status = parse_upgrade_response(in_, header_bytes);
    if (status == upgrade_status::accepted) break;
    if (status == upgrade_status::refused) {
      error = "producer: upgrade refused: " + in_.substr(0, in_.find("\r\n"));
      return false;
    }
    if (monotonic_us() > deadline || fd_ < 0) {
      error = "producer: no upgrade answer";
      return false;
    }
    read_some(100);
  }
  in_.erase(0, header_bytes);
  if (!send(hello_command(1, opts.event, opts.token))) {
    error = "producer: cannot send hello";
    return false;
  }
  while (!(got_welcome_ && got_snapshot_)) {
    handle_frames();
    if (fd_ < 0 || errors_ > 0) {
      error = "producer: hello refused (check --token)";
      return false;
    }
    if (got_welcome_ && got_snapshot_) break;
    if (monotonic_us() > deadline || fd_ < 0) {
      error = "producer: no welcome";
      return false;
    }
    read_some(100);
  }
  return true;
}

bool producer_link::send(std::string_view command) {
  if (fd_ < 0) return false;
  out_.clear();
  mask_ = mask_ * 1664525u + 1013904223u;
  append_client_frame(out_, ws_op::text, command, mask_);
  return send_all(fd_, out_);
}

bool producer_link::pump(int timeout_ms) {
  if (fd_ < 0) return false;
  if (!read_some(timeout_ms)) return fd_ >= 0;
  // Take everything already queued without waiting again.
  while (fd_ >= 0 && read_some(0)) {
  }
  handle_frames();
  return fd_ >= 0;
}

bool producer_link::read_some(int timeout_ms) {
  pollfd poll_fd{fd_, POLLIN, 0};
  if (poll(&poll_fd, 1, timeout_ms) <= 0) return false;
  char buffer[65536];
  const ssize_t n = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
    close(fd_);
    fd_ = -1;
    return false;
  }
  in_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

void producer_link::handle_frames() {
  std::string_view data = in_;
  server_frame frame;
  for (;;) {
    const frame_status status = read_server_frame(data, frame, max_frame_payload);
    if (status == frame_status::incomplete) break;
    if (status == frame_status::bad) {
      close(fd_);
      fd_ = -1;
      return;
    }
    data.remove_prefix(frame.frame_bytes);
    if (frame.op == ws_op::ping) {
      std::string pong;
      append_client_frame(pong, ws_op::pong, frame.payload, mask_);
      send_all(fd_, pong);
      continue;
    }
    if (frame.op == ws_op::close) {
      close(fd_);
      fd_ = -1;
      return;
    }
    std::string_view payload;
    if (frame.op == ws_op::text && frame.fin) {
      payload = frame.payload;
    } else if (frame.op == ws_op::text || frame.op == ws_op::continuation) {
      if (frame.op == ws_op::text) message_.clear();
      message_.append(frame.payload);
      if (!frame.fin) continue;
      payload = message_;
    } else {
      continue;
    }
    const server_message message = decoder_.decode(payload);
    switch (message.type) {
      case message_type::welcome:
        got_welcome_ = true;
        break;
      case message_type::snapshot:
        got_snapshot_ = true;
        break;
      case message_type::ack:
        ++acks_;
        break;
      case message_type::error:
        ++errors_;
        ++errors_by_code_[std::string(message.error_code)];
        break;
      default:
        break;
    }
  }
  in_.erase(0, in_.size() - data.size());
}

}  // namespace loadgen

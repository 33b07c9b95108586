// A deliberately trivial WebSocket server used to prove the load generator's receive
// rate: it completes the upgrade on each connection, then writes the same block of
// pre-framed ~300-byte change frames over and over, as fast as each socket takes them.
// Loopback only, bounded in time.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tests/bench/loadgen/announce_text.hpp"
#include "tests/bench/loadgen/ws_codec.hpp"

namespace {

constexpr int frame_bytes = 300;
constexpr int frames_per_block = 256;
constexpr double max_seconds = 600;

struct client {
  int fd = -1;
  bool upgraded = false;
  std::string request;
  std::string answer;      // the 101 response, until written
  std::size_t offset = 0;  // position in the frame block
};

// One change frame of exactly `frame_bytes` bytes on the wire.
std::string change_frame(std::uint64_t seq) {
  std::string frame;
  for (std::size_t text_bytes = 100;; ++text_bytes) {
    const std::string text = loadgen::encode_announce_text({seq, 0}, text_bytes);
    boost::json::object change{{"type", "change"},
                               {"seq", seq},
                               {"epoch", "trivial"},
                               {"kind", "announcement"},
                               {"data", boost::json::object{{"text", text}, {"at", 0}}}};
    frame = loadgen::server_text_frame(boost::json::serialize(change));
    if (frame.size() >= frame_bytes) return frame;
  }
}

std::string accept_value(std::string_view key) {
  std::string input(key);
  input.append("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  unsigned char encoded[64];
  const int length = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<char*>(encoded), static_cast<std::size_t>(length));
}

// The 101 answer for a complete request, or empty when the request is not an upgrade.
std::string upgrade_answer(std::string_view request) {
  constexpr std::string_view header = "Sec-WebSocket-Key:";
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i + header.size() <= request.size(); ++i) {
    if (strncasecmp(request.data() + i, header.data(), header.size()) == 0) {
      at = i + header.size();
      break;
    }
  }
  if (at == std::string_view::npos) return {};
  const std::size_t end = request.find("\r\n", at);
  std::string_view key = request.substr(at, end - at);
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
         "Upgrade\r\nSec-WebSocket-Accept: " +
         accept_value(key) + "\r\n\r\n";
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  double seconds = 60;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const std::string_view value = argv[i + 1];
    if (flag == "--port") std::from_chars(value.data(), value.data() + value.size(), port);
    if (flag == "--duration") std::from_chars(value.data(), value.data() + value.size(), seconds);
  }
  if (seconds <= 0 || seconds > max_seconds) seconds = max_seconds;

  std::string block;
  for (int i = 0; i < frames_per_block; ++i) block.append(change_frame(static_cast<std::uint64_t>(i + 1)));
  // Doubled, so a write starting anywhere in the block can take a long run of it.
  const std::string blocks = block + block;

  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(listener, 4096) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("trivial_sender: listen");
    return 2;
  }
  std::printf("listening on http://127.0.0.1:%d\n", ntohs(address.sin_port));
  std::fflush(stdout);

  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = UINT64_MAX;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &event);

  std::vector<client> clients(65536);
  char scratch[16384];
  const std::uint64_t stop_at = loadgen::monotonic_us() + static_cast<std::uint64_t>(seconds * 1e6);
  std::vector<epoll_event> events(1024);
  while (loadgen::monotonic_us() < stop_at) {
    const int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), 100);
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == UINT64_MAX) {
        for (;;) {
          const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (fd < 0) break;
          if (static_cast<std::size_t>(fd) >= clients.size()) {
            close(fd);
            continue;
          }
          clients[static_cast<std::size_t>(fd)] = client{fd};
          epoll_event added{};
          added.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP;
          added.data.u64 = static_cast<std::uint64_t>(fd);
          epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &added);
        }
        continue;
      }
      client& c = clients[events[i].data.u64];
      if (c.fd < 0) continue;
      bool dead = (events[i].events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) != 0;
      // Read the request before the upgrade; afterwards discard whatever comes.
      for (;;) {
        const ssize_t got = recv(c.fd, scratch, sizeof(scratch), 0);
        if (got > 0) {
          if (!c.upgraded && c.request.size() < 16384)
            c.request.append(scratch, static_cast<std::size_t>(got));
          continue;
        }
        if (got == 0) dead = true;
        break;
      }
      if (!c.upgraded && c.answer.empty() && c.request.find("\r\n\r\n") != std::string::npos) {
        c.answer = upgrade_answer(c.request);
        if (c.answer.empty()) dead = true;
      }
      if (!dead && !c.answer.empty() && !c.upgraded) {
        const ssize_t sent = send(c.fd, c.answer.data(), c.answer.size(), MSG_NOSIGNAL);
        if (sent == static_cast<ssize_t>(c.answer.size())) {
          c.upgraded = true;
        } else if (sent > 0) {
          c.answer.erase(0, static_cast<std::size_t>(sent));
        }
      }
      // Edge-triggered: write until the socket is full; the next EPOLLOUT resumes.
      while (!dead && c.upgraded) {
        const ssize_t sent = send(c.fd, blocks.data() + c.offset, block.size(), MSG_NOSIGNAL);
        if (sent < 0) {
          dead = errno != EAGAIN && errno != EWOULDBLOCK;
          break;
        }
        c.offset = (c.offset + static_cast<std::size_t>(sent)) % block.size();
      }
      if (dead) {
        close(c.fd);
        c.fd = -1;
      }
    }
  }
  return 0;
}

// The producer's connection, held by the coordinator: a plain socket that upgrades,
// says hello with the producer token, sends commands and counts their answers. It also
// receives every broadcast (it is a connection of the event), so it reads whenever it
// waits, to never become a slow consumer itself.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "tests/bench/loadgen/options.hpp"
#include "tests/bench/loadgen/server_message.hpp"

namespace loadgen {

class producer_link {
 public:
  producer_link() = default;
  producer_link(const producer_link&) = delete;
  producer_link& operator=(const producer_link&) = delete;
  ~producer_link();

  // Connects, upgrades and completes hello (welcome and snapshot) within `timeout_ms`.
  bool open(const options& opts, int timeout_ms, std::string& error);

  // Sends one command (a JSON object text) as a masked frame.
  bool send(std::string_view command);

  // Reads and handles whatever arrives within `timeout_ms`; false once the link is dead.
  bool pump(int timeout_ms);

  std::uint64_t acks() const { return acks_; }
  std::uint64_t errors() const { return errors_; }
  // Error frames by code, e.g. {"conflict": 2}.
  const std::map<std::string, std::uint64_t>& errors_by_code() const { return errors_by_code_; }
  bool alive() const { return fd_ >= 0; }

 private:
  bool read_some(int timeout_ms);
  void handle_frames();

  int fd_ = -1;
  std::string in_;
  std::string message_;
  std::string out_;
  server_message_decoder decoder_;
  bool got_welcome_ = false;
  bool got_snapshot_ = false;
  std::uint64_t acks_ = 0;
  std::uint64_t errors_ = 0;
  std::map<std::string, std::uint64_t> errors_by_code_;
  std::uint32_t mask_ = 0x5A3C9E17;
};

}  // namespace loadgen

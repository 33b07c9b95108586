// One blocking connection to Redis (hiredis), for a thread of its own: commands with a
// timeout, and reconnects with backoff after Redis went away, so that while it is down a
// command fails at once instead of waiting for a connect each time. Never used on an
// I/O thread.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gateway/sources/backoff.hpp"
#include "gateway/store/redis_url.hpp"

namespace companion::gateway {

struct reply_free {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using redis_reply = std::unique_ptr<redisReply, reply_free>;

class redis_connection {
 public:
  redis_connection(redis_address address, std::chrono::milliseconds timeout);
  ~redis_connection();
  redis_connection(const redis_connection&) = delete;
  redis_connection& operator=(const redis_connection&) = delete;

  // The reply (which may be a Redis error reply), or null with `error` when Redis could
  // not be reached or did not answer in time; the connection is then dropped and opened
  // again on a later command, no sooner than the backoff allows.
  redis_reply command(const std::vector<std::string>& args, std::string& error);
  // Connected (or connecting) now; false after a failure, until the next command.
  bool connected() const { return context_ != nullptr; }

 private:
  bool connect(std::string& error);
  void drop();

  redis_address address_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
  backoff retry_;
  backoff::clock::time_point next_attempt_{};
  std::string last_error_;
};

// The text of a string, status or error reply; empty for the others.
std::string reply_text(const redisReply* reply);

}  // namespace companion::gateway

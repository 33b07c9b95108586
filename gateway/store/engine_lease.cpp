#include "gateway/store/engine_lease.hpp"

#include <unistd.h>

#include <algorithm>
#include <random>

namespace companion::gateway {
namespace {

// Renews the lease if this process holds it, or takes it again if it lapsed with nobody
// else taking it (Redis restarted without persistence, or a pause shorter than a
// standby's poll); answers 1 when held, else the other holder.
constexpr const char* renew_script = R"lua(
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return holder
)lua";

constexpr const char* release_script = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

}  // namespace

std::string make_lease_token() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device device;
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string random;
  for (int i = 0; i < 8; ++i) random.push_back(digits[device() % 36]);
  return std::string(host[0] ? host : "host") + ":" + std::to_string(::getpid()) + ":" + random;
}

engine_lease::engine_lease(redis_address address, std::chrono::milliseconds timeout, std::string key,
                           std::string token, std::chrono::milliseconds ttl)
    : connection_(std::move(address), timeout), key_(std::move(key)), token_(std::move(token)), ttl_(ttl) {}

engine_lease::~engine_lease() {
  release();
}

std::string engine_lease::holder() const {
  std::lock_guard lock(holder_mutex_);
  return holder_;
}

void engine_lease::set_holder(std::string holder) {
  std::lock_guard lock(holder_mutex_);
  holder_ = std::move(holder);
}

bool engine_lease::acquire(const std::atomic<bool>& cancelled,
                           const std::function<void(const std::string&)>& standby,
                           const std::function<void(const std::string&)>& unreachable) {
  // A standby polls six times per lease time, and at least twice a second (a SET NX costs
  // Redis next to nothing): it takes over within about 1.2 lease times of the holder's last
  // renewal, and within half a second of a holder giving the lease up.
  const auto poll = std::clamp(ttl_ / 6, std::chrono::milliseconds(50), std::chrono::milliseconds(500));
  std::string seen;
  auto last_complaint = std::chrono::steady_clock::time_point{};
  while (!cancelled.load()) {
    std::string error;
    auto reply = connection_.command({"SET", key_, token_, "NX", "PX", std::to_string(ttl_.count())}, error);
    if (reply && reply->type == REDIS_REPLY_STATUS) {
      held_ = true;
      set_holder(token_);
      return true;
    }
    if (reply && reply->type == REDIS_REPLY_NIL) {
      auto holder = connection_.command({"GET", key_}, error);
      std::string name = holder ? reply_text(holder.get()) : std::string();
      if (!name.empty() && name != seen) {
        seen = name;
        set_holder(name);
        standby(name);
      }
    } else {
      if (reply) error = "Redis refused the lease: " + reply_text(reply.get());
      const auto now = std::chrono::steady_clock::now();
      if (now - last_complaint >= std::chrono::seconds(1)) {
        last_complaint = now;
        unreachable(error);
      }
    }
    std::this_thread::sleep_for(poll);
  }
  return false;
}

void engine_lease::keep(std::function<void(const std::string&)> lost) {
  renewer_ = std::thread([this, lost = std::move(lost)]() mutable { renew_loop(std::move(lost)); });
}

void engine_lease::renew_loop(std::function<void(const std::string&)> lost) {
  const auto every = ttl_ / 3;
  for (;;) {
    {
      std::unique_lock lock(stop_mutex_);
      if (stop_wake_.wait_for(lock, every, [this] { return stopping_; })) return;
    }
    std::string error;
    auto reply =
        connection_.command({"EVAL", renew_script, "1", key_, token_, std::to_string(ttl_.count())}, error);
    // Redis unreachable: nobody else can take the lease either; try again next round.
    if (!reply || reply->type == REDIS_REPLY_ERROR) continue;
    if (reply->type == REDIS_REPLY_INTEGER) continue;
    std::string holder = reply_text(reply.get());
    held_ = false;
    set_holder(holder);
    lost(holder);
    return;
  }
}

void engine_lease::release() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_wake_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  if (!held_) return;
  std::string error;
  connection_.command({"EVAL", release_script, "1", key_, token_}, error);
  held_ = false;
}

}  // namespace companion::gateway

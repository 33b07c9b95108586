// The engine lease: of the engines sharing one Redis, the one holding the lease key
// (SET NX PX, renewed every third of its time to live) is active; the others stand by
// and take it when it lapses. The lease alone cannot stop a paused engine from writing
// after it lapsed: the journal's append script checks the holder and the stream IDs
// refuse a taken position, so the history never forks (redis_store.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "gateway/store/redis_connection.hpp"

namespace companion::gateway {

class engine_lease {
 public:
  engine_lease(redis_address address, std::chrono::milliseconds timeout, std::string key, std::string token,
               std::chrono::milliseconds ttl);
  ~engine_lease();
  engine_lease(const engine_lease&) = delete;
  engine_lease& operator=(const engine_lease&) = delete;

  // Blocks until this process holds the lease (true) or `cancelled` turns true (false).
  // `standby` runs each time the holder seen changes while another holds it;
  // `unreachable` each time Redis cannot be reached (with why), at most once a second.
  bool acquire(const std::atomic<bool>& cancelled, const std::function<void(const std::string&)>& standby,
               const std::function<void(const std::string&)>& unreachable);
  // Renews on a thread of its own until release(); `lost` runs there, once, when another
  // process holds the lease.
  void keep(std::function<void(const std::string& holder)> lost);
  // Stops renewing and gives the lease up if still held, so a standby takes over at once.
  void release();

  // For /metrics, any thread: the holder last seen, and whether it is this process.
  std::string holder() const;
  bool held() const { return held_.load(std::memory_order_relaxed); }
  const std::string& token() const { return token_; }

 private:
  void renew_loop(std::function<void(const std::string&)> lost);
  void set_holder(std::string holder);

  redis_connection connection_;
  std::string key_;
  std::string token_;
  std::chrono::milliseconds ttl_;
  std::atomic<bool> held_{false};
  mutable std::mutex holder_mutex_;
  std::string holder_;

  std::mutex stop_mutex_;
  std::condition_variable stop_wake_;
  bool stopping_ = false;
  std::thread renewer_;
};

// A name for this process in the lease: host, pid and a random part (a restarted process
// with the same pid is another holder).
std::string make_lease_token();

}  // namespace companion::gateway

// Counts open connections per client address (IPv6 by /64, see address_key) across all
// shards, so one address cannot take every file descriptor. Touched on connect and
// disconnect only; an address leaves the table with its last connection.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "gateway/protocol/address_key.hpp"

namespace companion::gateway {

class address_limiter {
 public:
  explicit address_limiter(std::size_t max_per_address) : max_(max_per_address) {}
  // False when the address is at its cap (0 means no cap).
  bool try_acquire(const std::string& address) {
    std::string key = address_key(address);
    std::lock_guard lock(mutex_);
    std::size_t& count = counts_[key];
    if (max_ != 0 && count >= max_) {
      if (count == 0) counts_.erase(key);
      return false;
    }
    ++count;
    return true;
  }
  void release(const std::string& address) {
    std::string key = address_key(address);
    std::lock_guard lock(mutex_);
    auto it = counts_.find(key);
    if (it != counts_.end() && --it->second == 0) counts_.erase(it);
  }

 private:
  std::size_t max_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> counts_;
};

// A cap on a server-wide count (HTTP connections in total), shared by every shard.
class total_limiter {
 public:
  explicit total_limiter(std::size_t max) : max_(max) {}
  bool try_acquire() {
    if (count_.fetch_add(1, std::memory_order_relaxed) < max_ || max_ == 0) return true;
    count_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  void release() { count_.fetch_sub(1, std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::uint64_t max_;
  std::atomic<std::uint64_t> count_{0};
};

}  // namespace companion::gateway

// Counts open connections per client address across all shards, so one address
// cannot take every file descriptor. Touched on connect and disconnect only.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace companion::gateway {

class address_limiter {
 public:
  explicit address_limiter(std::size_t max_per_address) : max_(max_per_address) {}
  // False when the address is at its cap (0 means no cap).
  bool try_acquire(const std::string& address) {
    std::lock_guard lock(mutex_);
    std::size_t& count = counts_[address];
    if (max_ != 0 && count >= max_) return false;
    ++count;
    return true;
  }
  void release(const std::string& address) {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(address);
    if (it != counts_.end() && --it->second == 0) counts_.erase(it);
  }

 private:
  std::size_t max_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> counts_;
};

}  // namespace companion::gateway

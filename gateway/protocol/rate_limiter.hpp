// Token buckets for command, question and vote rates: per connection (a member of
// the connection) and per client address (shared, behind a mutex, consulted only
// for questions and votes).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "gateway/protocol/address_key.hpp"

namespace companion::gateway {

class token_bucket {
 public:
  token_bucket() = default;
  token_bucket(double per_second, double burst) : rate_(per_second), burst_(burst), tokens_(burst) {}

  // Takes one token; on refusal sets `retry_after_ms` to when one will be there.
  bool take(std::chrono::steady_clock::time_point now, long& retry_after_ms) {
    refill(now);
    if (tokens_ >= 1.0) {
      tokens_ -= 1.0;
      return true;
    }
    retry_after_ms = rate_ > 0 ? static_cast<long>((1.0 - tokens_) / rate_ * 1000.0) + 1 : 60'000;
    return false;
  }

 private:
  void refill(std::chrono::steady_clock::time_point now) {
    if (last_.time_since_epoch().count() != 0) {
      double seconds = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(burst_, tokens_ + seconds * rate_);
    }
    last_ = now;
  }

  double rate_ = 0;
  double burst_ = 0;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

// One token bucket per client address (IPv6 by /64). The table holds at most
// `max_entries` addresses: past that the one used least recently is forgotten (its next
// request starts with a full bucket), so a flood of fresh addresses never resets the
// buckets of the addresses in use.
class address_buckets {
 public:
  explicit address_buckets(double per_minute, std::size_t max_entries = 100'000)
      : address_buckets(per_minute, std::max(1.0, per_minute / 4), max_entries) {}
  address_buckets(double per_minute, double burst, std::size_t max_entries)
      : per_second_(per_minute / 60.0), burst_(burst), max_entries_(std::max<std::size_t>(1, max_entries)) {}

  bool take(const std::string& address, std::chrono::steady_clock::time_point now, long& retry_after_ms) {
    std::string key = address_key(address);
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
      if (buckets_.size() >= max_entries_) {
        buckets_.erase(recent_.back());
        recent_.pop_back();
        evictions_.fetch_add(1, std::memory_order_relaxed);
      }
      recent_.push_front(key);
      it = buckets_.emplace(std::move(key), entry{token_bucket(per_second_, burst_), recent_.begin()}).first;
    } else {
      recent_.splice(recent_.begin(), recent_, it->second.position);
    }
    return it->second.bucket.take(now, retry_after_ms);
  }

  std::size_t size() {
    std::lock_guard lock(mutex_);
    return buckets_.size();
  }
  // Addresses forgotten to keep the table at max_entries, for /metrics.
  std::uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }

 private:
  struct entry {
    token_bucket bucket;
    std::list<std::string>::iterator position;
  };
  double per_second_;
  double burst_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::list<std::string> recent_;  // most recently used first
  std::unordered_map<std::string, entry> buckets_;
  std::atomic<std::uint64_t> evictions_{0};
};

}  // namespace companion::gateway

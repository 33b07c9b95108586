// Token buckets for command, question and vote rates: per connection (a member of
// the connection) and per client address (shared, behind a mutex, consulted only
// for questions and votes).
#pragma once

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

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

class address_buckets {
 public:
  explicit address_buckets(double per_minute)
      : per_second_(per_minute / 60.0), burst_(std::max(1.0, per_minute / 4)) {}

  bool take(const std::string& address, std::chrono::steady_clock::time_point now, long& retry_after_ms) {
    std::lock_guard lock(mutex_);
    // Forget every address now and then so the map stays small; a fresh bucket is full.
    if (buckets_.size() >= 100'000) buckets_.clear();
    auto [it, inserted] = buckets_.try_emplace(address, per_second_, burst_);
    return it->second.take(now, retry_after_ms);
  }

 private:
  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, token_bucket> buckets_;
};

}  // namespace companion::gateway

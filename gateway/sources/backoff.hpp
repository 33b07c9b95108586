// Full-jitter exponential backoff for sources that reconnect: each wait is drawn
// uniformly from [0, min(cap, base * 2^failures)], so many servers restarting at
// once do not reconnect in lockstep. A connection that stayed up long enough
// counts as healthy and starts the sequence over. Pure: time is passed in.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace companion::gateway {

struct backoff_policy {
  std::chrono::milliseconds base{500};             // first retry soon: most drops are one-off
  std::chrono::milliseconds cap{30'000};           // a down service is still retried twice a minute
  std::chrono::milliseconds stable_after{30'000};  // up this long: the next drop starts from base again
};

class backoff {
 public:
  using clock = std::chrono::steady_clock;

  explicit backoff(backoff_policy policy = {}, std::uint64_t seed = std::random_device{}())
      : policy_(policy), random_(seed) {}

  // The upper bound of the next wait.
  std::chrono::milliseconds ceiling() const {
    // base << failures overflows long before 2^20; the cap is reached well before that.
    auto ceiling = policy_.base * (std::int64_t{1} << std::min(failures_, 20u));
    return std::min(ceiling, policy_.cap);
  }

  // The wait before the next attempt; each call counts one more failure.
  std::chrono::milliseconds next() {
    std::uniform_int_distribution<std::int64_t> draw(0, ceiling().count());
    ++failures_;
    return std::chrono::milliseconds(draw(random_));
  }

  // The connection opened at `at`.
  void connected(clock::time_point at) { connected_at_ = at; }

  // The connection dropped at `at`: if it had stayed up long enough, start over.
  void disconnected(clock::time_point at) {
    if (connected_at_ && at - *connected_at_ >= policy_.stable_after) failures_ = 0;
    connected_at_.reset();
  }

  void reset() { failures_ = 0; }
  unsigned failures() const { return failures_; }

 private:
  backoff_policy policy_;
  std::mt19937_64 random_;
  unsigned failures_ = 0;
  std::optional<clock::time_point> connected_at_;
};

}  // namespace companion::gateway

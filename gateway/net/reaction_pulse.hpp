// The reaction window: every window_ms, reads the running totals each shard keeps
// of the reactions it counted, and for each event in which anything was counted
// builds one `reactions` frame, shared by every connection of that event on every
// shard. Runs on one shard's thread; the shards' counters are never locked or reset.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "gateway/net/delivery.hpp"
#include "gateway/net/net.hpp"
#include "session/reactions.hpp"

namespace companion::gateway {

class shard;

class reaction_pulse {
 public:
  using sender = std::function<void(std::size_t event, std::shared_ptr<const delivery> frame)>;

  reaction_pulse(net::io_context& context, const std::vector<std::unique_ptr<shard>>& shards,
                 std::vector<session::reaction_set> sets, std::chrono::milliseconds window, sender send);

  void start();
  void stop();
  // Windows sent, summed over events; read by /metrics from any thread.
  std::uint64_t windows_sent() const { return windows_sent_.load(std::memory_order_relaxed); }

 private:
  void schedule();
  void collect();

  net::steady_timer timer_;
  const std::vector<std::unique_ptr<shard>>& shards_;
  std::vector<session::reaction_set> sets_;
  std::vector<session::reaction_tally> tallies_;  // per event
  std::chrono::milliseconds window_;
  sender send_;
  steady_clock::time_point next_{};
  std::vector<std::uint64_t> scratch_;
  std::atomic<std::uint64_t> windows_sent_{0};
  bool stopped_ = false;
};

}  // namespace companion::gateway

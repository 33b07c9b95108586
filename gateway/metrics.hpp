// Server-wide counters for /metrics. Plain relaxed atomics: bumped off the hot
// path's critical sections, read only when someone scrapes.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace companion::gateway {

struct server_metrics {
  using counter = std::atomic<std::uint64_t>;
  counter connections_viewer{0};
  counter connections_moderator{0};
  counter connections_producer{0};
  counter connections_unauthenticated{0};
  counter connections_total{0};
  counter slow_consumer_closes{0};
  counter queue_drops{0};
  counter rate_limited{0};
  counter bad_requests{0};
  counter protocol_closes{0};
  counter per_ip_refusals{0};
  counter http_requests{0};
  counter commands{0};
  counter broadcasts{0};

  static void add(counter& c, std::uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
  static void sub(counter& c, std::uint64_t n = 1) { c.fetch_sub(n, std::memory_order_relaxed); }
};

}  // namespace companion::gateway

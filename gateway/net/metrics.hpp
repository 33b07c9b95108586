// Server-wide counters for /metrics. Plain relaxed atomics: bumped off the hot
// path's critical sections, read only when someone scrapes.
#pragma once

#include <array>
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
  counter proxy_header_refusals{0};  // trusted peers' connections closed for a bad PROXY header
  counter http_requests{0};
  counter metrics_refusals{0};
  counter http_refusals_total{0};               // HTTP connections closed at the total cap
  counter http_refusals_address{0};             // ... at the per-address cap
  counter unauthenticated_refusals{0};          // upgrades refused: too many waiting for hello (any address)
  counter unauthenticated_refusals_address{0};  // ... from this address
  counter new_viewer_refusals{0};
  counter export_refusals{0};  // audit exports refused while others are being prepared               //
                               // hellos refused: too many new viewer ids from the address
  counter commands{0};
  counter broadcasts{0};
  counter catch_up_frames{0};        // frames of joins and resumes, exempt from the 4008 limits
  counter resumes_recovered{0};      // resumes served from the ring
  counter resumes_snapshot{0};       // resumes beyond the ring (or of another history): a snapshot
  counter pages{0};                  // questions.page and queue.page answered
  counter pages_scan_limited{0};     // filtered queue.pages that stopped at max_page_scan
  counter windowed_snapshots{0};     // snapshots and queue.snapshots that left items to paging
  counter token_closes_expired{0};   // staff connections closed with 4001 as their token expired
  counter token_closes_revoked{0};   // ... as `companion tokens revoke` cut their token
  counter token_refresh_refused{0};  // token.refresh refused past the chain's lifetime

  // Reactions not counted: over a connection's own limit (acked "counted": false) ...
  counter reactions_dropped_rate{0};
  // ... or naming an emoji the event does not list (bad_request).
  counter reactions_dropped_not_allowed{0};

  // How long queued posts and questions waited for a moderator's decision.
  static constexpr std::array<std::uint64_t, 9> decision_bounds_ms{1000,   5000,   15000,  30000,  60000,
                                                                   120000, 300000, 600000, 1800000};
  std::array<counter, 10> decision_buckets{};
  counter decision_sum_ms{0};

  void observe_decision(std::uint64_t ms) {
    std::size_t bucket = 0;
    while (bucket < decision_bounds_ms.size() && ms > decision_bounds_ms[bucket]) ++bucket;
    add(decision_buckets[bucket]);
    add(decision_sum_ms, ms);
  }

  static void add(counter& c, std::uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
  static void sub(counter& c, std::uint64_t n = 1) { c.fetch_sub(n, std::memory_order_relaxed); }
};

}  // namespace companion::gateway

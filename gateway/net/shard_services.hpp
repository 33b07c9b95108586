// What the server offers the connections of a shard, and nothing more: limits,
// tokens, the event directory, the engines and the HTTP odds and ends. A WebSocket
// or HTTP session holds this, not the server, so it cannot reach the store, the
// listener, another shard's connections or shutdown.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/thread_pool.hpp>

#include "gateway/config.hpp"
#include "gateway/net/metrics.hpp"
#include "gateway/net/net.hpp"
#include "gateway/protocol/address_limiter.hpp"
#include "gateway/protocol/jwt.hpp"
#include "gateway/protocol/rate_limiter.hpp"
#include "session/reactions.hpp"
#include "session/types.hpp"

namespace boost::asio::ssl {
class context;
}

namespace companion::gateway {

class engine_host;
class ingest_host;
class static_site;

class shard_services {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  virtual const server_config& config() const = 0;
  virtual server_metrics& metrics() = 0;

  // --- admission: how many connections, and how fast, per address and in total ---
  virtual address_limiter& connection_limits() = 0;
  virtual address_limiter& http_limits() = 0;
  virtual total_limiter& http_total() = 0;
  virtual address_limiter& unauthenticated_limits() = 0;
  virtual std::atomic<std::uint64_t>& unauthenticated() = 0;
  virtual address_buckets& address_questions() = 0;
  virtual address_buckets& address_votes() = 0;
  virtual address_buckets& address_new_viewers() = 0;
  virtual bool draining() const = 0;

  // --- events and who may act on them ---
  virtual std::size_t event_count() const = 0;
  virtual const std::string& event_id(std::size_t index) const = 0;
  // Index of an event id; the default event for an empty id; npos when unknown.
  virtual std::size_t event_index(std::string_view id) const = 0;
  virtual bool origin_allowed(std::string_view origin, std::string_view host) const = 0;
  // The emoji the event's viewers may react with; fixed once the server runs.
  virtual const session::reaction_set& reactions(std::size_t event) const = 0;
  // Whether a client address may read /metrics (--metrics-allow; anyone when none is set).
  virtual bool metrics_allowed(std::string_view address) const = 0;
  // verify_token with the server's secret and leeway, refusing revoked tokens ("revoked").
  virtual token_verdict check_token(std::string_view token, std::string_view event_id) const = 0;
  // Tokens issued before this (ms since the epoch) are refused; 0 when none are.
  virtual session::millis tokens_not_before() const = 0;

  // --- where commands and posts go ---
  virtual engine_host& engines() = 0;
  virtual ingest_host& ingest() = 0;

  // --- HTTP ---
  virtual const static_site& site() const = 0;
  // The TLS context when --tls-cert/--tls-key are set; null for plain HTTP.
  virtual net::ssl::context* tls() const = 0;
  // The /metrics page: every family of the server, rendered when scraped.
  virtual std::string metrics_page() = 0;
  // The thread that builds exports from the journal, and the places in its queue.
  virtual net::thread_pool& exports() = 0;
  virtual bool try_start_export() = 0;
  virtual void finish_export() = 0;

  virtual ~shard_services() = default;
};

}  // namespace companion::gateway

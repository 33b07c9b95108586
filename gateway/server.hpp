// The whole server: configuration, store, engines, shards, the listener and
// shutdown. Components reach what they share through it; it holds no rules.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include "gateway/config.hpp"
#include "gateway/engine/engine_host.hpp"
#include "gateway/engine/ingest_host.hpp"
#include "gateway/net/metrics.hpp"
#include "gateway/protocol/address_limiter.hpp"
#include "gateway/protocol/client_address.hpp"
#include "gateway/protocol/jwt.hpp"

#include "gateway/net/net.hpp"
#include "gateway/net/reaction_pulse.hpp"
#include "gateway/net/shard.hpp"
#include "gateway/net/shard_services.hpp"
#include "gateway/net/static_site.hpp"
#include "gateway/process/revocation_watch.hpp"
#include "gateway/protocol/rate_limiter.hpp"
#include "gateway/store/engine_lease.hpp"
#include "session/event_definition.hpp"
#include "session/journal_store.hpp"

namespace boost::asio::ssl {
class context;
}

namespace companion::gateway {

class server final : public shard_services {
 public:
  explicit server(server_config config);
  ~server() override;

  // Loads events, opens the store, replays journals, sets up ingest, binds the listener.
  bool prepare(std::vector<session::event_definition> events, const source_overrides& sources,
               std::string& error);
  // Runs until SIGTERM/SIGINT; returns the exit code.
  int run();
  // Stops as on SIGTERM; thread-safe.
  void request_shutdown() {
    net::post(shards_[0]->context(), [this] { begin_shutdown(); });
  }
  // The bound endpoint (after prepare).
  tcp::endpoint local_endpoint() const { return bound_; }

  const server_config& config() const override { return config_; }
  server_metrics& metrics() override { return metrics_; }
  engine_host& engines() override { return *engines_; }
  ingest_host& ingest() override { return *ingest_; }
  session::journal_store& store() { return *store_; }
  // The engine lease this process holds (--role engine), for /metrics; null otherwise.
  void set_lease(const engine_lease* lease) { lease_ = lease; }
  const engine_lease* lease() const { return lease_; }
  address_limiter& connection_limits() override { return addresses_; }
  address_buckets& address_questions() override { return address_questions_; }
  address_buckets& address_votes() override { return address_votes_; }
  address_buckets& address_new_viewers() override { return address_new_viewers_; }
  // The thread that builds exports from the journal, and the places in its queue.
  net::thread_pool& exports() override { return exports_; }
  bool try_start_export() override { return exports_pending_.try_acquire(); }
  void finish_export() override { exports_pending_.release(); }
  // HTTP connections per address and in total; WebSockets waiting for hello per address.
  address_limiter& http_limits() override { return http_addresses_; }
  total_limiter& http_total() override { return http_total_; }
  address_limiter& unauthenticated_limits() override { return unauthenticated_addresses_; }
  const static_site& site() const override { return *site_; }
  // The TLS context when --tls-cert/--tls-key are set; null for plain HTTP.
  net::ssl::context* tls() const override { return tls_.get(); }
  std::vector<std::unique_ptr<shard>>& shards() { return shards_; }

  std::size_t event_count() const override { return event_ids_.size(); }
  const std::string& event_id(std::size_t index) const override { return event_ids_[index]; }
  // Index of an event id; the default event for an empty id; npos when unknown.
  std::size_t event_index(std::string_view id) const override;
  bool origin_allowed(std::string_view origin, std::string_view host) const override;
  // Whether a client address may read /metrics (--metrics-allow; anyone when none is set).
  bool metrics_allowed(std::string_view address) const override;
  const session::reaction_set& reactions(std::size_t event) const override { return reaction_sets_[event]; }
  // Reaction windows sent (one frame per event and window with anything counted).
  std::uint64_t reaction_windows() const { return reactions_ ? reactions_->windows_sent() : 0; }
  bool draining() const override { return draining_.load(std::memory_order_relaxed); }
  std::atomic<std::uint64_t>& unauthenticated() override { return unauthenticated_; }
  // verify_token with the server's secret and leeway, refusing revoked tokens ("revoked").
  token_verdict check_token(std::string_view token, std::string_view event_id) const override;
  // Tokens issued before this (ms since the epoch) are refused; 0 when none are.
  session::millis tokens_not_before() const override { return revocations_ ? revocations_->not_before() : 0; }
  std::string metrics_page() override;

  // Sends a committed batch to every shard; thread-safe.
  void broadcast(std::size_t event, std::shared_ptr<const delivery> batch);

 private:
  bool load_tls(std::string& error);
  void accept_next();
  void begin_shutdown();
  void await_drain();

  server_config config_;
  server_metrics metrics_;
  std::unique_ptr<session::journal_store> store_;
  const engine_lease* lease_ = nullptr;
  std::unique_ptr<engine_host> engines_;
  std::unique_ptr<ingest_host> ingest_;
  std::unique_ptr<static_site> site_;
  std::unique_ptr<net::ssl::context> tls_;
  std::unique_ptr<revocation_watch> revocations_;
  std::vector<std::unique_ptr<shard>> shards_;
  std::vector<std::string> event_ids_;
  std::vector<session::reaction_set> reaction_sets_;
  std::unique_ptr<reaction_pulse> reactions_;
  std::vector<ip_range> metrics_allow_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  tcp::endpoint bound_;
  std::size_t next_shard_ = 0;
  address_limiter addresses_;
  address_buckets address_questions_;
  address_buckets address_votes_;
  address_buckets address_new_viewers_;
  address_limiter http_addresses_;
  total_limiter http_total_;
  address_limiter unauthenticated_addresses_;
  // Exports replay a whole journal: a few at a time is plenty for a handful of staff.
  total_limiter exports_pending_{config_.max_pending_exports};
  net::thread_pool exports_{1};
  std::atomic<bool> draining_{false};
  std::atomic<std::uint64_t> unauthenticated_{0};
  std::unique_ptr<net::signal_set> signals_;  // SIGINT and SIGTERM drain, from the end of prepare()
  std::unique_ptr<net::steady_timer> shutdown_timer_;
  steady_clock::time_point shutdown_deadline_;
};

}  // namespace companion::gateway

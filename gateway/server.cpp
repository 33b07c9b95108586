#include "gateway/server.hpp"

#include <openssl/ssl.h>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <iostream>

#include "gateway/net/http_api.hpp"
#include "gateway/net/http_session.hpp"
#include "gateway/process/clock.hpp"
#include "gateway/process/log.hpp"
#include "gateway/protocol/client_address.hpp"
#include "gateway/store/open_store.hpp"

namespace companion::gateway {

server::server(server_config config)
    : config_(std::move(config)),
      addresses_(config_.max_connections_per_ip),
      address_questions_(config_.ip_questions_per_minute, std::max(1.0, config_.ip_questions_per_minute / 4),
                         config_.max_address_entries),
      address_votes_(config_.ip_votes_per_minute, std::max(1.0, config_.ip_votes_per_minute / 4),
                     config_.max_address_entries),
      address_new_viewers_(config_.ip_new_viewers_per_minute, config_.ip_new_viewers_burst,
                           config_.max_address_entries),
      http_addresses_(config_.max_http_connections_per_ip),
      http_total_(config_.max_http_connections),
      unauthenticated_addresses_(config_.max_unauthenticated_per_ip) {}

server::~server() {
  // An export in progress reads the journal: it ends before the store does.
  exports_.stop();
  exports_.join();
  if (revocations_) revocations_->stop();
  if (ingest_) ingest_->stop();
  if (engines_) engines_->stop();
  if (store_) store_->stop();
}

std::string server::metrics_page() {
  return render_metrics(*this);
}

std::size_t server::event_index(std::string_view id) const {
  if (id.empty()) return event_ids_.empty() ? npos : 0;
  for (std::size_t i = 0; i < event_ids_.size(); ++i)
    if (event_ids_[i] == id) return i;
  return npos;
}

token_verdict server::check_token(std::string_view token, std::string_view event_id) const {
  token_verdict verdict =
      verify_token(token, config_.secret, event_id, wall_clock_ms(), config_.token_leeway_ms);
  if (verdict.ok && issued_before(verdict.claims, tokens_not_before())) {
    verdict.ok = false;
    verdict.why = "revoked";
  }
  return verdict;
}

bool server::origin_allowed(std::string_view origin, std::string_view host) const {
  // Browsers always send Origin; tools and bots that send none are not a CSWSH vector.
  if (origin.empty()) return true;
  if (!config_.allowed_origins.empty()) {
    for (const auto& allowed : config_.allowed_origins)
      if (allowed == "*" || allowed == origin) return true;
    return false;
  }
  return origin == "http://" + std::string(host) || origin == "https://" + std::string(host);
}

bool server::metrics_allowed(std::string_view address) const {
  if (metrics_allow_.empty()) return true;
  auto parsed = parse_ip(address);
  if (!parsed) return false;
  for (const auto& range : metrics_allow_)
    if (range.contains(*parsed)) return true;
  return false;
}

bool server::prepare(std::vector<session::event_definition> events, const source_overrides& sources,
                     std::string& error) {
  for (const auto& text : config_.metrics_allow) {
    auto range = parse_cidr(text);
    if (!range) {
      error = "--metrics-allow: not an address or CIDR block: " + text;
      return false;
    }
    metrics_allow_.push_back(*range);
  }
  const stream_sources streams = stream_sources_of(events);
  set_content_security_policy(
      content_security_policy_for(config_.allowed_origins, {}, streams),
      config_.embed_origins.empty()
          ? std::string()
          : content_security_policy_for(config_.allowed_origins, config_.embed_origins, streams));
  for (const auto& event : events) {
    event_ids_.push_back(event.id);
    reaction_sets_.emplace_back(event.reactions);
  }
  auto definitions = events;
  if (!config_.tls_cert.empty() && !load_tls(error)) return false;
  site_ = std::make_unique<static_site>();
  if (!site_->load(config_.web_root, error)) return false;
  revocations_ = std::make_unique<revocation_watch>(config_.data_dir, config_.revocation_poll);
  revocations_->load();
  store_ = open_store(config_, error);
  if (!store_) return false;
  engines_ = std::make_unique<engine_host>(*this, *store_);
  if (!engines_->load(std::move(events), error)) return false;
  // Ingest starts from the rules in force (moderators may have changed the file's) and
  // skips the posts the walls already hold.
  for (std::size_t event = 0; event < definitions.size(); ++event)
    definitions[event].moderation = engines_->moderation_rules(event);
  ingest_ = std::make_unique<ingest_host>(*this);
  if (!ingest_->configure(definitions, config_.event_files, sources, error)) return false;
  for (std::size_t event = 0; event < event_ids_.size(); ++event) {
    ingest_->remember(event, engines_->known_posts(event));
    ingest_->set_authors(event, engines_->authors(event));
  }

  unsigned threads =
      config_.io_threads ? config_.io_threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) {
    auto s = std::make_unique<shard>(*this, i);
    std::vector<session::event_replica> replicas;
    for (std::size_t event = 0; event < event_ids_.size(); ++event)
      replicas.push_back(engines_->make_replica(event));
    s->install(std::move(replicas));
    shards_.push_back(std::move(s));
  }

  boost::system::error_code ec;
  auto address = net::ip::make_address(config_.listen_address, ec);
  if (ec) {
    error = "bad listen address " + config_.listen_address;
    return false;
  }
  acceptor_ = std::make_unique<tcp::acceptor>(shards_[0]->context());
  tcp::endpoint endpoint(address, config_.listen_port);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + config_.listen_address + ":" + std::to_string(config_.listen_port) + ": " +
            ec.message();
    return false;
  }
  bound_ = acceptor_->local_endpoint();
  reactions_ = std::make_unique<reaction_pulse>(
      shards_[0]->context(), shards_, reaction_sets_, config_.reaction_window,
      [this](std::size_t event, std::shared_ptr<const delivery> frame) {
        broadcast(event, std::move(frame));
      });
  // Before anyone is told the server listens: a SIGTERM from then on is a clean drain,
  // queued until run() starts the shards if it comes first, never the default exit.
  signals_ = std::make_unique<net::signal_set>(shards_[0]->context(), SIGINT, SIGTERM);
  signals_->async_wait([this](const boost::system::error_code& signal_ec, int signal) {
    if (signal_ec) return;
    log_event("shutdown", {{"signal", std::to_string(signal)}});
    begin_shutdown();
  });
  return true;
}

bool server::load_tls(std::string& error) {
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  // TLS 1.2 and later only; older versions have known downgrade and padding attacks.
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  context->use_certificate_chain_file(config_.tls_cert.string(), ec);
  if (ec) {
    error = "cannot load the TLS certificate " + config_.tls_cert.string() + ": " + ec.message();
    return false;
  }
  context->use_private_key_file(config_.tls_key.string(), net::ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(context->native_handle()) != 1) {
    error = "cannot load the TLS key " + config_.tls_key.string() +
            " (or it does not match the certificate)" + (ec ? ": " + ec.message() : "");
    return false;
  }
  tls_ = std::move(context);
  return true;
}

void server::accept_next() {
  std::size_t index = next_shard_++ % shards_.size();
  shard& target = *shards_[index];
  acceptor_->async_accept(target.context(), [this, &target](const boost::system::error_code& ec,
                                                            tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_->is_open()) return;
    if (ec) {
      // Out of descriptors: pause briefly instead of spinning on the error.
      log_event("accept_failed", {{"why", ec.message()}});
      auto timer = std::make_shared<net::steady_timer>(shards_[0]->context(), std::chrono::milliseconds(100));
      timer->async_wait([this, timer](const boost::system::error_code&) { accept_next(); });
      return;
    }
    boost::system::error_code endpoint_ec;
    auto remote = socket.remote_endpoint(endpoint_ec);
    // Canonical text (IPv4-mapped IPv6 as IPv4): one client, one key in the address tables.
    std::string address =
        endpoint_ec ? std::string("unknown") : canonical_address(remote.address().to_string());
    net::post(target.context(),
              [&target, socket = std::move(socket), address = std::move(address)]() mutable {
                std::make_shared<http_session>(target, std::move(socket), std::move(address))->start();
              });
    accept_next();
  });
}

void server::broadcast(std::size_t event, std::shared_ptr<const delivery> batch) {
  metrics_.add(metrics_.broadcasts);
  for (auto& s : shards_)
    net::post(s->context(), [target = s.get(), event, batch] { target->deliver(event, batch); });
}

int server::run() {
  engines_->start();
  ingest_->start();
  revocations_->start();
  for (auto& s : shards_) s->start_timers();
  reactions_->start();
  accept_next();
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < shards_.size(); ++i)
    threads.emplace_back([context = &shards_[i]->context()] { context->run(); });
  shards_[0]->context().run();
  for (auto& thread : threads) thread.join();
  log_event("stopped", {});
  return 0;
}

void server::begin_shutdown() {
  if (draining_.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor_->close(ignored);
  reactions_->stop();
  for (auto& s : shards_) net::post(s->context(), [target = s.get()] { target->shut_down(); });
  // Wait (bounded) for the close handshakes, then stop engines, flush the store, stop the shards.
  shutdown_deadline_ = steady_clock::now() + std::chrono::milliseconds(2500);
  shutdown_timer_ = std::make_unique<net::steady_timer>(shards_[0]->context());
  await_drain();
}

void server::await_drain() {
  bool settled = metrics_.connections_total.load() == 0 || steady_clock::now() >= shutdown_deadline_;
  if (!settled) {
    shutdown_timer_->expires_after(std::chrono::milliseconds(50));
    shutdown_timer_->async_wait([this](const boost::system::error_code& ec) {
      if (!ec) await_drain();
    });
    return;
  }
  revocations_->stop();
  ingest_->stop();
  engines_->stop();
  store_->stop();
  for (auto& s : shards_) s->context().stop();
}

}  // namespace companion::gateway

// Turns Bluesky DIDs into handles in the background, through the public profile API
// (app.bsky.actor.getProfile), for authors whose identity frame the stream has not
// carried. Requests go one at a time on the ingest thread's io_context and never hold
// up ingest: until an answer comes, posts show the DID. Without a network it fails
// quietly and backs off.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "gateway/net/net.hpp"
#include "gateway/sources/backoff.hpp"
#include "gateway/sources/http_fetch.hpp"
#include "gateway/sources/ws_client.hpp"
#include "hashtag-tracker/bounded_set.hpp"

namespace companion::gateway {

struct did_resolver_options {
  // The endpoint; "?actor=<did>" is added. Configurable so that tests can use a local fake.
  std::string url = "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile";
  std::size_t max_pending = 1000;          // DIDs waiting; more are left unresolved (shown as DIDs)
  std::size_t max_settled = 10'000;        // DIDs answered without a handle, not asked again
  unsigned max_attempts = 4;               // per DID, then it stays a DID until it posts again
  std::chrono::seconds timeout{10};        // one whole request: connect, TLS, answer
  std::size_t max_body_bytes = 64 * 1024;  // a profile is a few hundred bytes
  backoff_policy retry;                    // after a failed request, before the next one
};

class did_resolver {
 public:
  using resolved_handler = std::function<void(const std::string& did, const std::string& handle)>;

  // `on_resolved` runs on the io_context for each DID that got a handle.
  did_resolver(net::io_context& context, did_resolver_options options, resolved_handler on_resolved,
               std::shared_ptr<ssl::context> tls = nullptr);
  ~did_resolver();

  // Checks the URL; false with `error` when it cannot be used.
  bool valid(std::string& error) const;

  // Queues `did` unless it is queued already; returns at once.
  void resolve(std::string_view did);
  void stop();

  // {"url","state":"idle|resolving|backoff|stopped","pending","resolved","failures"}
  boost::json::object status() const;

 private:
  void next();
  void on_answer(std::string did, bool ok, std::string handle, std::string_view failure);

  net::io_context& context_;
  did_resolver_options options_;
  resolved_handler on_resolved_;
  std::shared_ptr<ssl::context> tls_;
  std::optional<remote_endpoint> endpoint_;
  std::string url_error_;
  std::deque<std::string> queue_;
  std::unordered_set<std::string> queued_;
  std::unordered_map<std::string, unsigned> attempts_;
  tracker::bounded_map<std::string> settled_;
  backoff backoff_;
  net::steady_timer timer_;
  std::shared_ptr<http_fetch> in_flight_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool waiting_ = false;
  bool stopped_ = false;
  bool failing_ = false;  // logged once when requests start failing, once when they recover
  std::uint64_t resolved_ = 0;
  std::uint64_t failures_ = 0;
};

}  // namespace companion::gateway

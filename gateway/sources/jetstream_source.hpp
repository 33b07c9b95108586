// Bluesky Jetstream: a WebSocket subscription to app.bsky.feed.post commits (and the
// identity frames that name their authors). The last time_us processed is kept in a
// cursor file; every connection after a drop or a restart resumes a little before it
// with cursor=, so nothing is missed, and dedup drops what comes twice. Authors the
// stream has not named yet are looked up in the background (did_resolver).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "gateway/engine/ingest_host.hpp"
#include "gateway/sources/backoff.hpp"
#include "gateway/sources/cursor_file.hpp"
#include "gateway/sources/did_resolver.hpp"
#include "gateway/sources/ingest_source.hpp"
#include "gateway/sources/ws_client.hpp"

namespace companion::gateway {

struct jetstream_settings {
  std::string url = "wss://jetstream2.us-east.bsky.network/subscribe";
  // The profile API for DIDs without a handle; empty: no lookups.
  std::string did_resolver_url = did_resolver_options{}.url;
};

class jetstream_source final : public ingest_source {
 public:
  // False with `error` when a URL cannot be used.
  static std::unique_ptr<jetstream_source> create(ingest_host& host, std::size_t event,
                                                  jetstream_settings settings,
                                                  std::filesystem::path cursor_path, std::string& error);

  void start() override;
  void stop() override;
  // {"kind":"jetstream","state","url","frames","accepted","reconnects","cursor","lag_ms",...}
  boost::json::object status() const override;

  // The request target of a connection: the configured one with wantedCollections,
  // and cursor= when resuming (`cursor_us` > 0).
  static std::string subscribe_target(std::string_view configured_target, std::int64_t cursor_us);

 private:
  jetstream_source(ingest_host& host, std::size_t event, remote_endpoint endpoint,
                   std::filesystem::path cursor_path);
  void connect();
  void on_open();
  void on_text(std::string_view frame);
  void on_closed(boost::system::error_code ec, std::string_view what);

  enum class state { idle, connecting, connected, backoff, stopped };

  ingest_host& host_;
  std::size_t event_;
  remote_endpoint endpoint_;
  std::shared_ptr<ssl::context> tls_;
  cursor_file cursor_file_;
  std::unique_ptr<did_resolver> resolver_;
  std::shared_ptr<ws_client> client_;
  backoff backoff_;
  net::steady_timer retry_timer_;
  state state_ = state::idle;
  std::int64_t cursor_us_ = 0;  // time_us of the last frame processed
  std::uint64_t frames_ = 0;
  std::uint64_t accepted_ = 0;
  std::uint64_t reconnects_ = 0;
  std::uint64_t connections_ = 0;
  std::string last_error_;
};

}  // namespace companion::gateway

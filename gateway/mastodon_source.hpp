// Mastodon streaming: one WebSocket per event hashtag on /api/v1/streaming
// (stream=hashtag&tag=...), authenticated with a user access token, since current
// servers refuse anonymous streams. update, status.update and delete frames go to
// the pipeline whole (it decodes the JSON-in-a-string payload). Each stream
// reconnects on its own with jittered backoff.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/backoff.hpp"
#include "gateway/ingest_host.hpp"
#include "gateway/ingest_source.hpp"
#include "gateway/ws_client.hpp"

namespace companion::gateway {

struct mastodon_settings {
  std::string
      url;  // the server (https://mastodon.social) or its streaming endpoint (wss://.../api/v1/streaming)
  std::string token;            // a user access token; never logged or shown
  bool token_in_query = false;  // access_token= in the URL, for servers that ignore the header
};

class mastodon_source final : public ingest_source {
 public:
  // One stream per hashtag; false with `error` when the URL cannot be used.
  static std::unique_ptr<mastodon_source> create(ingest_host& host, std::size_t event,
                                                 mastodon_settings settings,
                                                 const std::vector<std::string>& hashtags,
                                                 std::string& error);

  void start() override;
  void stop() override;
  // {"kind":"mastodon","state","url","frames","accepted","reconnects","streams":[{"tag","state"}]}
  boost::json::object status() const override;

  // The streaming endpoint of a server URL: https://host -> wss://host/api/v1/streaming.
  static remote_endpoint streaming_endpoint(remote_endpoint server);
  // The request target for one hashtag's stream.
  static std::string stream_target(std::string_view streaming_target, std::string_view tag,
                                   std::string_view query_token);

 private:
  enum class state { connecting, connected, backoff, stopped };
  struct stream {
    explicit stream(net::io_context& context, std::string name)
        : tag(std::move(name)), retry_timer(context) {}
    std::string tag;
    std::shared_ptr<ws_client> client;
    backoff retry;
    net::steady_timer retry_timer;
    state current = state::connecting;
    std::uint64_t connections = 0;
    std::string last_error;
  };

  mastodon_source(ingest_host& host, std::size_t event, remote_endpoint endpoint, mastodon_settings settings);
  void connect(stream& s);
  void on_closed(stream& s, boost::system::error_code ec, std::string_view what);
  void on_text(std::string_view frame);

  ingest_host& host_;
  std::size_t event_;
  remote_endpoint endpoint_;  // the streaming endpoint, without a stream query
  mastodon_settings settings_;
  std::shared_ptr<ssl::context> tls_;
  std::vector<std::unique_ptr<stream>> streams_;
  bool stopped_ = false;
  std::uint64_t frames_ = 0;
  std::uint64_t accepted_ = 0;
  std::uint64_t reconnects_ = 0;
};

}  // namespace companion::gateway

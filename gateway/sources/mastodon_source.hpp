// Mastodon streaming: one WebSocket per event hashtag on /api/v1/streaming
// (stream=hashtag&tag=...), authenticated with a user access token, since
// current servers refuse anonymous streams. update, status.update and delete
// frames go to the pipeline whole (it decodes the JSON-in-a-string payload).
// Each stream reconnects on its own with jittered backoff. Streams cannot
// resume, so each hashtag's newest status id is kept (durably, in a cursor
// file) and after every connect the hashtag timeline is read from it (min_id=):
// statuses posted while the stream was down arrive as update frames would, and
// dedup drops the repeats.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gateway/engine/ingest_host.hpp"
#include "gateway/sources/backoff.hpp"
#include "gateway/sources/cursor_file.hpp"
#include "gateway/sources/http_fetch.hpp"
#include "gateway/sources/ingest_source.hpp"
#include "gateway/sources/ws_client.hpp"

namespace companion::gateway {

struct mastodon_settings {
  std::string url;              // the server (https://mastodon.social) or its streaming
                                // endpoint (wss://.../api/v1/streaming)
  std::string token;            // a user access token; never logged or shown
  bool token_in_query = false;  // access_token= in the URL, for servers that ignore the header
  // Where each hashtag's newest status id is kept
  // (<data_dir>/cursors/<event_id>.mastodon-<tag>.cursor); an empty data_dir
  // keeps it in memory only.
  std::filesystem::path data_dir;
  std::string event_id;
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

  // The streaming endpoint of a server URL: https://host ->
  // wss://host/api/v1/streaming.
  static remote_endpoint streaming_endpoint(remote_endpoint server);
  // The request target for one hashtag's stream.
  static std::string stream_target(std::string_view streaming_target, std::string_view tag,
                                   std::string_view query_token);
  // The request target of a hashtag timeline read of statuses newer than
  // `min_id`; `api_base` is the server's path prefix (usually empty).
  static std::string timeline_target(std::string_view api_base, std::string_view tag, std::string_view min_id,
                                     std::string_view query_token);
  // Mastodon ids are decimal strings of growing value: true when `a` is a
  // larger number than `b`.
  static bool newer_id(std::string_view a, std::string_view b);
  // Statuses per timeline page: Mastodon's maximum.
  static constexpr int timeline_page = 40;

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
    std::string last_id;                   // the newest status id seen on this hashtag; empty: none yet
    std::unique_ptr<cursor_file> cursor;   // where last_id is kept; null: in memory only
    std::shared_ptr<http_fetch> catchup;   // the timeline read in flight
    unsigned catchup_pages = 0;            // pages read by the current catch-up
    std::uint64_t catchup_generation = 0;  // tells a superseded read's late answer from the current one
    std::uint64_t caught_up = 0;           // statuses fed from timeline reads
  };

  mastodon_source(ingest_host& host, std::size_t event, remote_endpoint endpoint, mastodon_settings settings);
  void connect(stream& s);
  void on_closed(stream& s, boost::system::error_code ec, std::string_view what);
  void on_text(stream& s, std::string_view frame);
  // Records `id` as seen on `s` when it is newer than what was.
  void note_id(stream& s, std::string_view id);
  // Reads the hashtag timeline from the last id seen, page after page.
  void catch_up(stream& s);
  void on_timeline(stream& s, http_fetch_result result);
  void flush_cursor(stream& s);

  ingest_host& host_;
  std::size_t event_;
  remote_endpoint endpoint_;  // the streaming endpoint, without a stream query
  remote_endpoint api_;       // the server's REST API: its target is the path prefix
                              // before /api/v1
  mastodon_settings settings_;
  std::shared_ptr<ssl::context> tls_;
  std::vector<std::unique_ptr<stream>> streams_;
  bool stopped_ = false;
  std::uint64_t frames_ = 0;
  std::uint64_t accepted_ = 0;
  std::uint64_t reconnects_ = 0;
};

}  // namespace companion::gateway

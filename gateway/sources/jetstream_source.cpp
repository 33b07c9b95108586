#include "gateway/sources/jetstream_source.hpp"

#include "gateway/process/log.hpp"

namespace companion::gateway {
namespace {

std::int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::string_view wanted_collection = "app.bsky.feed.post";

}  // namespace

std::unique_ptr<jetstream_source> jetstream_source::create(ingest_host& host, std::size_t event,
                                                           jetstream_settings settings,
                                                           std::filesystem::path cursor_path,
                                                           std::string& error) {
  auto endpoint = parse_endpoint(settings.url, error);
  if (!endpoint) {
    error = "Jetstream URL " + settings.url + ": " + error;
    return nullptr;
  }
  auto source = std::unique_ptr<jetstream_source>(
      new jetstream_source(host, event, std::move(*endpoint), std::move(cursor_path)));
  if (!settings.did_resolver_url.empty()) {
    did_resolver_options options;
    options.url = settings.did_resolver_url;
    tracker::ingest_pipeline& pipeline = host.pipeline(event);
    source->resolver_ = std::make_unique<did_resolver>(
        host.context(), std::move(options),
        [&pipeline](const std::string& did, const std::string& handle) {
          pipeline.handles().put(did, handle);
        },
        source->tls_);
    if (!source->resolver_->valid(error)) return nullptr;
  }
  return source;
}

jetstream_source::jetstream_source(ingest_host& host, std::size_t event, remote_endpoint endpoint,
                                   std::filesystem::path cursor_path)
    : host_(host),
      event_(event),
      endpoint_(std::move(endpoint)),
      tls_(make_client_tls_context()),
      cursor_file_(std::move(cursor_path)),
      retry_timer_(host.context()) {}

std::string jetstream_source::subscribe_target(std::string_view configured_target, std::int64_t cursor_us) {
  // Parameters of the configured URL stay, except the two this source sets itself.
  const std::string cursor = std::to_string(cursor_us);
  return with_query(configured_target,
                    {{"wantedCollections", wanted_collection},
                     {"cursor", cursor_us > 0 ? std::optional<std::string_view>(cursor) : std::nullopt}});
}

void jetstream_source::start() {
  if (auto stored = cursor_file_.load()) cursor_us_ = *stored;
  connect();
}

void jetstream_source::connect() {
  if (state_ == state::stopped) return;
  state_ = state::connecting;
  if (connections_++ > 0) ++reconnects_;
  remote_endpoint endpoint = endpoint_;
  // A little before the last frame processed: frames whose cursor was not yet recorded
  // come again, and dedup drops them.
  endpoint.target = subscribe_target(endpoint_.target, cursor_us_ > 0 ? rewind_cursor(cursor_us_) : 0);
  client_ = std::make_shared<ws_client>(host_.context(), tls_);
  client_->open(std::move(endpoint), {},
                {[this] { on_open(); }, [this](std::string_view frame) { on_text(frame); },
                 [this](boost::system::error_code ec, std::string_view what) { on_closed(ec, what); }});
}

void jetstream_source::on_open() {
  state_ = state::connected;
  last_error_.clear();
  backoff_.connected(backoff::clock::now());
  log_event("source_connected", {{"kind", "jetstream"},
                                 {"url", endpoint_.display()},
                                 {"cursor", std::to_string(cursor_us_ > 0 ? rewind_cursor(cursor_us_) : 0)}});
}

void jetstream_source::on_text(std::string_view frame) {
  if (state_ == state::stopped) return;
  ++frames_;
  tracker::ingest_pipeline& pipeline = host_.pipeline(event_);
  std::int64_t before = pipeline.jetstream_cursor();
  std::string unnamed_author;
  if (host_.feed(event_, frame, tracker::wire_format::jetstream, &unnamed_author) ==
      ingest_host::line_outcome::accepted)
    ++accepted_;
  // The decoder's cursor moves only for frames with a time_us; other feeds (a replay of
  // Jetstream lines) may move it too, so only a move during this frame counts.
  std::int64_t after = pipeline.jetstream_cursor();
  if (after != before && after > 0) {
    cursor_us_ = after;
    cursor_file_.update(cursor_us_, cursor_file::clock::now());
  }
  if (resolver_ && !unnamed_author.empty()) resolver_->resolve(unnamed_author);
}

void jetstream_source::on_closed(boost::system::error_code ec, std::string_view what) {
  client_.reset();
  if (!cursor_file_.flush())
    log_event("cursor_write_failed", {{"kind", "jetstream"}, {"error", cursor_file_.error()}});
  if (state_ == state::stopped) return;
  bool was_connected = state_ == state::connected;
  backoff_.disconnected(backoff::clock::now());
  last_error_ = std::string(what) + ": " + ec.message();
  auto wait = backoff_.next();
  unsigned failures = backoff_.failures();
  state_ = state::backoff;
  // Every drop of a connection logs; an outage logs its first failure and every tenth.
  if (was_connected || failures <= 1 || failures % 10 == 0)
    log_event("source_disconnected", {{"kind", "jetstream"},
                                      {"url", endpoint_.display()},
                                      {"failed", std::string(what)},
                                      {"error", ec.message()},
                                      {"retry_ms", std::to_string(wait.count())},
                                      {"failures", std::to_string(failures)}});
  retry_timer_.expires_after(wait);
  retry_timer_.async_wait([this](const boost::system::error_code& wait_ec) {
    if (!wait_ec && state_ == state::backoff) connect();
  });
}

void jetstream_source::stop() {
  if (state_ == state::stopped) return;
  state_ = state::stopped;
  retry_timer_.cancel();
  if (client_) client_->close();
  if (resolver_) resolver_->stop();
  if (!cursor_file_.flush())
    log_event("cursor_write_failed", {{"kind", "jetstream"}, {"error", cursor_file_.error()}});
}

boost::json::object jetstream_source::status() const {
  static constexpr const char* names[] = {"connecting", "connecting", "connected", "backoff", "stopped"};
  boost::json::object out{{"kind", "jetstream"},        {"state", names[static_cast<int>(state_)]},
                          {"url", endpoint_.display()}, {"frames", frames_},
                          {"accepted", accepted_},      {"reconnects", reconnects_},
                          {"cursor", cursor_us_}};
  if (cursor_us_ > 0) out["lag_ms"] = (wall_clock_us() - cursor_us_) / 1000;
  if (!last_error_.empty()) out["last_error"] = last_error_;
  if (resolver_) out["did_resolver"] = resolver_->status();
  return out;
}

}  // namespace companion::gateway

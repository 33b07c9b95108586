#include "gateway/mastodon_source.hpp"

#include "gateway/log.hpp"

namespace companion::gateway {
namespace {

constexpr std::string_view streaming_path = "/api/v1/streaming";

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

const char* state_name(int value) {
  static constexpr const char* names[] = {"connecting", "connected", "backoff", "stopped"};
  return names[value];
}

}  // namespace

remote_endpoint mastodon_source::streaming_endpoint(remote_endpoint server) {
  std::string path = server.target.substr(0, server.target.find('?'));
  while (!path.empty() && path.back() == '/') path.pop_back();
  // A URL that already names the streaming endpoint is used as it is.
  if (path.size() < streaming_path.size() ||
      path.compare(path.size() - streaming_path.size(), streaming_path.size(), streaming_path) != 0)
    path += streaming_path;
  server.target = path;
  return server;
}

std::string mastodon_source::stream_target(std::string_view streaming_target, std::string_view tag,
                                           std::string_view query_token) {
  std::string target(streaming_target);
  // Mastodon names hashtag streams in lower case.
  target.append("?stream=hashtag&tag=").append(url_encode(lower(tag)));
  if (!query_token.empty()) target.append("&access_token=").append(url_encode(query_token));
  return target;
}

std::unique_ptr<mastodon_source> mastodon_source::create(ingest_host& host, std::size_t event,
                                                         mastodon_settings settings,
                                                         const std::vector<std::string>& hashtags,
                                                         std::string& error) {
  auto server = parse_endpoint(settings.url, error);
  if (!server) {
    error = "Mastodon URL " + settings.url + ": " + error;
    return nullptr;
  }
  if (hashtags.empty()) {
    error = "Mastodon: the event has no hashtags to follow";
    return nullptr;
  }
  auto source = std::unique_ptr<mastodon_source>(
      new mastodon_source(host, event, streaming_endpoint(std::move(*server)), std::move(settings)));
  for (const auto& tag : hashtags) {
    bool repeated = false;
    for (const auto& s : source->streams_) repeated = repeated || lower(s->tag) == lower(tag);
    if (!repeated) source->streams_.push_back(std::make_unique<stream>(host.context(), tag));
  }
  return source;
}

mastodon_source::mastodon_source(ingest_host& host, std::size_t event, remote_endpoint endpoint,
                                 mastodon_settings settings)
    : host_(host),
      event_(event),
      endpoint_(std::move(endpoint)),
      settings_(std::move(settings)),
      tls_(make_client_tls_context()) {}

void mastodon_source::start() {
  if (settings_.token.empty())
    log_event("source_warning", {{"kind", "mastodon"},
                                 {"url", endpoint_.display()},
                                 {"warning", "no access token: most servers refuse anonymous streams"}});
  for (auto& s : streams_) connect(*s);
}

void mastodon_source::connect(stream& s) {
  if (stopped_) return;
  s.current = state::connecting;
  if (s.connections++ > 0) ++reconnects_;
  remote_endpoint endpoint = endpoint_;
  endpoint.target = stream_target(endpoint_.target, s.tag, settings_.token_in_query ? settings_.token : "");
  header_list headers;
  if (!settings_.token.empty() && !settings_.token_in_query)
    headers.emplace_back("Authorization", "Bearer " + settings_.token);
  s.client = std::make_shared<ws_client>(host_.context(), tls_);
  stream* target = &s;
  s.client->open(std::move(endpoint), std::move(headers),
                 {[this, target] {
                    target->current = state::connected;
                    target->last_error.clear();
                    target->retry.connected(backoff::clock::now());
                    log_event("source_connected",
                              {{"kind", "mastodon"}, {"url", endpoint_.display()}, {"tag", target->tag}});
                  },
                  [this](std::string_view frame) { on_text(frame); },
                  [this, target](boost::system::error_code ec, std::string_view what) {
                    on_closed(*target, ec, what);
                  }});
}

void mastodon_source::on_text(std::string_view frame) {
  if (stopped_) return;
  ++frames_;
  if (host_.feed(event_, frame, tracker::wire_format::mastodon) == ingest_host::line_outcome::accepted)
    ++accepted_;
}

void mastodon_source::on_closed(stream& s, boost::system::error_code ec, std::string_view what) {
  s.client.reset();
  if (stopped_) return;
  bool was_connected = s.current == state::connected;
  s.retry.disconnected(backoff::clock::now());
  s.last_error = std::string(what) + ": " + ec.message();
  auto wait = s.retry.next();
  unsigned failures = s.retry.failures();
  s.current = state::backoff;
  // Every drop of a connection logs; an outage logs its first failure and every tenth.
  if (was_connected || failures <= 1 || failures % 10 == 0)
    log_event("source_disconnected", {{"kind", "mastodon"},
                                      {"url", endpoint_.display()},
                                      {"tag", s.tag},
                                      {"failed", std::string(what)},
                                      {"error", ec.message()},
                                      {"retry_ms", std::to_string(wait.count())},
                                      {"failures", std::to_string(failures)}});
  s.retry_timer.expires_after(wait);
  s.retry_timer.async_wait([this, target = &s](const boost::system::error_code& wait_ec) {
    if (!wait_ec && !stopped_) connect(*target);
  });
}

void mastodon_source::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& s : streams_) {
    s->current = state::stopped;
    s->retry_timer.cancel();
    if (s->client) s->client->close();
  }
}

boost::json::object mastodon_source::status() const {
  // The source as a whole: connected when every stream is, else the least healthy one's state.
  int overall = static_cast<int>(state::connected);
  boost::json::array streams;
  for (const auto& s : streams_) {
    if (s->current != state::connected &&
        (overall == static_cast<int>(state::connected) || static_cast<int>(s->current) > overall))
      overall = static_cast<int>(s->current);
    boost::json::object one{{"tag", s->tag}, {"state", state_name(static_cast<int>(s->current))}};
    if (!s->last_error.empty()) one["last_error"] = s->last_error;
    streams.push_back(std::move(one));
  }
  if (stopped_) overall = static_cast<int>(state::stopped);
  return {{"kind", "mastodon"},           {"state", state_name(overall)},
          {"url", endpoint_.display()},   {"frames", frames_},
          {"accepted", accepted_},        {"reconnects", reconnects_},
          {"streams", std::move(streams)}};
}

}  // namespace companion::gateway

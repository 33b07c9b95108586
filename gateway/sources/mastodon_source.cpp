#include "gateway/sources/mastodon_source.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "gateway/process/log.hpp"

namespace companion::gateway {
namespace {

constexpr std::string_view streaming_path = "/api/v1/streaming";
// A catch-up after a long outage reads at most this many pages; older gaps stay
// gaps.
constexpr unsigned max_catchup_pages = 25;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The token goes in the query only when asked (otherwise it is a header).
std::optional<std::string_view> token_param(std::string_view query_token) {
  if (query_token.empty()) return std::nullopt;
  return query_token;
}

// A status id as Mastodon writes it: decimal digits, without leading zeros.
bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 30 || (id.size() > 1 && id.front() == '0')) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view status_id(const boost::json::value& status) {
  const auto* object = status.if_object();
  const auto* id = object ? object->if_contains("id") : nullptr;
  return id && id->is_string() ? std::string_view(id->get_string()) : std::string_view();
}

const char* state_name(int value) {
  static constexpr const char* names[] = {"connecting", "connected", "backoff", "stopped"};
  return names[value];
}

}  // namespace

remote_endpoint mastodon_source::streaming_endpoint(remote_endpoint server) {
  std::string path = target_path(server.target);
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
  const std::string lower_tag = lower(tag);  // Mastodon names hashtag streams in lower case
  return with_query(streaming_target,
                    {{"stream", "hashtag"}, {"tag", lower_tag}, {"access_token", token_param(query_token)}});
}

std::string mastodon_source::timeline_target(std::string_view api_base, std::string_view tag,
                                             std::string_view min_id, std::string_view query_token) {
  std::string path(api_base);
  path.append("/api/v1/timelines/tag/").append(url_encode(lower(tag)));
  const std::string limit = std::to_string(timeline_page);
  return with_query(path, {{"min_id", min_id}, {"limit", limit}, {"access_token", token_param(query_token)}});
}

bool mastodon_source::newer_id(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() > b.size();
  return a > b;
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
    if (repeated) continue;
    auto s = std::make_unique<stream>(host.context(), tag);
    if (!source->settings_.data_dir.empty())
      s->cursor = std::make_unique<cursor_file>(cursor_file::path_for(
          source->settings_.data_dir, source->settings_.event_id, "mastodon-" + url_encode(lower(tag))));
    source->streams_.push_back(std::move(s));
  }
  return source;
}

mastodon_source::mastodon_source(ingest_host& host, std::size_t event, remote_endpoint endpoint,
                                 mastodon_settings settings)
    : host_(host),
      event_(event),
      endpoint_(std::move(endpoint)),
      settings_(std::move(settings)),
      tls_(make_client_tls_context()) {
  // The REST API lives beside the streaming endpoint: same host, the path
  // before /api/v1/streaming.
  api_ = endpoint_;
  api_.target.resize(api_.target.size() - streaming_path.size());
}

void mastodon_source::start() {
  if (settings_.token.empty())
    log_event("source_warning", {{"kind", "mastodon"},
                                 {"url", endpoint_.display()},
                                 {"warning", "no access token: most servers refuse anonymous streams"}});
  for (auto& s : streams_) {
    // The first connect reads the timeline from a stored id, so a restart
    // misses nothing either.
    if (s->cursor)
      if (auto stored = s->cursor->load(); stored && *stored > 0) s->last_id = std::to_string(*stored);
    connect(*s);
  }
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
                    // Opened first, read second: a status posted in between comes both
                    // ways, and dedup keeps one.
                    catch_up(*target);
                  },
                  [this, target](std::string_view frame) { on_text(*target, frame); },
                  [this, target](boost::system::error_code ec, std::string_view what) {
                    on_closed(*target, ec, what);
                  }});
}

void mastodon_source::on_text(stream& s, std::string_view frame) {
  if (stopped_) return;
  ++frames_;
  if (host_.feed(event_, frame, tracker::wire_format::mastodon) == ingest_host::line_outcome::accepted)
    ++accepted_;
  // Only new statuses move the position; edits and deletes name older ones.
  boost::system::error_code ec;
  auto parsed = boost::json::parse(frame, ec);
  const auto* object = ec ? nullptr : parsed.if_object();
  if (!object) return;
  const auto* event = object->if_contains("event");
  const auto* payload = object->if_contains("payload");
  if (!event || !event->is_string() || event->get_string() != "update" || !payload || !payload->is_string())
    return;
  auto status = boost::json::parse(payload->get_string(), ec);
  if (!ec) note_id(s, status_id(status));
}

void mastodon_source::note_id(stream& s, std::string_view id) {
  if (!valid_id(id) || (!s.last_id.empty() && !newer_id(id, s.last_id))) return;
  s.last_id = id;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  // Every Mastodon id fits; a larger one is still followed, just not kept
  // across restarts.
  if (s.cursor && ec == std::errc() && end == id.data() + id.size())
    s.cursor->update(value, cursor_file::clock::now());
}

void mastodon_source::flush_cursor(stream& s) {
  if (s.cursor && !s.cursor->flush())
    log_event("cursor_write_failed", {{"kind", "mastodon"}, {"tag", s.tag}, {"error", s.cursor->error()}});
}

void mastodon_source::catch_up(stream& s) {
  if (stopped_ || s.last_id.empty()) return;
  if (s.catchup) s.catchup->cancel();
  s.catchup_pages = 0;
  remote_endpoint endpoint = api_;
  endpoint.target =
      timeline_target(api_.target, s.tag, s.last_id, settings_.token_in_query ? settings_.token : "");
  header_list headers;
  if (!settings_.token.empty() && !settings_.token_in_query)
    headers.emplace_back("Authorization", "Bearer " + settings_.token);
  stream* target = &s;
  std::uint64_t generation = ++s.catchup_generation;
  s.catchup = http_fetch::get(host_.context(), tls_, std::move(endpoint), std::move(headers),
                              [this, target, generation](http_fetch_result result) {
                                if (generation == target->catchup_generation)
                                  on_timeline(*target, std::move(result));
                              });
}

void mastodon_source::on_timeline(stream& s, http_fetch_result result) {
  s.catchup.reset();
  if (stopped_ || result.error == net::error::operation_aborted) return;
  auto failed = [&](std::string_view why) {
    log_event(
        "source_catchup_failed",
        {{"kind", "mastodon"}, {"url", api_.display(false)}, {"tag", s.tag}, {"error", std::string(why)}});
  };
  if (result.error) return failed(std::string(result.failed_step) + ": " + result.error.message());
  if (result.status != 200) return failed("http status " + std::to_string(result.status));
  boost::system::error_code ec;
  auto body = boost::json::parse(result.body, ec);
  if (ec || !body.is_array()) return failed("the answer is not a JSON array");
  auto& statuses = body.get_array();
  // Pages come newest first; the pipeline takes them oldest first, as the
  // stream would.
  std::vector<boost::json::value*> ordered;
  for (auto& status : statuses)
    if (valid_id(status_id(status))) ordered.push_back(&status);
  std::sort(ordered.begin(), ordered.end(), [](const boost::json::value* a, const boost::json::value* b) {
    return newer_id(status_id(*b), status_id(*a));
  });
  std::uint64_t accepted = 0;
  for (auto* status : ordered) {
    boost::json::object frame{{"stream", boost::json::array{"hashtag", lower(s.tag)}},
                              {"event", "update"},
                              {"payload", boost::json::serialize(*status)}};
    ++frames_;
    if (host_.feed(event_, boost::json::serialize(frame), tracker::wire_format::mastodon) ==
        ingest_host::line_outcome::accepted)
      ++accepted;
    note_id(s, status_id(*status));
  }
  accepted_ += accepted;
  s.caught_up += ordered.size();
  ++s.catchup_pages;
  log_event("source_catchup", {{"kind", "mastodon"},
                               {"tag", s.tag},
                               {"statuses", std::to_string(ordered.size())},
                               {"accepted", std::to_string(accepted)}});
  // A full page may have more behind it; keep reading from the newest id.
  if (statuses.size() >= static_cast<std::size_t>(timeline_page) && s.catchup_pages < max_catchup_pages) {
    unsigned pages = s.catchup_pages;
    catch_up(s);
    s.catchup_pages = pages;
  } else {
    flush_cursor(s);
  }
}

void mastodon_source::on_closed(stream& s, boost::system::error_code ec, std::string_view what) {
  s.client.reset();
  flush_cursor(s);
  if (stopped_) return;
  bool was_connected = s.current == state::connected;
  s.retry.disconnected(backoff::clock::now());
  s.last_error = std::string(what) + ": " + ec.message();
  auto wait = s.retry.next();
  unsigned failures = s.retry.failures();
  s.current = state::backoff;
  // Every drop of a connection logs; an outage logs its first failure and every
  // tenth.
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
    if (s->catchup) s->catchup->cancel();
    flush_cursor(*s);
  }
}

boost::json::object mastodon_source::status() const {
  // The source as a whole: connected when every stream is, else the least
  // healthy one's state.
  int overall = static_cast<int>(state::connected);
  boost::json::array streams;
  for (const auto& s : streams_) {
    if (s->current != state::connected &&
        (overall == static_cast<int>(state::connected) || static_cast<int>(s->current) > overall))
      overall = static_cast<int>(s->current);
    boost::json::object one{{"tag", s->tag}, {"state", state_name(static_cast<int>(s->current))}};
    if (!s->last_error.empty()) one["last_error"] = s->last_error;
    if (!s->last_id.empty()) one["last_id"] = s->last_id;
    one["caught_up"] = s->caught_up;
    streams.push_back(std::move(one));
  }
  if (stopped_) overall = static_cast<int>(state::stopped);
  return {{"kind", "mastodon"},           {"state", state_name(overall)},
          {"url", endpoint_.display()},   {"frames", frames_},
          {"accepted", accepted_},        {"reconnects", reconnects_},
          {"streams", std::move(streams)}};
}

}  // namespace companion::gateway

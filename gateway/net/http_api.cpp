#include "gateway/net/http_api.hpp"
#include "gateway/process/clock.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cstdio>

#include "common/iso_time.hpp"
#include "common/prometheus_text.hpp"
#include "gateway/engine/csv.hpp"
#include "gateway/net/connection_errors.hpp"
#include "gateway/net/shard.hpp"
#include "gateway/process/log.hpp"
#include "gateway/protocol/jwt.hpp"
#include "gateway/server.hpp"
#include "session/poll_board.hpp"
#include "session/post_wall.hpp"
#include "session/question_board.hpp"

namespace companion::gateway {
namespace {

// Set once at start, before any shard runs (content_security_policy_for); an empty viewer
// page policy means the viewer page is unframeable like every other response.
std::string content_security_policy = content_security_policy_for({});
std::string viewer_page_policy;

http_response make_response(const http_request& request, http::status status, std::string content_type,
                            std::string body) {
  http_response response{status, request.version()};
  response.set(http::field::content_type, content_type);
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  add_common_headers(response);
  response.prepare_payload();
  return response;
}

http_response json_response(const http_request& request, const boost::json::value& body,
                            http::status status = http::status::ok) {
  auto response = make_response(request, status, "application/json", boost::json::serialize(body));
  response.set(http::field::cache_control, "no-store");
  return response;
}

// "/api/events/{id}/{rest}" split into id and rest.
bool split_event_path(std::string_view path, std::string_view& id, std::string_view& rest) {
  constexpr std::string_view prefix = "/api/events/";
  if (!path.starts_with(prefix)) return false;
  path.remove_prefix(prefix.size());
  auto slash = path.find('/');
  id = path.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  return !id.empty();
}

std::string vtt_time(session::millis ms) {
  if (ms < 0) ms = 0;
  char text[32];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3'600'000),
                static_cast<long long>(ms / 60'000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return text;
}

std::int64_t number(const boost::json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64()) return static_cast<std::int64_t>(value.get_uint64());
  return 0;
}

// WebVTT chapters of the agenda as it actually ran, relative to the show's start.
std::string chapters_vtt(const boost::json::object& state) {
  std::string vtt = "WEBVTT\n\n";
  const auto& agenda = state.at("agenda").as_object();
  if (agenda.at("started_at").is_null()) return vtt;
  session::millis origin = number(agenda.at("started_at"));
  struct chapter {
    session::millis start;
    std::string title;
  };
  std::vector<chapter> chapters;
  for (const auto& item : agenda.at("segments").as_array()) {
    const auto& segment = item.as_object();
    if (segment.at("actual_start").is_null()) continue;
    std::string title(segment.at("title").as_string());
    std::string names;
    for (const auto& speaker : segment.at("speakers").as_array()) {
      if (!names.empty()) names += ", ";
      names += std::string(speaker.at("name").as_string());
    }
    if (!names.empty()) title += " (" + names + ")";
    // A cue's text must not contain "-->" or a blank line.
    for (std::size_t at; (at = title.find("-->")) != std::string::npos;) title.replace(at, 3, "->");
    chapters.push_back({number(segment.at("actual_start")), std::move(title)});
  }
  std::sort(chapters.begin(), chapters.end(),
            [](const chapter& a, const chapter& b) { return a.start < b.start; });
  session::millis end_of_show = wall_clock_ms();
  if (auto ended = agenda.find("ended_at"); ended != agenda.end() && !ended->value().is_null())
    end_of_show = number(ended->value());
  for (std::size_t i = 0; i < chapters.size(); ++i) {
    session::millis end = i + 1 < chapters.size() ? chapters[i + 1].start : end_of_show;
    vtt += std::to_string(i + 1) + "\n" + vtt_time(chapters[i].start - origin) + " --> " +
           vtt_time(std::max(end, chapters[i].start) - origin) + "\n" + chapters[i].title + "\n\n";
  }
  return vtt;
}

std::string metrics_text(server& owner) {
  using common::metric_type;
  server_metrics& m = owner.metrics();
  common::prometheus_text out;
  auto load = [](const server_metrics::counter& c) -> std::uint64_t {
    return c.load(std::memory_order_relaxed);
  };
  // A family of one unlabelled sample.
  auto single = [&out](std::string_view name, metric_type type, std::string_view help, std::uint64_t value) {
    out.family(name, type, help);
    out.sample(name, value);
  };
  constexpr auto counter = metric_type::counter;
  constexpr auto gauge = metric_type::gauge;

  out.family("companion_connections", gauge, "Open WebSocket connections by role.");
  out.sample("companion_connections", load(m.connections_viewer), {{"role", "viewer"}});
  out.sample("companion_connections", load(m.connections_moderator), {{"role", "moderator"}});
  out.sample("companion_connections", load(m.connections_producer), {{"role", "producer"}});
  out.sample("companion_connections", load(m.connections_unauthenticated), {{"role", "unauthenticated"}});
  std::uint64_t frames_in = 0, bytes_in = 0, frames_out = 0, bytes_out = 0;
  for (auto& s : owner.shards()) {
    frames_in += s->counters().frames_in.load(std::memory_order_relaxed);
    bytes_in += s->counters().bytes_in.load(std::memory_order_relaxed);
    frames_out += s->counters().frames_out.load(std::memory_order_relaxed);
    bytes_out += s->counters().bytes_out.load(std::memory_order_relaxed);
  }
  single("companion_frames_in_total", counter, "WebSocket data frames received.", frames_in);
  single("companion_bytes_in_total", counter, "Bytes received on WebSockets.", bytes_in);
  single("companion_frames_out_total", counter, "Frames sent on WebSockets.", frames_out);
  single("companion_bytes_out_total", counter, "Bytes sent on WebSockets.", bytes_out);
  single("companion_slow_consumer_closes_total", counter, "Connections closed with 4008.",
         load(m.slow_consumer_closes));
  single("companion_outbound_dropped_frames_total", counter,
         "Queued frames dropped when closing slow consumers.", load(m.queue_drops));
  single("companion_catch_up_frames_total", counter,
         "Frames sent at join or resume (welcome, snapshot, missed changes), exempt from the 4008 limits.",
         load(m.catch_up_frames));
  out.family("companion_resumes_total", counter,
             "Resumes by outcome: the missed changes, or a snapshot when the ring no longer holds them.");
  out.sample("companion_resumes_total", load(m.resumes_recovered), {{"result", "recovered"}});
  out.sample("companion_resumes_total", load(m.resumes_snapshot), {{"result", "snapshot"}});
  out.family("companion_token_ends_total", counter,
             "Staff connections closed with 4001 as their token expired or was revoked, and token.refresh "
             "refused at the end of its chain.");
  out.sample("companion_token_ends_total", load(m.token_closes_expired), {{"why", "expired"}});
  out.sample("companion_token_ends_total", load(m.token_closes_revoked), {{"why", "revoked"}});
  out.sample("companion_token_ends_total", load(m.token_refresh_refused), {{"why", "refresh_limit"}});
  single("companion_rate_limited_total", counter, "Commands refused with rate_limited.",
         load(m.rate_limited));
  single("companion_bad_requests_total", counter, "Commands refused with bad_request.", load(m.bad_requests));
  single("companion_protocol_closes_total", counter, "Connections closed for WebSocket protocol errors.",
         load(m.protocol_closes));
  out.family("companion_connection_errors_total", counter,
             "Connections ended by an error, by side (http, websocket, source: the server's own outbound "
             "connections) and the step that failed.");
  for (std::size_t i = 0; i < connection_steps.size(); ++i)
    out.sample("companion_connection_errors_total", connection_error_count(i),
               {{"side", to_string(connection_steps[i].side)}, {"step", connection_steps[i].step}});
  single("companion_address_cap_refusals_total", counter, "Connections refused with 4029.",
         load(m.per_ip_refusals));
  single("companion_proxy_header_refusals_total", counter,
         "Trusted proxies' connections closed for a bad PROXY header.", load(m.proxy_header_refusals));
  single("companion_metrics_refusals_total", counter, "Scrapes of /metrics refused by --metrics-allow.",
         load(m.metrics_refusals));
  out.family("companion_http_connection_refusals_total", counter, "HTTP connections closed at a cap.");
  out.sample("companion_http_connection_refusals_total", load(m.http_refusals_total), {{"cap", "total"}});
  out.sample("companion_http_connection_refusals_total", load(m.http_refusals_address), {{"cap", "address"}});
  single("companion_http_connections", gauge, "Open HTTP connections (before any upgrade).",
         owner.http_total().count());
  out.family("companion_unauthenticated_refusals_total", counter,
             "Upgrades refused: too many connections waiting for hello.");
  out.sample("companion_unauthenticated_refusals_total", load(m.unauthenticated_refusals),
             {{"cap", "total"}});
  out.sample("companion_unauthenticated_refusals_total", load(m.unauthenticated_refusals_address),
             {{"cap", "address"}});
  single("companion_export_refusals_total", counter,
         "Audit exports refused while others were being prepared.", load(m.export_refusals));
  single("companion_new_viewer_refusals_total", counter,
         "Hellos refused: too many new viewer ids from one address.", load(m.new_viewer_refusals));
  out.family("companion_address_table_evictions_total", counter,
             "Addresses forgotten by a full per-address rate table.");
  out.sample("companion_address_table_evictions_total", owner.address_questions().evictions(),
             {{"table", "questions"}});
  out.sample("companion_address_table_evictions_total", owner.address_votes().evictions(),
             {{"table", "votes"}});
  out.sample("companion_address_table_evictions_total", owner.address_new_viewers().evictions(),
             {{"table", "new_viewers"}});
  single("companion_http_requests_total", counter, "HTTP requests answered.", load(m.http_requests));
  single("companion_commands_total", counter, "WebSocket commands received.", load(m.commands));
  out.family("companion_reactions_total", counter, "Reactions counted, by event.");
  std::vector<std::uint64_t> totals;
  for (std::size_t event = 0; event < owner.event_count(); ++event) {
    std::uint64_t sum = 0;
    for (auto& s : owner.shards()) {
      s->reaction_totals(event, owner.reactions(event).size(), totals);
      for (auto n : totals) sum += n;
    }
    out.sample("companion_reactions_total", sum, {{"event", owner.event_id(event)}});
  }
  out.family("companion_reactions_dropped_total", counter,
             "Reactions not counted, by reason: over a connection's own limit (rate), or an emoji the event "
             "does not list (not_allowed).");
  out.sample("companion_reactions_dropped_total", load(m.reactions_dropped_rate), {{"reason", "rate"}});
  out.sample("companion_reactions_dropped_total", load(m.reactions_dropped_not_allowed),
             {{"reason", "not_allowed"}});
  single("companion_reaction_windows_total", counter,
         "reactions frames built: one per event and window in which anything was counted.",
         owner.reaction_windows());
  const log_counters& logged = log_stats();
  out.family("companion_log_lines_total", counter,
             "Log lines by outcome: written to stderr, dropped because the log queue was full (stderr slower "
             "than the server), or left out by sampling at --log-level info.");
  out.sample("companion_log_lines_total", logged.written.load(), {{"outcome", "written"}});
  out.sample("companion_log_lines_total", logged.dropped.load(), {{"outcome", "dropped"}});
  out.sample("companion_log_lines_total", logged.sampled.load(), {{"outcome", "sampled"}});
  single("companion_pages_total", counter, "questions.page and queue.page commands answered.", load(m.pages));
  single("companion_page_scan_limited_total", counter,
         "Filtered queue.page answers that stopped at --page-scan-limit items looked at, with a cursor to go "
         "on.",
         load(m.pages_scan_limited));
  single("companion_windowed_snapshots_total", counter,
         "Snapshots and queue snapshots sent with fewer items than the event holds (the rest is paged).",
         load(m.windowed_snapshots));
  out.family("companion_node_role", gauge,
             "This process's part: all (one machine) or engine (holds or waits for the engine lease).");
  out.sample("companion_node_role", std::uint64_t{1},
             {{"role", owner.config().role == server_config::node_role::engine ? "engine" : "all"}});
  if (const engine_lease* lease = owner.lease()) {
    single("companion_engine_lease_held", gauge, "1 while this process holds the engine lease.",
           std::uint64_t{lease->held()});
    out.family("companion_engine_lease_holder", gauge,
               "The engine lease's holder as last seen by this process.");
    out.sample("companion_engine_lease_holder", std::uint64_t{1}, {{"holder", lease->holder()}});
  }
  const session::store_stats store = owner.store().stats();
  single("companion_store_commits_total", counter, "Group commits.", store.commits);
  single("companion_store_records_total", counter, "Journal records committed.", store.records);
  single("companion_store_failures_total", counter, "Failed commits.", store.failures);
  single("companion_store_fenced_total", counter,
         "Appends refused because another writer had already written at their position.", store.fenced);
  single("companion_store_snapshots_total", counter,
         "Event state snapshots stored (every --snapshot-records records or --snapshot-seconds).",
         store.snapshots);
  single("companion_store_folded_total", counter,
         "Journal records (votes, unvotes, ticks) dropped because a stored snapshot covers them.",
         store.folded);
  single("companion_store_memory_bytes", gauge, "Heap held by the journal database (page cache, statements).",
         static_cast<std::uint64_t>(store.memory_bytes));

  std::vector<std::string> bounds;
  std::vector<std::uint64_t> counts;
  for (auto bound : session::store_stats::bounds_us) {
    char le[32];
    std::snprintf(le, sizeof le, "%g", static_cast<double>(bound) / 1e6);
    bounds.emplace_back(le);
  }
  for (const auto& bucket : store.latency_buckets) counts.push_back(bucket);
  out.family("companion_store_commit_seconds", metric_type::histogram, "Group commit latency.");
  out.histogram("companion_store_commit_seconds", bounds, counts,
                static_cast<double>(store.latency_sum_us) / 1e6);

  out.family("companion_moderation_queue_depth", gauge, "Posts and questions waiting for a moderator.");
  for (std::size_t event = 0; event < owner.event_count(); ++event)
    out.sample("companion_moderation_queue_depth",
               static_cast<std::uint64_t>(owner.engines().queue_depth(event)),
               {{"event", owner.event_id(event)}});

  bounds.clear();
  counts.clear();
  for (auto bound : server_metrics::decision_bounds_ms) bounds.push_back(std::to_string(bound / 1000));
  for (const auto& bucket : m.decision_buckets) counts.push_back(bucket.load(std::memory_order_relaxed));
  out.family("companion_moderation_decision_seconds", metric_type::histogram,
             "How long queued items waited for a moderator.");
  out.histogram("companion_moderation_decision_seconds", bounds, counts,
                static_cast<double>(m.decision_sum_ms.load(std::memory_order_relaxed)) / 1000.0);

  out.family("companion_questions_refused_full_total", counter,
             "Questions refused because the event reached --max-questions.");
  for (std::size_t event = 0; event < owner.event_count(); ++event)
    out.sample("companion_questions_refused_full_total",
               static_cast<std::uint64_t>(owner.engines().questions_refused(event)),
               {{"event", owner.event_id(event)}});
  out.family("companion_votes_refused_changes_total", counter,
             "Votes and unvotes refused because the viewer reached --max-vote-changes on the question.");
  for (std::size_t event = 0; event < owner.event_count(); ++event)
    out.sample("companion_votes_refused_changes_total",
               static_cast<std::uint64_t>(owner.engines().votes_refused(event)),
               {{"event", owner.event_id(event)}});
  out.family("companion_polls_refused_full_total", counter,
             "poll.create refused because the event reached --max-polls.");
  for (std::size_t event = 0; event < owner.event_count(); ++event)
    out.sample("companion_polls_refused_full_total",
               static_cast<std::uint64_t>(owner.engines().polls_refused(event)),
               {{"event", owner.event_id(event)}});
  out.family("companion_posts_evicted_total", counter,
             "Posts forgotten because the event reached --max-posts, by what they were.");
  for (std::size_t event = 0; event < owner.event_count(); ++event) {
    const char* states[] = {"settled", "approved", "held"};
    for (std::size_t kind = 0; kind < 3; ++kind)
      out.sample("companion_posts_evicted_total",
                 static_cast<std::uint64_t>(owner.engines().posts_evicted(event, kind)),
                 {{"event", owner.event_id(event)}, {"state", states[kind]}});
  }
  out.family("companion_event_viewers", gauge, "Joined connections per event.");
  for (std::size_t event = 0; event < owner.event_count(); ++event) {
    std::uint64_t joined = 0;
    for (auto& s : owner.shards()) joined += s->joined_count(event);
    out.sample("companion_event_viewers", joined, {{"event", owner.event_id(event)}});
  }
  return out.str();
}

// Staff bearer token for exports; sets `error` when refused.
bool staff_authorized(shard_services& owner, const http_request& request, const std::string& event_id,
                      std::string& error) {
  std::string_view header(request[http::field::authorization].data(),
                          request[http::field::authorization].size());
  constexpr std::string_view bearer = "Bearer ";
  if (!header.starts_with(bearer)) {
    error = "Authorization: Bearer <staff token> required";
    return false;
  }
  auto verdict = owner.check_token(header.substr(bearer.size()), event_id);
  if (!verdict.ok) {
    error = "invalid token: " + verdict.why;
    return false;
  }
  if (verdict.claims.role != session::role::moderator && verdict.claims.role != session::role::producer) {
    error = "moderator or producer token required";
    return false;
  }
  return true;
}

// Empty for "never" (an unanswered question).
std::string iso_time(session::millis ms) {
  return ms > 0 ? common::format_iso8601(ms) : std::string();
}

std::string questions_csv(const session::event_engine& engine) {
  std::string csv;
  append_csv_row(
      csv, {"id", "text", "author", "votes", "status", "segment", "asked_at", "answered_at", "merged_into"});
  for (const auto& [id, q] : engine.questions().all())
    append_csv_row(csv, {q.id, q.text, q.author.value_or(""), std::to_string(q.voters.size()),
                         std::string(session::to_string(q.status)), q.segment, iso_time(q.asked_at),
                         iso_time(q.answered_at.value_or(0)), q.merged_into});
  return csv;
}

// One row per option of every poll, in the order the polls were made: a closed poll's
// counts are final. Questions and options are staff input, defused like every cell.
std::string polls_csv(const session::event_engine& engine) {
  std::string csv;
  append_csv_row(csv, {"poll", "question", "status", "multiple", "opened_at", "closed_at", "total", "option",
                       "text", "votes"});
  for (const auto& p : engine.polls().all())
    for (std::size_t i = 0; i < p.definition.options.size(); ++i)
      append_csv_row(csv,
                     {p.definition.id, p.definition.question, std::string(session::to_string(p.status)),
                      p.definition.multiple ? "true" : "false", iso_time(p.opened_at.value_or(0)),
                      iso_time(p.closed_at.value_or(0)), std::to_string(p.total), p.definition.options[i].id,
                      p.definition.options[i].text, std::to_string(p.votes[i])});
  return csv;
}

// One decision: posts, questions, authors, the overlay and the show alike; texts are
// people's input, so append_csv_row defuses what a spreadsheet would run.
void append_audit_row(std::string& csv, const session::audit_entry& entry) {
  append_csv_row(csv, {iso_time(entry.at), entry.who, entry.action, entry.kind, entry.post_id, entry.author,
                       entry.text, entry.rule, entry.reason});
}

// 405 names the methods the resource takes, in the Allow header and in the message.
http_response method_not_allowed(const http_request& request, std::string_view allowed) {
  auto response = json_error(request, http::status::method_not_allowed, "bad_request",
                             "this resource takes " + std::string(allowed));
  response.set(http::field::allow, allowed);
  return response;
}

// A page or asset: the representation the client accepts best, or 304 when it has it.
http_response static_response(const http_request& request, const static_route& route) {
  const static_file& file = *route.file;
  std::string_view accept(request[http::field::accept_encoding].data(),
                          request[http::field::accept_encoding].size());
  content_coding coding = file.pick(accept);
  const static_representation& chosen = file.representation(coding);
  std::string_view if_none_match(request[http::field::if_none_match].data(),
                                 request[http::field::if_none_match].size());
  auto caching = [&](http_response& response) {
    response.set(http::field::etag, chosen.etag);
    response.set(http::field::cache_control, route.cache_control);
    if (file.compressible) response.set(http::field::vary, "Accept-Encoding");
  };
  if (!if_none_match.empty() && etag_matches(if_none_match, chosen.etag)) {
    http_response response{http::status::not_modified, request.version()};
    caching(response);
    add_common_headers(response, route.viewer_page);
    response.keep_alive(request.keep_alive());
    return response;
  }
  // The body is copied from memory; nothing is read or compressed per request.
  auto response = make_response(request, http::status::ok, file.content_type, chosen.body);
  if (route.viewer_page) add_common_headers(response, true);
  caching(response);
  if (coding == content_coding::br) response.set(http::field::content_encoding, "br");
  if (coding == content_coding::gzip) response.set(http::field::content_encoding, "gzip");
  if (request.method() == http::verb::head) response.body().clear();
  return response;
}

// POST /api/events/{id}/posts: one JSON post or NDJSON, with an ingest token.
void ingest_posts(shard& home, std::size_t event, const http_request& request, http_reply reply) {
  shard_services& owner = home.owner();
  if (request.method() != http::verb::post) return reply(method_not_allowed(request, "POST"));
  std::string_view header(request[http::field::authorization].data(),
                          request[http::field::authorization].size());
  constexpr std::string_view bearer = "Bearer ";
  if (!header.starts_with(bearer))
    return reply(json_error(request, http::status::unauthorized, "unauthorized",
                            "Authorization: Bearer <ingest token> required"));
  auto verdict = owner.check_token(header.substr(bearer.size()), owner.event_id(event));
  if (!verdict.ok)
    return reply(
        json_error(request, http::status::unauthorized, "unauthorized", "invalid token: " + verdict.why));
  if (verdict.claims.role != session::role::ingest)
    return reply(json_error(request, http::status::forbidden, "forbidden", "ingest token required"));
  auto shared_request = std::make_shared<http_request>(request);
  std::string body = request.body();
  owner.ingest().ingest_body(event, std::move(body),
                             [&home, shared_request, reply = std::move(reply)](ingest_tally tally) {
                               net::post(home.context(), [shared_request, reply, tally] {
                                 boost::json::object counts{{"accepted", tally.accepted},
                                                            {"duplicate", tally.duplicate},
                                                            {"rejected", tally.rejected},
                                                            {"invalid", tally.invalid}};
                                 reply(json_response(*shared_request, counts, http::status::accepted));
                               });
                             });
}

}  // namespace

std::string render_metrics(server& owner) {
  return metrics_text(owner) + owner.ingest().metrics_text();
}

stream_sources stream_sources_of(const std::vector<session::event_definition>& events) {
  stream_sources out;
  for (const auto& event : events) {
    if (!event.stream) continue;
    if (event.stream->kind == "youtube") out.youtube = true;
    if (event.stream->kind != "hls") continue;
    // The parser admits only plain origins (scheme, host, port): nothing a policy would misread.
    std::string origin = session::url_origin(event.stream->url);
    if (!origin.empty() &&
        std::find(out.media_origins.begin(), out.media_origins.end(), origin) == out.media_origins.end())
      out.media_origins.push_back(std::move(origin));
  }
  return out;
}

std::string content_security_policy_for(const std::vector<std::string>& allowed_origins,
                                        const std::vector<std::string>& frame_ancestors,
                                        const stream_sources& streams) {
  // 'self' covers ws:// and wss:// to the page's own host and port; other origins are named
  // one by one, so a page can open WebSockets to this server and the configured ones only.
  std::string connect = "'self'";
  for (const auto& origin : allowed_origins) {
    if (origin == "*" || origin.find_first_of(" ;,'\"") != std::string::npos) continue;
    connect += " " + origin;
    if (origin.starts_with("https://"))
      connect += " wss://" + origin.substr(8);
    else if (origin.starts_with("http://"))
      connect += " ws://" + origin.substr(7);
  }
  // A player: hls.js fetches the stream (connect-src) into a MediaSource (blob:); the
  // browser's own HLS reads it as media. YouTube plays in its privacy-enhanced frame.
  std::string player;
  if (!streams.media_origins.empty()) {
    std::string media = "'self' blob:";
    for (const auto& origin : streams.media_origins) {
      connect += " " + origin;
      media += " " + origin;
    }
    player += "; media-src " + media;
  }
  if (streams.youtube) player += "; frame-src https://www.youtube-nocookie.com";
  // The origins were checked when the flags were read (is_embed_origin in cli.cpp).
  std::string ancestors;
  for (const auto& origin : frame_ancestors) ancestors += (ancestors.empty() ? "" : " ") + origin;
  if (ancestors.empty()) ancestors = "'none'";
  return "default-src 'self'; connect-src " + connect + player +
         "; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors " + ancestors +
         "; base-uri 'none'; form-action 'self'";
}

void set_content_security_policy(std::string policy, std::string viewer_policy) {
  content_security_policy = std::move(policy);
  viewer_page_policy = std::move(viewer_policy);
}

void add_common_headers(http_response& response, bool viewer_page) {
  bool framable = viewer_page && !viewer_page_policy.empty();
  response.set(http::field::server, "companion");
  response.set("Content-Security-Policy", framable ? viewer_page_policy : content_security_policy);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  // X-Frame-Options cannot name sites; frame-ancestors supersedes it where both are known.
  if (framable)
    response.erase("X-Frame-Options");
  else
    response.set("X-Frame-Options", "DENY");
}

http_response json_error(const http_request& request, http::status status, std::string_view code,
                         std::string_view message) {
  boost::json::object body{{"error", boost::json::object{{"code", code}, {"message", message}}}};
  return json_response(request, body, status);
}

void handle_http(shard& home, const http_request& request, const std::string& address, http_reply reply) {
  shard_services& owner = home.owner();
  std::string_view target(request.target().data(), request.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  bool reading = request.method() == http::verb::get || request.method() == http::verb::head;

  if (path == "/healthz") {
    if (!reading) return reply(method_not_allowed(request, "GET, HEAD"));
    if (owner.draining())
      return reply(json_response(request, boost::json::object{{"status", "draining"}},
                                 http::status::service_unavailable));
    return reply(json_response(request, boost::json::object{{"status", "ok"}}));
  }
  if (path == "/metrics") {
    if (!reading) return reply(method_not_allowed(request, "GET, HEAD"));
    if (!owner.metrics_allowed(address)) {
      server_metrics::add(owner.metrics().metrics_refusals);
      return reply(json_error(request, http::status::forbidden, "forbidden",
                              "/metrics is limited to the addresses of --metrics-allow"));
    }
    auto response =
        make_response(request, http::status::ok, "text/plain; version=0.0.4", owner.metrics_page());
    response.set(http::field::cache_control, "no-store");
    return reply(std::move(response));
  }
  if (path == "/api/events") {
    if (!reading) return reply(method_not_allowed(request, "GET, HEAD"));
    boost::json::array events;
    for (std::size_t i = 0; i < owner.event_count(); ++i) {
      const auto& state = home.replica(i).state();
      events.push_back(boost::json::object{{"id", owner.event_id(i)},
                                           {"title", state.at("event").at("title")},
                                           {"status", state.at("agenda").at("status")}});
    }
    return reply(json_response(request, events));
  }
  std::string_view event_id, rest;
  if (split_event_path(path, event_id, rest)) {
    std::size_t event = owner.event_index(event_id);
    if (event == server::npos)
      return reply(json_error(request, http::status::not_found, "not_found", "no such event"));
    if (rest == "posts") return ingest_posts(home, event, request, std::move(reply));
    if (!reading) return reply(method_not_allowed(request, "GET, HEAD"));
    if (rest == "state") {
      auto response = json_response(request, home.replica(event).state());
      response.set("X-Companion-Seq", std::to_string(home.replica(event).seq()));
      return reply(std::move(response));
    }
    if (rest == "chapters.vtt")
      return reply(make_response(request, http::status::ok, "text/vtt; charset=utf-8",
                                 chapters_vtt(home.replica(event).state())));
    if (rest == "sources") {
      std::string error;
      if (!staff_authorized(owner, request, owner.event_id(event), error))
        return reply(json_error(request, http::status::unauthorized, "unauthorized", error));
      return reply(json_response(request, owner.ingest().sources_status(event)));
    }
    if (rest == "questions.csv" || rest == "audit.csv" || rest == "polls.csv") {
      std::string error;
      if (!staff_authorized(owner, request, owner.event_id(event), error))
        return reply(json_error(request, http::status::unauthorized, "unauthorized", error));
      bool questions = rest == "questions.csv";
      // audit.csv?epoch=E: the decisions of an earlier epoch (a rehearsal before its reset).
      std::string epoch;
      if (auto query = target.find('?'); query != std::string_view::npos) {
        for (std::string_view rest_of = target.substr(query + 1); !rest_of.empty();) {
          std::string_view pair = rest_of.substr(0, rest_of.find('&'));
          rest_of.remove_prefix(std::min(rest_of.size(), pair.size() + 1));
          if (!pair.starts_with("epoch=")) continue;
          epoch = std::string(pair.substr(6));
          bool valid = !epoch.empty() && epoch.size() <= 32;
          for (char c : epoch) valid = valid && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));
          if (!valid)
            return reply(json_error(request, http::status::bad_request, "bad_request",
                                    "epoch must be 1 to 32 lowercase letters and digits"));
        }
      }
      bool polls = rest == "polls.csv";
      auto shared_request = std::make_shared<http_request>(request);
      auto answer = [&home, shared_request, reply = std::move(reply),
                     file_name = owner.event_id(event) + "-" + std::string(rest)](std::string body) {
        // Built off the shards; the answer comes back to this one.
        net::post(home.context(), [shared_request, reply, body = std::move(body), file_name]() mutable {
          auto response =
              make_response(*shared_request, http::status::ok, "text/csv; charset=utf-8", std::move(body));
          response.set(http::field::content_disposition, "attachment; filename=\"" + file_name + "\"");
          response.set(http::field::cache_control, "no-store");
          reply(std::move(response));
        });
      };
      if (questions) {
        // Every question is in the engine's memory, on its thread.
        owner.engines().with_engine(event, [answer = std::move(answer)](session::event_engine& engine) {
          answer(questions_csv(engine));
        });
        return;
      }
      if (polls) {
        // Polls and their counts are in the engine's memory too.
        owner.engines().with_engine(event, [answer = std::move(answer)](session::event_engine& engine) {
          answer(polls_csv(engine));
        });
        return;
      }
      // The audit covers the whole event: it is rebuilt from the journal on the export
      // thread, one export at a time, never on a shard or the engine thread.
      if (!owner.try_start_export()) {
        server_metrics::add(owner.metrics().export_refusals);
        return reply(json_error(request, http::status::service_unavailable, "rate_limited",
                                "an export is being prepared; retry in a few seconds"));
      }
      net::post(owner.exports(), [&owner, event, epoch, answer = std::move(answer)] {
        std::string why, body;
        append_csv_row(body, {"at", "who", "action", "kind", "item", "author", "text", "rule", "reason"});
        if (!owner.engines().export_audit(
                event, [&body](const session::audit_entry& entry) { append_audit_row(body, entry); }, why,
                epoch)) {
          log_event("export_failed", {{"event", owner.event_id(event)}, {"why", why}});
          body.clear();
        }
        owner.finish_export();
        answer(std::move(body));
      });
      return;
    }
    return reply(json_error(request, http::status::not_found, "not_found", "no such resource"));
  }
  if (!reading) return reply(method_not_allowed(request, "GET, HEAD"));
  if (static_route route = owner.site().find(path); route.file) return reply(static_response(request, route));
  reply(json_error(request, http::status::not_found, "not_found", "no such page"));
}

}  // namespace companion::gateway

#include "gateway/cli.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "gateway/protocol/client_address.hpp"
#include "gateway/protocol/jwt.hpp"
#include "gateway/store/redis_url.hpp"

#ifndef COMPANION_WEB_ROOT
#define COMPANION_WEB_ROOT "web-client"
#endif

namespace companion::gateway {

const char* const main_help =
    "companion: a second-screen server for livestreamed events\n"
    "\n"
    "usage:\n"
    "  companion serve [options]      run the server (companion serve --help)\n"
    "  companion token --role ROLE    print a staff or ingest token (companion token --help)\n"
    "  companion tokens revoke        refuse every token issued until now (companion tokens --help)\n"
    "  companion journal upgrade      start a new epoch from a journal this build cannot replay\n"
    "                                 as it is (companion journal --help)\n"
    "  companion --help               this text\n";

const char* const serve_help =
    "usage: companion serve [options]\n"
    "  --listen ADDR:PORT          where to listen (default 127.0.0.1:8080; port 0 picks a free port)\n"
    "  --data DIR                  data folder: journal database and secret (default ./data)\n"
    "  --event FILE                an event file; repeat for more events, the first is the default\n"
    "  --threads N                 I/O threads (default: one per core)\n"
    "  --secret-file F             token signing secret (else COMPANION_SECRET, else DIR/secret)\n"
    "  --web DIR                   the web client folder (default: the bundled one)\n"
    "  --max-connections-per-ip N  WebSockets per client address, 0 for no cap (default 5000)\n"
    "  --allow-origin ORIGIN       an Origin allowed for staff connections; repeatable, '*' for any\n"
    "  --embed-origin ORIGIN       a site whose pages may frame the viewer page (https://host[:port]); "
    "repeatable\n"
    "                              (default: the server's own origin)\n"
    "  --trust-proxy CIDR[,CIDR...] proxies whose X-Forwarded-For or PROXY v2 header names the client\n"
    "                              (e.g. 127.0.0.1/32,10.0.0.0/8); repeatable (default: none)\n"
    "  --metrics-allow CIDR        only these addresses may read /metrics; repeatable (default: anyone)\n"
    "  --max-unauthenticated N     connections allowed to wait for hello at once (default 20000)\n"
    "  --max-unauthenticated-per-ip N  ... from one address (default 2000)\n"
    "  --max-http-connections N    HTTP connections at once, before any upgrade (default 10000)\n"
    "  --max-http-connections-per-ip N  ... from one address, IPv6 by /64 (default 1000)\n"
    "  --max-questions N           questions one event takes; the next ask is conflict (default 20000)\n"
    "  --page-scan-limit N         items one filtered or searched queue.page looks at (default 5000)\n"
    "  --max-polls N               polls one event takes, drafts included; the next poll.create is conflict "
    "(default 200)\n"
    "  --max-posts N               posts one event keeps; the oldest settled go first (default 100000)\n"
    "  --max-vote-changes N        votes and unvotes of one viewer on one question (default 4)\n"
    "  --new-viewers-per-minute N  new viewer ids per address after a burst of 1000 (default 300)\n"
    "  --resume-window N           changes kept per event for resuming clients (default 4096)\n"
    "  --snapshot-records N        journal records between two state snapshots of an event: a start\n"
    "                              replays at most this many (default 20000)\n"
    "  --snapshot-seconds S        ... or this long after the last one while records come (default 600)\n"
    "  --questions-per-minute N    questions one connection may ask a minute (default 3)\n"
    "  --ip-questions-per-minute N questions one client address may ask a minute (default 600)\n"
    "  --ping-interval SECONDS     WebSocket ping period (default 20)\n"
    "  --idle-timeout SECONDS      close a WebSocket silent this long (default 60)\n"
    "  --token-leeway SECONDS      clock skew allowed on token expiry (default 30)\n"
    "  --token-chain-limit DURATION  token.refresh chains end this long after their first token\n"
    "                              (default 24h)\n"
    "  --tls-cert FILE             PEM certificate chain: serve https:// and wss:// (needs --tls-key)\n"
    "  --tls-key FILE              PEM private key of --tls-cert\n"
    "  --replay FILE               replay an NDJSON file of posts into the default event\n"
    "  --replay-speed X            replay pace: 1 real time, 10 ten times faster, 0 as fast as possible\n"
    "  --rehearsal                 rehearse the default event: its schedule begins a minute after the\n"
    "                              start (the event file is not edited) and the replay follows it\n"
    "  --rehearsal-lead DURATION   how long after the start a rehearsal begins (default 1m)\n"
    "  --autopilot X               the default event's agenda moves on its own, X times faster than\n"
    "                              planned (1: as planned), from its start time\n"
    "  --jetstream URL             follow Bluesky Jetstream into the default event\n"
    "                              (e.g. wss://jetstream2.us-east.bsky.network/subscribe)\n"
    "  --mastodon URL              follow the event hashtags on a Mastodon server (e.g. "
    "https://mastodon.social)\n"
    "  --mastodon-token T          its user access token (else the event file's token_env variable)\n"
    "  --did-resolver URL          where Bluesky handles are looked up (default the public profile API;\n"
    "                              'off' for none)\n"
    "  --no-fsync                  commit without syncing to disk (faster; survives a crash of the\n"
    "                              server but not of the machine)\n"
    "  --store redis://HOST:PORT[/DB]  keep the journal in Redis (a stream per event) instead of\n"
    "                              SQLite in the data folder; password from COMPANION_REDIS_PASSWORD\n"
    "  --role all|engine           engine: hold the engine lease in Redis before serving, stand by\n"
    "                              while another engine holds it (needs --store; default all)\n"
    "  --lease-ttl MS              an engine that stops renewing its lease is replaced after this\n"
    "                              (default 3000)\n"
    "  --log-format text|json      structured log lines on stderr (default text)\n"
    "  --log-level info|debug      debug logs every connection's hello, refusal and slow-consumer\n"
    "                              close; info (default) the first of each kind per second\n"
    "  --log-queue-bytes N         log text held for a slow stderr before lines are dropped\n"
    "                              (default 1048576; drops counted on /metrics)\n"
    "  --quiet                     no log lines\n"
    "  --producer-subject NAME     who the producer console link printed at start is signed as\n"
    "                              (default producer-console)\n"
    "  --moderator-subject NAME    ... and the moderator console link (default moderator-console)\n"
    "  --help                      this text\n";

const char* const token_help =
    "usage: companion token --role producer|moderator|ingest [options]\n"
    "  --event ID         the event the token is for; '*' for every event (default: the event of\n"
    "                     --event-file)\n"
    "  --event-file FILE  the event file naming the default event (default: the bundled event)\n"
    "  --ttl DURATION     lifetime: 8h, 30m, 90s, 2d (default 8h)\n"
    "  --subject NAME     who holds it, shown in audit logs (default staff)\n"
    "  --data DIR         data folder holding the secret (default ./data)\n"
    "  --secret-file F    token signing secret (else COMPANION_SECRET, else DIR/secret)\n"
    "  --help             this text\n";

const char* const tokens_help =
    "usage: companion tokens revoke [options]\n"
    "  Every staff and ingest token issued until now is refused from now on: a running server\n"
    "  closes the staff connections holding one (4001) within a second, and the setting\n"
    "  survives restarts. Tokens made after this command returns work.\n"
    "  --data DIR         data folder of the server (default ./data)\n"
    "  --help             this text\n";

const char* const journal_help =
    "usage: companion journal upgrade --event ID [options]\n"
    "  The server refuses to start on a journal holding records it cannot replay as they were\n"
    "  written: a newer format version (after going back to an older build) or a kind it has\n"
    "  no rules for. Replaying around them would rebuild a different history under the same\n"
    "  epoch. With the server stopped, this starts a new epoch for the event from what this\n"
    "  build reads: records it replays are kept as they are; records of a newer format are\n"
    "  read by this build's rules; records it has no rules for are left out. The old journal\n"
    "  stays in the database (table journal_archive). Clients holding the old epoch get a\n"
    "  fresh snapshot when they resume. A journal this build replays as it is is left alone.\n"
    "  --event ID         the event whose journal to upgrade (required)\n"
    "  --data DIR         data folder of the server (default ./data)\n"
    "  --help             this text\n";

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t unit = 1000;
  switch (text.back()) {
    case 's':
      unit = 1000;
      text.remove_suffix(1);
      break;
    case 'm':
      unit = 60'000;
      text.remove_suffix(1);
      break;
    case 'h':
      unit = 3'600'000;
      text.remove_suffix(1);
      break;
    case 'd':
      unit = 86'400'000;
      text.remove_suffix(1);
      break;
    default:
      break;
  }
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0 ||
      value > 366LL * 86'400'000 / unit)
    return std::nullopt;
  return value * unit;
}

bool parse_listen(std::string_view text, std::string& address, std::uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view host = text.substr(0, colon), port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (host.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || value > 65535)
    return false;
  address = host;
  port = static_cast<std::uint16_t>(value);
  return true;
}

namespace {

// Walks "--flag value" pairs; `take` fetches the value or reports it missing.
struct arg_cursor {
  const std::vector<std::string>& args;
  std::size_t i = 0;
  std::string error;
  bool take(std::string& value) {
    if (i + 1 >= args.size()) {
      error = args[i] + " needs a value";
      return false;
    }
    value = args[++i];
    return true;
  }
};

// An origin as a CSP source names it: http or https, a host (a name, "*." and a name, an
// IPv4 address or a bracketed IPv6 one), an optional port, and nothing after it. Anything
// else could widen or break the policy it is written into.
bool is_embed_origin(std::string_view text) {
  std::string_view rest;
  if (text.starts_with("https://"))
    rest = text.substr(8);
  else if (text.starts_with("http://"))
    rest = text.substr(7);
  else
    return false;
  if (rest.starts_with("*.")) rest.remove_prefix(2);
  std::size_t host_end = 0;
  if (rest.starts_with("[")) {
    host_end = rest.find(']');
    if (host_end == std::string_view::npos || host_end < 2) return false;
    for (char c : rest.substr(1, host_end - 1))
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
    ++host_end;
  } else {
    while (host_end < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[host_end])) ||
                                      rest[host_end] == '.' || rest[host_end] == '-'))
      ++host_end;
    if (host_end == 0) return false;
  }
  std::string_view port = rest.substr(host_end);
  if (port.empty()) return true;
  if (port.front() != ':' || port.size() < 2 || port.size() > 6) return false;
  return std::all_of(port.begin() + 1, port.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool parse_count(const std::string& text, std::size_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Limits that take a count above zero, each named once: its flag and its field.
std::size_t server_config::*positive_count_flag(std::string_view flag) {
  static constexpr std::pair<std::string_view, std::size_t server_config::*> flags[]{
      {"--max-unauthenticated", &server_config::max_unauthenticated},
      {"--max-unauthenticated-per-ip", &server_config::max_unauthenticated_per_ip},
      {"--max-http-connections", &server_config::max_http_connections},
      {"--max-http-connections-per-ip", &server_config::max_http_connections_per_ip},
      {"--max-questions", &server_config::max_questions},
      {"--page-scan-limit", &server_config::max_page_scan},
      {"--max-posts", &server_config::max_posts},
      {"--max-polls", &server_config::max_polls},
      {"--max-vote-changes", &server_config::max_vote_changes},
      {"--snapshot-records", &server_config::snapshot_records},
  };
  for (const auto& [name, field] : flags)
    if (name == flag) return field;
  return nullptr;
}

}  // namespace

std::string parse_serve_args(const std::vector<std::string>& args, serve_request& out) {
  out.config.web_root = COMPANION_WEB_ROOT;
  arg_cursor cursor{args};
  for (; cursor.i < args.size(); ++cursor.i) {
    const std::string& flag = args[cursor.i];
    std::string value;
    if (flag == "--listen") {
      if (!cursor.take(value)) return cursor.error;
      if (!parse_listen(value, out.config.listen_address, out.config.listen_port))
        return "--listen wants ADDR:PORT, got '" + value + "'";
    } else if (flag == "--data") {
      if (!cursor.take(value)) return cursor.error;
      out.config.data_dir = value;
    } else if (flag == "--event") {
      if (!cursor.take(value)) return cursor.error;
      out.config.event_files.emplace_back(value);
    } else if (flag == "--threads") {
      if (!cursor.take(value)) return cursor.error;
      std::size_t threads = 0;
      if (!parse_count(value, threads) || threads == 0 || threads > 64) return "--threads wants 1..64";
      out.config.io_threads = static_cast<unsigned>(threads);
    } else if (flag == "--secret-file") {
      if (!cursor.take(value)) return cursor.error;
      out.secret_file = value;
    } else if (flag == "--web") {
      if (!cursor.take(value)) return cursor.error;
      out.config.web_root = value;
    } else if (flag == "--trust-proxy") {
      if (!cursor.take(value)) return cursor.error;
      std::string error;
      if (!out.config.trust_proxy.add_list(value, error)) return "--trust-proxy: " + error;
    } else if (flag == "--max-connections-per-ip") {
      if (!cursor.take(value)) return cursor.error;
      if (!parse_count(value, out.config.max_connections_per_ip))
        return "--max-connections-per-ip wants a number";
    } else if (std::size_t server_config::*count = positive_count_flag(flag)) {
      if (!cursor.take(value)) return cursor.error;
      if (!parse_count(value, out.config.*count) || out.config.*count == 0)
        return flag + " wants a positive number";
    } else if (flag == "--new-viewers-per-minute") {
      if (!cursor.take(value)) return cursor.error;
      std::size_t rate = 0;
      if (!parse_count(value, rate) || rate == 0) return "--new-viewers-per-minute wants a positive number";
      out.config.ip_new_viewers_per_minute = static_cast<double>(rate);
    } else if (flag == "--snapshot-seconds") {
      if (!cursor.take(value)) return cursor.error;
      std::size_t seconds = 0;
      if (!parse_count(value, seconds) || seconds == 0 || seconds > 86400)
        return "--snapshot-seconds wants 1..86400 seconds";
      out.config.snapshot_interval = std::chrono::seconds(seconds);
    } else if (flag == "--resume-window") {
      if (!cursor.take(value)) return cursor.error;
      if (!parse_count(value, out.config.resume_window_changes) || out.config.resume_window_changes == 0)
        return "--resume-window wants a positive number";
    } else if (flag == "--questions-per-minute" || flag == "--ip-questions-per-minute") {
      if (!cursor.take(value)) return cursor.error;
      std::size_t rate = 0;
      if (!parse_count(value, rate) || rate == 0 || rate > 1'000'000) return flag + " wants 1..1000000";
      (flag == "--questions-per-minute" ? out.config.questions_per_minute
                                        : out.config.ip_questions_per_minute) = static_cast<double>(rate);
    } else if (flag == "--ping-interval" || flag == "--idle-timeout") {
      if (!cursor.take(value)) return cursor.error;
      std::size_t seconds = 0;
      if (!parse_count(value, seconds) || seconds == 0 || seconds > 3600)
        return flag + " wants 1..3600 seconds";
      (flag == "--ping-interval" ? out.config.ping_interval : out.config.idle_timeout) =
          std::chrono::seconds(seconds);
    } else if (flag == "--token-leeway") {
      if (!cursor.take(value)) return cursor.error;
      std::size_t seconds = 0;
      if (!parse_count(value, seconds) || seconds > 3600) return "--token-leeway wants 0..3600 seconds";
      out.config.token_leeway_ms = static_cast<std::int64_t>(seconds) * 1000;
    } else if (flag == "--token-chain-limit") {
      if (!cursor.take(value)) return cursor.error;
      auto limit = parse_duration_ms(value);
      if (!limit) return "--token-chain-limit wants a duration such as 24h, 90m or 30s";
      out.config.token_chain_limit_ms = *limit;
    } else if (flag == "--tls-cert") {
      if (!cursor.take(value)) return cursor.error;
      out.config.tls_cert = value;
    } else if (flag == "--tls-key") {
      if (!cursor.take(value)) return cursor.error;
      out.config.tls_key = value;
    } else if (flag == "--allow-origin") {
      if (!cursor.take(value)) return cursor.error;
      out.config.allowed_origins.push_back(value);
    } else if (flag == "--embed-origin") {
      if (!cursor.take(value)) return cursor.error;
      if (!is_embed_origin(value))
        return "--embed-origin wants an origin such as https://example.org or http://127.0.0.2:8080, got '" +
               value + "'";
      out.config.embed_origins.push_back(value);
    } else if (flag == "--metrics-allow") {
      if (!cursor.take(value)) return cursor.error;
      if (!parse_cidr(value)) return "--metrics-allow wants an address or CIDR block, got '" + value + "'";
      out.config.metrics_allow.push_back(value);
    } else if (flag == "--replay") {
      if (!cursor.take(value)) return cursor.error;
      out.sources.replay_file = value;
    } else if (flag == "--replay-speed") {
      if (!cursor.take(value)) return cursor.error;
      char* end = nullptr;
      double speed = std::strtod(value.c_str(), &end);
      if (end == value.c_str() || *end != '\0' || speed < 0 || speed > 10000)
        return "--replay-speed wants a number from 0 (as fast as possible) to 10000";
      out.sources.replay_speed = speed;
    } else if (flag == "--rehearsal") {
      if (!out.rehearsal_lead_ms) out.rehearsal_lead_ms = 60'000;
    } else if (flag == "--rehearsal-lead") {
      if (!cursor.take(value)) return cursor.error;
      auto lead = parse_duration_ms(value);
      if (!lead || *lead < 0) return "--rehearsal-lead wants a duration such as 1m or 30s";
      out.rehearsal_lead_ms = *lead;
    } else if (flag == "--autopilot") {
      if (!cursor.take(value)) return cursor.error;
      char* end = nullptr;
      double speed = std::strtod(value.c_str(), &end);
      if (end == value.c_str() || *end != '\0' || !(speed > 0) || speed > 1000)
        return "--autopilot wants a pace above 0 and up to 1000 (1: as planned, 6: six times faster)";
      out.config.autopilot_speed = speed;
    } else if (flag == "--jetstream") {
      if (!cursor.take(value)) return cursor.error;
      out.sources.jetstream_url = value;
    } else if (flag == "--mastodon") {
      if (!cursor.take(value)) return cursor.error;
      out.sources.mastodon_url = value;
    } else if (flag == "--mastodon-token") {
      if (!cursor.take(value)) return cursor.error;
      out.sources.mastodon_token = value;
    } else if (flag == "--did-resolver") {
      if (!cursor.take(value)) return cursor.error;
      out.sources.did_resolver_url = value == "off" ? std::string() : value;
    } else if (flag == "--no-fsync") {
      out.config.synchronous_full = false;
    } else if (flag == "--store") {
      if (!cursor.take(value)) return cursor.error;
      std::string error;
      if (!parse_redis_url(value, error)) return "--store " + error;
      out.config.store_url = value;
    } else if (flag == "--role") {
      if (!cursor.take(value)) return cursor.error;
      if (value == "all")
        out.config.role = server_config::node_role::all;
      else if (value == "engine")
        out.config.role = server_config::node_role::engine;
      else if (value == "gateway")
        return "--role gateway is not in this build yet: run --role engine (with a standby) or all";
      else
        return "--role wants all, engine or gateway, got '" + value + "'";
    } else if (flag == "--lease-ttl") {
      if (!cursor.take(value)) return cursor.error;
      std::size_t ms = 0;
      if (!parse_count(value, ms) || ms < 500 || ms > 60'000)
        return "--lease-ttl wants 500..60000 milliseconds";
      out.config.lease_ttl = std::chrono::milliseconds(ms);
    } else if (flag == "--log-format") {
      if (!cursor.take(value)) return cursor.error;
      if (value != "text" && value != "json") return "--log-format wants text or json";
      out.json_logs = value == "json";
    } else if (flag == "--log-level") {
      if (!cursor.take(value)) return cursor.error;
      if (value != "info" && value != "debug") return "--log-level wants info or debug";
      out.debug_logs = value == "debug";
    } else if (flag == "--log-queue-bytes") {
      if (!cursor.take(value)) return cursor.error;
      if (!parse_count(value, out.config.log_queue_bytes) || out.config.log_queue_bytes < 4096)
        return "--log-queue-bytes wants a number of bytes, at least 4096";
    } else if (flag == "--quiet") {
      out.quiet = true;
    } else if (flag == "--producer-subject" || flag == "--moderator-subject") {
      if (!cursor.take(value)) return cursor.error;
      if (value.empty()) return flag + " wants a name";
      (flag == "--producer-subject" ? out.producer_subject : out.moderator_subject) = value;
    } else {
      return "unknown option '" + flag + "' (see companion serve --help)";
    }
  }
  if (out.config.tls_cert.empty() != out.config.tls_key.empty())
    return "--tls-cert and --tls-key go together";
  if (out.config.role == server_config::node_role::engine && out.config.store_url.empty())
    return "--role engine wants --store redis://HOST:PORT: the lease and the journal live in Redis";
  return {};
}

std::string parse_token_args(const std::vector<std::string>& args, token_request& out) {
  bool have_role = false;
  arg_cursor cursor{args};
  for (; cursor.i < args.size(); ++cursor.i) {
    const std::string& flag = args[cursor.i];
    std::string value;
    if (flag == "--role") {
      if (!cursor.take(value)) return cursor.error;
      auto parsed = session::parse_role(value);
      if (!parsed || *parsed == session::role::viewer) return "--role wants producer, moderator or ingest";
      out.role = *parsed;
      have_role = true;
    } else if (flag == "--event") {
      if (!cursor.take(value)) return cursor.error;
      out.event = value;
    } else if (flag == "--event-file") {
      if (!cursor.take(value)) return cursor.error;
      out.event_file = value;
    } else if (flag == "--ttl") {
      if (!cursor.take(value)) return cursor.error;
      auto ttl = parse_duration_ms(value);
      if (!ttl) return "--ttl wants a duration such as 8h, 30m or 90s";
      out.ttl_ms = *ttl;
    } else if (flag == "--subject") {
      if (!cursor.take(value)) return cursor.error;
      out.subject = value;
    } else if (flag == "--data") {
      if (!cursor.take(value)) return cursor.error;
      out.data_dir = value;
    } else if (flag == "--secret-file") {
      if (!cursor.take(value)) return cursor.error;
      out.secret_file = value;
    } else {
      return "unknown option '" + flag + "' (see companion token --help)";
    }
  }
  if (!have_role) return "--role is required (producer, moderator or ingest)";
  return {};
}

namespace {

// A secret others can read lets them forge staff tokens: refused, with what to do.
bool private_enough(const std::filesystem::path& path, std::string& error) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return true;  // missing: reported by the caller
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) == 0) return true;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
  error = "secret file " + path.string() + " is accessible by other users (mode " + mode +
          "); make it private with: chmod 600 " + path.string();
  return false;
}

}  // namespace

std::string parse_tokens_args(const std::vector<std::string>& args, std::filesystem::path& data_dir) {
  if (args.empty() || args.front() != "revoke")
    return "the only action is 'revoke' (see companion tokens --help)";
  arg_cursor cursor{args, 1};
  for (; cursor.i < args.size(); ++cursor.i) {
    const std::string& flag = args[cursor.i];
    std::string value;
    if (flag == "--data") {
      if (!cursor.take(value)) return cursor.error;
      data_dir = value;
    } else {
      return "unknown option '" + flag + "' (see companion tokens --help)";
    }
  }
  return {};
}

std::string parse_journal_args(const std::vector<std::string>& args, journal_request& out) {
  if (args.empty() || args.front() != "upgrade")
    return "the only action is 'upgrade' (see companion journal --help)";
  arg_cursor cursor{args, 1};
  for (; cursor.i < args.size(); ++cursor.i) {
    const std::string& flag = args[cursor.i];
    std::string value;
    if (flag == "--data") {
      if (!cursor.take(value)) return cursor.error;
      out.data_dir = value;
    } else if (flag == "--event") {
      if (!cursor.take(value)) return cursor.error;
      out.event = value;
    } else {
      return "unknown option '" + flag + "' (see companion journal --help)";
    }
  }
  if (out.event.empty()) return "name the event with --event ID";
  return {};
}

std::string load_secret(const std::optional<std::filesystem::path>& secret_file,
                        const std::filesystem::path& data_dir, std::string& error) {
  auto read_trimmed = [](const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
      text.pop_back();
    return text;
  };
  if (secret_file) {
    if (!private_enough(*secret_file, error)) return {};
    std::string secret = read_trimmed(*secret_file);
    if (secret.size() < 16)
      error = "secret file " + secret_file->string() + " is missing or shorter than 16 bytes";
    return secret;
  }
  if (const char* env = std::getenv("COMPANION_SECRET"); env && *env) {
    std::string secret = env;
    if (secret.size() < 16) error = "COMPANION_SECRET is shorter than 16 bytes";
    return secret;
  }
  std::filesystem::path path = data_dir / "secret";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    if (!private_enough(path, error)) return {};
    std::string secret = read_trimmed(path);
    if (secret.size() < 16) error = path.string() + " is shorter than 16 bytes";
    return secret;
  }
  std::filesystem::create_directories(data_dir, ec);
  std::string secret = generate_secret();
  // Created private from the start, so the secret is never readable by others.
  mode_t previous = ::umask(077);
  {
    std::ofstream out(path);
    out << secret << '\n';
    if (!out) error = "cannot write " + path.string();
  }
  ::umask(previous);
  ::chmod(path.c_str(), 0600);
  return secret;
}

}  // namespace companion::gateway
